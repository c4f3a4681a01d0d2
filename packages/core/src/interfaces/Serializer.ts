import type { PluginManifest } from '../config/PluginManifest.js';

/**
 * Turns values into bytes and back. Every payload starts with the serializer's header (its `id`
 * followed by a newline, as Parsl's serialization headers), so a receiver can pick the right
 * deserializer from a registry.
 *
 * A serializer must round-trip at least: primitives, `undefined`, BigInt, plain objects and
 * arrays, Date, Map, Set, typed arrays and Buffers, Errors (through `errorToPlain`/`errorFromPlain`,
 * with cause and stack) and Files (through `File.toPlain`/`File.fromPlain`).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const bytes = serializer.serialize({ a: 1n });
 * serializer.deserialize(bytes); // { a: 1n }
 * ```
 */
export interface Serializer {
  /** Short identifier written as the header, e.g. `msgpack`. ASCII, no newline. */
  readonly id: string;
  /** Encode a value, header included. */
  serialize(value: unknown): Uint8Array;
  /** Decode a payload produced by {@link Serializer.serialize} (header included). */
  deserialize(payload: Uint8Array): unknown;
  /**
   * How to re-create this serializer elsewhere (a worker thread or process): the package that
   * exports a factory and its plain-data options.
   */
  readonly descriptor: PluginDescriptor;
  /** The manifest of the plugin that made this serializer; `loadConfig` checks its core range. */
  readonly manifest?: PluginManifest;
}

/**
 * Plain data that names a plugin instance: the package (or module URL), the export to call as a
 * factory, and the options. It is what config files contain and what travels to workers.
 *
 * @since 0.1.0
 */
export interface PluginDescriptor {
  /** npm package name or module URL, e.g. `@parsl-ts/serializer-msgpack`. */
  readonly package: string;
  /** Export of that module to use; defaults to the manifest's factory. */
  readonly export?: string;
  /** Plain-data options for the factory. */
  readonly options?: Record<string, unknown>;
}

/**
 * Where a proxy serializer (such as `@parsl-ts/serializer-proxy`) keeps values too large to travel
 * inside task messages: it puts their bytes under a fresh key, sends only the key, and the worker
 * gets the bytes back by key when the value is used (ProxyStore's idea). Implementations live in
 * plugins of kind `store` (`@parsl-ts/store-fs`, `@parsl-ts/store-redis`).
 *
 * The methods are synchronous because {@link Serializer.serialize} and
 * {@link Serializer.deserialize} are; a store whose client is asynchronous runs it on a helper
 * thread and waits for it (see `@parsl-ts/store-redis`). Every method throws a coded
 * `ParslError` that names the store and key when it fails.
 *
 * @since 0.2.0
 * @example
 * ```ts
 * store.put('0f3a...', bytes);
 * const again = store.get('0f3a...'); // the same bytes, in another process
 * store.evict('0f3a...');
 * ```
 */
export interface ProxyStore {
  /** Short name for messages, e.g. `fs` or `redis`. */
  readonly id: string;
  /** How to re-create this store on a worker: its package, factory and plain-data options. */
  readonly descriptor: PluginDescriptor;
  /** The manifest of the plugin that made this store. */
  readonly manifest?: PluginManifest;
  /** Store `bytes` under `key` (a new key each time: keys are never overwritten). */
  put(key: string, bytes: Uint8Array): void;
  /** The bytes stored under `key`; throws a coded error when there are none (evicted, expired, another store). */
  get(key: string): Uint8Array;
  /** Forget `key` (no error when it is already gone). */
  evict(key: string): void;
  /** Release connections and helper threads. */
  close?(): void;
}
