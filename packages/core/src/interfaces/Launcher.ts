/**
 * Wraps the worker command so that it runs on every node of a block (`srun`, `mpiexec`, `aprun`,
 * a loop over `$PBS_NODEFILE`, ...). Launchers are plain data and produce shell text.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const line = new SrunLauncher().wrap('parsl-ts-worker-pool ...', 1, 2);
 * // 'srun --ntasks=2 --ntasks-per-node=1 ... parsl-ts-worker-pool ...'
 * ```
 */
export interface Launcher {
  /** Name, e.g. `srun`. */
  readonly name: string;
  /** Return the shell text that runs `command` `tasksPerNode` times on each of `nodesPerBlock` nodes. */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string;
}
