import { createRequire } from 'node:module';

// The parser and scope analyser load on first use: workers and tools that never define apps
// should not pay for them at start-up.
const load = createRequire(import.meta.url);
let parser: { parse: typeof import('espree').parse } | undefined;
let scopes: { analyze: typeof import('eslint-scope').analyze } | undefined;
function parse(...args: Parameters<typeof import('espree').parse>): ReturnType<typeof import('espree').parse> {
  parser ??= load('espree') as typeof parser;
  return parser!.parse(...args);
}
function analyze(...args: Parameters<typeof import('eslint-scope').analyze>): ReturnType<typeof import('eslint-scope').analyze> {
  scopes ??= load('eslint-scope') as typeof scopes;
  return scopes!.analyze(...args);
}

/**
 * Names that a shipped function may use without capturing them: globals of a fresh worker,
 * plus helpers that TypeScript transpilers inject (`__name` from esbuild's keepNames).
 */
export const TRANSPILER_HELPERS: ReadonlySet<string> = new Set([
  '__name', // esbuild keepNames (tsx)
  '__vite_ssr_dynamic_import__', // vitest rewrites import() in test files
  'arguments', 'undefined', 'NaN', 'Infinity', 'globalThis',
]);

/**
 * Define the helpers that transpilers inject into function bodies, so that a function shipped
 * by value from a transpiled file runs where that transpiler is absent.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * installTranspilerHelpers(); // globalThis.__name now exists
 * ```
 */
export function installTranspilerHelpers(): void {
  const g = globalThis as Record<string, unknown>;
  g.__name ??= (fn: unknown) => fn;
  g.__vite_ssr_dynamic_import__ ??= (specifier: string) => import(specifier);
}

/**
 * The free variables of a function's source that are not globals: what the function captures
 * from its surrounding scopes. An empty list means the function is self-contained and can travel
 * by value.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const k = 2;
 * freeVariables(((x: number) => x * k).toString()); // ['k']
 * freeVariables(((x: number) => Math.max(x, 0)).toString()); // []
 * ```
 */
export function freeVariables(source: string): string[] {
  const program = parseFunctionSource(source);
  const scopeManager = analyze(program as never, { ecmaVersion: 2022, sourceType: 'module' } as never);
  const moduleScope = scopeManager.globalScope!;
  const names = new Set<string>();
  for (const ref of moduleScope.through) {
    const name = ref.identifier.name;
    if (TRANSPILER_HELPERS.has(name) || name in globalThis) continue;
    names.add(name);
  }
  return [...names].sort();
}

/**
 * Parse a function's `toString()` as an expression. Handles functions, arrows, async and
 * generator functions, classes, and object-literal methods (`name(x) { ... }`).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const program = parseFunctionSource('async (x) => x + 1');
 * ```
 */
export function parseFunctionSource(source: string): unknown {
  const options = { ecmaVersion: 2022 as const, sourceType: 'module' as const, range: true };
  try {
    return parse(`(${source});`, options);
  } catch (first) {
    try {
      return parse(`({ ${source} });`, options);
    } catch {
      throw first;
    }
  }
}

/**
 * The source text to re-create a function with `new Function('return ' + text)`: the source as
 * is, or wrapped when it is an object-literal method.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * expressionSource('m(x) { return x; }'); // '({ m(x) { return x; } }).m'
 * ```
 */
export function expressionSource(source: string, name: string): string {
  // Decided by the JavaScript engine itself (no parser needed on workers).
  try {
    // eslint-disable-next-line no-new-func -- only compiled, never called
    new Function(`return (${source});`);
    return `(${source})`;
  } catch {
    return `({ ${source} })[${JSON.stringify(name)}]`;
  }
}
