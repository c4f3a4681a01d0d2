/**
 * @parsl-ts/cli: the `parsl-ts` command, and the pieces it is made of for tools that want the
 * same progress display, perf measurement, plugin listing or config check.
 *
 * @packageDocumentation
 */
export { CliError, CliErrorCodes, formatError, isCodedError, type CliErrorCode, type CodedError } from './errors.js';
export { hooksRegistered, loadCore, resolveCoreFrom, type CoreModule, type LoadedCore } from './core.js';
export { checkWorkflowFile, progressRenderer, runWorkflow, WORKFLOW_EXTENSIONS, type RunOptions } from './commands/run.js';
export {
  forceGc, formatBytes, KNOWN_EXECUTORS, measureLatency, perfCommand, runPerf, validatePerfOptions,
  type PerfBatch, type PerfLatency, type PerfOptions, type PerfReport,
} from './commands/perf.js';
export { findInstalledPlugins, formatTable, nodeModulesChain, pluginsCommand, type InstalledPlugin } from './commands/plugins.js';
export {
  checkConfigFile, configCheckCommand, printConfigCheck,
  type ConfigCheckResult, type ConfigProblem, type ConfigSummary,
} from './commands/configCheck.js';
export {
  DASHBOARD_PACKAGE, loadDashboard, validateVisualizeOptions, visualizeCommand, type DashboardModule, type VisualizeOptions,
} from './commands/visualize.js';
export { DataFlowKernelWatcher, type DataFlowKernelWatcherOptions } from './progress/DataFlowKernelWatcher.js';
export { PlainProgressRenderer, TtyProgressRenderer, type ProgressRenderer, type Write } from './progress/ProgressRenderer.js';
export {
  ACTIVE_STATES, FAILURE_STATES, RunTracker, STATE_ORDER, SUCCESS_STATES, type ProgressSnapshot, type WatchedDataFlowKernel,
} from './progress/RunTracker.js';
export { formatDuration, formatPlainLine, formatRate, formatSummary, formatTtyLine, visibleLength } from './progress/format.js';
