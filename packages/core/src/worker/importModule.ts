let tsxRegistered: Promise<void> | undefined;

/**
 * Import a by-reference app's module on a worker (a thread or a process). Workers do not inherit
 * the TypeScript loader of the process that started them, so for a TS module tsx's ESM loader is
 * registered in this thread first, once: Node caches a failed import, so registering after a
 * failure would be too late.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const mod = await importModule('file:///home/me/flow/apps.ts');
 * ```
 */
export async function importModule(url: string): Promise<unknown> {
  if (/\.[cm]?tsx?$/.test(url)) {
    tsxRegistered ??= registerTsx(url);
    await tsxRegistered;
  }
  return import(url);
}

async function registerTsx(url: string): Promise<void> {
  let api: { register: () => unknown };
  try {
    // tsx is not a dependency of core: it is found next to the workflow (npm i -D tsx) or the CLI.
    api = (await import('tsx/esm/api' as string)) as { register: () => unknown };
  } catch (cause) {
    tsxRegistered = undefined;
    throw new Error(`importing the TypeScript module ${url} needs tsx: install it next to the workflow (npm i -D tsx), or run the workflow with parsl-ts run`, { cause });
  }
  api.register();
}
