import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Import a package or file as the user's project sees it: bare specifiers are resolved from
 * `baseDir` (the config file's folder or the working directory), not from core's own location, so
 * plugins installed next to the user's code are found under any package manager layout.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const mod = await importFrom('@parsl-ts/executor-threads', process.cwd());
 * ```
 */
export async function importFrom(specifier: string, baseDir: string = process.cwd()): Promise<unknown> {
  if (specifier.startsWith('file:') || specifier.startsWith('node:') || specifier.startsWith('data:')) return import(specifier);
  if (specifier.startsWith('.') || isAbsolute(specifier)) {
    return import(pathToFileURL(isAbsolute(specifier) ? specifier : resolve(baseDir, specifier)).href);
  }
  let resolved: string | undefined;
  try {
    resolved = createRequire(join(baseDir, '__parsl_resolve__.js')).resolve(specifier);
  } catch {
    resolved = undefined;
  }
  return resolved === undefined ? import(specifier) : import(pathToFileURL(resolved).href);
}
