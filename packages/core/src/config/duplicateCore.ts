import { fileURLToPath } from 'node:url';
import { ErrorCodes } from '../errors/codes.js';
import { ConfigError } from '../errors/usageErrors.js';
import { CORE_VERSION } from '../version.js';

const KEY = Symbol.for('parsl-ts.core.instances');
/**
 * One copy of @parsl-ts/core loaded in this process.
 *
 * @since 0.1.0
 */
export interface CoreCopy {
  /** URL of that copy's entry module. */
  readonly url: string;
  /** Its version. */
  readonly version: string;
}
const registry = ((globalThis as Record<symbol, unknown>)[KEY] ??= []) as CoreCopy[];
const selfUrl = new URL('../index.js', import.meta.url).href;
if (!registry.some((i) => i.url === selfUrl)) registry.push({ url: selfUrl, version: CORE_VERSION });

/**
 * Every copy of @parsl-ts/core loaded in this process (one entry per module location).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * loadedCoreCopies().length; // 1 in a healthy install
 * ```
 */
export function loadedCoreCopies(): readonly CoreCopy[] {
  return registry;
}

/**
 * Throw a coded error when two copies of core are loaded: plugins would then see different
 * classes and registries, and errors or futures would silently fail `instanceof` checks.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * assertSingleCore(); // throws PARSL_DUPLICATE_CORE when node_modules holds two copies
 * ```
 */
export function assertSingleCore(): void {
  if (registry.length > 1) {
    const where = registry.map((i) => `${i.version} at ${fileURLToPath(i.url)}`).join('; ');
    throw new ConfigError(`two copies of @parsl-ts/core are loaded in this process: ${where}`, {
      code: ErrorCodes.DuplicateCore,
      hint: 'make every plugin resolve the same @parsl-ts/core: it must be a peerDependency of plugins; run `npm dedupe` (or `pnpm dedupe`) and check `npm ls @parsl-ts/core`',
    });
  }
}
