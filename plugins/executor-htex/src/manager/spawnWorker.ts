import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * What a worker process needs from its pool at start. Kept apart from the WorkerPool (and free of
 * heavy imports) so that the pool's command can start its workers before it loads anything else:
 * a worker takes a few hundred milliseconds to boot, on the path to a run's first result.
 */
export interface WorkerSpawnSettings {
  /** Folder to resolve plugin packages from. */
  readonly baseDir: string;
  readonly blockId: string;
  /** Accelerators to pin workers to, one per worker (round robin). */
  readonly accelerators: readonly string[];
  /** Monitoring: `resources` (try times and samples), `times` (try times only), absent (off). */
  readonly monitoring?: 'resources' | 'times';
}

/** The spawn settings of a pool with these options (`monitoringInterval` absent: monitoring off). */
export function workerSpawnSettings(options: { baseDir: string; blockId: string; accelerators: readonly string[]; monitoringInterval?: number | undefined }): WorkerSpawnSettings {
  const { baseDir, blockId, accelerators, monitoringInterval } = options;
  return { baseDir, blockId, accelerators, ...(monitoringInterval === undefined ? {} : { monitoring: monitoringInterval > 0 ? 'resources' : 'times' }) };
}

const WORKER_MAIN = fileURLToPath(new URL('../worker/main.js', import.meta.url));

/**
 * Start the worker process of `rank`. Descriptor 3 is its link to the pool (msgpack frames, see
 * FramePipe); its stderr is piped so that the pool can quote it when the worker cannot start.
 */
export function spawnWorker(rank: number, settings: WorkerSpawnSettings): ChildProcess {
  const accelerator = settings.accelerators.length > 0 ? settings.accelerators[rank % settings.accelerators.length] : undefined;
  return spawn(process.execPath, [WORKER_MAIN], {
    stdio: ['ignore', 'inherit', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PARSL_TS_BASE_DIR: settings.baseDir,
      PARSL_WORKER_RANK: String(rank),
      PARSL_WORKER_BLOCK_ID: settings.blockId,
      ...(settings.monitoring === undefined ? {} : { PARSL_TS_MONITORING: settings.monitoring }),
      ...(accelerator === undefined ? {} : { CUDA_VISIBLE_DEVICES: accelerator, ROCR_VISIBLE_DEVICES: accelerator, ZE_AFFINITY_MASK: accelerator, PARSL_WORKER_ACCELERATOR: accelerator }),
    },
  });
}
