// TypeDoc options for ONE package of the workspace. Every package's `docs` script is
//   cd ../.. && typedoc --options typedoc.package.mjs
// which `turbo run docs` runs in each package after its dependencies' build. It converts the
// package, validates it (warnings are errors) and writes the package's reflection JSON to
// <package>/.typedoc/api.json (not under dist/, which npm publishes). `pnpm run docs` then merges
// every package's JSON into the one site in docs/api (the root typedoc.json).
//
// TypeDoc runs from the repository root because the JSON stores file paths (entry points, files a
// README links to) relative to the folder TypeDoc ran in, and the merge resolves them against the
// root. The package is the one whose script is running: npm_package_json, set by pnpm (and npm).
//
// A package with more than one entry point lists them in a typedoc.json of its own, relative to
// the package (packages/core/typedoc.json: { "entryPoints": ["src/index.ts", ...] }).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

if (!process.env.npm_package_json) {
  throw new Error('typedoc.package.mjs documents the package whose script runs it: use `pnpm run docs` in that package');
}
const dir = dirname(process.env.npm_package_json);
const here = (path) => resolve(dir, path);
const own = existsSync(here('typedoc.json')) ? JSON.parse(readFileSync(here('typedoc.json'), 'utf8')) : {};
const unread = Object.keys(own).filter((key) => key !== '$schema' && key !== 'entryPoints');
if (unread.length > 0) throw new Error(`${here('typedoc.json')}: only "entryPoints" is read, not ${unread.join(', ')} (shared options live in typedoc.package.mjs)`);

/** @type {Partial<import('typedoc').TypeDocOptions>} */
export default {
  entryPoints: (own.entryPoints ?? ['src/index.ts']).map(here),
  tsconfig: here('tsconfig.json'),
  readme: here('README.md'),
  json: here('.typedoc/api.json'),
  includeVersion: true,
  excludeInternal: true,
  excludePrivate: true,
  excludeExternals: true,
  disableSources: true,
  plugin: [],
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
  validation: {
    notExported: true,
    // A link into another package (a plugin's {@link} to a type of @parsl-ts/core) resolves only
    // once the packages are merged: the root typedoc.json checks every link of the merged site, as
    // TypeDoc's packages mode does.
    invalidLink: false,
    rewrittenLink: true,
    notDocumented: false,
    unusedMergeModuleWith: false,
  },
};
