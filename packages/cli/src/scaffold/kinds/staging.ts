/**
 * The staging template: moves files named by `<name>://` URLs in and out of a folder that stands
 * for the remote side. Tested by staging real files in and out.
 *
 * @module
 */
import type { KindTemplate, TemplateContext } from '../TemplateContext.js';

/**
 * The staging template.
 *
 * @since 0.1.0
 */
export const stagingTemplate: KindTemplate = {
  usesTesting: false,
  checks: 'the manifest, `canStageIn`/`canStageOut` by scheme, and real files staged in and out (and a coded error for a file that is not there)',
  exampleOptions: () => ({ root: '/tmp' }),
  use: (ctx) => `\`\`\`json
{ "staging": [{ "package": "${ctx.packageName}", "options": { "root": "/data/${ctx.name}" } }] }
\`\`\`

An app then takes \`new File('${ctx.name}://inputs/a.txt')\` as an input (staged in before it runs)
or an output (staged out after it succeeds).`,
  source: (ctx: TemplateContext) => `import { copyFile, mkdir } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { ConfigError, File, StagingError, type PluginManifest, type Staging, type StagingContext } from '@parsl-ts/core';
import { plugin } from './manifest.js';

/**
 * Options of the {@link ${ctx.className}}. Plain data.
 *
 * @since 0.1.0
 */
export interface ${ctx.className}Options {
  /** The folder that \`${ctx.name}://\` URLs point into (\`${ctx.name}://a/b.txt\` is \`<root>/a/b.txt\`). */
  root: string;
}

/**
 * ${ctx.description}
 *
 * As generated, \`${ctx.name}://path\` names \`<root>/path\` on this machine; replace the two copies
 * with the transfers of your storage system.
 *
 * @since 0.1.0
 * @example
 * \`\`\`ts
 * const dfk = await loadConfig({ staging: [new ${ctx.className}({ root: '/data' })] });
 * \`\`\`
 */
export class ${ctx.className} implements Staging {
  /** The staging provider's name (logs). */
  readonly name = '${ctx.name}';
  /** The resolved options. */
  readonly options: Readonly<${ctx.className}Options>;

  constructor(options: ${ctx.className}Options) {
    if (typeof options?.root !== 'string' || options.root.length === 0) {
      throw new ConfigError('root is missing', { path: 'root', hint: 'give the folder ${ctx.name}:// URLs point into, e.g. { "root": "/data" }' });
    }
    this.options = { root: resolve(options.root) };
  }

  /** The plugin manifest. */
  get manifest(): PluginManifest {
    return plugin;
  }

  /** True for \`${ctx.name}://\` URLs. */
  canStageIn(file: File): boolean {
    return file.scheme === '${ctx.name}';
  }

  /** True for \`${ctx.name}://\` URLs. */
  canStageOut(file: File): boolean {
    return file.scheme === '${ctx.name}';
  }

  /** Copy the file to where the task reads it. */
  async stageIn(file: File, context: StagingContext): Promise<File> {
    const localPath = file.localPath ?? join(context.workingDir ?? context.runDir, basename(file.path));
    await mkdir(dirname(localPath), { recursive: true });
    await this.copy(this.remotePath(file), localPath, file);
    return new File(file.url, localPath);
  }

  /** Copy the file the task wrote to its place under root. */
  async stageOut(file: File, _context: StagingContext): Promise<File> {
    if (file.localPath === undefined) throw new StagingError(file.url, 'it has no local copy to stage out', { hint: 'the app must write the output File it was given' });
    const target = this.remotePath(file);
    await mkdir(dirname(target), { recursive: true });
    await this.copy(file.localPath, target, file);
    return file;
  }

  private remotePath(file: File): string {
    const path = resolve(this.options.root, \`.\${sep}\${join(file.netloc, file.path)}\`);
    if (path !== this.options.root && !path.startsWith(this.options.root + sep)) {
      throw new StagingError(file.url, \`it points outside \${this.options.root}\`, { hint: 'remove ".." from the URL' });
    }
    return path;
  }

  private async copy(from: string, to: string, file: File): Promise<void> {
    try {
      await copyFile(from, to);
    } catch (cause) {
      throw new StagingError(file.url, \`copying \${from} to \${to} failed: \${(cause as Error).message}\`, {
        cause, hint: 'check that the file exists and the folders are writable',
      });
    }
  }
}
`,
  tests: (ctx: TemplateContext) => ({
    [`test/${ctx.className}.test.ts`]: `import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { File, type StagingContext } from '@parsl-ts/core';
import { ${ctx.className} } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), '${ctx.folder}-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const root = join(dir, 'remote');
const work = join(dir, 'work');
mkdirSync(join(root, 'inputs'), { recursive: true });
const context: StagingContext = { runDir: dir, executorLabel: 'a', taskId: 1, signal: new AbortController().signal, workingDir: work };

describe('${ctx.className}', () => {
  const staging = new ${ctx.className}({ root });

  it('claims its own scheme only', () => {
    expect(staging.canStageIn(new File('${ctx.name}://inputs/a.txt'))).toBe(true);
    expect(staging.canStageOut(new File('${ctx.name}://outputs/b.txt'))).toBe(true);
    expect(staging.canStageIn(new File('https://example.org/a.txt'))).toBe(false);
  });

  it('stages a file in and out', async () => {
    writeFileSync(join(root, 'inputs', 'a.txt'), 'payload');
    const local = await staging.stageIn!(new File('${ctx.name}://inputs/a.txt'), context);
    expect(readFileSync(local.localPath!, 'utf8')).toBe('payload');
    writeFileSync(join(work, 'b.txt'), 'result');
    await staging.stageOut!(new File('${ctx.name}://outputs/b.txt', join(work, 'b.txt')), context);
    expect(readFileSync(join(root, 'outputs', 'b.txt'), 'utf8')).toBe('result');
  });

  it('says which file is missing, with a code', async () => {
    await expect(staging.stageIn!(new File('${ctx.name}://inputs/none.txt'), context)).rejects.toMatchObject({ code: expect.stringMatching(/^PARSL_/) });
  });
});
`,
  }),
};
