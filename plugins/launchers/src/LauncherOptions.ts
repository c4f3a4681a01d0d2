/**
 * Options every launcher that calls a parallel launch command (`srun`, `mpiexec`, `aprun`, ...)
 * accepts. Plain data, so a launcher can be named in a config file and travel with its provider.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const options: LauncherOptions = { debug: false, overrides: '--cpu-bind=none' };
 * new SrunLauncher(options);
 * ```
 */
export interface LauncherOptions {
  /**
   * Print what the launcher does (cores found, copies started, exit status) to the job's stdout.
   * Default `true`, as in Parsl.
   */
  readonly debug?: boolean;
  /**
   * Extra arguments for the launch command, placed right after the launcher's own arguments.
   * A string is inserted as shell text, as in Parsl (`'--mpi=pmi2 --cpu-bind=none'`), so it may
   * hold several flags but must not contain a newline; a list of strings is quoted word by word
   * (`['--export', 'ALL,FOO=a b']`). Default: none.
   */
  readonly overrides?: string | readonly string[];
}
