/**
 * @parsl-ts/serializer-msgpack: the MessagePack serializer of parsl-ts (id `msgpack`), built on
 * msgpackr. It round-trips Errors (class, stack, code, cause), Files, `undefined`, Dates, Maps,
 * Sets, BigInts of any size, typed arrays and Buffers.
 *
 * @packageDocumentation
 */
export { msgpackSerializer, type MsgpackSerializerOptions } from './msgpackSerializer.js';
export { plugin } from './manifest.js';
