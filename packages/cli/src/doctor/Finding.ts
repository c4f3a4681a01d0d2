/**
 * What `parsl-ts doctor` reports: one finding per thing it checked, each with a stable code and,
 * for a problem, what to do about it.
 *
 * @module
 */

/**
 * How a check came out: `ok`, `warning` (the run may work, but look) or `error` (the run will fail).
 *
 * @since 0.1.0
 */
export type FindingStatus = 'ok' | 'warning' | 'error';

/**
 * One result of `parsl-ts doctor`.
 *
 * @since 0.1.0
 */
export interface Finding {
  /** Stable code: `PARSL_DOCTOR_*` for the doctor's own checks, core's codes for config problems. */
  readonly code: string;
  /** How it came out. */
  readonly status: FindingStatus;
  /** The area: `core`, `config`, `plugins`, `scheduler`, `interchange`, `run-dir`. */
  readonly check: string;
  /** What was found. */
  readonly message: string;
  /** What to do (for warnings and errors). */
  readonly hint?: string | undefined;
}

/**
 * The codes of the doctor's own findings. Stable, never reused.
 *
 * @since 0.1.0
 */
export const DoctorCodes = {
  /** A check passed. */
  Ok: 'PARSL_DOCTOR_OK',
  /** No config file was given or found: only the environment was checked. */
  NoConfig: 'PARSL_DOCTOR_NO_CONFIG',
  /** An installed plugin does not support the installed core. */
  PluginIncompatible: 'PARSL_DOCTOR_PLUGIN_INCOMPATIBLE',
  /** More than one copy of @parsl-ts/core is installed where the workflow runs. */
  DuplicateCore: 'PARSL_DOCTOR_DUPLICATE_CORE',
  /** A scheduler command the configured provider runs is not on PATH. */
  SchedulerMissing: 'PARSL_DOCTOR_SCHEDULER_MISSING',
  /** A scheduler command is there but fails or does not answer in time. */
  SchedulerNoAnswer: 'PARSL_DOCTOR_SCHEDULER_NO_ANSWER',
  /** The interchange listens on a loopback address while workers run on other nodes. */
  AddressLoopback: 'PARSL_DOCTOR_ADDRESS_LOOPBACK',
  /** The interchange address cannot be listened on, or a worker process cannot connect to it. */
  AddressUnreachable: 'PARSL_DOCTOR_ADDRESS_UNREACHABLE',
  /** The run directory cannot be created or written. */
  RunDir: 'PARSL_DOCTOR_RUN_DIR',
} as const;

const MARK: Readonly<Record<FindingStatus, string>> = { ok: '✓', warning: '!', error: '✗' };

/**
 * Print findings as `parsl-ts doctor` does and return the exit status: 1 when any is an error.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * process.exitCode = printFindings(findings);
 * ```
 */
export function printFindings(findings: readonly Finding[], write: (text: string) => void = (t) => { process.stdout.write(t); }): number {
  for (const f of findings) {
    write(f.status === 'ok' ? `${MARK.ok} ${f.check}: ${f.message}\n` : `${MARK[f.status]} [${f.code}] ${f.check}: ${f.message}\n`);
    if (f.status !== 'ok' && f.hint) write(`  hint: ${f.hint}\n`);
  }
  const errors = findings.filter((f) => f.status === 'error').length;
  const warnings = findings.filter((f) => f.status === 'warning').length;
  write(`\n${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}, ${findings.length - errors - warnings} ok\n`);
  return errors > 0 ? 1 : 0;
}
