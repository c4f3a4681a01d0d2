import type { AppDefinition } from '../apps/AppDefinition.js';
import type { Logger } from '../dfk/logger.js';
import { TaskCancelled } from '../errors/taskErrors.js';
import type { Memoizer, MemoOutcome } from '../interfaces/Memoizer.js';
import type { Serializer } from '../interfaces/Serializer.js';
import type { ShippedFunction } from '../interfaces/ShippedFunction.js';
import type { SerializerRegistry } from '../serialization/SerializerRegistry.js';
import { sha256 } from '../shipping/hash.js';
import type { CheckpointMode } from './checkpointMode.js';

/** How the DataFlowKernel memoizes and checkpoints, from the config. @internal */
export interface MemoSettings {
  readonly mode: CheckpointMode | undefined;
  readonly periodSeconds: number;
  readonly files: readonly string[];
  readonly memoizeFailures: boolean;
}

/**
 * The DataFlowKernel's side of memoization: memo keys of the tasks of `cache: true` apps (only
 * those: tasks of other apps cost nothing here), outcomes handed to the memoizer, and checkpoints
 * written when the checkpoint mode says.
 *
 * @internal
 */
export class TaskMemo {
  /** Memo key of each live task of a `cache: true` app ('' when the memoizer gave none). */
  readonly keys = new Map<number, string>();
  private readonly sourceHashes = new WeakMap<AppDefinition, string>();
  private timer: NodeJS.Timeout | undefined;
  private completing = 0;
  private readonly idle: (() => void)[] = [];

  constructor(readonly memoizer: Memoizer, private readonly settings: MemoSettings, private readonly logger: Logger) {}

  /** Open the memoizer and load earlier checkpoints; start the periodic timer. */
  async start(context: { runDir: string; serializer: Serializer; serializers: SerializerRegistry }): Promise<void> {
    await this.memoizer.start?.({ ...context, logger: this.logger, checkpointFiles: this.settings.files });
    if (this.settings.mode === 'periodic') {
      this.timer = setInterval(() => {
        this.checkpoint().catch((err: unknown) => this.logger.error({ err }, 'periodic checkpoint failed'));
      }, this.settings.periodSeconds * 1000);
      this.timer.unref();
    }
  }

  /** Compute and remember the memo key of a task; throws for unhashable arguments. */
  keyFor(taskId: number, definition: AppDefinition, fn: ShippedFunction, args: readonly unknown[]): string {
    let sourceHash = this.sourceHashes.get(definition);
    if (sourceHash === undefined) {
      sourceHash = sha256(definition.source);
      this.sourceHashes.set(definition, sourceHash);
    }
    const key = this.memoizer.key({
      id: taskId, appName: definition.name, fn, args, ignoreForCache: definition.options.ignoreForCache ?? [],
      kind: definition.kind, sourceHash,
    }) ?? '';
    this.keys.set(taskId, key);
    return key;
  }

  /** The key under which a finished task's outcome is stored, or undefined when it is not stored. */
  keyToStore(taskId: number, outcome: MemoOutcome): string | undefined {
    const key = this.keys.get(taskId);
    if (!key) return undefined;
    if (!outcome.ok && (!this.settings.memoizeFailures || outcome.error instanceof TaskCancelled)) return undefined;
    return key;
  }

  /**
   * Store an outcome and, in `taskExit` mode, write the checkpoint. Never rejects: a memoizer
   * that fails is logged, and the task's result still goes to its future.
   */
  async completed(key: string, outcome: MemoOutcome): Promise<void> {
    this.completing++;
    try {
      await this.memoizer.store(key, outcome);
      if (this.settings.mode === 'taskExit') await this.memoizer.checkpoint();
    } catch (err) {
      this.logger.error({ err, key }, 'memoizing a result failed; the task is not checkpointed');
    } finally {
      if (--this.completing === 0) for (const resolve of this.idle.splice(0)) resolve();
    }
  }

  /** Resolves once no outcome is being stored. */
  settled(): Promise<void> {
    return this.completing === 0 ? Promise.resolve() : new Promise((resolve) => this.idle.push(resolve));
  }

  /** Write a checkpoint now. */
  checkpoint(): Promise<string | undefined> {
    return this.memoizer.checkpoint();
  }

  /** At cleanup: the last checkpoint (every mode but manual) and close the memoizer. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    try {
      if (this.settings.mode !== undefined && this.settings.mode !== 'manual') await this.memoizer.checkpoint();
    } finally {
      await this.memoizer.close();
    }
  }
}
