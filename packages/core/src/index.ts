/**
 * @parsl-ts/core: Parsl's programming model for TypeScript. Apps return futures; the
 * DataFlowKernel runs each task as soon as its inputs are ready, on the executors the config names.
 *
 * @packageDocumentation
 * @module @parsl-ts/core
 */
import './config/duplicateCore.js';

export { ParslError, type ParslErrorOptions } from './errors/ParslError.js';
export { ErrorCodes, type ErrorCode } from './errors/codes.js';
export { AppTimeout, BashExitFailure, DependencyError, InterchangeLost, ManagerLost, TaskCancelled, WorkerLost } from './errors/taskErrors.js';
export {
  ConfigError, FunctionShippingError, PluginError, SerializationError, StagingError, UsageError,
} from './errors/usageErrors.js';
export { errorFromPlain, errorToPlain, registerErrorClass, type PlainError } from './errors/remoteErrors.js';

export { File, type PlainFile } from './data/File.js';
export { AppFuture } from './futures/AppFuture.js';
export { DataFuture } from './futures/DataFuture.js';

export { app } from './apps/app.js';
export { bashApp } from './apps/bashApp.js';
export { joinApp, type JoinResult } from './apps/joinApp.js';
export { isApp, type App, type AppDefinition, type AppKind, type FutureOr } from './apps/AppDefinition.js';
export { AUTO_LOGNAME, type AppOptions, type InvocationOptions, type ShipMode } from './apps/AppOptions.js';

export { TaskState, FINAL_STATES, ALL_STATES } from './dfk/TaskState.js';
export { DataFlowKernel, type TaskEvent, type TaskCounts } from './dfk/DataFlowKernel.js';
export { currentDataFlowKernel, type TaskSubmitter } from './dfk/current.js';
export { defaultRetryHandler, type RetryContext, type RetryHandler } from './dfk/retry.js';
export { createRunLogger, silentLogger, type Logger, type LogLevel } from './dfk/logger.js';
export { makeRunDir } from './dfk/runDir.js';

export type { Config, ConfigFile } from './config/Config.js';
export { loadConfig, resolveConfig } from './config/loadConfig.js';
export { readConfigFile, configFromFile, validateConfigFile } from './config/configFile.js';
export {
  definePlugin, MATURITY_LEVELS, PLUGIN_KINDS,
  type Maturity, type PluginFactory, type PluginKind, type PluginManifest,
} from './config/PluginManifest.js';
export { instantiatePlugin, isPluginEntry, loadPlugin, loadedPlugins, registerPlugin, setPluginNoticeHandler } from './config/pluginLoader.js';
export { importFrom } from './config/importFrom.js';
export { pluginFromPackage } from './config/pluginFromPackage.js';
export { assertSingleCore, loadedCoreCopies, type CoreCopy } from './config/duplicateCore.js';
export { parslContainer, pluginToken, PluginManifestToken } from './di/container.js';

export type { Executor, ExecutorContext, ExecutorTask, BlockScalingExecutor, Redirect, TaskOutcomeReceiver } from './interfaces/Executor.js';
export { isBlockScalingExecutor } from './interfaces/Executor.js';
export { JobState, TERMINAL_JOB_STATES, type ExecutionProvider, type JobStatus } from './interfaces/ExecutionProvider.js';
export { runSchedulerCommand, type SchedulerCommandOptions, type SchedulerCommandResult } from './providers/runSchedulerCommand.js';
export { SchedulerCommandError } from './providers/SchedulerCommandError.js';
export { shellQuote } from './providers/shellQuote.js';
export { builtinSingleNodeLauncher } from './providers/builtinSingleNodeLauncher.js';
export { ProviderOptionReader, type BlockCountOptions, type BlockCounts, type WalltimeRules } from './providers/ProviderOptionReader.js';
export { describeValue } from './providers/describeValue.js';
export { checkSubmitArguments } from './providers/checkSubmitArguments.js';
export { withLauncherInstance } from './providers/withLauncherInstance.js';
export { SubmitScriptFolder, type SubmitScriptFolderOptions } from './providers/SubmitScriptFolder.js';
export { cancelAndWaitForEnd, type CancelAndWaitOptions, type CancelWords } from './providers/cancelAndWaitForEnd.js';
export {
  checkSubmitTemplate, defaultSubmitTemplate, renderSubmitScript, SUBMIT_SCRIPT_PLACEHOLDERS, type SubmitScriptJob, type SubmitScriptSettings,
} from './providers/submitScript.js';
export type { Launcher } from './interfaces/Launcher.js';
export type {
  Staging, StagingContext, InTaskStagingStep, InTaskFile, InTaskStagingContext, InTaskStagingRunner, TaskStaging,
} from './interfaces/Staging.js';
export {
  checkDownloadStagingOptions, downloadStagingHooks, separateTaskDownloadPath, DEFAULT_DOWNLOAD_TIMEOUT_SECONDS,
  type DownloadStagingHooks, type DownloadStagingNames, type DownloadStagingOptions, type DownloadStagingSpec,
} from './staging/downloadStaging.js';
export { downloadToFile, downloadStoppedError, downloadWriteError, silentServerError } from './staging/downloadToFile.js';
export { redactUrl } from './staging/fileNames.js';
export type { Serializer, PluginDescriptor, ProxyStore } from './interfaces/Serializer.js';
export type { Monitoring, MonitoringRadio, MonitoringRecord, MonitoringSink } from './interfaces/Monitoring.js';
export type { Memoizer, MemoizableTask, MemoizerContext, MemoOutcome } from './interfaces/Memoizer.js';
export { FileMemoizer, type FileMemoizerOptions } from './memo/FileMemoizer.js';
export { memoKey } from './memo/memoKey.js';
export { hashValues, registerMemoHasher, MEMO_HASH, MEMO_HASH_VERSION, type MemoHasher } from './memo/hashArguments.js';
export { getAllCheckpoints, getLastCheckpoint, CHECKPOINT_DIR } from './memo/checkpoints.js';
export {
  decodeCheckpoint, encodeCheckpoint, readCheckpointFile, writeFileAtomically,
  CHECKPOINT_FORMAT_VERSION, CHECKPOINT_MAGIC, CHECKPOINT_SUFFIX, type CheckpointEntry,
} from './memo/checkpointFile.js';
export { CHECKPOINT_MODES, checkpointPeriodSeconds, DEFAULT_CHECKPOINT_PERIOD_SECONDS, type CheckpointMode } from './memo/checkpointMode.js';
export { CheckpointError } from './memo/CheckpointError.js';
export { UnhashableArgumentError } from './memo/UnhashableArgumentError.js';
export type { Strategy } from './interfaces/Strategy.js';
export { JobStatusPoller, type JobStatusPollerOptions } from './scaling/JobStatusPoller.js';
export {
  DEFAULT_MAX_IDLE_TIME, htexAutoScaleStrategy, noneStrategy, simpleStrategy, type StrategyOptions,
} from './scaling/strategies.js';
export { resolveStrategy, STRATEGY_NAMES, type StrategyName } from './scaling/resolveStrategy.js';
export { BlockFailuresError, type BlockFailure } from './scaling/BlockFailuresError.js';
export { idleLongEnough } from './scaling/idleLongEnough.js';
export type { ResourceSpecification } from './interfaces/ResourceSpecification.js';
export type { ShippedFunction } from './interfaces/ShippedFunction.js';

export { SerializerRegistry } from './serialization/SerializerRegistry.js';
export { headerBytes, splitHeader, withHeader } from './serialization/header.js';
export { jsonSerializer } from './serialization/jsonSerializer.js';
export { freeVariables, installTranspilerHelpers, TRANSPILER_HELPERS } from './shipping/freeVariables.js';
export { sha256, moduleSourceHash } from './shipping/hash.js';
export { CORE_VERSION, WIRE_PROTOCOL_VERSION } from './version.js';
export {
  failureKey, parseEndpoint, UsageTracker, usagePlugin, usageTrackingSettings,
  type UsageEndMessage, type UsagePlugin, type UsageStartMessage, type UsageTrackingOptions,
} from './usage/UsageTracker.js';
export { PriorityFifo } from './util/PriorityFifo.js';
