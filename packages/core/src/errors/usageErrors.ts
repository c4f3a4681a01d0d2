import { ErrorCodes, type ErrorCode } from './codes.js';
import { ParslError, type ParslErrorOptions } from './ParslError.js';

/**
 * Raised for a configuration problem: a bad option, a missing executor, a config file that does
 * not load. `path` names the offending setting (e.g. `executors[1].label`).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * new ConfigError('executors must not be empty', { path: 'executors', hint: 'add an executor' });
 * ```
 */
export class ConfigError extends ParslError {
  /** The setting at fault, as a dotted path. */
  readonly path: string | undefined;

  constructor(message: string, options: ParslErrorOptions & { path?: string; code?: ErrorCode } = {}) {
    super(options.code ?? ErrorCodes.InvalidConfig, options.path ? `${options.path}: ${message}` : message, options);
    this.path = options.path;
  }
}

/**
 * Raised when a plugin cannot be used: its package does not import, has no manifest, or supports
 * a core range that excludes the running core (code PARSL_PLUGIN_INCOMPATIBLE, naming both versions).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * try { await loadPlugin('@acme/parsl-ts-executor-x'); } catch (e) { console.log(e.code, e.specifier); }
 * ```
 */
export class PluginError extends ParslError {
  /** The module specifier that was loaded. */
  readonly specifier: string;

  constructor(code: ErrorCode, specifier: string, message: string, options: ParslErrorOptions = {}) {
    super(code, message, options);
    this.specifier = specifier;
  }
}

/**
 * Raised when a function cannot travel to a worker: it captures local variables (code
 * PARSL_CAPTURED_VARIABLE), or it cannot be re-created or imported there.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const n = 3;
 * app((x: number) => x * n, { ship: 'value' }); // throws FunctionShippingError naming `n`
 * ```
 */
export class FunctionShippingError extends ParslError {
  /** The free variables found, for a captured-variable error. */
  readonly variables: string[];

  constructor(code: ErrorCode, message: string, options: ParslErrorOptions & { variables?: string[] } = {}) {
    super(code, message, options);
    this.variables = options.variables ?? [];
  }
}

/**
 * Raised when a value cannot be serialized or deserialized, or a payload names an unknown serializer.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * registry.deserialize(new Uint8Array([1, 2, 3])); // throws SerializationError (PARSL_UNKNOWN_SERIALIZER)
 * ```
 */
export class SerializationError extends ParslError {
  constructor(message: string, options: ParslErrorOptions & { code?: ErrorCode } = {}) {
    super(options.code ?? ErrorCodes.Serialization, message, options);
  }
}

/**
 * Raised for a usage error of the API at run time (no DataFlowKernel, closed DataFlowKernel, bad
 * arguments, unknown executor label).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * myApp(); // before loadConfig(): UsageError PARSL_NO_DFK
 * ```
 */
export class UsageError extends ParslError {
  constructor(code: ErrorCode, message: string, options: ParslErrorOptions = {}) {
    super(code, message, options);
  }
}

/**
 * Raised when moving a file in or out of a task fails. Names the URL.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * new StagingError('https://example.org/x', 'HTTP 404');
 * ```
 */
export class StagingError extends ParslError {
  /** The URL that could not be staged. */
  readonly url: string;

  constructor(url: string, detail: string, options: ParslErrorOptions = {}) {
    super(ErrorCodes.Staging, `staging ${url} failed: ${detail}`, {
      hint: options.hint ?? 'check that the URL exists and is reachable from where the task runs',
      ...options,
    });
    this.url = url;
  }
}
