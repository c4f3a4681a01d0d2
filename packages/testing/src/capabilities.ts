/**
 * What an executor can do, as far as the conformance suite is concerned. Every capability
 * defaults to `true`: an executor opts out of a test only by declaring, here, that it cannot do
 * what the test checks. The skipped test still shows in the report, with the reason in its name.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const capabilities: ConformanceCapabilities = { workerLoss: false }; // everything else is tested
 * ```
 */
export interface ConformanceCapabilities {
  /** Runs bash apps (`bashApp`): exit codes, stdout/stderr redirection, `AUTO_LOGNAME`. Default `true`. */
  readonly bash?: boolean;
  /** Stops a bash app's command when its walltime is exceeded, leaving no process behind. Default `true`. */
  readonly bashWalltime?: boolean;
  /** Stops a JavaScript app (even a synchronous busy loop) when its walltime is exceeded, and keeps working. Default `true`. */
  readonly walltime?: boolean;
  /** Survives a worker that dies while running a task (`process.exit`): the task fails with `WorkerLost`, later tasks run. Default `true`. */
  readonly workerLoss?: boolean;
  /** Workers can import an app's module by URL (shipping by reference), e.g. through a shared filesystem. Default `true`. */
  readonly byReference?: boolean;
  /** Moves 20 MB arguments and results intact. Default `true`. */
  readonly largeArguments?: boolean;
  /** Completes 10,000 tasks in one burst within the test's time limit. Default `true`. */
  readonly manyTasks?: boolean;
  /** Can run as two instances in one config (labels `a` and `b`), for executor selection by label. Default `true`. */
  readonly multipleExecutors?: boolean;
}

/**
 * The name of one {@link ConformanceCapabilities} entry.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const missing: ConformanceCapability[] = ['workerLoss'];
 * ```
 */
export type ConformanceCapability = keyof ConformanceCapabilities;

/**
 * Every capability the conformance suite knows, with what a test needs from the executor. Used to
 * name skipped tests; handy for a plugin README's capability table.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * for (const [name, meaning] of Object.entries(conformanceCapabilities)) console.log(name, meaning);
 * ```
 */
export const conformanceCapabilities: Readonly<Record<ConformanceCapability, string>> = Object.freeze({
  bash: 'runs bash apps',
  bashWalltime: 'kills bash commands at their walltime',
  walltime: 'stops JavaScript apps at their walltime',
  workerLoss: 'survives a worker that dies',
  byReference: 'imports app modules on workers (shipping by reference)',
  largeArguments: 'moves 20 MB arguments and results',
  manyTasks: 'runs 10,000 tasks in one burst',
  multipleExecutors: 'runs as two instances in one config',
});

/**
 * Fill in the defaults (`true`) of a capability declaration.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * resolveCapabilities({ bash: false }).walltime; // true
 * ```
 */
export function resolveCapabilities(declared: ConformanceCapabilities = {}): Required<ConformanceCapabilities> {
  const resolved = {} as Record<ConformanceCapability, boolean>;
  for (const name of Object.keys(conformanceCapabilities) as ConformanceCapability[]) {
    const value = declared[name];
    resolved[name] = value === undefined ? true : value;
  }
  return resolved;
}
