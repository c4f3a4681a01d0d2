/**
 * What a task needs, given per app (`app(fn, { resources })`) or per call. Executors that schedule
 * by resources (HTEX with MPI, TaskVine) read it; others ignore the fields they cannot honour.
 *
 * @since 0.1.0
 */
export interface ResourceSpecification {
  /** CPU cores. */
  cores?: number;
  /** Memory in MB. */
  memory?: number;
  /** Disk in MB. */
  disk?: number;
  /** GPUs. */
  gpus?: number;
  /** Nodes for an MPI app. */
  numNodes?: number;
  /** Ranks per node for an MPI app. */
  ranksPerNode?: number;
  /** Scheduling priority: lower runs first (as in Parsl's HTEX). */
  priority?: number;
  /** Whether the executor may run it in a separate sandbox directory. */
  sandbox?: boolean;
  /** Executor-specific extra fields (e.g. TaskVine categories). */
  [extra: string]: unknown;
}
