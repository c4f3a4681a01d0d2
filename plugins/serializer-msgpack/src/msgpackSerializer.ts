import {
  ConfigError, ErrorCodes, File, SerializationError, errorFromPlain, errorToPlain, headerBytes, splitHeader,
  type PlainError, type PlainFile, type PluginManifest, type Serializer,
} from '@parsl-ts/core/wire';
import { plugin } from './manifest.js';
import { Packr, RESERVE_START_SPACE, RESET_BUFFER_MODE, addExtension } from 'msgpackr';

/**
 * Options of {@link msgpackSerializer}. Plain data: they travel to workers inside the
 * serializer's `descriptor`, so a worker builds the same serializer.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: MsgpackSerializerOptions = { copyBuffers: false };
 * const serializer = msgpackSerializer(options);
 * ```
 */
export interface MsgpackSerializerOptions {
  /**
   * When `true` (the default), every Buffer in a decoded value owns its memory. When `false`,
   * decoded Buffers are views into the payload: faster for large binary data, but they keep
   * the whole payload alive and change if the payload's bytes are reused (a receive buffer).
   * Typed arrays other than Buffer are always copied, so that they are aligned.
   */
  readonly copyBuffers?: boolean;
}

/** The serializer id, written as the payload header `msgpack\n`. */
const ID = 'msgpack';
const HEADER = headerBytes(ID);
const HEADER_LENGTH = HEADER.length;

/*
 * msgpack extension types used by this package (application-defined types are 0-127).
 *
 *   0x40  Error  - body: errorToPlain(error) (name, message, stack, code, props, cause chain)
 *   0x41  File   - body: File#toPlain()  ({ __parslFile, url, localPath? })
 *   0x42  (not ours: msgpackr's own type for BigInts wider than 64 bits, enabled by `moreTypes`)
 *   0x43  Map    - body: one array of alternating keys and values [k0, v0, k1, v1, ...]
 *   0x44-0x4f reserved for later versions of this package.
 *
 * Every other type is msgpackr's own, enabled by `moreTypes`: undefined (ext 0), Date
 * (timestamp, ext -1), Set (0x73), typed arrays, ArrayBuffer and DataView (0x74), RegExp (0x78),
 * BigInt (int64/uint64, or ext 0x42 beyond 64 bits). Node Buffers are msgpack `bin`.
 *
 * msgpackr keeps extensions in a process-wide table per copy of the msgpackr module. To leave
 * other users of msgpackr in the process unaffected, the extensions are registered for private
 * "box" classes only: `prepare()` wraps Errors, Files and Maps in boxes before packing, so no
 * value that someone else packs ever matches them. Plain Maps cannot get an extension anyway:
 * msgpackr writes anything whose constructor is `Map` as a msgpack map before it looks at
 * extensions, and with `useRecords: false` a msgpack map decodes as a plain object.
 */
const EXT_ERROR = 0x40;
const EXT_FILE = 0x41;
const EXT_MAP = 0x43;

/** Base of the boxes that carry values with one of our extension types through msgpackr. */
interface Box { readonly v: unknown }
type BoxClass = new (v: unknown) => Box;
interface Boxes { readonly ErrorBox: BoxClass; readonly FileBox: BoxClass; readonly MapBox: BoxClass }

const BOXES_SLOT = Symbol.for('parsl-ts.serializer-msgpack.boxes/v1');

/**
 * Register the encoders once per copy of msgpackr (the box classes are kept on msgpackr's Packr
 * class, so a second evaluation of this module reuses them instead of growing msgpackr's list),
 * and the decoders on every call: the decoder table is a plain array indexed by type, and the
 * latest registration (this module's copy of core) wins.
 */
function registerExtensions(): Boxes {
  const holder = Packr as unknown as Record<symbol, Boxes | undefined>;
  let boxes = holder[BOXES_SLOT];
  if (boxes === undefined) {
    class ErrorBox implements Box { constructor(readonly v: unknown) {} }
    class FileBox implements Box { constructor(readonly v: unknown) {} }
    class MapBox implements Box { constructor(readonly v: unknown) {} }
    boxes = { ErrorBox, FileBox, MapBox };
    const write = (box: Box): unknown => box.v;
    addExtension({ Class: ErrorBox, type: EXT_ERROR, write });
    addExtension({ Class: FileBox, type: EXT_FILE, write });
    addExtension({ Class: MapBox, type: EXT_MAP, write });
    Object.defineProperty(Packr, BOXES_SLOT, { value: boxes });
  }
  addExtension({ type: EXT_ERROR, read: (plain: unknown) => errorFromPlain(plain as PlainError) });
  addExtension({ type: EXT_FILE, read: (plain: unknown) => File.fromPlain(plain as PlainFile) });
  addExtension({ type: EXT_MAP, read: (flat: unknown) => mapFromFlat(flat) });
  return boxes;
}

function mapFromFlat(flat: unknown): Map<unknown, unknown> {
  if (!Array.isArray(flat) || flat.length % 2 !== 0) throw new Error('a Map extension does not hold an even-length array');
  const map = new Map<unknown, unknown>();
  for (let i = 0; i < flat.length; i += 2) map.set(flat[i], flat[i + 1]);
  return map;
}

/**
 * The `msgpack` serializer: MessagePack through msgpackr, with a Parsl-style header.
 *
 * Round-trips, at any depth: primitives, `undefined` (also in arrays and as an object value),
 * BigInt of any size, plain objects, arrays, Date, Map, Set, RegExp, every typed array,
 * ArrayBuffer, DataView, Node Buffers (they come back as Buffers; a plain Uint8Array comes back
 * as a Uint8Array), Errors with their class, message, stack, `code`, `hint`, own fields and
 * `cause` chain (through core's `errorToPlain`/`errorFromPlain`), and core `File`s.
 * Instances of other classes arrive as plain objects with their own enumerable fields (or their
 * `toJSON()` result). Functions, symbols, Promises, WeakMaps/WeakSets and cyclic values are
 * refused with a `SerializationError` (code `PARSL_SERIALIZATION`) that names where they are.
 *
 * `serialize` returns a fresh `Uint8Array` that owns its `ArrayBuffer` (byteOffset 0), so it can
 * be transferred to a worker. The header and the body are written into one buffer and copied once.
 *
 * @param options - see {@link MsgpackSerializerOptions}
 * @returns a {@link Serializer} with id `msgpack`
 * @since 0.1.0
 * @example
 * ```ts
 * import { msgpackSerializer } from '@parsl-ts/serializer-msgpack';
 *
 * const s = msgpackSerializer();
 * const bytes = s.serialize({ seed: 42n, when: new Date(), seen: new Set(['a']) });
 * s.deserialize(bytes); // { seed: 42n, when: Date, seen: Set { 'a' } }
 * ```
 */
export function msgpackSerializer(options: MsgpackSerializerOptions = {}): Serializer {
  const normalized = validateOptions(options);
  const boxes = registerExtensions();
  const packOptions = {
    useRecords: false, // standard msgpack maps for objects (readable by any msgpack library)
    mapsAsObjects: true,
    moreTypes: true, // undefined, Set, typed arrays, RegExp, BigInt > 64 bits as extensions
    int64AsType: 'bigint' as const, // int64/uint64 decode as BigInt (numbers never use them)
    copyBuffers: normalized.copyBuffers ?? true,
    structuredClone: false,
  };
  const packr = new Packr(packOptions);
  let widePackr: Packr | undefined; // for objects with more than 65535 keys; made on first need
  const prepare = makePrepare(boxes);

  function pack(value: unknown): Uint8Array {
    let body: Uint8Array;
    try {
      // The header's bytes are reserved in msgpackr's own buffer, so header and body are copied
      // out together, once. RESET_BUFFER_MODE lets msgpackr reuse that region next time.
      body = packr.pack(value, RESERVE_START_SPACE | RESET_BUFFER_MODE | HEADER_LENGTH);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('variableMapSize')) throw error;
      widePackr ??= new Packr({ ...packOptions, variableMapSize: true });
      body = widePackr.pack(value, RESERVE_START_SPACE | RESET_BUFFER_MODE | HEADER_LENGTH);
    }
    const out = new Uint8Array(body.length);
    out.set(body);
    out.set(HEADER, 0);
    return out;
  }

  return Object.freeze({
    id: ID,
    descriptor: Object.freeze({ package: '@parsl-ts/serializer-msgpack', export: 'msgpackSerializer', options: normalized }),
    get manifest(): PluginManifest {
      return plugin;
    },

    serialize(value: unknown): Uint8Array {
      try {
        return pack(prepare(value));
      } catch (error) {
        throw toSerializationError(error, value);
      }
    },

    deserialize(payload: Uint8Array): unknown {
      if (!(payload instanceof Uint8Array)) {
        throw new SerializationError(`the msgpack serializer can only decode bytes, but got ${describe(payload)}`, {
          hint: 'pass the Uint8Array (or Buffer) that serialize() returned',
        });
      }
      if (!hasHeader(payload)) throw headerError(payload);
      // A Buffer view of the body (no copy), so that msgpack `bin` values come back as Buffers
      // whatever the class of the payload itself.
      const body = Buffer.from(payload.buffer, payload.byteOffset + HEADER_LENGTH, payload.byteLength - HEADER_LENGTH);
      try {
        return packr.unpack(body);
      } catch (cause) {
        throw new SerializationError(`msgpack payload is corrupt or truncated: ${(cause as Error)?.message ?? String(cause)}`, {
          cause,
          hint: 'the bytes were changed or cut off on the way (check the framing of the transport), or were written by an incompatible version of @parsl-ts/serializer-msgpack',
        });
      }
    },
  } satisfies Serializer);
}

function validateOptions(options: MsgpackSerializerOptions): Readonly<{ copyBuffers?: boolean }> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`msgpackSerializer options must be an object, got ${describe(options)}`, {
      path: 'serializer.options', hint: 'pass an object such as { copyBuffers: true }, or nothing',
    });
  }
  const out: { copyBuffers?: boolean } = {};
  for (const [key, value] of Object.entries(options)) {
    if (key === 'copyBuffers') {
      if (value !== undefined && typeof value !== 'boolean') {
        throw new ConfigError(`copyBuffers must be a boolean, got ${describe(value)}`, {
          path: 'serializer.options.copyBuffers', hint: 'use true (the default) or false',
        });
      }
      if (value !== undefined) out.copyBuffers = value;
    } else {
      throw new ConfigError(`msgpackSerializer has no option "${key}"`, {
        path: `serializer.options.${key}`, hint: 'the only option is copyBuffers',
      });
    }
  }
  return Object.freeze(out);
}

function hasHeader(payload: Uint8Array): boolean {
  if (payload.length < HEADER_LENGTH) return false;
  for (let i = 0; i < HEADER_LENGTH; i++) if (payload[i] !== HEADER[i]) return false;
  return true;
}

function headerError(payload: Uint8Array): SerializationError {
  const { id } = splitHeader(payload); // throws PARSL_UNKNOWN_SERIALIZER itself when there is no header
  return new SerializationError(`the msgpack serializer got a payload written by the "${id}" serializer`, {
    code: ErrorCodes.UnknownSerializer,
    hint: `decode payloads with a SerializerRegistry that holds every serializer in use (it picks the one the header names), or configure "${id}" here`,
  });
}

// ---------------------------------------------------------------------------------------------
// prepare(): one walk over the value before msgpackr packs it. It boxes Maps, Errors and Files
// (see the extension table above), refuses values msgpack would silently mangle (functions
// become nothing, Promises become {}), and names where they are. It copies only the containers
// on the way to something it boxed; a value without Maps, Errors or Files is returned as is.
// ---------------------------------------------------------------------------------------------

/** Thrown inside the walk; each container on the way out adds its key to the path. */
class Refused {
  readonly path: string[] = [];
  constructor(readonly what: string, readonly hint: string) {}
}

const hasOwn = Object.prototype.hasOwnProperty;

function makePrepare(boxes: Boxes): (value: unknown) => unknown {
  const { ErrorBox, FileBox, MapBox } = boxes;

  function prep(value: unknown): unknown {
    switch (typeof value) {
      case 'object': return value === null ? null : prepObject(value);
      case 'function': throw refuseFunction(value as { name: string });
      case 'symbol': throw new Refused(`a symbol (${String(value)})`, 'symbols cannot leave the process that made them; use a string');
      default: return value;
    }
  }

  function prepObject(value: object): unknown {
    const ctor = (value as { constructor?: unknown }).constructor;
    if (ctor === Object) return prepFields(value);
    if (Array.isArray(value)) return prepArray(value);
    if (value instanceof Map) return new MapBox(prepMap(value));
    if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof ArrayBuffer || value instanceof RegExp) return value;
    if (value instanceof Error) return new ErrorBox(sanitizeError(value, new Set(), { left: ERROR_NODE_BUDGET }));
    if (File.isFile(value)) return new FileBox(value.toPlain());
    if (value instanceof Set) return prepSet(value);
    if (Object.getPrototypeOf(value) === null) return prepFields(value);
    refuseSpecial(value);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return prep(toJSON.call(value));
    return prepFields(value); // another class: its own enumerable fields, as msgpackr writes them
  }

  function prepArray(array: unknown[]): unknown[] {
    let out: unknown[] | undefined;
    let i = 0;
    try {
      for (const n = array.length; i < n; i++) {
        const item = array[i];
        if (typeof item === 'object' ? item === null : typeof item !== 'function' && typeof item !== 'symbol') continue;
        const prepared = prep(item);
        if (prepared !== item) (out ??= array.slice())[i] = prepared;
      }
    } catch (error) {
      if (error instanceof Refused) error.path.push(`[${i}]`);
      throw error;
    }
    return out ?? array;
  }

  function prepFields(object: object): object {
    let out: Record<string, unknown> | undefined;
    let key = '';
    try {
      for (key in object) {
        if (!hasOwn.call(object, key)) continue;
        const item = (object as Record<string, unknown>)[key];
        if (typeof item === 'object' ? item === null : typeof item !== 'function' && typeof item !== 'symbol') continue;
        const prepared = prep(item);
        if (prepared !== item) {
          out ??= copyFields(object);
          setField(out, key, prepared);
        }
      }
    } catch (error) {
      if (error instanceof Refused) error.path.push(fieldPath(key));
      throw error;
    }
    return out ?? object;
  }

  function prepMap(map: Map<unknown, unknown>): unknown[] {
    const flat = new Array<unknown>(map.size * 2);
    let i = 0;
    let onKey = true;
    let current: unknown;
    try {
      for (const [key, item] of map) {
        current = key;
        onKey = true;
        flat[i++] = prep(key);
        onKey = false;
        flat[i++] = prep(item);
      }
    } catch (error) {
      if (error instanceof Refused) error.path.push(onKey ? `.keys()[${(i / 2) | 0}]` : `.get(${keyText(current)})`);
      throw error;
    }
    return flat;
  }

  function prepSet(set: Set<unknown>): Set<unknown> {
    let changed = false;
    const items: unknown[] = [];
    let i = 0;
    try {
      for (const item of set) {
        const prepared = prep(item);
        if (prepared !== item) changed = true;
        items.push(prepared);
        i++;
      }
    } catch (error) {
      if (error instanceof Refused) error.path.push(`.values()[${i}]`);
      throw error;
    }
    return changed ? new Set(items) : set;
  }

  // -- errors ------------------------------------------------------------------------------------
  // An error must always make it back to the user, so inside one nothing is refused: functions
  // are dropped, cycles and runaway object graphs (an HTTP client error holding its socket) are
  // cut, and anything odd becomes a descriptive string.

  function sanitizeError(error: Error, seen: Set<object>, budget: { left: number }): unknown {
    seen.add(error);
    let plainError: PlainError;
    try {
      plainError = errorToPlain(error);
    } catch {
      // a getter of the error threw: keep what can be read safely
      plainError = { name: safeString(() => error.name, 'Error'), message: safeString(() => error.message, ''), stack: safeString(() => error.stack, '') };
    }
    // AggregateError keeps its errors in a non-enumerable field, which errorToPlain skips
    const errors = (error as { errors?: unknown }).errors;
    if (Array.isArray(errors) && !(plainError.props && 'errors' in plainError.props)) {
      plainError = { ...plainError, props: { ...plainError.props, errors } };
    }
    const plain = sanitize(plainError, seen, budget, 0);
    seen.delete(error);
    return plain;
  }

  function sanitize(value: unknown, seen: Set<object>, budget: { left: number }, depth: number): unknown {
    switch (typeof value) {
      case 'function': return undefined;
      case 'symbol': return String(value);
      case 'object': break;
      default: return value;
    }
    if (value === null) return null;
    if (--budget.left < 0 || depth > ERROR_MAX_DEPTH) return '[truncated]';
    if (seen.has(value)) return '[circular]';
    if (ArrayBuffer.isView(value) || value instanceof Date || value instanceof ArrayBuffer || value instanceof RegExp) return value;
    if (value instanceof Error) return new ErrorBox(sanitizeError(value, seen, budget));
    if (File.isFile(value)) return new FileBox(value.toPlain());
    seen.add(value);
    try {
      if (Array.isArray(value)) return value.map((item) => sanitize(item, seen, budget, depth + 1));
      if (value instanceof Map) {
        const flat: unknown[] = [];
        for (const [k, v] of value) flat.push(sanitize(k, seen, budget, depth + 1), sanitize(v, seen, budget, depth + 1));
        return new MapBox(flat);
      }
      if (value instanceof Set) return new Set([...value].map((item) => sanitize(item, seen, budget, depth + 1)));
      if (isSpecial(value)) return `[object ${className(value)}]`;
      const proto = Object.getPrototypeOf(value) as object | null;
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (proto !== Object.prototype && proto !== null && typeof toJSON === 'function') {
        return sanitize(toJSON.call(value), seen, budget, depth + 1);
      }
      const out: Record<string, unknown> = {};
      for (const key in value) {
        if (!hasOwn.call(value, key)) continue;
        let item: unknown;
        try { item = (value as Record<string, unknown>)[key]; } catch { item = '[unreadable]'; }
        setField(out, key, sanitize(item, seen, budget, depth + 1));
      }
      return out;
    } catch {
      return `[unserializable ${className(value)}]`;
    } finally {
      seen.delete(value);
    }
  }

  return prep;
}

/** How much of an error's own fields is kept: nodes in all, and nesting depth. */
const ERROR_NODE_BUDGET = 5000;
const ERROR_MAX_DEPTH = 32;

function safeString(read: () => unknown, fallback: string): string {
  try {
    const value = read();
    return typeof value === 'string' ? value : fallback;
  } catch {
    return fallback;
  }
}

function refuseFunction(fn: { name: string }): Refused {
  const name = fn.name ? ` (${fn.name})` : '';
  return new Refused(`a function${name}`,
    'pass plain data to apps: code runs remotely only as an app (apps travel by reference or by value), never inside arguments or results');
}

function isSpecial(value: object): boolean {
  return value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef ||
    typeof (value as { then?: unknown }).then === 'function';
}

function refuseSpecial(value: object): void {
  if (value instanceof Promise || typeof (value as { then?: unknown }).then === 'function') {
    throw new Refused(value instanceof Promise ? `a ${className(value)}` : `a thenable ${className(value)}`,
      'await it before passing its value on; a future passed as an app argument is awaited by the DataFlowKernel before the task is sent');
  }
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof WeakRef) {
    throw new Refused(`a ${className(value)}`, 'weak collections cannot be copied; pass a Map, a Set or the referenced value instead');
  }
}

function copyFields(object: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in object) if (hasOwn.call(object, key)) setField(out, key, (object as Record<string, unknown>)[key]);
  return out;
}

function setField(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

function fieldPath(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function keyText(key: unknown): string {
  switch (typeof key) {
    case 'string': return JSON.stringify(key);
    case 'bigint': return `${key}n`;
    case 'number': case 'boolean': case 'undefined': return String(key);
    default: return key === null ? 'null' : `<${className(key as object)} key>`;
  }
}

function className(value: object): string {
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? name : 'Object';
  } catch {
    return 'Object';
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `a ${className(value)}`;
  return typeof value === 'function' ? 'a function' : `a ${typeof value}`;
}

/** Turn whatever the walk or msgpackr threw into a SerializationError that says where and why. */
function toSerializationError(error: unknown, value: unknown): SerializationError {
  if (error instanceof SerializationError) return error;
  if (error instanceof Refused) {
    const path = `$${error.path.reverse().join('')}`;
    return new SerializationError(`${path === '$' ? 'the value' : path} is ${error.what}, which cannot be serialized`, { hint: error.hint });
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    const cycle = findCycle(value);
    if (cycle !== undefined) {
      return new SerializationError(`the value contains a cycle: ${cycle.at} refers back to ${cycle.to}`, {
        hint: 'serializers copy values as trees: break the cycle, for example by sending ids instead of back-references',
      });
    }
    return new SerializationError('the value is nested too deeply to serialize', {
      cause: error, hint: 'flatten the data (for example an array of records instead of a deep linked structure)',
    });
  }
  return new SerializationError(`the value cannot be serialized as msgpack: ${(error as Error)?.message ?? String(error)}`, {
    cause: error,
    hint: 'pass plain data (objects, arrays, primitives, Date, Map, Set, typed arrays, Errors, Files); a getter or toJSON() of a class instance may have thrown',
  });
}

/** Find the first back-reference in a value, with both paths. Only used to explain an error. */
function findCycle(root: unknown): { at: string; to: string } | undefined {
  const onPath = new Map<object, string>();
  const visit = (value: unknown, path: string): { at: string; to: string } | undefined => {
    if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value)) return undefined;
    const earlier = onPath.get(value);
    if (earlier !== undefined) return { at: path, to: earlier };
    onPath.set(value, path);
    let found: { at: string; to: string } | undefined;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length && !found; i++) found = visit(value[i], `${path}[${i}]`);
    } else if (value instanceof Map) {
      for (const [k, v] of value) if (!found) found = visit(k, `${path}.keys()`) ?? visit(v, `${path}.get(${keyText(k)})`);
    } else if (value instanceof Set) {
      let i = 0;
      for (const v of value) if (!found) found = visit(v, `${path}.values()[${i++}]`);
    } else {
      for (const key in value) {
        if (found) break;
        if (hasOwn.call(value, key)) found = visit((value as Record<string, unknown>)[key], `${path}${fieldPath(key)}`);
      }
    }
    onPath.delete(value);
    return found;
  };
  try {
    return visit(root, '$');
  } catch {
    return undefined; // deep but acyclic: the caller reports "too deeply nested"
  }
}
