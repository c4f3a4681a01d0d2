// Tests for tools/docs-links: run with `node --test tools/`. The last test checks the
// repository's own guides, so a dead link in docs/ fails `pnpm test` and CI.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { anchors, deadLinks, links, markdownFiles, slug } from './docs-links.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const made = [];
after(() => { for (const dir of made) rmSync(dir, { recursive: true, force: true }); });

describe('docs-links', () => {
  test('slugs and anchors as GitHub makes them', () => {
    assert.equal(slug('Versions and changesets'), 'versions-and-changesets');
    assert.equal(slug('`parsl-ts doctor [config]`'), 'parsl-ts-doctor-config');
    assert.equal(slug('What is this?'), 'what-is-this');
    assert.deepEqual([...anchors('# A\n## A\n```\n# not a heading\n```\n<a name="custom"></a>\n')], ['a', 'a-1', 'custom']);
  });

  test('finds inline and reference links, not those in code', () => {
    const text = 'See [a](a.md#x) and [b](<b c.md>).\n`[not](this.md)`\n```\n[nor](that.md)\n```\n[ref]: ./r.md\n';
    assert.deepEqual(links(text).map((l) => l.target), ['a.md#x', 'b c.md', './r.md']);
  });

  test('reports missing files and missing headings, and accepts good links', () => {
    const root = mkdtempSync(join(tmpdir(), 'docs-links-'));
    made.push(root);
    mkdirSync(join(root, 'docs', 'sub'), { recursive: true });
    mkdirSync(join(root, 'docs', 'api'), { recursive: true });
    writeFileSync(join(root, 'docs', 'target.md'), '# Target\n\n## Some section\n');
    writeFileSync(join(root, 'docs', 'sub', 'guide.md'), [
      '[ok](../target.md#some-section) [ok2](../target.md) [self](#guide) [web](https://example.org/x)',
      '[api](../api/index.html) [folder](../sub/)',
      '[gone](../missing.md) [bad anchor](../target.md#nope)',
      '# Guide',
    ].join('\n'));
    writeFileSync(join(root, 'README.md'), '[docs](docs/target.md#target) [dead](docs/none.md)\n');
    assert.deepEqual(markdownFiles(root).map((f) => f.slice(root.length + 1)), ['README.md', 'docs/sub/guide.md', 'docs/target.md']);
    assert.deepEqual(deadLinks(root).map((p) => `${p.file}:${p.line} ${p.target}`), [
      'README.md:1 docs/none.md',
      'docs/sub/guide.md:3 ../missing.md',
      'docs/sub/guide.md:3 ../target.md#nope',
    ]);
  });

  test('the repository\'s guides have no dead links', () => {
    const problems = deadLinks(ROOT);
    assert.deepEqual(problems.map((p) => `${p.file}:${p.line}: ${p.target}: ${p.problem}`), []);
    assert.ok(markdownFiles(ROOT).length >= 10);
  });
});
