import { ErrorCodes, type ErrorCode } from '../errors/codes.js';
import { ParslError, type ParslErrorOptions } from '../errors/ParslError.js';

/**
 * Raised when a checkpoint cannot be read or written. `file` names it. Codes:
 * `PARSL_CHECKPOINT_CORRUPT` (a file is damaged, truncated or not a checkpoint),
 * `PARSL_CHECKPOINT_MISSING` (a path in `checkpointFiles` does not exist) and
 * `PARSL_CHECKPOINT_WRITE` (writing failed, e.g. the disk is full).
 *
 * @since 0.2.0
 * @example
 * ```ts
 * try { await loadConfig({ checkpointFiles: ['runinfo/003/checkpoint'] }); }
 * catch (e) { if (e instanceof CheckpointError) console.error(e.file, e.code); }
 * ```
 */
export class CheckpointError extends ParslError {
  /** The checkpoint file (or folder) at fault. */
  readonly file: string;

  constructor(code: ErrorCode, file: string, message: string, options: ParslErrorOptions = {}) {
    super(code, message, { hint: options.hint ?? defaultHint(code, file), ...options });
    this.file = file;
  }
}

function defaultHint(code: ErrorCode, file: string): string {
  switch (code) {
    case ErrorCodes.CheckpointCorrupt:
      return `the file was damaged after it was written (checkpoints are written atomically, so a crash cannot cause this): delete ${file} ` +
        'or leave it out of checkpointFiles; the tasks it held run again';
    case ErrorCodes.CheckpointMissing:
      return 'check the path; getLastCheckpoint() or getAllCheckpoints() find the checkpoints of earlier runs under runinfo/';
    default:
      return 'check that the run directory is writable and the disk is not full';
  }
}
