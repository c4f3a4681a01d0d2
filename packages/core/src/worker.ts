/**
 * Worker-side helpers of @parsl-ts/core, for executor plugins: re-create shipped functions, run
 * tasks and bash commands. Import from `@parsl-ts/core/worker`.
 *
 * @packageDocumentation
 * @module @parsl-ts/core/worker
 */
export { executeTask } from './worker/executeTask.js';
export { cachedShippedFunction, markWorkerContext, resolveShippedFunction, type AnyFunction, type ResolveOptions } from './worker/resolveShippedFunction.js';
export { killRunningBashCommands, runBashCommand, runningBashCommands, type BashCommand } from './bash/runBashCommand.js';
export { instantiateDescriptor } from './worker/instantiateDescriptor.js';
export { importModule } from './worker/importModule.js';
export { sampleProcessTree, usageSince, type TreeUsage } from './worker/procTree.js';
