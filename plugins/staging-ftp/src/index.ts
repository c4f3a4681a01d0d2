/**
 * @parsl-ts/staging-ftp: stages `ftp://` inputs into tasks, downloaded on the worker inside the
 * task or on the submit side by a staging task of its own (Parsl's FTPInTaskStaging and
 * FTPSeparateTaskStaging), with the basic-ftp client.
 *
 * @packageDocumentation
 */
export { FtpStaging, type FtpStagingOptions } from './FtpStaging.js';
export { ftpDownload, DEFAULT_TIMEOUT_SECONDS, type FtpDownloadOptions } from './ftpDownload.js';
export { plugin } from './manifest.js';
