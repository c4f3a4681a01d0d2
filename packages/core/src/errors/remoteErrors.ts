import { File } from '../data/File.js';
import { brandAsParslError, ParslError } from './ParslError.js';
import {
  AppTimeout, BashExitFailure, DependencyError, InterchangeLost, ManagerLost, TaskCancelled, WorkerLost,
} from './taskErrors.js';
import {
  ConfigError, FunctionShippingError, PluginError, SerializationError, StagingError, UsageError,
} from './usageErrors.js';

/**
 * The plain-data form of an error, as it travels between threads and processes. Every serializer
 * encodes errors through this shape so that an error raised on a worker is rebuilt on the submit
 * side with its class, message, stack, code, hint, extra fields and cause chain.
 *
 * @since 0.1.0
 */
export interface PlainError {
  /** Error class name (`TypeError`, `BashExitFailure`, ...). */
  name: string;
  /** The message. */
  message: string;
  /** The stack as recorded where the error was raised. */
  stack?: string;
  /** The parsl-ts error code, for parsl-ts errors. */
  code?: string;
  /** Own enumerable fields other than the above (plain data only). */
  props?: Record<string, unknown>;
  /** The cause, recursively. */
  cause?: PlainError | { value: unknown };
}

const knownClasses = new Map<string, { prototype: object }>();
for (const cls of [ParslError, DependencyError, BashExitFailure, AppTimeout, TaskCancelled, WorkerLost, ManagerLost, InterchangeLost,
  ConfigError, PluginError, FunctionShippingError, SerializationError, UsageError, StagingError]) {
  knownClasses.set(cls.name, cls);
}

/**
 * Register an error class so that it is rebuilt with its own prototype after crossing a boundary.
 * Plugins call this for the errors they define.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * class QuotaError extends ParslError {}
 * registerErrorClass(QuotaError);
 * ```
 */
export function registerErrorClass(cls: { name: string; prototype: object }): void {
  knownClasses.set(cls.name, cls);
}

const SKIPPED_KEYS = new Set(['name', 'message', 'stack', 'cause', 'code']);

/**
 * Turn any thrown value into its plain-data form ({@link PlainError}). Depth-limited so that a
 * cyclic cause chain cannot loop.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const plain = errorToPlain(new TypeError('x')); // { name: 'TypeError', message: 'x', stack: ... }
 * ```
 */
export function errorToPlain(error: unknown, depth = 0): PlainError {
  if (!(error instanceof Error)) {
    return { name: 'NonErrorThrown', message: `a non-Error value was thrown: ${safeString(error)}`, props: { value: error } };
  }
  const plain: PlainError = { name: error.name, message: error.message };
  if (error.stack !== undefined) plain.stack = error.stack;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') plain.code = code;
  const props: Record<string, unknown> = {};
  let any = false;
  for (const key of Object.keys(error)) {
    if (SKIPPED_KEYS.has(key)) continue;
    let value: unknown;
    try {
      value = (error as unknown as Record<string, unknown>)[key];
    } catch {
      continue; // a throwing getter must not keep the error from travelling
    }
    if (typeof value === 'function' || typeof value === 'symbol') continue;
    props[key] = value instanceof Error ? { [NESTED_ERROR]: errorToPlain(value, depth + 1) } : plainData(value, new Set([error]), 0);
    any = true;
  }
  if (error instanceof AggregateError && Array.isArray(error.errors)) {
    props.errors = error.errors.map((e: unknown) => (e instanceof Error ? { [NESTED_ERROR]: errorToPlain(e, depth + 1) } : plainData(e, new Set(), 0)));
    any = true;
  }
  if (any) plain.props = props;
  if (error.cause !== undefined && depth < 16) {
    plain.cause = error.cause instanceof Error ? errorToPlain(error.cause, depth + 1) : { value: error.cause };
  }
  return plain;
}

/**
 * Rebuild an error from its plain-data form. The rebuilt error has the original class when that
 * class is a built-in or was registered, otherwise an `Error` whose `name` is the original name.
 * Its `stack` is the remote stack, so users see where the error really happened.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const e = errorFromPlain(errorToPlain(new RangeError('r'))); // e instanceof RangeError
 * ```
 */
export function errorFromPlain(plain: PlainError): Error {
  const cls = knownClasses.get(plain.name) ?? builtinErrorClass(plain.name);
  const error = Object.create((cls ?? Error).prototype) as Error;
  Object.defineProperty(error, 'message', { value: plain.message, writable: true, configurable: true });
  Object.defineProperty(error, 'name', { value: plain.name, writable: true, configurable: true });
  Object.defineProperty(error, 'stack', { value: plain.stack ?? `${plain.name}: ${plain.message}`, writable: true, configurable: true });
  if (plain.code !== undefined) {
    Object.defineProperty(error, 'code', { value: plain.code, enumerable: true, writable: true, configurable: true });
  }
  if (plain.props) {
    for (const [key, value] of Object.entries(plain.props)) {
      const rebuilt = key === 'errors' && Array.isArray(value) ? value.map(nestedError) : nestedError(value);
      (error as unknown as Record<string, unknown>)[key] = rebuilt;
    }
  }
  if (plain.cause !== undefined) {
    const cause = 'value' in plain.cause && !('name' in plain.cause) ? plain.cause.value : errorFromPlain(plain.cause as PlainError);
    Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
  }
  if (cls && (cls === ParslError || Object.prototype.isPrototypeOf.call(ParslError.prototype, cls.prototype))) {
    brandAsParslError(error);
    if ((error as { remoteStack?: unknown }).remoteStack === undefined) (error as unknown as Record<string, unknown>).remoteStack = plain.stack;
  }
  return error;
}

/** Marks an error nested in another error's fields, so ordinary data is never mistaken for one. */
const NESTED_ERROR = '__parslNestedError';

function nestedError(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && NESTED_ERROR in value) {
    return errorFromPlain((value as Record<string, PlainError>)[NESTED_ERROR]!);
  }
  return value;
}

const MAX_PROP_DEPTH = 8;
const MAX_PROP_ITEMS = 1000;

/**
 * Reduce an error field to data any serializer can carry: cycles become '[circular]', functions
 * are dropped, class instances other than the value types serializers know become their string
 * form, and depth and size are bounded. An error holding a socket still gets home this way.
 */
function plainData(value: unknown, seen: Set<unknown>, depth: number): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : value;
  }
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_PROP_DEPTH) return '[too deep]';
  if (value instanceof Date || ArrayBuffer.isView(value) || value instanceof Error || File.isFile(value)) return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.slice(0, MAX_PROP_ITEMS).map((v) => plainData(v, seen, depth + 1));
    if (value instanceof Map) return new Map([...value].slice(0, MAX_PROP_ITEMS).map(([k, v]) => [plainData(k, seen, depth + 1), plainData(v, seen, depth + 1)]));
    if (value instanceof Set) return new Set([...value].slice(0, MAX_PROP_ITEMS).map((v) => plainData(v, seen, depth + 1)));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      try { return String(value); } catch { return '[unprintable]'; }
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).slice(0, MAX_PROP_ITEMS)) {
      let v: unknown;
      try { v = (value as Record<string, unknown>)[key]; } catch { continue; }
      const data = plainData(v, seen, depth + 1);
      if (data !== undefined || v === undefined) out[key] = data;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function builtinErrorClass(name: string): { prototype: object } | undefined {
  const candidate = (globalThis as Record<string, unknown>)[name];
  if (typeof candidate === 'function' && (candidate === Error || candidate.prototype instanceof Error)) {
    return candidate as { prototype: object };
  }
  return undefined;
}

function safeString(value: unknown): string {
  try { return typeof value === 'string' ? JSON.stringify(value) : String(value); } catch { return '<unprintable>'; }
}
