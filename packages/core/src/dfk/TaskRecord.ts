import type { AppDefinition, App } from '../apps/AppDefinition.js';
import type { File } from '../data/File.js';
import type { AppFuture } from '../futures/AppFuture.js';
import type { Redirect } from '../interfaces/Executor.js';
import type { ResourceSpecification } from '../interfaces/ResourceSpecification.js';
import type { TaskState } from './TaskState.js';

/**
 * A task's call settings, resolved from the app's options and the call's invocation options.
 * Calls without invocation options and without redirects share one per app: every outstanding
 * task holds its record, so each field here would otherwise cost 8 bytes per task.
 *
 * @internal
 */
export interface TaskCall {
  readonly resources: ResourceSpecification;
  readonly walltimeSeconds: number | undefined;
  readonly priority: number;
  readonly inputs: readonly File[];
  readonly outputs: readonly File[];
  readonly stdout: Redirect | undefined;
  readonly stderr: Redirect | undefined;
}

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
  /** How the task was called: resources, files, redirects (shared by the calls that set none). */
  readonly call: TaskCall;
  /** Task ids of the futures this task waits for (for DependencyError and monitoring). */
  dependencies: readonly number[];
}
