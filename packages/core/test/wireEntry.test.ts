import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as wire from '../src/wire.js';

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

/** The modules a file loads when imported: static imports and re-exports, not type-only ones or dynamic import(). */
function staticGraph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/^(import|export)\s+(type\s+)?[^;]*?\sfrom\s+'([^']+)'|^import\s+'([^']+)'/gms)) {
      if (match[2]) continue;
      const specifier = match[3] ?? match[4]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else packages.add(specifier);
    }
  };
  visit(resolve(srcDir, entry));
  return { files: [...files].map((file) => relative(srcDir, file)).sort(), packages: [...packages].sort() };
}

describe('@parsl-ts/core/wire', () => {
  it('exports the very classes and values of the main entry, so instanceof agrees across the two', () => {
    const names = Object.keys(wire);
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect((main as Record<string, unknown>)[name], name).toBe((wire as Record<string, unknown>)[name]);
    const error = new wire.WorkerLost(7, 'worker 1 died');
    expect(error).toBeInstanceOf(main.ParslError);
    expect(main.errorFromPlain(wire.errorToPlain(error))).toBeInstanceOf(main.WorkerLost);
  });

  it('loads none of the dataflow kernel, config, logging or DI modules (start-up of remote processes)', () => {
    const { files, packages } = staticGraph('wire.ts');
    expect(packages.filter((name) => !name.startsWith('node:'))).toEqual([]);
    expect(files.filter((file) => /^(dfk|config\/(loadConfig|pluginLoader|configFile)|di|memo|staging|providers|scaling)\//.test(file))).toEqual([]);
    // The main entry, by contrast, does load them: the check above can tell the two apart.
    const full = staticGraph('index.ts');
    expect(full.files).toContain('dfk/DataFlowKernel.ts');
  });
});
