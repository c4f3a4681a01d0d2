import { ErrorCodes } from '../errors/codes.js';
import { FunctionShippingError } from '../errors/usageErrors.js';
import type { ShippedFunction } from '../interfaces/ShippedFunction.js';
import { currentDataFlowKernel } from '../dfk/current.js';
import { callerModuleUrl } from '../shipping/callerModule.js';
import { freeVariables } from '../shipping/freeVariables.js';
import { moduleSourceHash, sha256 } from '../shipping/hash.js';
import { importFrom } from '../config/importFrom.js';
import { brandApp, type App, type AppDefinition, type AppKind } from './AppDefinition.js';
import type { AppOptions } from './AppOptions.js';

const WORKER_FLAG = Symbol.for('parsl-ts.worker-context');

/**
 * Build the app callable for `app`, `bashApp` and `joinApp`. Runs the free-variable check at
 * definition time, so a function that cannot travel by value is reported where it is written.
 *
 * @internal
 */
export function defineApp<A extends unknown[], R>(kind: AppKind, fn: (...args: A) => unknown, options: AppOptions = {}): App<A, R> {
  if (typeof fn !== 'function') {
    throw new FunctionShippingError(ErrorCodes.BadArguments, `${kindName(kind)}() expects a function, got ${typeof fn}`, {
      hint: `write ${kindName(kind)}((x) => ...)`,
    });
  }
  const name = options.name ?? (fn.name || 'anonymous');
  const source = Function.prototype.toString.call(fn);
  if (source.includes('[native code]')) {
    throw new FunctionShippingError(ErrorCodes.FunctionShipping, `app ${name}: a native or bound function cannot be shipped to workers`, {
      hint: 'wrap it: app((...a) => theFunction(...a)) inside a module, or call it from an exported app',
    });
  }
  const ship = options.ship ?? 'auto';
  // Join apps run in this process: they never travel, so captures are fine.
  const captured = kind === 'join' ? [] : safeFreeVariables(source, name);
  if (ship === 'value' && captured.length > 0) {
    throw capturedError(name, captured);
  }
  const moduleUrl = options.module ?? (ship === 'value' || kind === 'join' ? undefined : callerModuleUrl());
  let shippedPromise: Promise<ShippedFunction> | undefined;

  const definition: AppDefinition = {
    kind, name, fn: fn as AppDefinition['fn'], options, source, freeVariables: captured, moduleUrl,
    shipped(appCallable: unknown): Promise<ShippedFunction> {
      shippedPromise ??= resolveShipping(name, source, captured, ship, moduleUrl, options.exportName, appCallable);
      return shippedPromise;
    },
  };
  const callable = ((...args: unknown[]) => currentDataFlowKernel().submit(definition, callable as unknown as App<unknown[], unknown>, args)) as unknown as App<A, R>;
  Object.defineProperty(callable, 'definition', { value: definition, enumerable: false });
  Object.defineProperty(callable, 'name', { value: name });
  brandApp(callable);
  return callable;
}

async function resolveShipping(
  name: string, source: string, captured: readonly string[], ship: AppOptions['ship'],
  moduleUrl: string | undefined, exportName: string | undefined, appCallable: unknown,
): Promise<ShippedFunction> {
  if (ship === 'value' || (ship === 'auto' && captured.length === 0)) {
    return { mode: 'value', name, source, hash: sha256(source) };
  }
  if (!moduleUrl) {
    throw new FunctionShippingError(ErrorCodes.FunctionShipping, `app ${name} must be shipped by reference, but its module is unknown`, {
      hint: 'pass { module: import.meta.url } in the app options',
      variables: [...captured],
    });
  }
  let mod: Record<string, unknown>;
  try {
    mod = (await importFrom(moduleUrl)) as Record<string, unknown>;
  } catch (cause) {
    throw new FunctionShippingError(ErrorCodes.FunctionShipping, `app ${name}: its module ${moduleUrl} could not be imported to find its export`, { cause });
  }
  const found = exportName ?? Object.keys(mod).find((key) => mod[key] === appCallable);
  if (found === undefined || mod[found] !== appCallable) {
    throw capturedError(name, captured, moduleUrl);
  }
  return { mode: 'reference', name, moduleUrl, exportName: found, hash: await moduleSourceHash(moduleUrl) };
}

function capturedError(name: string, captured: readonly string[], moduleUrl?: string): FunctionShippingError {
  const list = captured.map((v) => `\`${v}\``).join(', ');
  const where = moduleUrl ? ` and it is not exported from ${moduleUrl}` : '';
  return new FunctionShippingError(ErrorCodes.CapturedVariable,
    `app ${name} uses ${list} from outside the function${where}, so it cannot run on a worker`, {
      variables: [...captured],
      hint: `pass ${list} as arguments to the app, or define the app at the top level of a module and export it ` +
        '(then it ships by reference and may use module-level imports and constants)',
    });
}

function safeFreeVariables(source: string, name: string): string[] {
  try {
    return freeVariables(source);
  } catch (cause) {
    throw new FunctionShippingError(ErrorCodes.FunctionShipping, `app ${name}: its source could not be parsed to check what it captures`, {
      cause, hint: 'define the app with a plain function or arrow function',
    });
  }
}

function kindName(kind: AppKind): string {
  return kind === 'function' ? 'app' : kind === 'bash' ? 'bashApp' : 'joinApp';
}

/** True inside a worker that is importing modules by reference. @internal */
export function inWorkerContext(): boolean {
  return (globalThis as Record<symbol, unknown>)[WORKER_FLAG] === true;
}
