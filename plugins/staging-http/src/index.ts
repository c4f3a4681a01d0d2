/**
 * @parsl-ts/staging-http: stages `http://` and `https://` inputs into tasks, downloaded on the
 * worker inside the task or on the submit side by a staging task of its own (Parsl's
 * HTTPInTaskStaging and HTTPSeparateTaskStaging).
 *
 * @packageDocumentation
 */
export { HttpStaging, type HttpStagingOptions } from './HttpStaging.js';
export { download, DEFAULT_TIMEOUT_SECONDS, type DownloadOptions } from './download.js';
export { plugin } from './manifest.js';
