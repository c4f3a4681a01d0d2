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
export { doctorCommand } from './commands/doctor.js';
export { DoctorCodes, printFindings, type Finding, type FindingStatus } from './doctor/Finding.js';
export { checkRunDir, DEFAULT_CONFIG_FILES, executorFacts, runDoctor, type DoctorOptions, type DoctorReport, type ExecutorFacts } from './doctor/runDoctor.js';
export { checkScheduler, PROVIDER_SCHEDULERS, tryCommand, which, type SchedulerName, type SchedulerSettings } from './doctor/schedulers.js';
export { externalAddresses, isLoopback, probeInterchange, type InterchangeProbeOptions } from './doctor/interchangeProbe.js';
export {
  createPlugin, findMonorepo, nextSteps, releaseLineRange, type CreatedPlugin, type CreatePluginOptions,
} from './scaffold/createPlugin.js';
export { FIRST_PARTY_SCOPE, pluginNames, SCAFFOLD_KINDS, type PluginNames, type ScaffoldKind } from './scaffold/pluginNames.js';
export type { KindTemplate, ScaffoldLayout, TemplateContext } from './scaffold/TemplateContext.js';
