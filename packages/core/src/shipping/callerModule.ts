import { pathToFileURL } from 'node:url';

// The package root (not dist/): test runners map stack frames through source maps to src/.
const CORE_DIR = new URL('../..', import.meta.url).href;

/**
 * The URL of the module that called into core (the first stack frame outside @parsl-ts/core),
 * used to ship apps by reference without asking users for `import.meta.url`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const url = callerModuleUrl(); // 'file:///home/me/flow/apps.ts'
 * ```
 */
export function callerModuleUrl(): string | undefined {
  const holder: { stack?: unknown } = {};
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  let sites: NodeJS.CallSite[] = [];
  // Structured call sites name the files that really run. A formatted stack may have been
  // rewritten through source maps (node --enable-source-maps, vitest) to name src/*.ts, which is
  // not the module that was loaded (and may not be importable at all).
  Error.stackTraceLimit = 20;
  Error.prepareStackTrace = (_error, callSites) => callSites;
  try {
    Error.captureStackTrace(holder, callerModuleUrl);
    sites = (holder.stack as NodeJS.CallSite[] | undefined) ?? [];
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
  for (const site of sites) {
    const location = site.getFileName();
    if (!location || !/^(?:file:\/\/|\/)[^():]+\.[cm]?[jt]sx?$/.test(location)) continue;
    const url = location.startsWith('file:') ? location : pathToFileURL(location).href;
    if (url.startsWith(CORE_DIR)) continue;
    return url;
  }
  return undefined;
}
