/**
 * @parsl-ts/store-fs: a proxy store on a shared filesystem, for `@parsl-ts/serializer-proxy`.
 *
 * @packageDocumentation
 */
export { fileStore, FileStoreErrorCodes, type FileStoreOptions } from './FileStore.js';
export { plugin } from './manifest.js';
