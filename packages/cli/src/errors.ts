/**
 * Errors the `parsl-ts` command raises itself (a missing workflow file, a bad option value), and
 * how every error — the CLI's, core's coded `ParslError`s and plain exceptions — is printed.
 *
 * @module
 */

/**
 * The codes of the errors raised by the CLI itself. Like core's codes they are stable and never
 * reused; they use the `PARSL_CLI_` prefix so they never clash with core's.
 *
 * @since 0.1.0
 */
export const CliErrorCodes = {
  /** The workflow file given to `parsl-ts run` does not exist or is not a file. */
  WorkflowNotFound: 'PARSL_CLI_WORKFLOW_NOT_FOUND',
  /** The workflow file has an extension `parsl-ts run` cannot import. */
  WorkflowType: 'PARSL_CLI_WORKFLOW_TYPE',
  /** A command-line option has a value the command cannot use. */
  BadOption: 'PARSL_CLI_BAD_OPTION',
  /** `@parsl-ts/core` could not be found from the working directory nor from the CLI. */
  CoreNotFound: 'PARSL_CLI_CORE_NOT_FOUND',
  /** `parsl-ts visualize` needs `@parsl-ts/monitoring-dashboard`, which is not installed. */
  DashboardMissing: 'PARSL_CLI_DASHBOARD_MISSING',
  /** `@parsl-ts/monitoring-dashboard` is installed but could not be loaded. */
  DashboardLoad: 'PARSL_CLI_DASHBOARD_LOAD',
  /** `parsl-ts plugin new` was asked to write into a folder that already has files. */
  ScaffoldTargetExists: 'PARSL_CLI_SCAFFOLD_EXISTS',
} as const;

/**
 * One of the {@link CliErrorCodes}.
 *
 * @since 0.1.0
 */
export type CliErrorCode = (typeof CliErrorCodes)[keyof typeof CliErrorCodes];

/**
 * An error caused by how the CLI was called. Shaped like core's `ParslError` (`code`, `hint`,
 * `describe()`), and printed the same way; it does not extend it so that the CLI never loads a
 * second copy of core next to the one a workflow uses.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * throw new CliError(CliErrorCodes.BadOption, '--workers must be a whole number >= 1, got 0', 'pass --workers 2');
 * ```
 */
export class CliError extends Error {
  /** Stable machine-readable code, e.g. `PARSL_CLI_BAD_OPTION`. */
  readonly code: CliErrorCode;
  /** What to do about it. */
  readonly hint: string | undefined;

  constructor(code: CliErrorCode, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.code = code;
    this.hint = hint;
  }

  /** The message with code and hint, as `ParslError.describe()` prints it. */
  describe(): string {
    return `[${this.code}] ${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }
}

/**
 * Something with a stable code and a `describe()`: a ParslError (from any copy of core) or a
 * {@link CliError}.
 *
 * @since 0.1.0
 */
export interface CodedError {
  code: string;
  message: string;
  hint?: string | undefined;
  describe(): string;
  cause?: unknown;
  remoteStack?: string | undefined;
}

/**
 * True for errors that carry a stable code and a `describe()` method: core's `ParslError`s (also
 * from another copy of core, or rebuilt after crossing a thread) and {@link CliError}s.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * isCodedError(new CliError(CliErrorCodes.BadOption, 'x')); // true
 * ```
 */
export function isCodedError(error: unknown): error is CodedError {
  return typeof error === 'object' && error !== null && typeof (error as CodedError).code === 'string' &&
    typeof (error as CodedError).describe === 'function';
}

/**
 * The text `parsl-ts` prints for an error: `✗ [CODE] message` and `  hint: ...` for coded errors
 * (plus the first line of each cause), the stack trace for anything else.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * process.stderr.write(formatError(error) + '\n');
 * ```
 */
export function formatError(error: unknown): string {
  if (isCodedError(error)) {
    const lines = [`✗ ${error.describe()}`];
    let cause = error.cause;
    for (let depth = 0; cause !== undefined && cause !== null && depth < 3; depth++) {
      const text = isCodedError(cause) ? `[${cause.code}] ${cause.message}` : cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
      lines.push(`  cause: ${firstLine(text)}`);
      cause = (cause as { cause?: unknown }).cause;
    }
    // A remote stack shows where a function app failed on its worker; for a failed command line
    // (its output is in the task's stderr file) or a walltime it only shows parsl-ts internals.
    if (error.remoteStack && !QUIET_REMOTE_STACK.has((error as { name?: string }).name ?? '')) {
      const stack = error.remoteStack.split('\n');
      const shown = stack.slice(0, 10).join('\n') + (stack.length > 10 ? `\n… ${stack.length - 10} more lines` : '');
      lines.push(`  remote stack:\n${indent(shown, '    ')}`);
    }
    return lines.join('\n');
  }
  if (error instanceof Error) return `✗ ${error.stack ?? `${error.name}: ${error.message}`}`;
  return `✗ ${String(error)}`;
}

const QUIET_REMOTE_STACK = new Set(['BashExitFailure', 'AppTimeout']);

function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i < 0 ? text : `${text.slice(0, i)} …`;
}

function indent(text: string, prefix: string): string {
  return text.split('\n').map((l) => prefix + l).join('\n');
}
