import { createHash, type Hash } from 'node:crypto';
import { File } from '../data/File.js';
import { AppFuture } from '../futures/AppFuture.js';
import { UnhashableArgumentError } from './UnhashableArgumentError.js';

/**
 * A function that stands for a value in memo keys (Parsl's `id_for_memo`): it returns plain data
 * that identifies the value — a string, a number, bytes, or arrays and plain objects of them —
 * and that data is hashed in the value's place (together with the class name).
 *
 * @since 0.2.0
 */
export type MemoHasher<T> = (value: T) => unknown;

/**
 * A method name (a global symbol) that a class may implement to say what identifies its
 * instances in memo keys, instead of registering a hasher:
 *
 * @since 0.2.0
 * @example
 * ```ts
 * class Dataset {
 *   constructor(readonly path: string, readonly version: number) {}
 *   [MEMO_HASH]() { return [this.path, this.version]; }
 * }
 * ```
 */
export const MEMO_HASH: unique symbol = Symbol.for('parsl-ts.memoHash') as never;

// Kept on globalThis under a global symbol: two copies of core in one process (which core
// reports anyway) still share the hashers users registered.
const REGISTRY = Symbol.for('parsl-ts.memoHashers');
type Registry = Map<abstract new (...args: never[]) => unknown, MemoHasher<never>>;
const registry: Registry = ((globalThis as Record<symbol, unknown>)[REGISTRY] as Registry | undefined)
  ?? ((globalThis as Record<symbol, unknown>)[REGISTRY] = new Map());

/**
 * Say how instances of a class are hashed into memo keys (as Parsl's `id_for_memo.register`).
 * The hasher returns plain data that identifies the instance; subclasses use the hasher of their
 * nearest registered ancestor. Without one, an instance of a class is an unhashable argument.
 *
 * @since 0.2.0
 * @example
 * ```ts
 * class Client { constructor(readonly url: string, readonly socket: unknown) {} }
 * registerMemoHasher(Client, (client) => client.url); // the socket does not matter
 * ```
 */
export function registerMemoHasher<T>(type: abstract new (...args: never[]) => T, hasher: MemoHasher<T>): void {
  if (typeof type !== 'function' || typeof hasher !== 'function') {
    throw new TypeError('registerMemoHasher(Class, (value) => plainData) needs a class and a function');
  }
  registry.set(type, hasher as MemoHasher<never>);
}

/** Version of the canonical encoding below; part of every memo key, so a change never reuses old keys. */
export const MEMO_HASH_VERSION = 1;

const FLUSH_AT = 64 * 1024;
const MAX_DEPTH = 200;

/**
 * Writes the canonical encoding of values into a SHA-256 hash: a tag byte per value, lengths as
 * 32-bit big-endian integers, numbers as IEEE-754 float64, and containers in an order that does
 * not depend on how they were built (object keys sorted, Map and Set entries sorted by their own
 * encoding). Small writes are gathered in a buffer; large binary values go to the hash directly.
 */
class CanonicalWriter {
  private readonly hash: Hash;
  private buffer = Buffer.allocUnsafe(FLUSH_AT + 16);
  private used = 0;
  private readonly onPath = new Set<object>();

  constructor(private readonly appName: string, hash?: Hash) {
    this.hash = hash ?? createHash('sha256');
  }

  digest(): Buffer {
    this.flush();
    return this.hash.digest();
  }

  tag(letter: string): void {
    this.room(1);
    this.buffer[this.used++] = letter.charCodeAt(0);
  }

  u32(n: number): void {
    this.room(4);
    this.buffer.writeUInt32BE(n, this.used);
    this.used += 4;
  }

  f64(n: number): void {
    this.room(8);
    this.buffer.writeDoubleBE(Number.isNaN(n) ? Number.NaN : n, this.used);
    this.used += 8;
  }

  text(s: string): void {
    const length = Buffer.byteLength(s, 'utf8');
    this.u32(length);
    if (length > FLUSH_AT) {
      this.flush();
      this.hash.update(s, 'utf8');
      return;
    }
    this.room(length);
    this.used += this.buffer.write(s, this.used, 'utf8');
  }

  bytes(view: Uint8Array): void {
    this.u32(view.byteLength);
    if (view.byteLength > FLUSH_AT) {
      this.flush();
      this.hash.update(view);
      return;
    }
    this.room(view.byteLength);
    this.buffer.set(view, this.used);
    this.used += view.byteLength;
  }

  value(value: unknown, path: string, depth: number): void {
    switch (typeof value) {
      case 'undefined': this.tag('u'); return;
      case 'boolean': this.tag(value ? 'T' : 'F'); return;
      case 'number': this.tag('n'); this.f64(value); return;
      case 'bigint': this.tag('i'); this.text(value.toString()); return;
      case 'string': this.tag('s'); this.text(value); return;
      case 'function': throw this.unhashable(path, isClass(value) ? `the class ${value.name || '(anonymous)'}` : `a function${value.name ? ` (${value.name})` : ''}`);
      case 'symbol': throw this.unhashable(path, `a symbol (${String(value.description)})`);
      default: break;
    }
    if (value === null) { this.tag('z'); return; }
    const object = value as object;
    if (depth > MAX_DEPTH) throw this.unhashable(path, 'nested too deeply', `more than ${MAX_DEPTH} levels`);
    if (this.onPath.has(object)) throw this.unhashable(path, 'a reference to one of its own containers', 'the value is cyclic');
    this.onPath.add(object);
    try {
      this.object(object, path, depth);
    } finally {
      this.onPath.delete(object);
    }
  }

  private object(value: object, path: string, depth: number): void {
    const custom = hasherFor(value);
    if (custom) {
      this.tag('c');
      this.text(custom.name);
      let stand: unknown;
      try {
        stand = custom.hasher(value as never);
      } catch (cause) {
        throw Object.assign(this.unhashable(path, `an instance of ${custom.name}`, `its memo hasher threw: ${(cause as Error)?.message ?? String(cause)}`), { cause });
      }
      this.value(stand, `${path}<hash>`, depth + 1);
      return;
    }
    if (Array.isArray(value)) {
      this.tag('a');
      this.u32(value.length);
      for (let i = 0; i < value.length; i++) this.value(value[i], `${path}[${i}]`, depth + 1);
      return;
    }
    if (ArrayBuffer.isView(value)) {
      // A Buffer and a Uint8Array with the same bytes are the same argument.
      this.tag('b');
      this.text(value instanceof Uint8Array ? 'Uint8Array' : value.constructor.name);
      this.bytes(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      return;
    }
    if (value instanceof ArrayBuffer) {
      this.tag('B');
      this.bytes(new Uint8Array(value));
      return;
    }
    if (value instanceof Date) { this.tag('d'); this.f64(value.getTime()); return; }
    if (value instanceof RegExp) { this.tag('r'); this.text(value.source); this.text(value.flags); return; }
    if (File.isFile(value)) { this.tag('f'); this.text(value.url); return; }
    if (value instanceof Map) {
      this.tag('m');
      this.sorted([...value].map(([k, v], i) => this.encodeAlone([k, v], `${path}.entry${i}`, depth)));
      return;
    }
    if (value instanceof Set) {
      this.tag('S');
      this.sorted([...value].map((item, i) => this.encodeAlone(item, `${path}.item${i}`, depth)));
      return;
    }
    if (value instanceof Promise || AppFuture.isFuture(value)) {
      throw this.unhashable(path, 'a Promise', 'futures are replaced by their values before the key is made; a Promise inside a class instance is not');
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      const name = (proto?.constructor as { name?: string } | undefined)?.name || '(anonymous class)';
      throw this.unhashable(path, value instanceof Error ? `an error (${name})` : `an instance of ${name}`, 'classes need a memo hasher');
    }
    const keys = Object.keys(value).sort();
    this.tag('o');
    this.u32(keys.length);
    for (const key of keys) {
      this.text(key);
      this.value((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    }
  }

  /** The canonical hash of one value on its own (Map and Set members are sorted by it). */
  private encodeAlone(value: unknown, path: string, depth: number): Buffer {
    const inner = new CanonicalWriter(this.appName);
    for (const o of this.onPath) inner.onPath.add(o);
    inner.value(value, path, depth + 1);
    return inner.digest();
  }

  private sorted(parts: Buffer[]): void {
    parts.sort(Buffer.compare);
    this.u32(parts.length);
    for (const part of parts) {
      this.room(part.length);
      part.copy(this.buffer, this.used);
      this.used += part.length;
    }
  }

  private unhashable(path: string, what: string, reason = ''): UnhashableArgumentError {
    return new UnhashableArgumentError(this.appName, path, what, reason);
  }

  private room(n: number): void {
    if (this.used + n <= this.buffer.length) return;
    this.flush();
    if (n > this.buffer.length) this.buffer = Buffer.allocUnsafe(n);
  }

  private flush(): void {
    if (this.used === 0) return;
    this.hash.update(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

function isClass(fn: Function): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

function hasherFor(value: object): { name: string; hasher: MemoHasher<never> } | undefined {
  const own = (value as Record<symbol, unknown>)[MEMO_HASH];
  if (typeof own === 'function') {
    const name = (Object.getPrototypeOf(value)?.constructor as { name?: string } | undefined)?.name ?? 'Object';
    return { name, hasher: (v: never) => (own as () => unknown).call(v) };
  }
  if (registry.size === 0) return undefined;
  // The instance's own class name goes into the key: a subclass using its ancestor's hasher is
  // still another kind of value.
  const ownProto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
  for (let proto = ownProto; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const hasher = registry.get((proto as { constructor?: unknown }).constructor as never);
    if (hasher) return { name: ownProto?.constructor?.name || '(anonymous class)', hasher };
  }
  return undefined;
}

/**
 * The memo hash of some values, as a SHA-256 hex digest. The encoding is canonical and
 * documented (docs/memoization.md): it depends only on the values, never on the process, the
 * serializer or the order in which objects, Maps and Sets were filled. Throws an
 * {@link UnhashableArgumentError} naming `path` for a value that cannot be hashed.
 *
 * @param values - the values, hashed in order
 * @param appName - named in errors
 * @param paths - the name of each value in errors (default `args[i]`)
 * @since 0.2.0
 * @example
 * ```ts
 * hashValues([{ b: 1, a: 2 }]) === hashValues([{ a: 2, b: 1 }]); // true
 * ```
 */
export function hashValues(values: readonly unknown[], appName = 'app', paths?: readonly string[]): string {
  const writer = new CanonicalWriter(appName);
  writer.text(`parsl-ts memo v${MEMO_HASH_VERSION}`);
  writer.u32(values.length);
  for (let i = 0; i < values.length; i++) writer.value(values[i], paths?.[i] ?? `args[${i}]`, 0);
  return writer.digest().toString('hex');
}

/** Encode one tagged part of a memo key (used by {@link hashValues} callers that need names). @internal */
export function canonicalWriterFor(appName: string): { text(s: string): void; value(v: unknown, path: string): void; skip(): void; digest(): string } {
  const writer = new CanonicalWriter(appName);
  writer.text(`parsl-ts memo v${MEMO_HASH_VERSION}`);
  return {
    text: (s) => { writer.tag('s'); writer.text(s); },
    value: (v, path) => writer.value(v, path, 0),
    skip: () => writer.tag('x'),
    digest: () => writer.digest().toString('hex'),
  };
}
