import { ConfigError, type Launcher } from '@parsl-ts/core';
import { checkOptions, checkShape } from './script.js';
import { shellQuote } from './shellQuote.js';

/**
 * Options of {@link WrappedLauncher}.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: WrappedLauncherOptions = { prepend: 'singularity exec /images/worker.sif' };
 * ```
 */
export interface WrappedLauncherOptions {
  /** Shell text to run the command with, e.g. `singularity exec img.sif`, `docker run --rm img`, `time`. Required; one line. */
  readonly prepend: string;
  /**
   * `false` (default): run the command as one word, `<prepend> bash -c '<command>'`, so that a
   * command with `&&`, `;` or redirections runs entirely inside the wrapper. `true`: Parsl's
   * `<prepend> <command>`, for wrappers that need the command's own words (then only the first
   * simple command is wrapped).
   */
  readonly raw?: boolean;
  /** Accepted for symmetry with the other launchers. Default `true`. */
  readonly debug?: boolean;
}

/**
 * Runs the command once, inside another command: a container runtime, `time`, `numactl`, a
 * site's wrapper script. As Parsl's `WrappedLauncher`, it ignores `tasksPerNode` and
 * `nodesPerBlock` (and says so on stderr when they are above 1).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * new WrappedLauncher({ prepend: 'singularity exec worker.sif' }).wrap('parsl-ts-worker-pool', 1, 1);
 * // "singularity exec worker.sif bash -c parsl-ts-worker-pool"
 * ```
 */
export class WrappedLauncher implements Launcher {
  /** `wrapped`. */
  readonly name = 'wrapped';
  /** The wrapping command. */
  readonly prepend: string;
  /** Whether the command is appended as it is instead of through `bash -c`. */
  readonly raw: boolean;
  /** Unused; kept for symmetry with the other launchers. */
  readonly debug: boolean;

  constructor(options: WrappedLauncherOptions) {
    checkOptions('WrappedLauncher', options, { prepend: 'string', raw: 'boolean', debug: 'boolean' });
    if (options === undefined || typeof options.prepend !== 'string' || options.prepend.trim() === '') {
      throw new ConfigError('needs the command to wrap with', {
        path: 'WrappedLauncher.prepend', hint: "e.g. new WrappedLauncher({ prepend: 'singularity exec worker.sif' })",
      });
    }
    this.prepend = options.prepend.trim();
    this.raw = options.raw ?? false;
    this.debug = options.debug ?? true;
  }

  /** `<prepend> bash -c '<command>'` (or `<prepend> <command>` when raw). */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    checkShape('WrappedLauncher', command, tasksPerNode, nodesPerBlock);
    const line = this.raw ? `${this.prepend} ${command}` : `${this.prepend} bash -c ${shellQuote(command)}`;
    if (tasksPerNode === 1 && nodesPerBlock === 1) return line;
    return [
      `echo 'parsl-ts WrappedLauncher: runs one copy of the command, but ${tasksPerNode} task(s) per node on ${nodesPerBlock} node(s) were asked for: you may get fewer workers than expected' >&2`,
      line,
    ].join('\n');
  }
}
