/**
 * `parsl-ts plugins`: the parsl-ts plugins installed where the command runs, with their kind,
 * version, maturity and whether they support the installed core.
 *
 * @module
 */
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { loadCore } from '../core.js';

/** Package kinds that are parts of parsl-ts, not plugins. */
const NOT_PLUGINS = new Set(['core', 'cli', 'testing']);

/**
 * One installed plugin package.
 *
 * @since 0.1.0
 */
export interface InstalledPlugin {
  /** npm name. */
  readonly name: string;
  /** Installed version. */
  readonly version: string;
  /** `"parsl-ts".kind` of its package.json. */
  readonly kind: string;
  /** `"parsl-ts".maturity`, if declared. */
  readonly maturity: string | undefined;
  /** Its peerDependency range on @parsl-ts/core, if declared. */
  readonly coreRange: string | undefined;
  /** Whether `coreRange` includes the installed core; undefined when it declares no range. */
  readonly compatible: boolean | undefined;
  /** Its package.json description. */
  readonly description: string | undefined;
  /** Folder of the package (symlinks resolved). */
  readonly path: string;
}

/**
 * The `node_modules` folders Node would search from `dir`: `dir/node_modules`, then each parent's.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * nodeModulesChain('/a/b'); // ['/a/b/node_modules', '/a/node_modules', '/node_modules']
 * ```
 */
export function nodeModulesChain(dir: string): string[] {
  const chain: string[] = [];
  let current = resolve(dir);
  for (;;) {
    if (!current.endsWith('/node_modules')) chain.push(join(current, 'node_modules'));
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  return chain;
}

/** True for names that may be parsl-ts plugins: `@parsl-ts/*`, `parsl-ts-*` and `@scope/parsl-ts-*`. */
function candidateNames(nodeModules: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(nodeModules);
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) {
      let scoped: string[];
      try {
        scoped = readdirSync(join(nodeModules, entry));
      } catch {
        continue;
      }
      for (const name of scoped) {
        if (entry === '@parsl-ts' || name.startsWith('parsl-ts-')) names.push(`${entry}/${name}`);
      }
    } else if (entry.startsWith('parsl-ts-')) {
      names.push(entry);
    }
  }
  return names.sort();
}

interface PackageJson {
  name?: string;
  version?: string;
  description?: string;
  peerDependencies?: Record<string, string>;
  'parsl-ts'?: { kind?: string; maturity?: string };
}

/**
 * Find the parsl-ts plugins installed in the `node_modules` folders above each of `dirs` (the
 * nearest copy of a package wins, as in Node's resolution; earlier `dirs` win over later ones).
 * A package is a plugin when its package.json has a `"parsl-ts"` field whose kind is not
 * core, cli or testing.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * findInstalledPlugins([process.cwd()], '0.1.0').map((p) => p.name);
 * ```
 */
export function findInstalledPlugins(dirs: readonly string[], coreVersion: string | undefined): InstalledPlugin[] {
  const found = new Map<string, InstalledPlugin>();
  for (const dir of dirs) {
    for (const nodeModules of nodeModulesChain(dir)) {
      for (const name of candidateNames(nodeModules)) {
        if (found.has(name)) continue;
        const folder = join(nodeModules, name);
        let pkg: PackageJson;
        let path: string;
        try {
          if (!statSync(folder).isDirectory()) continue;
          path = realpathSync(folder);
          pkg = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as PackageJson;
        } catch {
          continue;
        }
        const meta = pkg['parsl-ts'];
        if (typeof meta !== 'object' || meta === null || typeof meta.kind !== 'string' || NOT_PLUGINS.has(meta.kind)) continue;
        const coreRange = pkg.peerDependencies?.['@parsl-ts/core'];
        let compatible: boolean | undefined;
        if (coreRange !== undefined && coreVersion !== undefined) {
          compatible = semver.validRange(coreRange) !== null && semver.satisfies(coreVersion, coreRange, { includePrerelease: true });
        }
        found.set(name, {
          name: pkg.name ?? name, version: pkg.version ?? '?', kind: meta.kind, maturity: meta.maturity,
          coreRange, compatible, description: pkg.description, path,
        });
      }
    }
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Render rows as an aligned text table.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * formatTable(['a', 'b'], [['1', '2']]);
 * ```
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * The `parsl-ts plugins` command: a table (or JSON) of the installed plugins, found from the
 * working directory upward and from the CLI's own installation.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await pluginsCommand({ json: true });
 * ```
 */
export async function pluginsCommand(options: { json?: boolean; cwd?: string } = {}): Promise<void> {
  const cwd = options.cwd ?? process.cwd();
  const { core, url } = await loadCore(cwd);
  const coreVersion = core.CORE_VERSION;
  const cliDir = dirname(fileURLToPath(import.meta.url));
  const plugins = findInstalledPlugins([cwd, cliDir], coreVersion);
  const corePath = dirname(dirname(fileURLToPath(url)));
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ core: { version: coreVersion, path: corePath }, plugins }, null, 2)}\n`);
    return;
  }
  if (plugins.length === 0) {
    process.stdout.write(`No parsl-ts plugins found from ${cwd} (core ${coreVersion}).\n` +
      'Install one, e.g. npm install @parsl-ts/executor-threads\n');
    return;
  }
  const rows = plugins.map((p) => [
    p.name, p.kind, p.version, p.maturity ?? '—', p.coreRange ?? '—',
    p.compatible === undefined ? '?' : p.compatible ? 'yes' : `NO (core is ${coreVersion})`,
  ]);
  process.stdout.write(`${formatTable(['Package', 'Kind', 'Version', 'Maturity', 'Core range', `Supports core ${coreVersion}`], rows)}\n`);
  process.stdout.write(`\ncore ${coreVersion} at ${corePath}\n`);
  const incompatible = plugins.filter((p) => p.compatible === false);
  if (incompatible.length > 0) {
    process.stdout.write(`${incompatible.length} plugin(s) do not support core ${coreVersion}: loading them fails with PARSL_PLUGIN_INCOMPATIBLE; ` +
      'install versions whose @parsl-ts/core peer range includes it.\n');
  }
}
