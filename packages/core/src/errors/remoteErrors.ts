import { brandAsParslError, ParslError } from './ParslError.js';
import {
  AppTimeout, BashExitFailure, DependencyError, TaskCancelled, WorkerLost,
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
for (const cls of [ParslError, DependencyError, BashExitFailure, AppTimeout, TaskCancelled, WorkerLost,
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
    const value = (error as unknown as Record<string, unknown>)[key];
    if (typeof value === 'function') continue;
    props[key] = value instanceof Error ? errorToPlain(value, depth + 1) : value;
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
      (error as unknown as Record<string, unknown>)[key] = isPlainError(value) ? errorFromPlain(value) : value;
    }
  }
  if (plain.cause !== undefined) {
    const cause = 'value' in plain.cause && !('name' in plain.cause) ? plain.cause.value : errorFromPlain(plain.cause as PlainError);
    Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
  }
  if (cls && (cls === ParslError || Object.prototype.isPrototypeOf.call(ParslError.prototype, cls.prototype))) {
    brandAsParslError(error);
    if (!('remoteStack' in error)) (error as unknown as Record<string, unknown>).remoteStack = plain.stack;
  }
  return error;
}

function isPlainError(value: unknown): value is PlainError {
  return typeof value === 'object' && value !== null && typeof (value as PlainError).name === 'string' &&
    typeof (value as PlainError).message === 'string' && ('stack' in value || 'code' in value);
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
