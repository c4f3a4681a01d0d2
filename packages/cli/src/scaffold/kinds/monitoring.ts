/**
 * The monitoring template: appends every monitoring record of a run to a JSON-lines file,
 * batched, never blocking or throwing in `send`. Tested by sending records and reading the file.
 *
 * @module
 */
import type { KindTemplate, TemplateContext } from '../TemplateContext.js';

/**
 * The monitoring template.
 *
 * @since 0.1.0
 */
export const monitoringTemplate: KindTemplate = {
  usesTesting: false,
  checks: 'the manifest, and a run\'s records written in order to the file, `send` after `close` ignored, and an unwritable file reported at `stop` instead of failing `send`',
  exampleOptions: () => ({ fileName: 'records.jsonl' }),
  use: (ctx) => `\`\`\`json
{ "monitoring": { "package": "${ctx.packageName}", "options": { "fileName": "monitoring.jsonl" } } }
\`\`\``,
  source: (ctx: TemplateContext) => `import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, ParslError, type Monitoring, type MonitoringRadio, type MonitoringRecord, type PluginManifest } from '@parsl-ts/core';
import { plugin } from './manifest.js';

/**
 * Options of the {@link ${ctx.className}}. Plain data.
 *
 * @since 0.1.0
 */
export interface ${ctx.className}Options {
  /** File name in the run directory. Default \`${ctx.name}.jsonl\`. */
  fileName?: string;
  /** Milliseconds between writes. Default 500. */
  flushIntervalMs?: number;
}

/**
 * ${ctx.description}
 *
 * As generated, it appends every record of a run as one JSON line to a file in the run
 * directory. \`send\` only queues (it must never block or throw: it runs on the DataFlowKernel's
 * path); a timer writes the queue in batches.
 *
 * @since 0.1.0
 * @example
 * \`\`\`ts
 * const dfk = await loadConfig({ monitoring: new ${ctx.className}() });
 * \`\`\`
 */
export class ${ctx.className} implements Monitoring {
  /** The resolved options. */
  readonly options: Readonly<Required<${ctx.className}Options>>;
  private radio: JsonLinesRadio | undefined;

  constructor(options: ${ctx.className}Options = {}) {
    const fileName = options.fileName ?? '${ctx.name}.jsonl';
    if (typeof fileName !== 'string' || fileName.length === 0 || fileName.includes('/')) {
      throw new ConfigError(\`must be a file name, got \${JSON.stringify(fileName)}\`, { path: 'fileName', hint: 'e.g. "records.jsonl" (it goes into the run directory)' });
    }
    this.options = { fileName, flushIntervalMs: options.flushIntervalMs ?? 500 };
  }

  /** The plugin manifest. */
  get manifest(): PluginManifest {
    return plugin;
  }

  /** Start recording a run; returns the radio the DataFlowKernel sends records to. */
  async start(context: { runId: string; runDir: string }): Promise<MonitoringRadio> {
    this.radio = new JsonLinesRadio(join(context.runDir, this.options.fileName), this.options.flushIntervalMs);
    return this.radio;
  }

  /** Write what is queued and stop; rejects with a coded error when records could not be written. */
  async stop(): Promise<void> {
    await this.radio?.close();
    const failure = this.radio?.failure;
    this.radio = undefined;
    if (failure !== undefined) {
      throw new ParslError('PARSL_MONITORING_WRITE', \`monitoring records could not be written: \${failure.message}\`, {
        cause: failure, hint: 'check that the run directory is writable',
      });
    }
  }
}

/** Queues records and appends them as JSON lines, one batch at a time. */
class JsonLinesRadio implements MonitoringRadio {
  failure: Error | undefined;
  private queue: string[] = [];
  private closed = false;
  private writing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly file: string, intervalMs: number) {
    this.timer = setInterval(() => { void this.flush(); }, intervalMs);
    this.timer.unref();
  }

  send(record: MonitoringRecord): void {
    if (this.closed) return;
    try {
      this.queue.push(JSON.stringify(record, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
    } catch {
      // A record that cannot be encoded is dropped: send never throws.
    }
  }

  async close(): Promise<void> {
    if (this.closed) return this.writing;
    this.closed = true;
    clearInterval(this.timer);
    return this.flush();
  }

  private flush(): Promise<void> {
    this.writing = this.writing.then(async () => {
      if (this.queue.length === 0) return;
      const batch = this.queue;
      this.queue = [];
      try {
        await appendFile(this.file, \`\${batch.join('\\n')}\\n\`);
      } catch (error) {
        this.failure ??= error as Error;
      }
    });
    return this.writing;
  }
}
`,
  tests: (ctx: TemplateContext) => ({
    [`test/${ctx.className}.test.ts`]: `import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { MonitoringRecord } from '@parsl-ts/core';
import { ${ctx.className} } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), '${ctx.folder}-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const end = (n: number): MonitoringRecord => ({ kind: 'workflow_end', runId: 'r1', time: n, tasksCompleted: n, tasksFailed: 0 });

describe('${ctx.className}', () => {
  it('writes every record of a run, in order', async () => {
    const monitoring = new ${ctx.className}({ fileName: 'records.jsonl', flushIntervalMs: 20 });
    const radio = await monitoring.start({ runId: 'r1', runDir: dir });
    for (let i = 0; i < 100; i++) radio.send(end(i));
    await monitoring.stop();
    radio.send(end(100)); // after close: ignored, never thrown
    const lines = readFileSync(join(dir, 'records.jsonl'), 'utf8').trim().split('\\n').map((l) => JSON.parse(l) as { time: number });
    expect(lines.map((l) => l.time)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('reports an unwritable file at stop, not in send', async () => {
    const monitoring = new ${ctx.className}({ flushIntervalMs: 20 });
    const radio = await monitoring.start({ runId: 'r2', runDir: join(dir, 'no', 'such', 'folder') });
    expect(() => radio.send(end(1))).not.toThrow();
    await expect(monitoring.stop()).rejects.toMatchObject({ code: 'PARSL_MONITORING_WRITE' });
  });
});
`,
  }),
};
