import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ErrorCodes } from '../errors/codes.js';
import { FunctionShippingError } from '../errors/usageErrors.js';
import type { ShippedFunction } from '../interfaces/ShippedFunction.js';
import { expressionSource, installTranspilerHelpers } from '../shipping/freeVariables.js';
import { sha256 } from '../shipping/hash.js';
import { importModule } from './importModule.js';

/**
 * A function re-created on a worker, ready to be called with a task's arguments.
 *
 * @since 0.1.0
 */
export type AnyFunction = (...args: unknown[]) => unknown;

const byHash = new Map<string, AnyFunction>();
const WORKER_FLAG = Symbol.for('parsl-ts.worker-context');

/**
 * Mark this thread or process as a worker: `loadConfig()` then refuses to run, so importing a
 * workflow module by reference cannot start a second workflow on the worker.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * markWorkerContext();
 * ```
 */
export function markWorkerContext(): void {
  (globalThis as Record<symbol, unknown>)[WORKER_FLAG] = true;
  installTranspilerHelpers();
}

/**
 * Options for {@link resolveShippedFunction}.
 *
 * @since 0.1.0
 */
export interface ResolveOptions {
  /** Imports a module URL; the default registers tsx first for TypeScript modules. */
  importModule?: (url: string) => Promise<unknown>;
}

/**
 * Re-create a shipped function on a worker: compile it from source (by value) or import its module
 * and take the app's export (by reference), checking the module's hash. Cached by hash.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const fn = await resolveShippedFunction(task.fn);
 * const result = await fn(...task.args);
 * ```
 */
export async function resolveShippedFunction(shipped: ShippedFunction, options: ResolveOptions = {}): Promise<AnyFunction> {
  const cacheKey = shipped.mode === 'value' ? shipped.hash : `${shipped.moduleUrl}#${shipped.exportName}`;
  const cached = byHash.get(cacheKey);
  if (cached) return cached;
  const fn = shipped.mode === 'value' ? compile(shipped.source, shipped.name) : await importExport(shipped, options);
  byHash.set(cacheKey, fn);
  return fn;
}

/**
 * The cached function for a shipped function, if it was resolved before (synchronous fast path).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const fn = cachedShippedFunction(task.fn) ?? await resolveShippedFunction(task.fn);
 * ```
 */
export function cachedShippedFunction(shipped: ShippedFunction): AnyFunction | undefined {
  return byHash.get(shipped.mode === 'value' ? shipped.hash : `${shipped.moduleUrl}#${shipped.exportName}`);
}

function compile(source: string, name: string): AnyFunction {
  installTranspilerHelpers();
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- shipping by value is re-creating the function from its source
    const fn = new Function(`"use strict";\nreturn ${expressionSource(source, name)};\n//# sourceURL=parsl-ts-app:///${encodeURIComponent(name)}.js`)() as unknown;
    if (typeof fn !== 'function') throw new Error('the source does not evaluate to a function');
    return fn as AnyFunction;
  } catch (cause) {
    throw new FunctionShippingError(ErrorCodes.FunctionShipping, `app ${name} could not be re-created on the worker from its source: ${(cause as Error).message}`, {
      cause, hint: 'define the app in a module and export it, so it ships by reference',
    });
  }
}

async function importExport(shipped: Extract<ShippedFunction, { mode: 'reference' }>, options: ResolveOptions): Promise<AnyFunction> {
  if (shipped.moduleUrl.startsWith('file:')) {
    let bytes: Buffer;
    try {
      bytes = await readFile(fileURLToPath(shipped.moduleUrl));
    } catch (cause) {
      throw new FunctionShippingError(ErrorCodes.FunctionShipping, `app ${shipped.name}: its module ${shipped.moduleUrl} is not readable on this worker`, {
        cause, hint: 'by-reference apps need their module on the worker: use a shared filesystem or the same install on every node',
      });
    }
    if (sha256(bytes) !== shipped.hash) {
      throw new FunctionShippingError(ErrorCodes.FunctionHashMismatch, `app ${shipped.name}: ${shipped.moduleUrl} on the worker differs from the file the task was submitted with`, {
        hint: 'the module changed after the workflow started, or workers see another copy; restart the workflow after editing apps',
      });
    }
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await (options.importModule ?? importModule)(shipped.moduleUrl)) as Record<string, unknown>;
  } catch (cause) {
    throw new FunctionShippingError(ErrorCodes.FunctionShipping, `app ${shipped.name}: importing ${shipped.moduleUrl} on the worker failed: ${(cause as Error)?.message ?? cause}`, {
      cause, hint: 'the module must import cleanly on its own (no top-level workflow code), with its dependencies installed where workers run',
    });
  }
  const exported = mod[shipped.exportName] as { definition?: { fn?: unknown } } | undefined;
  const fn = exported?.definition?.fn ?? exported;
  if (typeof fn !== 'function') {
    throw new FunctionShippingError(ErrorCodes.FunctionShipping, `app ${shipped.name}: ${shipped.moduleUrl} has no function export "${shipped.exportName}" on the worker`, {
      hint: 'export the app from its module',
    });
  }
  return fn as AnyFunction;
}
