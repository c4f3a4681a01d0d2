/**
 * Every error code parsl-ts raises. Codes are stable: once released they are never reused for
 * another meaning. docs/errors.md explains each one.
 *
 * @since 0.1.0
 */
export const ErrorCodes = {
  /** A task's dependency failed. */
  DependencyFailed: 'PARSL_DEPENDENCY_FAILED',
  /** A bash app's command exited with a non-zero status. */
  BashExitFailure: 'PARSL_BASH_EXIT',
  /** A bash app's function did not return a command line string. */
  BashBadCommand: 'PARSL_BASH_BAD_COMMAND',
  /** An app ran longer than its walltime. */
  AppTimeout: 'PARSL_APP_TIMEOUT',
  /** A function shipped by value captures variables that do not exist on the worker. */
  CapturedVariable: 'PARSL_CAPTURED_VARIABLE',
  /** A function could not be shipped or re-created on a worker. */
  FunctionShipping: 'PARSL_FUNCTION_SHIPPING',
  /** A function shipped by reference changed between submission and execution. */
  FunctionHashMismatch: 'PARSL_FUNCTION_HASH_MISMATCH',
  /** An app was called while no DataFlowKernel is loaded. */
  NoDataFlowKernel: 'PARSL_NO_DFK',
  /** The DataFlowKernel was cleaned up; no more tasks can be submitted. */
  DataFlowKernelClosed: 'PARSL_DFK_CLOSED',
  /** A task was cancelled, for example by cleanup(). */
  TaskCancelled: 'PARSL_TASK_CANCELLED',
  /** An app names an executor label the config does not have. */
  UnknownExecutor: 'PARSL_UNKNOWN_EXECUTOR',
  /** The configuration is invalid. */
  InvalidConfig: 'PARSL_INVALID_CONFIG',
  /** A config file could not be read or parsed. */
  ConfigFile: 'PARSL_CONFIG_FILE',
  /** A plugin package could not be imported or has no manifest. */
  PluginLoad: 'PARSL_PLUGIN_LOAD',
  /** A plugin supports a core range that does not include the running core. */
  PluginIncompatible: 'PARSL_PLUGIN_INCOMPATIBLE',
  /** Two copies of @parsl-ts/core were loaded into one process. */
  DuplicateCore: 'PARSL_DUPLICATE_CORE',
  /** A value could not be serialized or deserialized. */
  Serialization: 'PARSL_SERIALIZATION',
  /** No serializer is registered for a payload's header. */
  UnknownSerializer: 'PARSL_UNKNOWN_SERIALIZER',
  /** An executor failed to start. */
  ExecutorStart: 'PARSL_EXECUTOR_START',
  /** A worker died while running a task. */
  WorkerLost: 'PARSL_WORKER_LOST',
  /** A file argument is invalid or uses a scheme no staging plugin handles. */
  BadFile: 'PARSL_BAD_FILE',
  /** Staging data in or out failed. */
  Staging: 'PARSL_STAGING',
  /** A join app did not return a future or a list of futures. */
  JoinBadReturn: 'PARSL_JOIN_BAD_RETURN',
  /** An app's arguments are invalid. */
  BadArguments: 'PARSL_BAD_ARGUMENTS',
  /** The run directory could not be created. */
  RunDir: 'PARSL_RUN_DIR',
  /** A wait was bounded and the bound was reached. */
  Timeout: 'PARSL_TIMEOUT',
  /** A worker manager (one node's worker pool) was lost; its tasks failed. */
  ManagerLost: 'PARSL_MANAGER_LOST',
  /** The executor's interchange process died or stopped answering. */
  InterchangeLost: 'PARSL_INTERCHANGE_LOST',
  /** A peer speaks another version of the wire protocol. */
  ProtocolMismatch: 'PARSL_PROTOCOL_MISMATCH',
  /** A provider could not start a job (the scheduler refused it, or the submit command failed). */
  ProviderSubmit: 'PARSL_PROVIDER_SUBMIT',
  /** A provider's scheduler command (status, cancel) failed or gave output it cannot read. */
  ProviderCommand: 'PARSL_PROVIDER_COMMAND',
  /** A peer could not prove the run's secret (or did not try); its connection was refused. */
  Unauthenticated: 'PARSL_UNAUTHENTICATED',
  /** An app was defined in a worker while it was importing a module by reference. */
  WorkerSideEffect: 'PARSL_WORKER_SIDE_EFFECT',
  /** Several blocks of an executor failed in a row; it stopped starting blocks and fails its tasks. */
  BlockFailures: 'PARSL_BLOCK_FAILURES',
  /** An argument of an app with `cache: true` cannot be hashed into a memo key. */
  UnhashableArgument: 'PARSL_UNHASHABLE_ARGUMENT',
  /** A checkpoint file is corrupted, truncated or not a checkpoint. */
  CheckpointCorrupt: 'PARSL_CHECKPOINT_CORRUPT',
  /** A path in `checkpointFiles` does not exist or cannot be read. */
  CheckpointMissing: 'PARSL_CHECKPOINT_MISSING',
  /** A checkpoint could not be written (disk full, permissions). */
  CheckpointWrite: 'PARSL_CHECKPOINT_WRITE',
} as const;

/** One of the {@link ErrorCodes}. */
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
