import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { fileStore, type FileStoreOptions } from './FileStore.js';

/**
 * The plugin manifest of this package: config files and workers name the store by package
 * (factory `fileStore`); the loader checks the core range it supports.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "package": "@parsl-ts/store-fs", "options": { "dir": "/shared/scratch/proxystore" } }
 * ```
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  factories: { fileStore: (options) => fileStore(options as unknown as FileStoreOptions) },
  defaultFactory: 'fileStore',
  description: 'Proxy store in a shared folder: one file per value, written atomically.',
});
