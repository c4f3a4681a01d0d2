/**
 * Preloaded with `node --import` by `parsl-ts run` and `parsl-ts perf` (and imported by
 * `parsl-ts config check`): registers tsx's ESM loader, so `.ts` workflows and configs import
 * directly, and the CLI's fallback resolver for `@parsl-ts/*` and `tsx` (see resolveFallback.ts).
 *
 * Loaded through `--import`, it also runs in every worker thread the process starts (worker
 * threads inherit the flag, not hooks registered at run time). There it registers only the
 * fallback resolver, which is cheap: workers that import a `.ts` module by reference register tsx
 * themselves when they need it, and find it through the fallback.
 *
 * @module
 */
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const FLAG = Symbol.for('parsl-ts.cli.hooks');
const g = globalThis as Record<symbol, unknown>;

if (g[FLAG] !== true) {
  g[FLAG] = true;
  if (isMainThread) {
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
  }
  register('./resolveFallback.js', import.meta.url);
}
