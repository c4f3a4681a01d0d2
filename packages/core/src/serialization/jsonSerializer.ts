import { File, type PlainFile } from '../data/File.js';
import { errorFromPlain, errorToPlain, type PlainError } from '../errors/remoteErrors.js';
import { ErrorCodes } from '../errors/codes.js';
import { SerializationError } from '../errors/usageErrors.js';
import type { Serializer } from '../interfaces/Serializer.js';
import { splitHeader, withHeader } from './header.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const TAG = '$parsl';

type Tagged = { [TAG]: string; v?: unknown };

/**
 * A dependency-free serializer built into core (id `json`): JSON with tagged values for
 * `undefined`, BigInt, Date, Map, Set, typed arrays, Errors and Files. Slower and larger than
 * `@parsl-ts/serializer-msgpack`; used when that plugin is not installed.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const s = jsonSerializer();
 * s.deserialize(s.serialize(new Map([[1, 2n]]))); // Map { 1 => 2n }
 * ```
 */
export function jsonSerializer(): Serializer {
  return {
    id: 'json',
    descriptor: { package: '@parsl-ts/core', export: 'jsonSerializer' },
    serialize(value: unknown): Uint8Array {
      let text: string;
      try {
        text = JSON.stringify(encode(value, '$'));
      } catch (cause) {
        if (cause instanceof SerializationError) throw cause;
        throw new SerializationError(`value cannot be serialized as JSON: ${(cause as Error).message}`, { cause });
      }
      return withHeader('json', encoder.encode(text));
    },
    deserialize(payload: Uint8Array): unknown {
      const { id, body } = splitHeader(payload);
      if (id !== 'json') {
        throw new SerializationError(`the json serializer got a payload of serializer "${id}"`, {
          code: ErrorCodes.UnknownSerializer,
          hint: 'decode payloads through a SerializerRegistry, which picks the serializer the header names',
        });
      }
      try {
        return decode(JSON.parse(decoder.decode(body)));
      } catch (cause) {
        throw new SerializationError(`json payload is corrupt: ${(cause as Error).message}`, { cause });
      }
    },
  };
}

function encode(value: unknown, path: string): unknown {
  switch (typeof value) {
    case 'undefined': return { [TAG]: 'u' };
    case 'bigint': return { [TAG]: 'n', v: value.toString() };
    case 'number': return Number.isFinite(value) ? value : { [TAG]: 'f', v: String(value) };
    case 'function':
    case 'symbol':
      throw new SerializationError(`${path} is a ${typeof value}, which cannot be serialized`, {
        hint: 'pass plain data to apps; functions travel as apps, not as arguments',
      });
    case 'object': break;
    default: return value;
  }
  if (value === null) return null;
  if (Array.isArray(value)) return value.map((v, i) => encode(v, `${path}[${i}]`));
  if (value instanceof Date) return { [TAG]: 'd', v: value.getTime() };
  if (value instanceof Map) return { [TAG]: 'm', v: [...value].map(([k, v], i) => [encode(k, `${path}.key${i}`), encode(v, `${path}.get(${i})`)]) };
  if (value instanceof Set) return { [TAG]: 's', v: [...value].map((v, i) => encode(v, `${path}.item${i}`)) };
  if (value instanceof Error) return { [TAG]: 'e', v: encode(errorToPlain(value), `${path}.error`) };
  if (File.isFile(value)) return { [TAG]: 'F', v: value.toPlain() };
  if (ArrayBuffer.isView(value)) {
    const bytes = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
    return { [TAG]: 't', v: [value.constructor.name, Buffer.from(bytes).toString('base64')] };
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = encode((value as Record<string, unknown>)[key], `${path}.${key}`);
  if (TAG in out) throw new SerializationError(`${path} has a key named ${TAG}, which the json serializer reserves`);
  return out;
}

function decode(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decode);
  const tag = (value as Tagged)[TAG];
  if (tag === undefined) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = decode((value as Record<string, unknown>)[key]);
    return out;
  }
  const v = (value as Tagged).v;
  switch (tag) {
    case 'u': return undefined;
    case 'n': return BigInt(v as string);
    case 'f': return Number(v);
    case 'd': return new Date(v as number);
    case 'm': return new Map((v as [unknown, unknown][]).map(([k, x]) => [decode(k), decode(x)]));
    case 's': return new Set((v as unknown[]).map(decode));
    case 'e': return errorFromPlain(decode(v) as PlainError);
    case 'F': return File.fromPlain(v as PlainFile);
    case 't': {
      const [name, b64] = v as [string, string];
      const bytes = Buffer.from(b64, 'base64');
      if (name === 'Buffer') return bytes;
      const Ctor = (globalThis as Record<string, unknown>)[name] as (new (buf: ArrayBuffer) => unknown) | undefined;
      const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      return Ctor ? new Ctor(copy) : new Uint8Array(copy);
    }
    default: throw new Error(`unknown tag ${tag}`);
  }
}
