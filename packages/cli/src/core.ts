/**
 * Finding the `@parsl-ts/core` a workflow or config uses. The CLI never imports core statically:
 * it loads the copy that resolves from the user's folder (falling back to its own dependency), so
 * it watches the same DataFlowKernel and loads plugins into the same registry as the workflow —
 * and never brings a second copy of core into the process.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError, CliErrorCodes } from './errors.js';

/**
 * The module namespace of `@parsl-ts/core`.
 *
 * @since 0.1.0
 */
export type CoreModule = typeof import('@parsl-ts/core');

/**
 * A loaded core and where it came from.
 *
 * @since 0.1.0
 */
export interface LoadedCore {
  /** The module. */
  readonly core: CoreModule;
  /** URL of its entry module. */
  readonly url: string;
  /** Whether it was found from the user's folder (`project`) or is the CLI's own (`cli`). */
  readonly from: 'project' | 'cli';
}

const HOOKS_FLAG = Symbol.for('parsl-ts.cli.hooks');

/**
 * True when the CLI's loader hooks (tsx and the `@parsl-ts/*` fallback resolver) are registered
 * in this process, i.e. it was started with `--import <cli>/dist/loader/register.js`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * if (!hooksRegistered()) await import('./loader/register.js');
 * ```
 */
export function hooksRegistered(): boolean {
  return (globalThis as Record<symbol, unknown>)[HOOKS_FLAG] === true;
}

/**
 * The file URL of `@parsl-ts/core`'s entry as seen from `dir`, or undefined when core is not
 * installed there (resolution walks up the `node_modules` folders, as Node does).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * resolveCoreFrom(process.cwd()); // 'file:///home/me/flow/node_modules/@parsl-ts/core/dist/index.js'
 * ```
 */
export function resolveCoreFrom(dir: string): string | undefined {
  let pkgPath: string;
  try {
    pkgPath = createRequire(join(resolve(dir), '__parsl_ts_cli__.js')).resolve('@parsl-ts/core/package.json');
  } catch {
    return undefined;
  }
  try {
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { exports?: unknown; main?: string };
    const entry = exportTarget(pkg.exports) ?? pkg.main ?? 'index.js';
    return pathToFileURL(resolve(dirname(pkgPath), entry)).href;
  } catch {
    return undefined;
  }
}

function exportTarget(exports: unknown): string | undefined {
  if (typeof exports === 'string') return exports;
  if (typeof exports !== 'object' || exports === null) return undefined;
  const root = (exports as Record<string, unknown>)['.'] ?? exports;
  if (typeof root === 'string') return root;
  if (typeof root !== 'object' || root === null) return undefined;
  for (const condition of ['import', 'node', 'default']) {
    const target = exportTarget((root as Record<string, unknown>)[condition]);
    if (target !== undefined) return target;
  }
  return undefined;
}

/**
 * Load the `@parsl-ts/core` that code in `dir` would import: the project's own copy when it has
 * one, else the CLI's dependency.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const { core } = await loadCore(process.cwd());
 * console.log(core.CORE_VERSION);
 * ```
 */
export async function loadCore(dir: string = process.cwd()): Promise<LoadedCore> {
  const projectUrl = resolveCoreFrom(dir);
  if (projectUrl !== undefined) {
    try {
      return { core: (await import(projectUrl)) as CoreModule, url: projectUrl, from: 'project' };
    } catch {
      // A broken project copy: fall back to the CLI's own.
    }
  }
  try {
    const url = import.meta.resolve('@parsl-ts/core');
    return { core: (await import(url)) as CoreModule, url, from: 'cli' };
  } catch (cause) {
    throw new CliError(CliErrorCodes.CoreNotFound, `@parsl-ts/core could not be loaded from ${dir} nor from the CLI`, 'install it: npm install @parsl-ts/core', { cause });
  }
}
