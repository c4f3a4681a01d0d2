/**
 * The files every new plugin has, whatever its kind: package.json, README, TypeScript and vitest
 * configs, the index and manifest modules and the manifest test.
 *
 * @module
 */
import type { KindTemplate, TemplateContext } from './TemplateContext.js';

/** Versions of the tools a standalone plugin builds and tests with (known to work on Node 20). */
export const TOOL_VERSIONS = { typescript: '6.0.3', vitest: '4.1.12', '@types/node': '^20.19.0' } as const;

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** package.json: the "parsl-ts" field, core as a peer dependency, an ESM export map. */
function packageJson(ctx: TemplateContext, kind: KindTemplate): string {
  const workspace = ctx.layout === 'workspace';
  const devDependencies: Record<string, string> = {
    '@parsl-ts/core': workspace ? 'workspace:^' : ctx.coreRange,
    ...(kind.usesTesting ? { '@parsl-ts/testing': workspace ? 'workspace:^' : ctx.testingRange } : {}),
    ...TOOL_VERSIONS,
  };
  return json({
    name: ctx.packageName,
    version: '0.1.0',
    description: ctx.description,
    license: 'Apache-2.0',
    type: 'module',
    sideEffects: false,
    engines: { node: '>=20.19' },
    exports: {
      '.': { types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
      './package.json': './package.json',
      './internal/*': null,
    },
    main: './dist/index.js',
    types: './dist/index.d.ts',
    files: ['dist', 'README.md', 'CHANGELOG.md'],
    keywords: ['parsl-ts', 'parsl-ts-plugin', `parsl-ts-${ctx.kind}`],
    'parsl-ts': { kind: ctx.kind, maturity: 'experimental' },
    scripts: workspace
      // `lint` is the plugin lint on this package alone: turbo's lint pipeline runs it in each package.
      // `docs` writes the package's API JSON (typedoc.package.mjs), which `pnpm run docs` merges into docs/api.
      ? {
        build: 'tsc -b',
        typecheck: 'tsc -b && tsc -p test/tsconfig.json',
        test: 'vitest run',
        lint: 'node ../../tools/lint-plugins/lint-plugins.mjs --package .',
        docs: 'cd ../.. && typedoc --options typedoc.package.mjs',
      }
      : {
        build: 'tsc -b',
        typecheck: 'tsc -b && tsc -p test/tsconfig.json',
        // The manifest test imports the package by its name, i.e. the built dist/.
        test: 'tsc -b && vitest run',
        prepublishOnly: 'tsc -b',
      },
    peerDependencies: { '@parsl-ts/core': ctx.coreRange },
    devDependencies,
  });
}

const STANDALONE_COMPILER_OPTIONS = {
  target: 'ES2022', lib: ['ES2023'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
  noUncheckedIndexedAccess: true, noImplicitOverride: true, verbatimModuleSyntax: true, skipLibCheck: true,
  declaration: true, declarationMap: true, sourceMap: true, composite: true, types: ['node'],
};

function tsconfig(ctx: TemplateContext): string {
  if (ctx.layout === 'workspace') {
    return json({
      extends: '../../tsconfig.base.json',
      compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
      include: ['src'],
      references: [{ path: '../../packages/core' }],
    });
  }
  return json({ compilerOptions: { ...STANDALONE_COMPILER_OPTIONS, rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' }, include: ['src'] });
}

function testTsconfig(ctx: TemplateContext): string {
  if (ctx.layout === 'workspace') {
    return json({
      extends: '../../../tsconfig.base.json',
      compilerOptions: { noEmit: true, composite: false, declaration: false, declarationMap: false, rootDir: '..' },
      include: ['./**/*.ts', '../src/**/*.ts'],
    });
  }
  return json({
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: true, composite: false, declaration: false, declarationMap: false, rootDir: '..' },
    include: ['./**/*.ts', '../src/**/*.ts'],
  });
}

function vitestConfig(ctx: TemplateContext): string {
  return `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: '${ctx.folder}', include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 },
});
`;
}

/** Kinds whose class takes no options. */
const WITHOUT_OPTIONS: ReadonlySet<string> = new Set(['memoizer', 'serializer']);

function indexModule(ctx: TemplateContext): string {
  const options = WITHOUT_OPTIONS.has(ctx.kind) ? '' : `, type ${ctx.className}Options`;
  return `/**
 * ${ctx.packageName}: ${ctx.description}
 *
 * @packageDocumentation
 */
export { ${ctx.className}${options} } from './${ctx.className}.js';
export { plugin } from './manifest.js';
`;
}

function manifestModule(ctx: TemplateContext): string {
  const options = WITHOUT_OPTIONS.has(ctx.kind) ? '' : `options as unknown as ${ctx.className}Options`;
  const importOptions = options === '' ? '' : `, type ${ctx.className}Options`;
  return `import { pluginFromPackage, type PluginManifest } from '@parsl-ts/core';
import { ${ctx.className}${importOptions} } from './${ctx.className}.js';

/**
 * The plugin manifest: lets config files name this ${ctx.kind} by package
 * (\`{ "package": "${ctx.packageName}", "options": { ... } }\`). Name, version, kind, maturity and
 * the supported core range come from package.json.
 *
 * @since 0.1.0
 * @example
 * \`\`\`ts
 * import { plugin } from '${ctx.packageName}';
 * console.log(plugin.kind, plugin.maturity); // ${ctx.kind} experimental
 * \`\`\`
 */
export const plugin: PluginManifest = pluginFromPackage(new URL('../package.json', import.meta.url), {
  factories: { ${ctx.className}: (${options === '' ? '' : 'options'}) => new ${ctx.className}(${options}) },
  defaultFactory: '${ctx.className}',
});
`;
}

function manifestTest(ctx: TemplateContext, kind: KindTemplate): string {
  return `/**
 * The published path: a config entry names the package, core imports it (the built dist/, as an
 * installed copy would be), checks its manifest and core range and builds an instance.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CORE_VERSION, importFrom, instantiatePlugin, loadPlugin } from '@parsl-ts/core';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { name: string; version: string };
const importer = (specifier: string): Promise<unknown> => importFrom(specifier, packageRoot);

describe('${ctx.packageName} manifest', () => {
  it('states the package, kind, maturity and core range of package.json', async () => {
    const manifest = await loadPlugin(pkg.name, importer);
    expect(manifest).toMatchObject({ name: '${ctx.packageName}', version: pkg.version, kind: '${ctx.kind}', maturity: 'experimental', defaultFactory: '${ctx.className}' });
    expect(CORE_VERSION).toBeTruthy();
  });

  it('builds the ${ctx.kind} from a config entry naming the package', async () => {
    const instance = await instantiatePlugin<object>({ package: '${ctx.packageName}', options: ${JSON.stringify(kind.exampleOptions(ctx))} }, '${ctx.kind}', importer);
    expect(instance.constructor.name).toBe('${ctx.className}');
  });

  it('refuses to be used as another kind', async () => {
    await expect(instantiatePlugin({ package: '${ctx.packageName}' }, '${ctx.kind === 'executor' ? 'provider' : 'executor'}', importer)).rejects.toMatchObject({ code: 'PARSL_PLUGIN_LOAD' });
  });
});
`;
}

function readme(ctx: TemplateContext, kind: KindTemplate): string {
  const install = ctx.layout === 'workspace'
    ? `\`\`\`sh\nnpm install @parsl-ts/core ${ctx.packageName}\n\`\`\``
    : `\`\`\`sh\nnpm install @parsl-ts/core ${ctx.packageName}\n\`\`\`\n\n\`@parsl-ts/core\` is a peer dependency: the application installs it once, next to every plugin.`;
  return `# ${ctx.packageName}

${ctx.description}

## What is this?

A parsl-ts ${ctx.kind} plugin. parsl-ts is Parsl's parallel programming model for TypeScript: a
small core of interfaces (\`@parsl-ts/core\`) and plugin packages that a config composes by name.

## When should I use this?

TODO: say when this ${ctx.kind} is the right choice, and when another one is.

## Status

| Package | Kind | Version | Maturity | Core | Owner |
| --- | --- | --- | --- | --- | --- |
| \`${ctx.packageName}\` | ${ctx.kind} | 0.1.0 | experimental | \`${ctx.coreRange}\` | ${ctx.owner} |

Experimental: options and behaviour may change in any 0.x release; loading it logs a warning once.
See the parsl-ts maturity model (docs/maturity.md) for what each level promises and how a plugin
moves up.

## Install

${install}

## Use

${kind.use(ctx)}

## API

- \`${ctx.className}\`${WITHOUT_OPTIONS.has(ctx.kind) ? '' : ` and \`${ctx.className}Options\``}: the ${ctx.kind}${WITHOUT_OPTIONS.has(ctx.kind) ? '' : ' and its plain-data options'}.
- \`plugin\`: the manifest core loads when a config names \`${ctx.packageName}\`.

## Compatibility

Supports \`@parsl-ts/core\` \`${ctx.coreRange}\` (its peer dependency; core refuses to load it with
\`PARSL_PLUGIN_INCOMPATIBLE\` outside that range) on Node.js >= 20.19. The tests check ${kind.checks}.

## Security

TODO: say what this ${ctx.kind} trusts (hosts, credentials, code) and what it exposes (ports, files).
`;
}

/**
 * Every file of a new plugin (path relative to the package folder → content).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const files = pluginFiles(ctx, executorTemplate);
 * Object.keys(files); // ['package.json', 'README.md', 'tsconfig.json', ...]
 * ```
 */
export function pluginFiles(ctx: TemplateContext, kind: KindTemplate): Record<string, string> {
  const files: Record<string, string> = {
    'package.json': packageJson(ctx, kind),
    'README.md': readme(ctx, kind),
    'tsconfig.json': tsconfig(ctx),
    'test/tsconfig.json': testTsconfig(ctx),
    'vitest.config.ts': vitestConfig(ctx),
    'src/index.ts': indexModule(ctx),
    'src/manifest.ts': manifestModule(ctx),
    [`src/${ctx.className}.ts`]: kind.source(ctx),
    'test/manifest.test.ts': manifestTest(ctx, kind),
    ...kind.tests(ctx),
  };
  if (ctx.layout === 'standalone') files['.gitignore'] = 'node_modules/\ndist/\n*.tsbuildinfo\n*.tgz\n';
  return files;
}
