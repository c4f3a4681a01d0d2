import { randomUUID } from 'node:crypto';
import {
  ConfigError, ErrorCodes, File, SerializationError, splitHeader, withHeader,
  type PluginManifest, type ProxyStore, type Serializer,
} from '@parsl-ts/core';
import { plugin } from './manifest.js';

/**
 * Options of {@link proxySerializer}.
 *
 * @since 0.1.0
 */
export interface ProxySerializerOptions {
  /** Where large values go, e.g. `fileStore({ dir })` or `redisStore({ host })`. */
  readonly store: ProxyStore;
  /** The serializer of everything that stays inline, e.g. `msgpackSerializer()`. */
  readonly inner: Serializer;
  /**
   * Values of at least this many bytes go to the store. Default 1 MiB. Binary data and strings
   * are measured exactly; arrays, plain objects and Maps by an estimate of their encoded size.
   */
  readonly threshold?: number;
  /**
   * The folder from which workers import the inner serializer's and the store's packages.
   * Default: the working directory where the serializer is created (the workflow's folder).
   */
  readonly baseDir?: string;
}

/** The serializer id and payload header. */
export const PROXY_SERIALIZER_ID = 'proxy';
/** The default threshold: 1 MiB. */
export const DEFAULT_THRESHOLD = 1024 * 1024;

/**
 * The key that marks a reference in the inline value: `{ [REF]: key, t: type, n: bytes }`.
 * Chosen so that it cannot collide with data in practice.
 */
const REF = '\u0000parsl-ts.proxy';
const NO_REFS = 0x30; // '0': the payload holds no reference, decoding needs no walk
const HAS_REFS = 0x31; // '1'
const CONTAINER_OVERHEAD = 4;
const REF_SIZE = 64;

/** What a reference stands for, so the worker rebuilds the same type. */
type RefType = 'Buffer' | 'Uint8Array' | 'ArrayBuffer' | 'string' | 'value' | TypedArrayName;
type TypedArrayName = 'Int8Array' | 'Uint8ClampedArray' | 'Int16Array' | 'Uint16Array' | 'Int32Array' | 'Uint32Array'
  | 'Float32Array' | 'Float64Array' | 'BigInt64Array' | 'BigUint64Array';
interface Ref { readonly [REF]: string; readonly t: RefType; readonly n: number }

const TYPED_ARRAYS: Record<TypedArrayName, { new (buffer: ArrayBufferLike, offset: number, length: number): ArrayBufferView; BYTES_PER_ELEMENT: number }> = {
  Int8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
};

/**
 * A serializer for large data (ProxyStore's idea): while encoding, every value of at least
 * `threshold` bytes — binary data, a long string, or an array, object or Map that is large as a
 * whole — is put into `store` under a fresh key, and only a small reference travels in the
 * payload. Decoding on the worker does not fetch anything: a reference inside an array or object
 * becomes a property that fetches its value from the store the first time it is read (then keeps
 * it), so a task reads only the large arguments it uses, and the interchange and managers that
 * carry the payload never hold the data.
 *
 * Payloads are `proxy\n`, one byte (`1` when references follow, `0` otherwise) and the inner
 * serializer's payload. Give it its own executor with the config's `executorSerializers`, so
 * other executors, results kept for checkpoints and monitoring keep using the plain serializer.
 *
 * Values in the store are not deleted by this serializer (a retried task reads them again):
 * use the store's own lifetime (`ttlSeconds` in Redis, a scratch folder for files).
 *
 * @param options - see {@link ProxySerializerOptions}
 * @returns a {@link Serializer} with id `proxy`
 * @since 0.1.0
 * @example
 * ```ts
 * import { msgpackSerializer } from '@parsl-ts/serializer-msgpack';
 * import { fileStore } from '@parsl-ts/store-fs';
 * import { proxySerializer } from '@parsl-ts/serializer-proxy';
 *
 * const proxy = proxySerializer({ inner: msgpackSerializer(), store: fileStore({ dir: '/shared/proxystore' }), threshold: 1 << 20 });
 * const dfk = await loadConfig({ executors: [htex], executorSerializers: { htex: proxy } });
 * ```
 */
export function proxySerializer(options: ProxySerializerOptions): Serializer {
  const { store, inner } = options ?? ({} as ProxySerializerOptions);
  if (!store || typeof store.put !== 'function' || typeof store.get !== 'function' || !store.descriptor) {
    throw new ConfigError('proxySerializer needs a store: { store: fileStore({ dir }) } or { store: redisStore({ host }) }', {
      path: 'serializer.options.store', hint: 'install @parsl-ts/store-fs or @parsl-ts/store-redis and pass the store it creates',
    });
  }
  if (!inner || typeof inner.serialize !== 'function' || typeof inner.deserialize !== 'function' || !inner.descriptor) {
    throw new ConfigError('proxySerializer needs an inner serializer for what stays inline: { inner: msgpackSerializer() }', {
      path: 'serializer.options.inner', hint: 'pass msgpackSerializer() from @parsl-ts/serializer-msgpack, or core\'s jsonSerializer()',
    });
  }
  if (inner.id === PROXY_SERIALIZER_ID) throw new ConfigError('the inner serializer of a proxy serializer cannot be another proxy serializer', { path: 'serializer.options.inner' });
  const threshold = options.threshold ?? DEFAULT_THRESHOLD;
  if (typeof threshold !== 'number' || !Number.isInteger(threshold) || threshold < 1) {
    throw new ConfigError(`threshold must be a whole number of bytes >= 1, got ${JSON.stringify(threshold)}`, { path: 'serializer.options.threshold', hint: 'the default is 1048576 (1 MiB)' });
  }
  const baseDir = options.baseDir ?? process.cwd();

  /** Encode with references; `refs` counts the references made. */
  function encode(value: unknown): Uint8Array {
    const state = { refs: 0 };
    const inline = replaceLarge(value, state, true).value;
    const body = inner.serialize(inline);
    const out = new Uint8Array(body.length + 1);
    out[0] = state.refs > 0 ? HAS_REFS : NO_REFS;
    out.set(body, 1);
    return withHeader(PROXY_SERIALIZER_ID, out);
  }

  function toStore(bytes: Uint8Array, type: RefType, state: { refs: number }): Ref {
    const key = randomUUID().replaceAll('-', '');
    store.put(key, bytes);
    state.refs++;
    return { [REF]: key, t: type, n: bytes.byteLength };
  }

  /**
   * Walk the value bottom-up: each leaf or container of at least `threshold` bytes is replaced by
   * a reference. Returns the (copied where needed) value and its estimated inline size.
   */
  function replaceLarge(value: unknown, state: { refs: number }, top = false): { value: unknown; size: number } {
    switch (typeof value) {
      case 'string': {
        if (value.length * 3 < threshold) return { value, size: value.length + 5 };
        const bytes = Buffer.from(value, 'utf8');
        return bytes.length >= threshold ? { value: toStore(bytes, 'string', state), size: REF_SIZE } : { value, size: bytes.length + 5 };
      }
      case 'object': break;
      default: return { value, size: 9 };
    }
    if (value === null) return { value, size: 1 };
    if (ArrayBuffer.isView(value)) {
      if (value.byteLength < threshold) return { value, size: value.byteLength + 8 };
      const type: RefType = Buffer.isBuffer(value) ? 'Buffer' : (value.constructor.name as RefType);
      if (type !== 'Buffer' && type !== 'Uint8Array' && !(type in TYPED_ARRAYS)) return { value, size: value.byteLength + 8 }; // DataView: inline
      return { value: toStore(new Uint8Array(value.buffer, value.byteOffset, value.byteLength), type, state), size: REF_SIZE };
    }
    if (value instanceof ArrayBuffer) {
      return value.byteLength < threshold ? { value, size: value.byteLength + 8 } : { value: toStore(new Uint8Array(value), 'ArrayBuffer', state), size: REF_SIZE };
    }
    let result: { value: unknown; size: number };
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      let size = CONTAINER_OVERHEAD;
      for (let i = 0; i < value.length; i++) {
        const item = replaceLarge(value[i], state);
        size += item.size;
        if (item.value !== value[i]) (copy ??= value.slice())[i] = item.value;
      }
      result = { value: copy ?? value, size };
    } else if (value instanceof Map) {
      let copy: Map<unknown, unknown> | undefined;
      let size = CONTAINER_OVERHEAD;
      for (const [k, v] of value) {
        const item = replaceLarge(v, state);
        size += item.size + 9;
        if (item.value !== v) (copy ??= new Map(value)).set(k, item.value);
      }
      result = { value: copy ?? value, size };
    } else if (isPlainObject(value)) {
      let copy: Record<string, unknown> | undefined;
      let size = CONTAINER_OVERHEAD;
      for (const key of Object.keys(value)) {
        const v = (value as Record<string, unknown>)[key];
        const item = replaceLarge(v, state);
        size += item.size + key.length + 2;
        if (item.value !== v) (copy ??= { ...(value as Record<string, unknown>) })[key] = item.value;
      }
      result = { value: copy ?? value, size };
    } else {
      // Dates, Errors, Files, Sets and class instances stay inline, as the inner serializer encodes them.
      return { value, size: 64 };
    }
    // A container that is large as a whole goes to the store in one piece (not the top level:
    // that is the task or result message itself).
    if (!top && result.size >= threshold) {
      const bytes = encode(result.value);
      return { value: toStore(bytes, 'value', state), size: REF_SIZE };
    }
    return result;
  }

  function resolve(ref: Ref): unknown {
    const bytes = store.get(ref[REF]);
    if (bytes.byteLength !== ref.n) {
      throw new SerializationError(`the ${store.id} store returned ${bytes.byteLength} bytes for ${ref[REF]}, but ${ref.n} were stored`, {
        hint: 'the stored value was changed or cut off; check the store (disk full, Redis maxmemory)',
      });
    }
    switch (ref.t) {
      case 'Buffer': return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      case 'Uint8Array': return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      case 'ArrayBuffer': return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      case 'string': return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
      case 'value': return decode(bytes);
      default: {
        const Ctor = TYPED_ARRAYS[ref.t];
        if (!Ctor) throw new SerializationError(`unknown proxied type ${String(ref.t)}`);
        const aligned = bytes.byteOffset % Ctor.BYTES_PER_ELEMENT === 0 ? bytes : Uint8Array.prototype.slice.call(bytes);
        return new Ctor(aligned.buffer, aligned.byteOffset, aligned.byteLength / Ctor.BYTES_PER_ELEMENT);
      }
    }
  }

  /** Replace references by properties that fetch on first read (Map values: fetched now). */
  function attachLazy(value: unknown): unknown {
    if (value === null || typeof value !== 'object') return value;
    if (isRef(value)) return resolve(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (isRef(item)) lazyProperty(value, i, item);
        else attachLazy(item);
      }
    } else if (value instanceof Map) {
      for (const [k, v] of value) {
        if (isRef(v)) value.set(k, resolve(v));
        else attachLazy(v);
      }
    } else if (isPlainObject(value)) {
      for (const key of Object.keys(value)) {
        const item = (value as Record<string, unknown>)[key];
        if (isRef(item)) lazyProperty(value as Record<string, unknown>, key, item);
        else attachLazy(item);
      }
    }
    return value;
  }

  function lazyProperty(container: object, key: string | number, ref: Ref): void {
    const settle = (v: unknown): void => { Object.defineProperty(container, key, { value: v, writable: true, enumerable: true, configurable: true }); };
    Object.defineProperty(container, key, {
      enumerable: true, configurable: true,
      get() {
        const v = resolve(ref);
        settle(v);
        return v;
      },
      set: settle,
    });
  }

  function decode(payload: Uint8Array): unknown {
    const { id, body } = splitHeader(payload);
    if (id !== PROXY_SERIALIZER_ID) {
      throw new SerializationError(`the proxy serializer got a payload of serializer "${id}"`, {
        code: ErrorCodes.UnknownSerializer, hint: 'decode payloads through a SerializerRegistry, which picks the serializer the header names',
      });
    }
    if (body.length < 1 || (body[0] !== NO_REFS && body[0] !== HAS_REFS)) throw new SerializationError('proxy payload is truncated or corrupt (no reference flag)');
    const value = inner.deserialize(body.subarray(1));
    return body[0] === HAS_REFS ? attachLazy(value) : value;
  }

  return Object.freeze({
    id: PROXY_SERIALIZER_ID,
    descriptor: Object.freeze({
      package: '@parsl-ts/serializer-proxy', export: 'proxySerializer',
      options: Object.freeze({ threshold, inner: inner.descriptor, store: store.descriptor, baseDir }),
    }),
    get manifest(): PluginManifest {
      return plugin;
    },
    serialize: encode,
    deserialize: decode,
  } satisfies Serializer);
}

function isRef(value: unknown): value is Ref {
  return typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[REF] === 'string';
}

function isPlainObject(value: object): boolean {
  if (File.isFile(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
