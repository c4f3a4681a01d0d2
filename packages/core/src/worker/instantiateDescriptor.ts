import { importFrom } from '../config/importFrom.js';
import type { PluginManifest } from '../config/PluginManifest.js';
import { registerPlugin } from '../config/pluginLoader.js';
import { ErrorCodes } from '../errors/codes.js';
import { PluginError } from '../errors/usageErrors.js';
import type { PluginDescriptor } from '../interfaces/Serializer.js';

/**
 * Re-create a plugin instance from its descriptor on a worker (a serializer, an in-task staging
 * step). Uses the package's manifest when it has one (checking the core range), otherwise calls
 * the named export directly (for factories that core itself exports, such as `jsonSerializer`).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const serializer = await instantiateDescriptor<Serializer>(workerData.serializer);
 * ```
 */
export async function instantiateDescriptor<T>(descriptor: PluginDescriptor, baseDir: string = process.cwd()): Promise<T> {
  let mod: Record<string, unknown>;
  try {
    mod = descriptor.package === '@parsl-ts/core'
      ? (await import('../index.js')) as unknown as Record<string, unknown>
      : (await importFrom(descriptor.package, baseDir)) as Record<string, unknown>;
  } catch (cause) {
    throw new PluginError(ErrorCodes.PluginLoad, descriptor.package, `the worker could not import ${descriptor.package}: ${(cause as Error)?.message ?? cause}`, {
      cause, hint: `install ${descriptor.package} where the workers run (the same node_modules as the workflow)`,
    });
  }
  const manifest = mod.plugin as PluginManifest | undefined;
  if (manifest) registerPlugin(manifest, descriptor.package);
  const exportName = descriptor.export ?? manifest?.defaultFactory;
  const factory = exportName === undefined ? undefined : (manifest?.factories[exportName] ?? mod[exportName]);
  if (typeof factory !== 'function') {
    throw new PluginError(ErrorCodes.PluginLoad, descriptor.package, `${descriptor.package} has no factory "${exportName ?? '(default)'}" on the worker`, {
      hint: 'the worker has another version of the package than the submit side; install the same version everywhere',
    });
  }
  return (await (factory as (o: Record<string, unknown>) => T | Promise<T>)(descriptor.options ?? {})) as T;
}
