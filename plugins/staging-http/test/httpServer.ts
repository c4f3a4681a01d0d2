import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the test server saw. */
export interface SeenRequest { readonly path: string; readonly headers: IncomingHttpHeaders; readonly time: number }

/**
 * A real HTTP server (node:http) on 127.0.0.1 with the answers the tests need:
 * - `/files/<name>`: the bytes registered with `put(name, bytes)` (chunked, 64 KiB at a time);
 * - `/redirect/<name>`: a 302 to `/files/<name>`;
 * - `/private/<name>`: like `/files`, but 403 without `Authorization: Bearer let-me-in`;
 * - `/basic/<name>`: like `/files`, but 401 without HTTP Basic `alice:s3cret`;
 * - `/stall`: headers, one byte, then nothing (for idle timeouts);
 * - anything else: 404.
 */
export class TestHttpServer {
  readonly requests: SeenRequest[] = [];
  private readonly files = new Map<string, Buffer>();
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  private port = 0;

  put(name: string, bytes: Buffer | string): string {
    this.files.set(name, Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes));
    return this.url(`/files/${name}`);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const path = req.url ?? '/';
      this.requests.push({ path, headers: req.headers, time: Date.now() });
      const [, area, name] = /^\/([^/]+)\/?(.*)$/.exec(path) ?? [];
      if (area === 'files') return this.send(res, name!);
      if (area === 'redirect') {
        res.writeHead(302, { location: `/files/${name}` }).end();
        return undefined;
      }
      if (area === 'private') {
        if (req.headers.authorization !== 'Bearer let-me-in') {
          res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden');
          return undefined;
        }
        return this.send(res, name!);
      }
      if (area === 'basic') {
        if (req.headers.authorization !== `Basic ${Buffer.from('alice:s3cret').toString('base64')}`) {
          res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end('who are you?');
          return undefined;
        }
        return this.send(res, name!);
      }
      if (area === 'stall') {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.write('x');
        return undefined; // never ends: the client must give up on its own
      }
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return undefined;
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private send(res: ServerResponse, name: string): void {
    const bytes = this.files.get(decodeURIComponent(name));
    if (bytes === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    for (let offset = 0; offset < bytes.length; offset += 65536) res.write(bytes.subarray(offset, offset + 65536));
    res.end();
  }
}

/** A URL on 127.0.0.1 where nothing listens (a port just closed). */
export async function refusedUrl(path = '/x'): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${path}`;
}

/** `size` random bytes. */
export function randomData(size: number): Buffer {
  return randomBytes(size);
}
