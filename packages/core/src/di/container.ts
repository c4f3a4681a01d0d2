import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';

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
