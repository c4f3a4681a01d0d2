/**
 * `parsl-ts plugin new <kind> <name>`: generate a plugin package of any kind, ready to build,
 * test (the executor conformance suite, or the fitting check of its kind) and publish.
 *
 * @module
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { CliError, CliErrorCodes } from '../errors.js';
import { pluginFiles } from './commonFiles.js';
import { executorTemplate } from './kinds/executor.js';
import { launcherTemplate } from './kinds/launcher.js';
import { memoizerTemplate } from './kinds/memoizer.js';
import { monitoringTemplate } from './kinds/monitoring.js';
import { providerTemplate } from './kinds/provider.js';
import { serializerTemplate } from './kinds/serializer.js';
import { stagingTemplate } from './kinds/staging.js';
import { storeTemplate } from './kinds/store.js';
import { strategyTemplate } from './kinds/strategy.js';
import { pluginNames, type PluginNames, type ScaffoldKind } from './pluginNames.js';
import type { KindTemplate, ScaffoldLayout, TemplateContext } from './TemplateContext.js';

const TEMPLATES: Readonly<Record<ScaffoldKind, KindTemplate>> = {
  executor: executorTemplate, provider: providerTemplate, launcher: launcherTemplate, staging: stagingTemplate,
  serializer: serializerTemplate, monitoring: monitoringTemplate, memoizer: memoizerTemplate, strategy: strategyTemplate,
  store: storeTemplate,
};

/**
 * Options of {@link createPlugin}.
 *
 * @since 0.1.0
 */
export interface CreatePluginOptions {
  /** The plugin kind (`executor`, `provider`, ...). */
  readonly kind: string;
  /** The short name (`k8s`): the package becomes `<scope>/parsl-ts-<kind>-<name>`. */
  readonly name: string;
  /** The npm scope (`@acme`); `@parsl-ts` creates a first-party plugin in the monorepo's plugins/. */
  readonly scope?: string | undefined;
  /** The folder to create (default: `./<folder>`, or `<repo>/plugins/<kind>-<name>` for `@parsl-ts`). */
  readonly dir?: string | undefined;
  /** Where relative paths start and the monorepo is looked for. Default `process.cwd()`. */
  readonly cwd?: string | undefined;
  /** One line for package.json and the plugins table. */
  readonly description?: string | undefined;
  /** Who owns the plugin (shown in the README's Status table). */
  readonly owner?: string | undefined;
  /** The core version the plugin is written against; its peer range is derived from it (`0.1.3` → `^0.1.0`). */
  readonly coreVersion: string;
}

/**
 * What {@link createPlugin} made.
 *
 * @since 0.1.0
 */
export interface CreatedPlugin extends PluginNames {
  /** The package folder. */
  readonly dir: string;
  /** Monorepo or standalone. */
  readonly layout: ScaffoldLayout;
  /** The files written, relative to `dir`. */
  readonly files: readonly string[];
  /** The peer range on core. */
  readonly coreRange: string;
  /** The changeset written for a first-party plugin (path relative to the repository). */
  readonly changeset: string | undefined;
}

/**
 * The caret range of the release line of `version`: `0.1.3` → `^0.1.0`, `1.4.2` → `^1.0.0`.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * releaseLineRange('0.1.3'); // '^0.1.0'
 * ```
 */
export function releaseLineRange(version: string): string {
  const m = /^(\d+)\.(\d+)\.\d+/.exec(version);
  if (!m) throw new CliError(CliErrorCodes.BadOption, `core version ${JSON.stringify(version)} is not x.y.z`, 'pass --core-range, e.g. --core-range ^0.1.0');
  return m[1] === '0' ? `^0.${m[2]}.0` : `^${m[1]}.0.0`;
}

/**
 * The parsl-ts monorepo that contains `dir` (a pnpm workspace with packages/core and plugins/), if any.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * findMonorepo(process.cwd()); // '/home/me/parsl-ts' or undefined
 * ```
 */
export function findMonorepo(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    if (existsSync(join(current, 'pnpm-workspace.yaml')) && existsSync(join(current, 'packages', 'core', 'package.json')) && existsSync(join(current, 'plugins'))) {
      return current;
    }
    if (dirname(current) === current) return undefined;
  }
}

/**
 * Generate a plugin package. A first-party plugin (`--scope @parsl-ts`) goes into the monorepo's
 * plugins/ folder, with `workspace:^` devDependencies and a changeset; any other scope makes a
 * standalone package whose dependencies come from the registry. Refuses to write into a folder
 * that has files.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const made = createPlugin({ kind: 'executor', name: 'k8s', scope: '@acme', coreVersion: '0.1.0' });
 * console.log(made.packageName, made.dir); // @acme/parsl-ts-executor-k8s /home/me/parsl-ts-executor-k8s
 * ```
 */
export function createPlugin(options: CreatePluginOptions): CreatedPlugin {
  const names = pluginNames(options.kind, options.name, options.scope);
  const cwd = resolve(options.cwd ?? process.cwd());
  const repo = names.firstParty ? findMonorepo(cwd) : undefined;
  if (names.firstParty && repo === undefined) {
    throw new CliError(CliErrorCodes.BadOption, `@parsl-ts plugins are created inside the parsl-ts repository, and ${cwd} is not in it`,
      'run the command from a checkout of the repository, or publish under your own scope: --scope @yourname');
  }
  const layout: ScaffoldLayout = repo === undefined ? 'standalone' : 'workspace';
  const dir = resolve(cwd, options.dir ?? (repo === undefined ? names.folder : join(repo, 'plugins', names.folder)));
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new CliError(CliErrorCodes.ScaffoldTargetExists, `${dir} already exists and is not empty`, 'choose another --dir, or remove the folder first');
  }
  const coreVersion = repo === undefined
    ? options.coreVersion
    : (JSON.parse(readFileSync(join(repo, 'packages', 'core', 'package.json'), 'utf8')) as { version: string }).version;
  const coreRange = releaseLineRange(coreVersion);
  const ctx: TemplateContext = {
    ...names,
    coreRange,
    testingRange: coreRange,
    layout,
    description: (options.description ?? defaultDescription(names)).replace(/\s+/g, ' ').trim(),
    owner: options.owner ?? 'TODO: your name or team',
  };
  const files = pluginFiles(ctx, TEMPLATES[names.kind]);
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  let changeset: string | undefined;
  if (repo !== undefined) {
    changeset = join('.changeset', `${names.folder}-initial.md`);
    const file = join(repo, changeset);
    if (!existsSync(file)) {
      writeFileSync(file, `---\n"${names.packageName}": patch\n---\n\nAdd \`${names.className}\`: ${ctx.description}\n`);
    }
  }
  return { ...names, dir, layout, files: Object.keys(files).sort(), coreRange, changeset };
}

function defaultDescription(names: PluginNames): string {
  return `A parsl-ts ${names.kind} plugin (${names.name}).`;
}

/**
 * The next steps printed after {@link createPlugin}.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * process.stdout.write(nextSteps(made, process.cwd()));
 * ```
 */
export function nextSteps(made: CreatedPlugin, cwd: string): string {
  const where = relative(cwd, made.dir) || '.';
  const lines = [`created ${made.packageName} (${made.kind}, experimental, core ${made.coreRange}) in ${where}:`, ...made.files.map((f) => `  ${f}`)];
  if (made.changeset) lines.push(`  ${made.changeset} (the first changeset)`);
  lines.push('', 'next:');
  if (made.layout === 'workspace') {
    lines.push('  pnpm install', `  pnpm turbo run build --filter ${made.packageName}`, `  cd ${where} && npx vitest run`,
      `  pnpm --filter ${made.packageName} lint && pnpm plugins-table`);
  } else {
    lines.push(`  cd ${where}`, '  npm install', `  npm test            # ${made.kind === 'executor' ? 'the executor conformance suite of @parsl-ts/testing' : 'the checks of its kind'} and the manifest`, '  npm publish');
  }
  lines.push('', 'Then fill in the TODOs of README.md (When should I use this?, Security) and replace the generated behaviour with yours.');
  return `${lines.join('\n')}\n`;
}
