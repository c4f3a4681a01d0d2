/**
 * @parsl-ts/staging-globus: stages `globus://<endpoint-uuid>/path` files in and out of tasks with
 * Globus transfers through the official `@globus/sdk` Transfer API (Parsl's GlobusStaging).
 *
 * @packageDocumentation
 */
export { GlobusStaging, type GlobusStagingOptions, type GlobusSyncLevel } from './GlobusStaging.js';
export { GlobusApiError, type GlobusErrorBody, type GlobusFailureKind } from './GlobusApiError.js';
export { TransferClient, TRANSFER_SCOPE, type GlobusCredentials, type TransferClientOptions, type TransferRequest, type TransferTask } from './TransferClient.js';
export { plugin } from './manifest.js';
