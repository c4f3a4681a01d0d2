/**
 * @parsl-ts/testing: conformance suites every parsl-ts plugin runs from its own tests, so that
 * every executor behaves the same way (and like Parsl's executors).
 *
 * @packageDocumentation
 */
export { runExecutorConformance, type ExecutorConformanceOptions } from './runExecutorConformance.js';
export {
  conformanceCapabilities, resolveCapabilities, type ConformanceCapabilities, type ConformanceCapability,
} from './capabilities.js';
export { captureError, processesMatching, pseudoRandomBytes, uniqueMarker, waitUntil } from './helpers.js';
export { waitFor, waitForJobState } from './waitFor.js';
export { traceCommands, type CommandTrace } from './traceCommands.js';
export { readRecording, type Recording } from './readRecording.js';
export { processGroupMembers } from './processGroupMembers.js';
export { startTestDaemon, type TestDaemon, type TestDaemonSpec } from './startTestDaemon.js';
export { measureRetainedMemory, type RetainedMemoryFigures } from './measureRetainedMemory.js';
