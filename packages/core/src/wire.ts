/**
 * The small part of @parsl-ts/core that processes on the far side of an executor need: error codes
 * and classes, errors and files to and from plain data, serializer headers and manifests, the wire
 * protocol version and a priority queue. Import from `@parsl-ts/core/wire`.
 *
 * Why a separate entry: interchanges, worker pools and workers are processes of their own whose
 * start-up time users wait for. The main entry loads the whole dataflow kernel (logger, config,
 * staging, memoization); this one loads a handful of small modules. The classes are the same
 * modules as the main entry's, so `instanceof` agrees between the two.
 *
 * @packageDocumentation
 * @module @parsl-ts/core/wire
 */
export { ParslError, type ParslErrorOptions } from './errors/ParslError.js';
export { ErrorCodes, type ErrorCode } from './errors/codes.js';
export { AppTimeout, BashExitFailure, DependencyError, InterchangeLost, ManagerLost, TaskCancelled, WorkerLost } from './errors/taskErrors.js';
export {
  ConfigError, FunctionShippingError, PluginError, SerializationError, StagingError, UsageError,
} from './errors/usageErrors.js';
export { errorFromPlain, errorToPlain, type PlainError } from './errors/remoteErrors.js';
export { File, type PlainFile } from './data/File.js';
export type { Serializer, PluginDescriptor } from './interfaces/Serializer.js';
export { headerBytes, splitHeader, withHeader } from './serialization/header.js';
export { definePlugin, type Maturity, type PluginFactory, type PluginKind, type PluginManifest } from './config/PluginManifest.js';
export { pluginFromPackage } from './config/pluginFromPackage.js';
export { CORE_VERSION, WIRE_PROTOCOL_VERSION } from './version.js';
export { PriorityFifo } from './util/PriorityFifo.js';
