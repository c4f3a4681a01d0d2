/**
 * @parsl-ts/staging-zip: stages task outputs into zip archives and inputs out of them
 * (`zip:///abs/archive.zip/inner/path`), in the task on the worker (as Parsl's ZipFileStaging) or in
 * staging tasks of their own, with the adm-zip library.
 *
 * @packageDocumentation
 */
export { ZipStaging, type ZipStagingOptions } from './ZipStaging.js';
export { addToZip, extractFromZip, DEFAULT_LOCK_TIMEOUT_SECONDS, type ZipWriteOptions } from './zipFiles.js';
export { parseZipUrl, type ZipLocation } from './zipUrl.js';
export { plugin } from './manifest.js';
