import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { DatabaseInfo } from '../api/types.js';
import type { MonitoringReader } from '../database/MonitoringReader.js';
import { DashboardError, DashboardErrorCodes } from '../errors.js';
import { ApiErrorCodes, HttpError } from './HttpError.js';
import { intParam, taskQuery, timeParam } from './queryParams.js';
import { StaticAssets } from './staticAssets.js';

/** Security headers of every answer: no framing, no sniffing, scripts only from this server. */
const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const ANY_ADDRESS = new Set(['0.0.0.0', '::', '[::]']);

type Route = (reader: MonitoringReader, params: URLSearchParams, match: RegExpExecArray) => unknown;

const notFound = (what: string): never => {
  throw new HttpError(404, ApiErrorCodes.NotFound, what);
};

/** The API: a path pattern and what answers it. Run ids are URL-encoded path segments. */
const ROUTES: [RegExp, Route][] = [
  [/^\/api\/workflows$/, (reader) => reader.workflows()],
  [/^\/api\/workflows\/([^/]+)$/, (reader, _p, m) => reader.workflow(m[1]!) ?? notFound(`no workflow run ${m[1]!}`)],
  [/^\/api\/workflows\/([^/]+)\/states$/, (reader, p, m) => reader.states(m[1]!, {
    buckets: intParam(p, 'buckets', 1, 5000), from: timeParam(p, 'from'), to: timeParam(p, 'to'),
  }) ?? notFound(`no workflow run ${m[1]!}`)],
  [/^\/api\/workflows\/([^/]+)\/timeline$/, (reader, p, m) => reader.timeline(m[1]!, {
    from: timeParam(p, 'from'), to: timeParam(p, 'to'), maxBars: intParam(p, 'maxBars', 0, 20_000), buckets: intParam(p, 'buckets', 1, 2000),
  }) ?? notFound(`no workflow run ${m[1]!}`)],
  [/^\/api\/workflows\/([^/]+)\/tasks$/, (reader, p, m) => reader.tasks(m[1]!, taskQuery(p)) ?? notFound(`no workflow run ${m[1]!}`)],
  [/^\/api\/workflows\/([^/]+)\/tasks\/(\d{1,15})$/, (reader, _p, m) => reader.task(m[1]!, Number(m[2])) ?? notFound(`no task ${m[2]!} in workflow run ${m[1]!}`)],
  [/^\/api\/workflows\/([^/]+)\/resources$/, (reader, p, m) => reader.resources(m[1]!, intParam(p, 'maxPoints', 1, 50_000)) ?? notFound(`no workflow run ${m[1]!}`)],
];

/**
 * The dashboard's HTTP server: the JSON API under `/api/` and the single-page UI. Only GET and
 * HEAD; only requests addressed to this machine by name (`Host` must be the address it listens
 * on or a loopback name, which defeats DNS rebinding); every answer carries a strict
 * Content-Security-Policy.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const server = new DashboardServer(MonitoringReader.open('monitoring.db'), { version: '0.1.0' });
 * const url = await server.listen('127.0.0.1', 0);
 * await server.close();
 * ```
 */
export class DashboardServer {
  private readonly server: Server;
  private readonly assets = new StaticAssets();
  private readonly reader: MonitoringReader;
  private readonly version: string;
  private host = '127.0.0.1';
  private closed = false;
  private warmTimer: NodeJS.Immediate | undefined;
  private warmDone: (() => void) | undefined;

  constructor(reader: MonitoringReader, options: { version: string }) {
    this.reader = reader;
    this.version = options.version;
    this.server = createServer((req, res) => this.handle(req, res));
    // A browser's idle keep-alive connections must not hold close() up.
    this.server.keepAliveTimeout = 5_000;
  }

  /**
   * Listen on `host:port` (port 0: any free port) and return the URL to open. Throws
   * `PARSL_DASHBOARD_LISTEN` when the port is taken or the host is not an address of this machine.
   */
  listen(host: string, port: number): Promise<string> {
    this.host = host;
    return new Promise((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        this.server.off('listening', onListening);
        const hint = error.code === 'EADDRINUSE'
          ? `another program listens on port ${port}: choose another one with --port, or --port 0 for any free port`
          : error.code === 'EACCES'
            ? `ports below 1024 need privileges: choose a port from 1024 up with --port`
            : `${host} is not an address of this machine: use --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every interface)`;
        reject(new DashboardError(DashboardErrorCodes.Listen, `the dashboard cannot listen on ${host}:${port}: ${error.message}`, { hint, cause: error }));
      };
      const onListening = (): void => {
        this.server.off('error', onError);
        resolve(this.url);
      };
      this.server.once('error', onError);
      this.server.once('listening', onListening);
      this.server.listen(port, host);
    });
  }

  /**
   * Compute the newest run's heavy answers ahead of the first request, one step per turn of the
   * event loop so that requests arriving meanwhile are served between steps. Resolves when done
   * (or when the server is closed); a failing step is left for the request that needs it to report.
   */
  warmUp(): Promise<void> {
    return new Promise((resolve) => {
      this.warmDone = resolve;
      let steps: (() => void)[];
      try {
        steps = this.reader.warmUpSteps();
      } catch {
        resolve();
        return;
      }
      const next = (): void => {
        const step = steps.shift();
        if (!step || this.closed) {
          this.warmTimer = undefined;
          resolve();
          return;
        }
        try {
          step();
        } catch {
          // The request that needs this answer reports the error.
        }
        this.warmTimer = setImmediate(next);
      };
      this.warmTimer = setImmediate(next);
    });
  }

  /** The URL of the dashboard (for an any-address listener, through 127.0.0.1). */
  get url(): string {
    const address = this.server.address() as AddressInfo | null;
    if (!address) return '';
    const host = ANY_ADDRESS.has(this.host) ? '127.0.0.1' : address.family === 'IPv6' ? `[${address.address}]` : this.host;
    return `http://${host}:${address.port}/`;
  }

  /** The port listened on. */
  get port(): number {
    return (this.server.address() as AddressInfo | null)?.port ?? 0;
  }

  /** Stop listening, drop open connections and close the database. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.warmTimer) clearImmediate(this.warmTimer);
    this.warmDone?.();
    await new Promise<void>((resolve) => {
      if (!this.server.listening) {
        resolve();
        return;
      }
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    this.reader.close();
  }

  private hostAllowed(header: string | undefined): boolean {
    if (ANY_ADDRESS.has(this.host)) return true;
    if (header === undefined) return false;
    const name = header.startsWith('[') ? header.slice(0, header.indexOf(']') + 1) : header.replace(/:\d+$/, '');
    return LOOPBACK_NAMES.has(name.toLowerCase()) || name.toLowerCase() === this.host.toLowerCase() || name === `[${this.host}]`;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    let path: string;
    let params: URLSearchParams;
    try {
      const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
      path = url.pathname;
      params = url.searchParams;
      if (!this.hostAllowed(req.headers.host)) {
        throw new HttpError(403, ApiErrorCodes.ForbiddenHost, `requests for host ${JSON.stringify(req.headers.host ?? '')} are refused; open the dashboard as http://127.0.0.1:${this.port}/`);
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        throw new HttpError(405, ApiErrorCodes.MethodNotAllowed, `${req.method ?? '?'} is not allowed: the dashboard only reads`);
      }
    } catch (error) {
      this.sendError(req, res, error);
      return;
    }
    if (path.startsWith('/api/')) {
      this.api(req, res, path, params);
      return;
    }
    const asset = this.assets.get(path);
    if (!asset) {
      this.sendError(req, res, new HttpError(404, ApiErrorCodes.NotFound, `no such page: ${path}`));
      return;
    }
    res.setHeader('Content-Type', asset.type);
    res.setHeader('ETag', asset.etag);
    res.setHeader('Cache-Control', asset.maxAge > 0 ? `public, max-age=${asset.maxAge}` : 'no-cache');
    if (req.headers['if-none-match'] === asset.etag) {
      res.statusCode = 304;
      res.end();
      return;
    }
    this.send(req, res, 200, asset.body, asset.gzipped);
  }

  private api(req: IncomingMessage, res: ServerResponse, path: string, params: URLSearchParams): void {
    try {
      let body: unknown;
      if (path === '/api/info') {
        body = { database: this.reader.path, schemaVersion: this.reader.schemaVersion, dashboardVersion: this.version } satisfies DatabaseInfo;
      } else {
        const route = ROUTES.map(([pattern, handler]) => [pattern.exec(path), handler] as const).find(([m]) => m !== null);
        if (!route) throw new HttpError(404, ApiErrorCodes.NotFound, `no such API path: ${path}`);
        const [match, handler] = route;
        const decoded = match!.map((part, i) => (i === 0 || part === undefined ? part : decodeURIComponent(part))) as unknown as RegExpExecArray;
        body = handler(this.reader, params, decoded);
      }
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Cache-Control', 'no-store');
      this.sendJson(req, res, 200, body);
    } catch (error) {
      this.sendError(req, res, error);
    }
  }

  private sendError(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    let status = 500;
    let code: string = ApiErrorCodes.Internal;
    let message = error instanceof Error ? error.message : String(error);
    if (error instanceof HttpError) {
      status = error.status;
      code = error.code;
    } else if (error instanceof DashboardError) {
      code = error.code;
      message = `${error.message}${error.hint ? ` (${error.hint})` : ''}`;
    } else if (error instanceof URIError) {
      status = 400;
      code = ApiErrorCodes.BadRequest;
    }
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    this.sendJson(req, res, status, { code, message });
  }

  private sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
    const data = Buffer.from(JSON.stringify(body));
    // Large answers are compressed for browsers on other machines (--host 0.0.0.0); at level 1 that
    // costs about a millisecond per 100 KB.
    this.send(req, res, status, data, data.length > 65_536 ? gzipSync(data, { level: 1 }) : undefined);
  }

  private send(req: IncomingMessage, res: ServerResponse, status: number, body: Buffer, gzipped: Buffer | undefined): void {
    res.statusCode = status;
    res.setHeader('Vary', 'Accept-Encoding');
    const useGzip = gzipped !== undefined && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (useGzip) res.setHeader('Content-Encoding', 'gzip');
    const payload = useGzip ? gzipped : body;
    res.setHeader('Content-Length', payload.length);
    res.end(req.method === 'HEAD' ? undefined : payload);
  }
}
