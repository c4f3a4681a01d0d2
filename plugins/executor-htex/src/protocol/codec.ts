import { Packr } from 'msgpackr';

// Protocol envelopes are small structured messages; task and result payloads inside them are
// opaque byte arrays produced by the configured serializer.
const packr = new Packr({ useRecords: false, moreTypes: false });

/** Encode a protocol message as one msgpack frame. */
export function encodeFrame(message: unknown): Buffer {
  return packr.pack(message);
}

/** Decode one frame; throws on garbage (callers drop the connection). */
export function decodeFrame(frame: Uint8Array): unknown {
  return packr.unpack(frame);
}
