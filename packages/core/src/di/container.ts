import { createRequire } from 'node:module';
import type { DependencyContainer } from 'tsyringe';

const load = createRequire(import.meta.url);
let rootContainer: DependencyContainer | undefined;

/**
 * The container plugins register their factories in. Tokens are `Symbol.for` symbols, so two
 * module copies agree on them; nothing relies on decorator metadata (tsx and esbuild do not emit it).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * parslContainer().isRegistered(pluginToken('executor', '@parsl-ts/executor-threads', 'ThreadPoolExecutor'));
 * ```
 */
export function parslContainer(): DependencyContainer {
  if (!rootContainer) {
    // Loaded on first use (tsyringe needs the Reflect polyfill first); nothing relies on
    // decorator metadata, every registration uses an explicit Symbol.for token.
    load('reflect-metadata');
    rootContainer = (load('tsyringe') as typeof import('tsyringe')).container;
  }
  return rootContainer;
}

/**
 * The injection token of one factory of one plugin.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * pluginToken('serializer', '@parsl-ts/serializer-msgpack', 'msgpackSerializer');
 * ```
 */
export function pluginToken(kind: string, packageName: string, exportName: string): symbol {
  return Symbol.for(`parsl-ts.plugin:${kind}:${packageName}#${exportName}`);
}

/** Token under which each loaded plugin's manifest is registered. */
export const PluginManifestToken: symbol = Symbol.for('parsl-ts.plugin-manifest');
