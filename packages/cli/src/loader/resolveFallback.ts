/**
 * Module customization hooks (run by Node on its loader thread): when a workflow, a config file
 * or core itself imports `@parsl-ts/*` or `tsx` and that import cannot be resolved from where it
 * was written, resolve it from the CLI's own location instead. So a workflow in a folder without
 * its own `node_modules` (like docs/examples in the repository, or a script next to a global
 * install) uses the core and plugins installed with the CLI — always the same copy of core.
 *
 * Only these packages fall back, and only after normal resolution failed: an installed copy in
 * the user's project always wins.
 *
 * @module
 */

/** Where fallback resolution starts: this file, inside the CLI package. */
const ANCHOR = import.meta.url;

interface ResolveContext {
  parentURL?: string | undefined;
  conditions: string[];
  importAttributes?: Record<string, string>;
}
type NextResolve = (specifier: string, context?: ResolveContext) => Promise<{ url: string; format?: string | null; shortCircuit?: boolean }>;

/**
 * True for the bare specifiers the CLI provides to workflows.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * isProvidedByCli('@parsl-ts/core'); // true
 * isProvidedByCli('lodash');         // false
 * ```
 */
export function isProvidedByCli(specifier: string): boolean {
  return specifier.startsWith('@parsl-ts/') || specifier === 'tsx' || specifier.startsWith('tsx/');
}

/**
 * The `resolve` hook: normal resolution first, then the CLI's location for the packages it provides.
 *
 * @since 0.1.0
 */
export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<{ url: string; format?: string | null; shortCircuit?: boolean }> {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (!isProvidedByCli(specifier) || context.parentURL === ANCHOR || (error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    try {
      return await nextResolve(specifier, { ...context, parentURL: ANCHOR });
    } catch {
      throw error;
    }
  }
}
