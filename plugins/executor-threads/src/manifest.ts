import { readFileSync } from 'node:fs';
import { definePlugin, type PluginManifest } from '@parsl-ts/core';
import { ThreadPoolExecutor, type ThreadPoolExecutorOptions } from './ThreadPoolExecutor.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string; peerDependencies: Record<string, string> };

/**
 * The plugin manifest: lets config files name this executor by package, and lets the loader check
 * the core range it supports.
 *
 * @since 0.1.0
 * @example
 * ```json
 * { "executors": [{ "package": "@parsl-ts/executor-threads", "options": { "label": "local", "maxThreads": 2 } }] }
 * ```
 */
export const plugin: PluginManifest = definePlugin({
  name: pkg.name,
  version: pkg.version,
  kind: 'executor',
  maturity: 'experimental',
  coreRange: pkg.peerDependencies['@parsl-ts/core']!,
  description: 'A worker_threads pool on this machine; runs JS apps and bash apps.',
  factories: { ThreadPoolExecutor: (options) => new ThreadPoolExecutor(options as ThreadPoolExecutorOptions) },
  defaultFactory: 'ThreadPoolExecutor',
});
