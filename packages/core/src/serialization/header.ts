import { ErrorCodes } from '../errors/codes.js';
import { SerializationError } from '../errors/usageErrors.js';

const NEWLINE = 0x0a;
const MAX_HEADER = 64;
const encoder = new TextEncoder();
const headerCache = new Map<string, Uint8Array>();

/**
 * The header bytes of a serializer id: the id and a newline (`msgpack\n`).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * headerBytes('msgpack'); // Uint8Array of "msgpack\n"
 * ```
 */
export function headerBytes(id: string): Uint8Array {
  let bytes = headerCache.get(id);
  if (!bytes) {
    if (!/^[\x21-\x7e]{1,63}$/.test(id)) {
      throw new SerializationError(`serializer id ${JSON.stringify(id)} must be 1-63 printable ASCII characters without spaces`);
    }
    bytes = encoder.encode(`${id}\n`);
    headerCache.set(id, bytes);
  }
  return bytes;
}

/**
 * Split a payload into its serializer id and body (a view, not a copy).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const { id, body } = splitHeader(payload); // id === 'msgpack'
 * ```
 */
export function splitHeader(payload: Uint8Array): { id: string; body: Uint8Array } {
  const limit = Math.min(payload.length, MAX_HEADER);
  for (let i = 0; i < limit; i++) {
    if (payload[i] === NEWLINE) {
      let id = '';
      for (let j = 0; j < i; j++) id += String.fromCharCode(payload[j]!);
      return { id, body: payload.subarray(i + 1) };
    }
  }
  throw new SerializationError('payload has no serializer header (expected "<id>\\n" in its first 64 bytes)', {
    code: ErrorCodes.UnknownSerializer,
    hint: 'the data was not produced by a parsl-ts serializer, or it was truncated',
  });
}

/**
 * Prefix a body with a serializer header.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const payload = withHeader('json', new TextEncoder().encode('{}'));
 * ```
 */
export function withHeader(id: string, body: Uint8Array): Uint8Array {
  const header = headerBytes(id);
  const out = new Uint8Array(header.length + body.length);
  out.set(header, 0);
  out.set(body, header.length);
  return out;
}
