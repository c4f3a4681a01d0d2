import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Packr } from 'msgpackr';

/** Bytes of the length prefix in front of every frame (unsigned 32-bit, little-endian). */
const HEADER_BYTES = 4;
/** The largest body a 4-byte length can announce. */
const MAX_BODY_BYTES = 0xffff_ffff;

/** What a {@link FramePipe} calls as frames arrive and when it ends. */
export interface FramePipeHandlers<In> {
  /** One decoded message, in the order sent. */
  readonly onMessage: (message: In) => void;
  /** The peer closed its end, or the link broke (called once). */
  readonly onClose: () => void;
  /** A frame that does not decode: the link is closed right after (the peer is broken). */
  readonly onGarbage?: (error: unknown) => void;
}

/**
 * Messages as length-prefixed msgpack frames over a local stream: the executor↔interchange and
 * manager↔worker links, each a socket pair on the child's descriptor 3.
 *
 * Why not Node's IPC channel (`fork`, `process.send`): its per-message serialization and dispatch
 * cost about 25 µs more per round trip than this, and a task crosses two such links each way —
 * a large share of a single task's round trip. Payloads (`Uint8Array`) travel as msgpack binary,
 * decoded as views into the received bytes (no copy per payload).
 *
 * @example
 * ```ts
 * const child = spawn(process.execPath, [script], { stdio: ['ignore', 'inherit', 'inherit', 'pipe'] });
 * const pipe = new FramePipe<Reply, Request>(child.stdio[3] as Duplex, { onMessage, onClose });
 * pipe.send({ t: 'ping' });
 * ```
 */
export class FramePipe<In, Out> {
  private readonly packr = new Packr({ useRecords: false, moreTypes: false });
  /** Received bytes not yet decoded (a partial frame), in arrival order. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes needed before decoding can make progress: a header, or a header and its body. */
  private needed = HEADER_BYTES;
  private closed = false;

  constructor(private readonly stream: Duplex, private readonly handlers: FramePipeHandlers<In>) {
    stream.on('data', (chunk: Buffer) => this.receive(chunk));
    // A broken link (EPIPE, ECONNRESET) ends in 'close' too; the error itself says nothing more.
    stream.on('error', () => undefined);
    stream.on('close', () => this.close());
  }

  /** Whether the link is still open for sending. */
  get open(): boolean {
    return !this.closed && this.stream.writable;
  }

  /**
   * Send one message; false once the link is closed (the message is dropped: the peer is gone,
   * and its `onClose` handling decides what happens to the work it held).
   */
  send(message: Out): boolean {
    if (!this.open) return false;
    const body = this.packr.pack(message);
    if (body.length > MAX_BODY_BYTES) throw new RangeError(`a message of ${body.length} bytes is over the ${MAX_BODY_BYTES}-byte frame limit`);
    // One buffer per frame: one write, and the packer's scratch space is free for the next message.
    const frame = Buffer.allocUnsafe(HEADER_BYTES + body.length);
    frame.writeUInt32LE(body.length, 0);
    frame.set(body, HEADER_BYTES);
    this.stream.write(frame);
    return true;
  }

  /** Close the link; `onClose` runs once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.chunks = [];
    this.buffered = 0;
    this.stream.destroy();
    this.handlers.onClose();
  }

  private receive(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.closed && this.buffered >= this.needed) {
      if (this.chunks[0]!.length < this.needed) this.joinNeeded();
      this.decodeFirstChunk();
    }
  }

  /**
   * Copy exactly the bytes needed next (a header, or a whole frame) out of the first chunks into
   * one buffer. Exactly: decoded payloads are views into that buffer and keep it alive while the
   * receiver holds them (the interchange queues tasks), so it must not carry the next frame's bytes.
   */
  private joinNeeded(): void {
    const joined = Buffer.allocUnsafe(this.needed);
    let filled = 0;
    while (filled < this.needed) {
      const first = this.chunks[0]!;
      const take = Math.min(first.length, this.needed - filled);
      first.copy(joined, filled, 0, take);
      filled += take;
      if (take === first.length) this.chunks.shift();
      else this.chunks[0] = first.subarray(take);
    }
    this.chunks.unshift(joined);
  }

  /** Decode the whole frames at the start of the first chunk; note how many bytes the next one needs. */
  private decodeFirstChunk(): void {
    const bytes = this.chunks[0]!;
    let offset = 0;
    this.needed = HEADER_BYTES;
    while (bytes.length - offset >= HEADER_BYTES) {
      const length = bytes.readUInt32LE(offset);
      if (bytes.length - offset - HEADER_BYTES < length) {
        this.needed = HEADER_BYTES + length;
        break;
      }
      const body = bytes.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + length);
      offset += HEADER_BYTES + length;
      let message: In;
      try {
        message = this.packr.unpack(body) as In;
      } catch (error) {
        this.handlers.onGarbage?.(error);
        this.close();
        return;
      }
      this.handlers.onMessage(message);
      if (this.closed) return;
    }
    this.buffered -= offset;
    if (offset === bytes.length) this.chunks.shift();
    else if (offset > 0) this.chunks[0] = bytes.subarray(offset);
  }
}

/**
 * In a process started with a {@link FramePipe} link on descriptor 3 (the interchange, a worker):
 * that link, as a stream.
 */
export function parentLink(): Duplex {
  return new Socket({ fd: 3, readable: true, writable: true });
}
