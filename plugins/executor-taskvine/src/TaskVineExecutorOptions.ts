import { availableParallelism } from 'node:os';
import { ConfigError, type ExecutionProvider } from '@parsl-ts/core';
import type { WorkerFactoryOptions } from './factory/WorkerFactory.js';

/**
 * Options of the {@link TaskVineExecutor}. Plain data, except `provider`.
 *
 * @since 0.1.0
 */
export interface TaskVineExecutorOptions {
  /** Executor label. Default `taskvine`. */
  label?: string;
  /**
   * Which cctools manager library the sidecar hosts: `taskvine` (`ndcctools.taskvine`),
   * `workqueue` (`work_queue`), or `auto` (default): TaskVine when importable, else Work Queue.
   * The executor logs which one it found, or fails with `PARSL_TASKVINE_BACKEND_MISSING` saying
   * what to install.
   */
  backend?: 'taskvine' | 'workqueue' | 'auto';
  /**
   * Where blocks of workers come from (`new LocalProvider()`, `new SlurmProvider({...})`): each block
   * runs `parsl-ts-taskvine-worker`, which starts `work_queue_worker`/`vine_worker` toward the
   * manager. Without a provider, start workers yourself (by hand or with the cctools factory)
   * toward {@link TaskVineExecutor.managerPort}.
   */
  provider?: ExecutionProvider;
  /**
   * Also run the cctools factory (`work_queue_factory` / `vine_factory`), which submits worker jobs
   * to a batch system as the manager needs them; stopped at shutdown. Works with or without a
   * provider. Its workers have no runner pool: JavaScript tasks start Node.js each.
   */
  factory?: WorkerFactoryOptions;
  /** Python interpreter of the sidecar. Default: `$PARSL_TS_PYTHON`, `python3`, then `/usr/bin/python3`, the first that has the backend. */
  python?: string;
  /** Port of the manager; 0 (default) lets the manager pick a free one. */
  port?: number;
  /** Address of this host as the workers reach it. Default `127.0.0.1` (set the login node's name on a cluster). */
  address?: string;
  /**
   * Shared secret of manager and workers: `true` (default) writes a fresh one to the run directory
   * (`manager.password`, mode 0600) and gives it to the blocks' workers; a path uses that file;
   * `false` lets any worker that reaches the port connect.
   */
  password?: boolean | string;
  /** Cores each block's worker offers. Default: the provider's `coresPerNode`, else this machine's cores. */
  workerCores?: number;
  /** Memory each block's worker offers, in MB. Default: the worker measures it. */
  workerMemory?: number;
  /** Disk each block's worker offers, in MB. Default: the worker measures it. */
  workerDisk?: number;
  /** GPUs each block's worker offers. Default: the worker measures them. */
  workerGpus?: number;
  /** Seconds a worker without tasks stays connected. Default 300. */
  workerIdleTimeout?: number;
  /** The worker program. Default `vine_worker` for TaskVine, `work_queue_worker` for Work Queue. */
  workerCommand?: string;
  /** More options for the worker program (e.g. `['--workdir', '/scratch']`). */
  workerOptions?: readonly string[];
  /**
   * Run JavaScript tasks in a pool of warm Node.js processes next to each block's worker (default
   * true). `false` starts Node.js for every task, as on workers not started by a block.
   */
  runnerPool?: boolean;
  /** The Node.js command on the workers. Default: this process's Node.js for blocks, `node` for other workers. */
  workerNode?: string;
  /** Folder the workers import parsl-ts and the serializer from. Default: this process's working directory. */
  workerBaseDir?: string;
  /**
   * Workers see the same files as this process (a shared filesystem): Files are not moved through
   * the sandboxes, apps use their paths as they are. Default false.
   */
  sharedFs?: boolean;
  /** Keep the app's input files in the workers' caches for later tasks (only for files that do not change). Default false. */
  cacheInputFiles?: boolean;
  /** Times the manager runs a task again when it loses its worker (retries at the manager, before the DataFlowKernel's). Default 1. */
  maxRetries?: number;
  /** Resources of tasks that do not say. Default `{ cores: 1 }` (a task without resources would take a whole worker). */
  defaultResources?: { cores?: number; memory?: number; disk?: number; gpus?: number };
  /**
   * Fewest tasks handed to the manager library at once; the rest wait in the sidecar, in priority
   * order (the library's work per task grows with the tasks it holds). The sidecar hands it twice
   * the connected workers' cores when that is more. Default 64.
   */
  submitWindow?: number;
  /** Write the manager's debug log (large) to the run directory too. Default false. */
  debugLog?: boolean;
  /** Manager tunables (`tune(name, value)` of the library), e.g. `{ 'keepalive-interval': 30 }`. */
  tune?: Record<string, number>;
  /** Extra environment of the sidecar (e.g. `PYTHONPATH` to find the backend). */
  sidecarEnv?: Record<string, string>;
  /** Another sidecar program than the one in this package (a patched copy); it must speak the same protocol. */
  sidecarScript?: string;
  /** Seconds without tasks before the strategy scales blocks in. Default 120. */
  maxIdleTime?: number;
  /** Seconds the sidecar may take to start the manager. Default 60. */
  startTimeout?: number;
}

/** The options with their defaults filled in. */
export interface TaskVineSettings {
  readonly backend: 'taskvine' | 'workqueue' | 'auto';
  readonly factory: WorkerFactoryOptions | undefined;
  readonly python: string | undefined;
  readonly port: number;
  readonly address: string;
  readonly password: boolean | string;
  readonly workerCores: number;
  readonly workerMemory: number | undefined;
  readonly workerDisk: number | undefined;
  readonly workerGpus: number | undefined;
  readonly workerIdleTimeout: number;
  readonly workerCommand: string | undefined;
  readonly workerOptions: readonly string[];
  readonly runnerPool: boolean;
  readonly workerNode: string | undefined;
  readonly workerBaseDir: string;
  readonly sharedFs: boolean;
  readonly cacheInputFiles: boolean;
  readonly maxRetries: number;
  readonly defaultResources: { readonly cores?: number; readonly memory?: number; readonly disk?: number; readonly gpus?: number };
  readonly submitWindow: number;
  readonly debugLog: boolean;
  readonly tune: Readonly<Record<string, number>>;
  readonly sidecarEnv: Readonly<Record<string, string>>;
  readonly sidecarScript: string | undefined;
  readonly maxIdleTime: number;
  readonly startTimeout: number;
}

/** Check the options (a ConfigError naming the option otherwise) and fill in the defaults. */
export function resolveSettings(options: TaskVineExecutorOptions): TaskVineSettings {
  const positive = (name: string, value: number | undefined, whole: boolean, zero = false): void => {
    if (value === undefined) return;
    const ok = typeof value === 'number' && Number.isFinite(value) && (zero ? value >= 0 : value > 0) && (!whole || Number.isInteger(value));
    if (!ok) {
      throw new ConfigError(`must be a ${whole ? 'whole ' : ''}number ${zero ? '>= 0' : '> 0'}, got ${String(value)}`, { path: name, hint: `remove ${name} for the default` });
    }
  };
  if (options.backend !== undefined && !['taskvine', 'workqueue', 'auto'].includes(options.backend)) {
    throw new ConfigError(`must be 'taskvine', 'workqueue' or 'auto', got ${JSON.stringify(options.backend)}`, { path: 'backend' });
  }
  if (options.provider !== undefined && typeof options.provider?.submit !== 'function') {
    throw new ConfigError('is not an execution provider', { path: 'provider', hint: "pass provider: new LocalProvider() (from '@parsl-ts/provider-local') or a scheduler's provider" });
  }
  positive('port', options.port, true, true);
  positive('workerCores', options.workerCores, true);
  positive('workerMemory', options.workerMemory, true);
  positive('workerDisk', options.workerDisk, true);
  positive('workerGpus', options.workerGpus, true, true);
  positive('workerIdleTimeout', options.workerIdleTimeout, true);
  positive('maxRetries', options.maxRetries, true, true);
  positive('maxIdleTime', options.maxIdleTime, false, true);
  positive('startTimeout', options.startTimeout, false);
  positive('submitWindow', options.submitWindow, true);
  for (const [name, value] of Object.entries(options.defaultResources ?? {})) positive(`defaultResources.${name}`, value as number | undefined, false, name === 'gpus');
  if (options.factory !== undefined) {
    if (typeof options.factory?.batchType !== 'string' || options.factory.batchType === '') {
      throw new ConfigError('needs batchType, the factory\'s batch system (-T): slurm, condor, sge, local...', { path: 'factory.batchType' });
    }
    positive('factory.minWorkers', options.factory.minWorkers, true, true);
    positive('factory.maxWorkers', options.factory.maxWorkers, true);
    positive('factory.workerCores', options.factory.workerCores, true);
  }
  if (options.password !== undefined && typeof options.password !== 'boolean' && typeof options.password !== 'string') {
    throw new ConfigError('must be true, false or the path of a password file', { path: 'password' });
  }
  return {
    backend: options.backend ?? 'auto',
    factory: options.factory,
    python: options.python,
    port: options.port ?? 0,
    address: options.address ?? '127.0.0.1',
    password: options.password ?? true,
    workerCores: options.workerCores ?? options.provider?.coresPerNode ?? availableParallelism(),
    workerMemory: options.workerMemory,
    workerDisk: options.workerDisk,
    workerGpus: options.workerGpus,
    workerIdleTimeout: options.workerIdleTimeout ?? 300,
    workerCommand: options.workerCommand,
    workerOptions: options.workerOptions ?? [],
    runnerPool: options.runnerPool ?? true,
    workerNode: options.workerNode,
    workerBaseDir: options.workerBaseDir ?? process.cwd(),
    sharedFs: options.sharedFs ?? false,
    cacheInputFiles: options.cacheInputFiles ?? false,
    maxRetries: options.maxRetries ?? 1,
    defaultResources: options.defaultResources ?? { cores: 1 },
    submitWindow: options.submitWindow ?? 64,
    debugLog: options.debugLog ?? false,
    tune: options.tune ?? {},
    sidecarEnv: options.sidecarEnv ?? {},
    sidecarScript: options.sidecarScript,
    maxIdleTime: options.maxIdleTime ?? 120,
    startTimeout: options.startTimeout ?? 60,
  };
}
