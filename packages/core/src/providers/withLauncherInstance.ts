import { importFrom } from '../config/importFrom.js';
import { instantiatePlugin } from '../config/pluginLoader.js';
import type { Launcher } from '../interfaces/Launcher.js';
import type { PluginDescriptor } from '../interfaces/Serializer.js';

/**
 * A provider's options with a `launcher` given as a plugin entry (`{ package, export?, options? }`)
 * replaced by the launcher it names, loaded through core and resolved from the working directory;
 * other options, and a launcher that is already an object with `wrap`, are left as they are.
 * Providers' `fromOptions` use it, so that options from a config file can name their launcher by
 * package.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * static async fromOptions(options: Readonly<Record<string, unknown>>): Promise<MyProvider> {
 *   return new MyProvider(await withLauncherInstance(options) as MyProviderOptions);
 * }
 * ```
 */
export async function withLauncherInstance(options: Readonly<Record<string, unknown>>): Promise<Readonly<Record<string, unknown>>> {
  const launcher = options.launcher as Partial<PluginDescriptor> | undefined;
  if (launcher && typeof launcher === 'object' && typeof launcher.package === 'string' && typeof (launcher as Partial<Launcher>).wrap !== 'function') {
    const instance = await instantiatePlugin<Launcher>(launcher as PluginDescriptor, 'launcher', (s) => importFrom(s, process.cwd()));
    return { ...options, launcher: instance };
  }
  return options;
}
