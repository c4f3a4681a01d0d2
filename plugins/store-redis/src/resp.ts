/**
 * A minimal RESP2 (Redis serialization protocol) codec: commands as arrays of bulk strings, and
 * the reply types the store's commands get (simple string, error, integer, bulk string or nil).
 * Large bulk replies are copied once, into a buffer of their announced size.
 */

/** One reply. */
export type RespReply =
  | { readonly kind: 'simple'; readonly text: string }
  | { readonly kind: 'error'; readonly text: string }
  | { readonly kind: 'integer'; readonly value: number }
  | { readonly kind: 'bulk'; readonly bytes: Buffer }
  | { readonly kind: 'nil' };

const CRLF = Buffer.from('\r\n');

/** The buffers that make up a command (the caller writes them in order, without concatenating large values). */
export function encodeCommand(args: readonly (string | Uint8Array)[]): Buffer[] {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg) : Buffer.from(arg.buffer, arg.byteOffset, arg.byteLength);
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return parts;
}

/** Parses replies from a stream of chunks. */
export class RespParser {
  private pending: Buffer = Buffer.alloc(0);
  private bulk: { buffer: Buffer; filled: number } | undefined;
  private readonly replies: RespReply[] = [];

  /** Feed bytes; returns the replies completed by them. */
  push(chunk: Buffer): RespReply[] {
    let data = chunk;
    for (;;) {
      if (this.bulk) {
        const { buffer } = this.bulk;
        const need = buffer.length - this.bulk.filled;
        const take = Math.min(need, data.length);
        data.copy(buffer, this.bulk.filled, 0, take);
        this.bulk.filled += take;
        data = data.subarray(take);
        if (this.bulk.filled < buffer.length) break;
        this.bulk = undefined;
        this.replies.push({ kind: 'bulk', bytes: buffer });
        this.pending = Buffer.alloc(0);
        // The CRLF after the bulk body is consumed as an empty line below.
        this.skipCrlf = true;
      }
      this.pending = this.pending.length === 0 ? data : Buffer.concat([this.pending, data]);
      data = Buffer.alloc(0);
      if (this.skipCrlf) {
        if (this.pending.length < 2) break;
        this.pending = this.pending.subarray(2);
        this.skipCrlf = false;
      }
      const end = this.pending.indexOf(CRLF);
      if (end < 0) break;
      const line = this.pending.toString('latin1', 1, end);
      const type = this.pending[0];
      const rest = this.pending.subarray(end + 2);
      this.pending = Buffer.alloc(0);
      if (type === 0x2b) this.replies.push({ kind: 'simple', text: line });
      else if (type === 0x2d) this.replies.push({ kind: 'error', text: line });
      else if (type === 0x3a) this.replies.push({ kind: 'integer', value: Number(line) });
      else if (type === 0x24) {
        const length = Number(line);
        if (length < 0) this.replies.push({ kind: 'nil' });
        else this.bulk = { buffer: Buffer.allocUnsafeSlow(length), filled: 0 };
      } else throw new Error(`unexpected RESP reply type ${String.fromCharCode(type ?? 0)}`);
      data = rest;
      if (data.length === 0 && !this.bulk) break;
    }
    return this.replies.splice(0);
  }

  private skipCrlf = false;
}
