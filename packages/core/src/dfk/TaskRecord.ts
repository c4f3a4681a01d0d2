import type { AppDefinition, App } from '../apps/AppDefinition.js';
import type { File } from '../data/File.js';
import type { AppFuture } from '../futures/AppFuture.js';
import type { Redirect } from '../interfaces/Executor.js';
import type { ResourceSpecification } from '../interfaces/ResourceSpecification.js';
import type { TaskState } from './TaskState.js';

/**
 * The DataFlowKernel's bookkeeping for one task while it is alive. Dropped when the task reaches
 * a final state, so memory stays bounded however many tasks a run completes.
 *
 * @internal
 */
export interface TaskRecord {
  readonly id: number;
  readonly definition: AppDefinition;
  readonly app: App<unknown[], unknown>;
  readonly future: AppFuture<unknown>;
  /** Arguments as given (may hold futures). */
  args: unknown[];
  readonly executor: string;
  state: TaskState;
  tries: number;
  failCost: number;
  readonly resources: ResourceSpecification;
  readonly walltimeSeconds: number | undefined;
  readonly priority: number;
  readonly inputs: readonly File[];
  readonly outputs: readonly File[];
  readonly stdout: Redirect | undefined;
  readonly stderr: Redirect | undefined;
  /** Task ids of the futures this task waits for (for DependencyError and monitoring). */
  dependencies: readonly number[];
}
