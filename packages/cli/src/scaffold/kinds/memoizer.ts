/**
 * The memoizer template: results in memory, keyed by core's `memoKey`, checkpointed to a JSON
 * file. Tested through the Memoizer contract: keys, lookups, stores and a checkpoint reloaded.
 *
 * @module
 */
import type { KindTemplate, TemplateContext } from '../TemplateContext.js';

/**
 * The memoizer template.
 *
 * @since 0.1.0
 */
export const memoizerTemplate: KindTemplate = {
  usesTesting: false,
  checks: 'the manifest, equal keys for equal calls and different keys for different arguments, stored outcomes found again, and a checkpoint loaded by a new instance',
  exampleOptions: () => ({}),
  use: (ctx) => `\`\`\`json
{ "memoizer": { "package": "${ctx.packageName}" }, "checkpointMode": "task_exit" }
\`\`\`

Apps opt in with \`cache: true\` (\`app(fn, { cache: true })\`).`,
  source: (ctx: TemplateContext) => `import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CheckpointError, ErrorCodes, memoKey,
  type MemoizableTask, type Memoizer, type MemoizerContext, type MemoOutcome, type PluginManifest, type Serializer,
} from '@parsl-ts/core';
import { plugin } from './manifest.js';

/**
 * ${ctx.description}
 *
 * As generated, outcomes live in memory, keyed by core's \`memoKey\` (the app, its source hash and
 * its arguments), and a checkpoint writes them, serialized, to \`<runDir>/${ctx.name}-checkpoint.json\`;
 * \`checkpointFiles\` are loaded at start. Replace the Map and the file with your store.
 *
 * @since 0.1.0
 * @example
 * \`\`\`ts
 * const dfk = await loadConfig({ memoizer: new ${ctx.className}(), checkpointMode: 'task_exit' });
 * \`\`\`
 */
export class ${ctx.className} implements Memoizer {
  private readonly outcomes = new Map<string, MemoOutcome>();
  private context: MemoizerContext | undefined;

  /** The plugin manifest. */
  get manifest(): PluginManifest {
    return plugin;
  }

  /** Load the checkpoint files of earlier runs. */
  async start(context: MemoizerContext): Promise<void> {
    this.context = context;
    for (const file of context.checkpointFiles) {
      let entries: [string, string][];
      try {
        entries = JSON.parse(await readFile(file, 'utf8')) as [string, string][];
      } catch (cause) {
        const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
        throw new CheckpointError(missing ? ErrorCodes.CheckpointMissing : ErrorCodes.CheckpointCorrupt, file,
          \`checkpoint \${file} could not be read: \${(cause as Error).message}\`, { cause });
      }
      for (const [key, payload] of entries) this.outcomes.set(key, context.serializers.deserialize(Buffer.from(payload, 'base64')) as MemoOutcome);
    }
  }

  /** The key of a call: equal for equal calls of the same app. */
  key(task: MemoizableTask): string | undefined {
    return memoKey(task);
  }

  /** The stored outcome of a key, if any. */
  async lookup(key: string): Promise<{ found: false } | { found: true; outcome: MemoOutcome }> {
    const outcome = this.outcomes.get(key);
    return outcome === undefined ? { found: false } : { found: true, outcome };
  }

  /** Remember an outcome. */
  async store(key: string, outcome: MemoOutcome): Promise<void> {
    this.outcomes.set(key, outcome);
  }

  /** Write every outcome to the checkpoint file; resolves to its path. */
  async checkpoint(): Promise<string | undefined> {
    if (this.context === undefined) return undefined;
    const serializer: Serializer = this.context.serializer;
    const file = join(this.context.runDir, '${ctx.name}-checkpoint.json');
    const entries = [...this.outcomes].map(([key, outcome]) => [key, Buffer.from(serializer.serialize(outcome)).toString('base64')]);
    await writeFile(file, JSON.stringify(entries));
    return file;
  }

  /** Forget everything (the checkpoint file stays). */
  async close(): Promise<void> {
    this.outcomes.clear();
  }
}
`,
  tests: (ctx: TemplateContext) => ({
    [`test/${ctx.className}.test.ts`]: `import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonSerializer, SerializerRegistry, silentLogger, type MemoizableTask, type MemoizerContext } from '@parsl-ts/core';
import { ${ctx.className} } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), '${ctx.folder}-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const task = (args: unknown[]): MemoizableTask => ({
  id: 1, appName: 'add', args, ignoreForCache: [], kind: 'function',
  fn: { mode: 'value', name: 'add', source: '(a, b) => a + b', hash: 'h1' },
});

function context(checkpointFiles: string[] = []): MemoizerContext {
  const serializer = jsonSerializer();
  const serializers = new SerializerRegistry([serializer]);
  return { runDir: dir, logger: silentLogger(), serializer, serializers, checkpointFiles };
}

describe('${ctx.className}', () => {
  it('gives equal calls equal keys and other arguments other keys', () => {
    const memoizer = new ${ctx.className}();
    expect(memoizer.key(task([1, 2]))).toBe(memoizer.key(task([1, 2])));
    expect(memoizer.key(task([1, 3]))).not.toBe(memoizer.key(task([1, 2])));
  });

  it('finds what it stored, and a new instance finds it in the checkpoint', async () => {
    const memoizer = new ${ctx.className}();
    await memoizer.start(context());
    const key = memoizer.key(task([1, 2]))!;
    expect(await memoizer.lookup(key)).toEqual({ found: false });
    await memoizer.store(key, { ok: true, value: 3 });
    expect(await memoizer.lookup(key)).toEqual({ found: true, outcome: { ok: true, value: 3 } });
    const file = await memoizer.checkpoint();
    await memoizer.close();

    const next = new ${ctx.className}();
    await next.start(context([file!]));
    expect(await next.lookup(key)).toEqual({ found: true, outcome: { ok: true, value: 3 } });
  });

  it('refuses a checkpoint it cannot read, with a code', async () => {
    await expect(new ${ctx.className}().start(context([join(dir, 'none.json')]))).rejects.toMatchObject({ code: expect.stringMatching(/^PARSL_/) });
  });
});
`,
  }),
};
