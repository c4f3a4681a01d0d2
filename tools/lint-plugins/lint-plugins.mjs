#!/usr/bin/env node
// Maturity / peer-dependency / export-map lint for every package of the parsl-ts monorepo.
//
//   node tools/lint-plugins/lint-plugins.mjs [--root <dir>] [--package <dir>] [--quiet]
//
// Plain Node ESM, no dependencies, no build. Every problem is printed as
//   <path>: [CODE] <message> (fix: <hint>)
// followed by a summary line; the exit code is 1 when there is any problem.
// The rules are described in docs/maturity.md and docs/writing-a-plugin.md; the codes below are
// stable (tests and docs refer to them): never reuse a code for another meaning.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Plugin kinds (keep in sync with PLUGIN_KINDS in packages/core/src/config/PluginManifest.ts). */
export const PLUGIN_KINDS = ['executor', 'provider', 'launcher', 'staging', 'serializer', 'monitoring', 'memoizer', 'strategy', 'store'];
/** Kinds of the non-plugin packages under packages/: exempt from the peer-dependency rule. */
export const PACKAGE_KINDS = ['core', 'cli', 'testing'];
/** Maturity levels, in lifecycle order (keep in sync with MATURITY_LEVELS in core). */
export const MATURITY_LEVELS = ['experimental', 'beta', 'stable', 'deprecated'];
/** The README headings every package has, in this order (as unified/remark). */
export const README_HEADINGS = ['What is this?', 'When should I use this?', 'Status', 'Install', 'Use', 'API', 'Compatibility', 'Security'];
/** The npm scope of first-party packages and the core package name. */
export const SCOPE = '@parsl-ts';
export const CORE = '@parsl-ts/core';
/** Folders whose children are packages. */
export const PACKAGE_FOLDERS = ['packages', 'plugins'];

/** The `lint` script every package carries, so that `turbo run lint` lints each package in its pipeline. */
export const LINT_SCRIPT = 'node ../../tools/lint-plugins/lint-plugins.mjs --package .';
/** The `docs` script every package carries, so that `turbo run docs` writes its API JSON for the merged site. */
export const DOCS_SCRIPT = 'cd ../.. && typedoc --options typedoc.package.mjs';

/** Every problem code, with what it means. */
export const CODES = {
  PKG_JSON: 'package.json is missing or not valid JSON',
  PEER_CORE_MISSING: '@parsl-ts/core is not a peerDependency',
  PEER_CORE_RANGE: 'the peerDependency range on @parsl-ts/core is not a plain semver range or excludes the workspace core',
  CORE_IN_DEPENDENCIES: '@parsl-ts/core is in dependencies',
  DEV_CORE_MISSING: '@parsl-ts/core is not a devDependency "workspace:^"',
  META_MISSING: 'the "parsl-ts" field is missing',
  META_KIND: '"parsl-ts".kind is missing or unknown',
  META_MATURITY: '"parsl-ts".maturity is missing or unknown',
  VERSION_INVALID: 'version is not a semver version',
  VERSION_MATURITY: 'version does not agree with maturity (experimental/beta: 0.x, stable: >=1.0.0)',
  README_MISSING: 'README.md is missing',
  README_HEADING_MISSING: 'a required README heading is missing',
  README_HEADING_ORDER: 'the required README headings are out of order',
  README_STATUS_TABLE: 'the Status section has no table with Package, Version and Maturity columns',
  README_STATUS_ROW: 'the Status table has no row for this package',
  README_STATUS_MATURITY: 'the Status table states another maturity than package.json',
  README_STATUS_VERSION: 'the Status table states another version than package.json',
  EXPORTS_MISSING: 'package.json has no "exports" map',
  EXPORTS_TYPES_FIRST: 'an exports entry with conditions does not list "types" first',
  EXPORTS_INTERNAL: 'the exports map does not block "./internal/*"',
  EXPORTS_REQUIRE_ONLY: 'an exports entry can only be required (CommonJS)',
  EXPORTS_DEFAULT: 'a plugin\'s "." export has no "default" condition, so core\'s loader cannot resolve it from the config\'s folder',
  TYPE_MODULE: 'package.json is not "type": "module"',
  SIDE_EFFECTS: 'package.json is not "sideEffects": false',
  NAME: 'the npm name does not match the folder',
  PLUGIN_DEPENDENCY: 'a plugin depends on another first-party plugin',
  PLUGIN_IMPORT: 'plugin source imports another first-party package than core',
  LINT_SCRIPT: 'package.json has no "lint" script running this lint on the package (turbo run lint would skip it)',
  DOCS_SCRIPT: 'package.json has no "docs" script running TypeDoc on the package (turbo run docs would skip it, and the API site would lack it)',
  MANIFEST_MISMATCH: 'the definePlugin({...}) manifest in src/ states another kind or maturity than package.json',
};

// ---------------------------------------------------------------------------------------------
// A tiny semver: versions x.y.z[-pre][+build]; ranges made of `||`, comparator sets separated by
// spaces, `^`, `~`, `>=`, `>`, `<=`, `<`, `=`, exact versions, x-ranges (`1.x`, `1`, `*`) and
// hyphen ranges (`1.0.0 - 2.0.0`). Enough for peerDependency ranges; not a full implementation.
// ---------------------------------------------------------------------------------------------

const VERSION_RE = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Parse `x.y.z[-pre][+build]`; undefined when it is not a version. */
export function parseVersion(text) {
  const m = VERSION_RE.exec(String(text).trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split('.') : [] };
}

/** Compare two parsed versions: -1, 0 or 1 (prerelease identifiers compared as semver says). */
export function compareVersions(a, b) {
  for (const k of ['major', 'minor', 'patch']) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  if (a.pre.length === 0 || b.pre.length === 0) return a.pre.length === b.pre.length ? 0 : a.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny) return Number(x) < Number(y) ? -1 : 1;
    if (nx !== ny) return nx ? -1 : 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

const PARTIAL_RE = /^v?(\*|x|X|0|[1-9]\d*)(?:\.(\*|x|X|0|[1-9]\d*)(?:\.(\*|x|X|0|[1-9]\d*)(?:-([0-9A-Za-z.-]+))?)?)?(?:\+[0-9A-Za-z.-]+)?$/;

function parsePartial(text) {
  const m = PARTIAL_RE.exec(text);
  if (!m) return undefined;
  const num = (s) => (s === undefined || /^[*xX]$/.test(s) ? undefined : Number(s));
  const major = num(m[1]);
  const minor = major === undefined ? undefined : num(m[2]);
  const patch = minor === undefined ? undefined : num(m[3]);
  return { major, minor, patch, pre: patch !== undefined && m[4] ? m[4].split('.') : [] };
}

const v = (major, minor, patch, pre = []) => ({ major, minor, patch, pre });

/** Turn one comparator (`^1.2.3`, `>=1`, `1.x`) into [op, version] pairs; undefined when unparseable. */
function desugar(token) {
  const m = /^(\^|~>?|>=|<=|>|<|=)?\s*(.+)$/.exec(token);
  if (!m) return undefined;
  const op = m[1] ?? '';
  const p = parsePartial(m[2]);
  if (!p) return undefined;
  const { major, minor, patch, pre } = p;
  if (major === undefined) return op === '<' || op === '>' ? [['<', v(0, 0, 0)]] : [];
  const lo = v(major, minor ?? 0, patch ?? 0, pre);
  switch (op) {
    case '^': {
      let hi;
      if (major > 0 || minor === undefined) hi = v(major + 1, 0, 0, ['0']);
      else if (minor > 0 || patch === undefined) hi = v(0, minor + 1, 0, ['0']);
      else hi = v(0, 0, patch + 1, ['0']);
      return [['>=', lo], ['<', hi]];
    }
    case '~': case '~>':
      return [['>=', lo], ['<', minor === undefined ? v(major + 1, 0, 0, ['0']) : v(major, minor + 1, 0, ['0'])]];
    case '>=': return [['>=', lo]];
    case '<': return [['<', v(major, minor ?? 0, patch ?? 0, pre.length ? pre : patch === undefined ? ['0'] : [])]];
    case '>':
      if (minor === undefined) return [['>=', v(major + 1, 0, 0)]];
      if (patch === undefined) return [['>=', v(major, minor + 1, 0)]];
      return [['>', lo]];
    case '<=':
      if (minor === undefined) return [['<', v(major + 1, 0, 0, ['0'])]];
      if (patch === undefined) return [['<', v(major, minor + 1, 0, ['0'])]];
      return [['<=', lo]];
    default:
      if (minor === undefined) return [['>=', lo], ['<', v(major + 1, 0, 0, ['0'])]];
      if (patch === undefined) return [['>=', lo], ['<', v(major, minor + 1, 0, ['0'])]];
      return [['=', lo]];
  }
}

/** Parse a range into a list of comparator sets; undefined when any part is not understood. */
export function parseRange(range) {
  if (typeof range !== 'string') return undefined;
  const sets = [];
  for (const raw of range.split('||')) {
    let text = raw.trim().replace(/(\^|~>?|>=|<=|>|<|=)\s+/g, '$1');
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(text);
    if (hyphen) {
      const lo = desugar(`>=${hyphen[1]}`);
      const hiP = parsePartial(hyphen[2]);
      if (!lo || !hiP) return undefined;
      const hi = hiP.major === undefined ? [] : desugar(`<=${hyphen[2]}`);
      if (!hi) return undefined;
      sets.push([...lo, ...hi]);
      continue;
    }
    if (text === '') text = '*';
    const comparators = [];
    for (const token of text.split(/\s+/)) {
      const d = desugar(token);
      if (!d) return undefined;
      comparators.push(...d);
    }
    sets.push(comparators);
  }
  return sets;
}

/**
 * True when `version` satisfies `range`. Prereleases compare by plain precedence, like semver's
 * `includePrerelease: true` (which is what core's plugin loader uses).
 */
export function satisfies(version, range) {
  const ver = typeof version === 'string' ? parseVersion(version) : version;
  const sets = parseRange(range);
  if (!ver || !sets) return false;
  return sets.some((set) => set.every(([op, bound]) => {
    const c = compareVersions(ver, bound);
    return op === '>=' ? c >= 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : op === '<' ? c < 0 : c === 0;
  }));
}

// ---------------------------------------------------------------------------------------------
// Workspace discovery
// ---------------------------------------------------------------------------------------------

/**
 * The packages of a workspace: every folder directly under packages/ and plugins/ that has a
 * package.json (or should have one: a folder with src/). Sorted by path.
 */
export function findPackages(root) {
  const found = [];
  for (const group of PACKAGE_FOLDERS) {
    const base = join(root, group);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
      const dir = join(base, entry.name);
      if (!existsSync(join(dir, 'package.json')) && !existsSync(join(dir, 'src'))) continue;
      const rel = `${group}/${entry.name}`;
      let pkg;
      let error;
      try {
        pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      } catch (e) {
        error = e;
      }
      found.push({ group, folder: entry.name, dir, rel, pkg, error });
    }
  }
  return found.sort((a, b) => a.rel.localeCompare(b.rel));
}

// ---------------------------------------------------------------------------------------------
// README parsing
// ---------------------------------------------------------------------------------------------

/** ATX headings outside fenced code blocks: [{ level, text, line }]. */
export function markdownHeadings(text) {
  const headings = [];
  let fence;
  text.split(/\r?\n/).forEach((line, index) => {
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === undefined) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    const h = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line);
    if (h) headings.push({ level: h[1].length, text: h[2].trim(), line: index + 1 });
  });
  return headings;
}

const normalizeHeading = (s) => s.replace(/[*_`]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

/** Strip markdown decoration from a table cell: links, code ticks, emphasis, a leading `v`. */
export function cellText(cell) {
  return cell
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*_]/g, '')
    .trim();
}

function splitRow(line) {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** The first pipe table in `lines`: { header: string[], rows: string[][] } or undefined. */
export function firstTable(lines) {
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i].includes('|')) continue;
    const sep = splitRow(lines[i + 1]);
    if (!sep.every((c) => /^:?-{1,}:?$/.test(c))) continue;
    const header = splitRow(lines[i]).map((c) => cellText(c).toLowerCase());
    const rows = [];
    for (let j = i + 2; j < lines.length && lines[j].includes('|') && lines[j].trim() !== ''; j++) rows.push(splitRow(lines[j]));
    return { header, rows };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Source scanning (plugin imports)
// ---------------------------------------------------------------------------------------------

/**
 * Scan TS/JS source: returns `code` with comments removed and string, template and regex contents
 * blanked (line numbers kept), and the string literals with their positions. A small lexer, not
 * a parser: enough to tell an import specifier from text that mentions a package.
 */
export function scanSource(source) {
  const out = [];
  let length = 0;
  // The last few characters emitted, to decide whether a `/` starts a regex (reading back from a
  // string built by concatenation would flatten it on every `/`).
  let recent = '';
  const emit = (text) => {
    out.push(text);
    length += text.length;
    if (/\S/.test(text)) recent = (recent + text).slice(-48);
  };
  const strings = [];
  const n = source.length;
  let i = 0;
  const blank = (ch) => (ch === '\n' ? '\n' : ' ');
  const regexAllowed = () => {
    const t = recent.trimEnd();
    if (t === '') return true;
    if (/[(,=:[!&|?{};+\-*%<>~^]$/.test(t)) return true;
    return /(?:^|[^\w$.])(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/.test(t);
  };
  while (i < n) {
    const c = source[i];
    const d = source[i + 1];
    if (c === '/' && d === '/') {
      let j = i;
      while (j < n && source[j] !== '\n') j++;
      emit(' '.repeat(j - i));
      i = j;
    } else if (c === '/' && d === '*') {
      let j = source.indexOf('*/', i + 2);
      j = j === -1 ? n : j + 2;
      emit(source.slice(i, j).replace(/[^\n]/g, ' '));
      i = j;
    } else if (c === '"' || c === "'" || c === '`') {
      const start = length;
      let value = '';
      let blanked = c;
      i++;
      while (i < n && source[i] !== c) {
        if (c !== '`' && source[i] === '\n') break;
        if (source[i] === '\\' && i + 1 < n) { value += source[i + 1]; blanked += ` ${blank(source[i + 1])}`; i += 2; continue; }
        value += source[i];
        blanked += blank(source[i]);
        i++;
      }
      if (i < n && source[i] === c) { blanked += c; i++; }
      emit(blanked);
      strings.push({ start, value, quote: c });
    } else if (c === '/' && regexAllowed()) {
      let blanked = '/';
      i++;
      let inClass = false;
      while (i < n && source[i] !== '\n' && (inClass || source[i] !== '/')) {
        if (source[i] === '\\' && i + 1 < n) { blanked += ` ${blank(source[i + 1])}`; i += 2; continue; }
        if (source[i] === '[') inClass = true;
        else if (source[i] === ']') inClass = false;
        blanked += ' ';
        i++;
      }
      if (i < n && source[i] === '/') { blanked += '/'; i++; }
      emit(blanked);
    } else {
      let j = i + 1;
      while (j < n && !'/"\'`'.includes(source[j])) j++;
      emit(source.slice(i, j));
      i = j;
    }
  }
  return { code: out.join(''), strings };
}

/** What may stand right before an import specifier (comments and strings already blanked). */
const BEFORE_SPECIFIER = /(?:(?<![\w$.])(?:from|import)|(?<![\w$.])(?:import|require)\s*\(|(?<![\w$])import\.meta\.resolve\s*\()\s*$/;

/** Module specifiers a TS/JS source imports (static, dynamic, re-export, require), with line numbers. */
export function importedSpecifiers(source) {
  const { code, strings } = scanSource(source);
  const found = [];
  for (const s of strings) {
    if (s.quote === '`' && s.value.includes('${')) continue;
    const before = code.slice(Math.max(0, s.start - 200), s.start);
    if (!BEFORE_SPECIFIER.test(before)) continue;
    found.push({ specifier: s.value, line: code.slice(0, s.start).split('\n').length });
  }
  return found;
}

function listSourceFiles(dir) {
  const files = [];
  if (!existsSync(dir)) return files;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') files.push(...listSourceFiles(path));
    } else if (/\.(?:[cm]?ts|tsx)$/.test(entry.name)) {
      files.push(path);
    }
  }
  return files.sort();
}

/** `@parsl-ts/x/y` → `@parsl-ts/x`; undefined when the specifier is not in the scope. */
function scopedPackage(specifier) {
  const m = /^(@parsl-ts\/[^/]+)/.exec(specifier);
  return m ? m[1] : undefined;
}

// ---------------------------------------------------------------------------------------------
// The rules
// ---------------------------------------------------------------------------------------------

function checkExports(pkg, add, isPlugin) {
  const exp = pkg.exports;
  if (exp === undefined || exp === null || typeof exp !== 'object' || Array.isArray(exp)) {
    add('EXPORTS_MISSING', exp === undefined ? 'package.json has no "exports" map' : '"exports" must be an object of subpaths',
      'add "exports": { ".": { "types": "./dist/index.d.ts", "import": "./dist/index.js" }, "./package.json": "./package.json", "./internal/*": null }');
    return;
  }
  const keys = Object.keys(exp);
  const subpaths = keys.length > 0 && keys.every((k) => k.startsWith('.'));
  const entries = subpaths ? Object.entries(exp) : [['.', exp]];
  if (!subpaths || !Object.hasOwn(exp, './internal/*') || exp['./internal/*'] !== null) {
    add('EXPORTS_INTERNAL', '"exports" does not contain "./internal/*": null',
      'add "./internal/*": null to "exports" so that deep imports of internals fail');
  }
  const visit = (where, value) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return;
    const conditions = Object.keys(value);
    if (conditions.length === 0) return;
    if (conditions[0] !== 'types') {
      add('EXPORTS_TYPES_FIRST', `exports["${where}"] lists ${JSON.stringify(conditions[0])} before "types"${conditions.includes('types') ? '' : ' (it has no "types" at all)'}`,
        `make "types" the first condition of exports["${where}"], e.g. { "types": "./dist/index.d.ts", "import": "./dist/index.js" }`);
    }
    if (conditions.includes('require') && !conditions.includes('import') && !conditions.includes('default')) {
      add('EXPORTS_REQUIRE_ONLY', `exports["${where}"] has a "require" condition and no "import" or "default"`,
        'packages are ESM only: replace "require" with "import" (and build ESM)');
    }
    for (const [condition, nested] of Object.entries(value)) visit(`${where}" → "${condition}`, nested);
  };
  for (const [subpath, value] of entries) visit(subpath, value);
  // Core's loader (importFrom) finds plugins with require.resolve from the config file's folder,
  // which only matches the "require", "node" and "default" conditions; "import" alone fails there
  // and the fallback import() from core's own folder misses plugins under pnpm's strict layout.
  const main = subpaths ? exp['.'] : exp;
  if (isPlugin && main !== null && typeof main === 'object' && !Array.isArray(main) && !Object.hasOwn(main, 'default')) {
    add('EXPORTS_DEFAULT', 'exports["."] has no "default" condition',
      'add "default": "./dist/index.js" after "import": config files name plugins by package and core resolves them with require.resolve, which ignores "import"');
  }
}

function checkReadme(entry, pkg, maturity, add) {
  const path = `${entry.rel}/README.md`;
  const file = join(entry.dir, 'README.md');
  if (!existsSync(file)) {
    add('README_MISSING', 'README.md is missing',
      `write ${path} with the headings ${README_HEADINGS.map((h) => `"## ${h}"`).join(', ')} (see docs/writing-a-plugin.md)`, path);
    return;
  }
  const text = readFileSync(file, 'utf8');
  const headings = markdownHeadings(text);
  const wanted = README_HEADINGS.map(normalizeHeading);
  const positions = wanted.map((h) => headings.findIndex((x) => normalizeHeading(x.text) === h));
  const missing = README_HEADINGS.filter((_, i) => positions[i] === -1);
  for (const heading of missing) {
    add('README_HEADING_MISSING', `README.md has no heading "${heading}"`,
      `add "## ${heading}"; the headings are, in order: ${README_HEADINGS.join(' · ')}`, path);
  }
  const present = positions.filter((p) => p !== -1);
  if (present.some((p, i) => i > 0 && p < present[i - 1])) {
    const actual = README_HEADINGS.filter((_, i) => positions[i] !== -1).sort((a, b) => positions[README_HEADINGS.indexOf(a)] - positions[README_HEADINGS.indexOf(b)]);
    add('README_HEADING_ORDER', `README.md headings are in the order ${actual.join(' · ')}`,
      `reorder them: ${README_HEADINGS.join(' · ')}`, path);
  }
  const statusIndex = positions[README_HEADINGS.indexOf('Status')];
  if (statusIndex === -1) return;
  const status = headings[statusIndex];
  const next = headings.slice(statusIndex + 1).find((h) => h.level <= status.level);
  const lines = text.split(/\r?\n/).slice(status.line, next ? next.line - 1 : undefined);
  const table = firstTable(lines);
  const col = (...names) => (table ? table.header.findIndex((h) => names.includes(h)) : -1);
  const nameCol = col('package', 'name');
  const versionCol = col('version');
  const maturityCol = col('maturity', 'status', 'stability');
  const example = `| Package | Version | Maturity |\n|---|---|---|\n| \`${pkg.name}\` | ${pkg.version} | ${maturity ?? 'experimental'} |`;
  if (!table || nameCol === -1 || versionCol === -1 || maturityCol === -1) {
    add('README_STATUS_TABLE', 'the Status section has no table with Package, Version and Maturity columns',
      `put this table under "## Status": ${example.replace(/\n/g, ' ')}`, path);
    return;
  }
  const row = table.rows.find((r) => cellText(r[nameCol] ?? '') === pkg.name);
  if (!row) {
    add('README_STATUS_ROW', `the Status table has no row for ${pkg.name}`,
      `add the row | \`${pkg.name}\` | ${pkg.version} | ${maturity ?? ''} |`, path);
    return;
  }
  const version = cellText(row[versionCol] ?? '').replace(/^v(?=\d)/, '');
  if (version !== pkg.version) {
    add('README_STATUS_VERSION', `the Status table says version "${version}", package.json says ${pkg.version}`,
      `change the Version cell to ${pkg.version} (after \`changeset version\`, update the README's Status row too)`, path);
  }
  if (maturity !== undefined) {
    const cell = cellText(row[maturityCol] ?? '').toLowerCase();
    const said = MATURITY_LEVELS.filter((m) => new RegExp(`\\b${m}\\b`).test(cell));
    if (said.length !== 1 || said[0] !== maturity) {
      add('README_STATUS_MATURITY', `the Status table says maturity "${cellText(row[maturityCol] ?? '')}", package.json says ${maturity}`,
        `change the Maturity cell to ${maturity}, or change "parsl-ts".maturity in package.json (see docs/maturity.md)`, path);
    }
  }
}

function checkPluginImports(entry, pkg, firstParty, add) {
  for (const file of listSourceFiles(join(entry.dir, 'src'))) {
    const rel = relative(entry.root, file).split(sep).join('/');
    for (const { specifier, line } of importedSpecifiers(readFileSync(file, 'utf8'))) {
      const target = scopedPackage(specifier);
      if (target === undefined || target === CORE || target === pkg.name) continue;
      if (!firstParty.has(target) && !target.startsWith(`${SCOPE}/`)) continue;
      add('PLUGIN_IMPORT', `imports "${specifier}": plugins import only ${CORE}, never another plugin or package`,
        `move what both plugins need into ${CORE}, or name the other plugin by package in plain data (a PluginDescriptor) and let core load it; tests may import it as a devDependency`,
        `${rel}:${line}`);
    }
  }
}

/**
 * The literal `kind` and `maturity` values written inside `definePlugin({...})` calls of a source
 * file (values read from package.json at run time are not literals and are not reported).
 */
export function manifestLiterals(source) {
  const { code, strings } = scanSource(source);
  const found = [];
  const call = /\bdefinePlugin\s*\(/g;
  for (let m = call.exec(code); m; m = call.exec(code)) {
    let depth = 0;
    let end = code.length;
    for (let i = m.index + m[0].length - 1; i < code.length; i++) {
      if (code[i] === '(') depth++;
      else if (code[i] === ')' && --depth === 0) { end = i; break; }
    }
    for (const s of strings) {
      if (s.start < m.index || s.start > end) continue;
      const key = /\b(kind|maturity)\s*:\s*$/.exec(code.slice(Math.max(0, s.start - 40), s.start));
      if (key) found.push({ field: key[1], value: s.value, line: code.slice(0, s.start).split('\n').length });
    }
  }
  return found;
}

function checkManifest(entry, kind, maturity, add) {
  for (const file of listSourceFiles(join(entry.dir, 'src'))) {
    const rel = relative(entry.root, file).split(sep).join('/');
    for (const { field, value, line } of manifestLiterals(readFileSync(file, 'utf8'))) {
      const expected = field === 'kind' ? kind : maturity;
      if (expected === undefined || value === expected) continue;
      add('MANIFEST_MISMATCH', `definePlugin() says ${field} "${value}", package.json says "parsl-ts".${field} "${expected}"`,
        `make them agree; better, read it from package.json as name and version are (see docs/writing-a-plugin.md)`, `${rel}:${line}`);
    }
  }
}

/**
 * Lint every package of the workspace at `root`. Returns the packages looked at and the
 * problems, each `{ path, code, message, hint }` (path relative to root, `/` separators).
 */
export function lintPlugins({ root = process.cwd(), only } = {}) {
  root = resolve(root);
  const problems = [];
  const entries = findPackages(root);
  const firstParty = new Set(entries.map((e) => e.pkg?.name).filter((n) => typeof n === 'string'));
  const workspaceCore = entries.find((e) => e.pkg?.name === CORE)?.pkg?.version;
  // One package (`--package`, the per-package `lint` script that turbo runs): the workspace is still
  // read whole, because some rules compare a package with the others (first-party names, core's version).
  const checked = only === undefined ? entries : entries.filter((e) => e.dir === resolve(only));
  if (only !== undefined && checked.length === 0) {
    throw new Error(`${resolve(only)} is not a package folder under ${PACKAGE_FOLDERS.map((g) => join(root, g)).join(' or ')}`);
  }

  for (const entry of checked) {
    entry.root = root;
    const pkgPath = `${entry.rel}/package.json`;
    const add = (code, message, hint, path = pkgPath) => problems.push({ path, code, message, hint });
    const pkg = entry.pkg;
    if (!pkg || typeof pkg !== 'object' || Array.isArray(pkg)) {
      add('PKG_JSON', entry.error ? `cannot read package.json: ${entry.error.message.split('\n')[0]}` : 'package.json is not an object',
        'create a valid package.json (copy one from plugins/executor-threads)');
      continue;
    }
    const isPluginFolder = entry.group === 'plugins';
    const meta = pkg['parsl-ts'];
    const kind = meta && typeof meta === 'object' ? meta.kind : undefined;
    const allowedKinds = isPluginFolder ? PLUGIN_KINDS : [...PACKAGE_KINDS, ...PLUGIN_KINDS];
    const isPlugin = PLUGIN_KINDS.includes(kind) || (isPluginFolder && !PACKAGE_KINDS.includes(kind));

    // (f) npm name
    const expectedName = `${SCOPE}/${entry.folder}`;
    if (pkg.name !== expectedName) {
      add('NAME', `npm name is ${JSON.stringify(pkg.name)}, expected "${expectedName}" for folder ${entry.rel}`,
        `set "name": "${expectedName}" or rename the folder to match the package (${SCOPE}/<family>-<impl>)`);
    }

    // (b) parsl-ts metadata
    let maturity;
    if (!meta || typeof meta !== 'object' || Array.isArray(meta)) {
      add('META_MISSING', 'package.json has no "parsl-ts" field',
        `add "parsl-ts": { "kind": "<${allowedKinds.join('|')}>", "maturity": "experimental" }`);
    } else {
      if (!allowedKinds.includes(kind)) {
        add('META_KIND', `"parsl-ts".kind is ${JSON.stringify(kind)}, expected one of ${allowedKinds.join(', ')}`,
          isPluginFolder && PACKAGE_KINDS.includes(kind) ? `${kind} packages live in packages/, not plugins/` : `set "parsl-ts".kind to the plugin point this package implements`);
      }
      if (!MATURITY_LEVELS.includes(meta.maturity)) {
        add('META_MATURITY', `"parsl-ts".maturity is ${JSON.stringify(meta.maturity)}, expected one of ${MATURITY_LEVELS.join(', ')}`,
          'new packages start as "experimental" (see docs/maturity.md)');
      } else {
        maturity = meta.maturity;
      }
    }

    // (c) version vs maturity
    const version = parseVersion(pkg.version ?? '');
    if (!version || String(pkg.version).startsWith('v')) {
      add('VERSION_INVALID', `version ${JSON.stringify(pkg.version)} is not a semver version`, 'use x.y.z, e.g. "0.1.0"');
    } else if (maturity !== undefined) {
      if ((maturity === 'experimental' || maturity === 'beta') && version.major !== 0) {
        add('VERSION_MATURITY', `version ${pkg.version} is >= 1.0.0 but maturity is ${maturity}`,
          `${maturity} packages stay at 0.x: promote to "stable" (docs/maturity.md), or keep it at 0.x`);
      } else if (maturity === 'stable' && version.major < 1) {
        add('VERSION_MATURITY', `version ${pkg.version} is 0.x but maturity is stable`,
          'a stable package is >= 1.0.0: add a major changeset that releases 1.0.0 together with the promotion');
      }
    }

    // (a) core as a peer dependency
    if (isPlugin) {
      const peer = pkg.peerDependencies?.[CORE];
      const dev = pkg.devDependencies?.[CORE];
      if (pkg.dependencies && Object.hasOwn(pkg.dependencies, CORE)) {
        add('CORE_IN_DEPENDENCIES', `${CORE} is in "dependencies"`,
          `move it to "peerDependencies" (a range like "^${workspaceCore ?? '0.1.0'}") so that the application's single core is used`);
      }
      if (peer === undefined) {
        add('PEER_CORE_MISSING', `${CORE} is not in "peerDependencies"`,
          `add "peerDependencies": { "${CORE}": "^${workspaceCore ?? '0.1.0'}" }`);
      } else if (parseRange(peer) === undefined || /^(workspace|file|link|npm|git)/.test(peer)) {
        add('PEER_CORE_RANGE', `peerDependencies["${CORE}"] is ${JSON.stringify(peer)}, not a semver range`,
          `use a published range such as "^${workspaceCore ?? '0.1.0'}" (the loader checks it at run time)`);
      } else if (workspaceCore !== undefined && parseVersion(workspaceCore) && !satisfies(workspaceCore, peer)) {
        add('PEER_CORE_RANGE', `peerDependencies["${CORE}"] is "${peer}", which excludes the workspace core ${workspaceCore}`,
          `widen the range to include ${workspaceCore} (e.g. "^${workspaceCore}"), after checking the plugin against that core`);
      }
      if (dev !== 'workspace:^') {
        add('DEV_CORE_MISSING', dev === undefined ? `${CORE} is not in "devDependencies"` : `devDependencies["${CORE}"] is "${dev}", expected "workspace:^"`,
          `set "devDependencies": { "${CORE}": "workspace:^" } so that tests and builds use the workspace core`);
      }
      for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
        for (const dep of Object.keys(pkg[field] ?? {})) {
          if (dep === CORE || dep === pkg.name || !dep.startsWith(`${SCOPE}/`)) continue;
          add('PLUGIN_DEPENDENCY', `${field} lists ${dep}: a plugin depends only on ${CORE}`,
            `remove it from ${field}; tests may list it in devDependencies, users install it next to this plugin`);
        }
      }
    }

    // (e) module format and export map
    if (pkg.type !== 'module') {
      add('TYPE_MODULE', `"type" is ${JSON.stringify(pkg.type)}, expected "module"`, 'set "type": "module" (packages are ESM only)');
    }
    if (pkg.sideEffects !== false) {
      add('SIDE_EFFECTS', `"sideEffects" is ${JSON.stringify(pkg.sideEffects)}, expected false`,
        'set "sideEffects": false and keep module top levels free of side effects');
    }
    checkExports(pkg, add, isPlugin);

    // (d) README
    checkReadme(entry, pkg, maturity, add);

    // (h) per-package lint and docs scripts, so that `turbo run lint` and `turbo run docs` reach every package
    if (pkg.scripts?.lint !== LINT_SCRIPT) {
      add('LINT_SCRIPT', pkg.scripts?.lint === undefined ? 'package.json has no "lint" script' : `scripts.lint is ${JSON.stringify(pkg.scripts.lint)}, expected ${JSON.stringify(LINT_SCRIPT)}`,
        `set "scripts": { "lint": "${LINT_SCRIPT}" } (turbo's lint pipeline runs it in every package)`);
    }
    if (pkg.scripts?.docs !== DOCS_SCRIPT) {
      add('DOCS_SCRIPT', pkg.scripts?.docs === undefined ? 'package.json has no "docs" script' : `scripts.docs is ${JSON.stringify(pkg.scripts.docs)}, expected ${JSON.stringify(DOCS_SCRIPT)}`,
        `set "scripts": { "docs": "${DOCS_SCRIPT}" } (turbo's docs pipeline runs it in every package; pnpm run docs merges the results)`);
    }

    // (g) plugins import only core
    if (isPluginFolder || isPlugin) {
      checkPluginImports(entry, pkg, firstParty, add);
      checkManifest(entry, PLUGIN_KINDS.includes(kind) ? kind : undefined, maturity, add);
    }
  }
  return { root, packages: checked.map((e) => e.rel), problems };
}

/** Format one problem as `path: [CODE] message (fix: hint)`. */
export function formatProblem(p) {
  return `${p.path}: [${p.code}] ${p.message}${p.hint ? ` (fix: ${p.hint})` : ''}`;
}

function parseArgs(argv) {
  const args = { root: resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), only: undefined, quiet: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--root') {
      if (argv[i + 1] === undefined) throw new Error('--root needs a directory');
      args.root = resolve(argv[++i]);
    } else if (a.startsWith('--root=')) args.root = resolve(a.slice('--root='.length));
    else if (a === '--package') {
      if (argv[i + 1] === undefined) throw new Error('--package needs a package folder');
      args.only = resolve(argv[++i]);
    } else if (a === '--quiet' || a === '-q') args.quiet = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

/** Command line entry: returns the exit code. */
export function main(argv = process.argv.slice(2), out = console.log, err = console.error) {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    err(`lint-plugins: ${e.message}\nusage: node tools/lint-plugins/lint-plugins.mjs [--root <dir>] [--package <dir>] [--quiet]`);
    return 2;
  }
  if (args.help) {
    out('usage: node tools/lint-plugins/lint-plugins.mjs [--root <dir>] [--package <dir>] [--quiet]\n'
      + 'Checks every package under packages/ and plugins/: core as a peerDependency, "parsl-ts" kind/maturity,\n'
      + 'version vs maturity, README headings and Status row, export map, npm name, plugin-to-plugin imports.\n'
      + `Problem codes: ${Object.keys(CODES).join(', ')}`);
    return 0;
  }
  if (!existsSync(args.root) || !statSync(args.root).isDirectory()) {
    err(`lint-plugins: ${args.root} is not a directory`);
    return 2;
  }
  let result;
  try {
    result = lintPlugins({ root: args.root, only: args.only });
  } catch (e) {
    err(`lint-plugins: ${e.message}`);
    return 2;
  }
  const { packages, problems } = result;
  for (const p of problems) out(formatProblem(p));
  const affected = new Set(problems.map((p) => p.path.split('/').slice(0, 2).join('/'))).size;
  const summary = problems.length === 0
    ? `lint-plugins: ${packages.length} package(s) checked, no problems`
    : `lint-plugins: ${packages.length} package(s) checked, ${problems.length} problem(s) in ${affected} package(s)`;
  if (problems.length > 0 || !args.quiet) out(summary);
  return problems.length === 0 ? 0 : 1;
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) process.exitCode = main();
