/**
 * The base class of every error parsl-ts raises on purpose.
 *
 * Every subclass carries a stable `code` (never reused, listed in docs/errors.md), a `hint` that
 * tells the user what to do, an optional `cause` chain and, when the error happened on a worker,
 * the remote stack. `instanceof ParslError` works across module copies and across process or
 * thread boundaries because the check uses a brand registered with `Symbol.for`.
 */
const BRAND = Symbol.for('parsl-ts.error');

/** Options accepted by every {@link ParslError} constructor. */
export interface ParslErrorOptions {
  /** What the user should do about it. */
  hint?: string;
  /** The error that led to this one. */
  cause?: unknown;
  /** Stack trace recorded where the error really happened (on a worker). */
  remoteStack?: string;
}

/**
 * Base class of parsl-ts errors.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * try { await future; } catch (e) {
 *   if (e instanceof ParslError) console.error(e.code, e.hint);
 * }
 * ```
 */
export class ParslError extends Error {
  /** Stable machine-readable code, e.g. `PARSL_DEPENDENCY_FAILED`. */
  readonly code: string;
  /** What to do about it. */
  readonly hint: string | undefined;
  /** The stack of the place where the error happened, when that was another thread or process. */
  readonly remoteStack: string | undefined;

  constructor(code: string, message: string, options: ParslErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.remoteStack = options.remoteStack;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true, enumerable: false });
  }

  /** Brand check, so that `instanceof` survives duplicate module copies and deserialization. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this === ParslError) {
      return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
    }
    return Function.prototype[Symbol.hasInstance].call(this, value) ||
      (typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true &&
        (value as { name?: string }).name === this.name);
  }

  /** A one-line summary with code and hint, for logs and terminals. */
  describe(): string {
    return `[${this.code}] ${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

/**
 * Mark any object as a parsl-ts error (used when an error is rebuilt from its serialized form).
 * @internal
 */
export function brandAsParslError(target: object): void {
  Object.defineProperty(target, BRAND, { value: true, enumerable: false });
}
