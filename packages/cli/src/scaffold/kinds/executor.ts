/**
 * The executor template: runs tasks in the submitting process through core's worker code, with
 * the serializer round trip a real executor's wire has. Tested with the executor conformance
 * suite of `@parsl-ts/testing`.
 *
 * @module
 */
import type { KindTemplate, TemplateContext } from '../TemplateContext.js';

/**
 * The executor template.
 *
 * @since 0.1.0
 */
export const executorTemplate: KindTemplate = {
  usesTesting: true,
  checks: 'the executor conformance suite of `@parsl-ts/testing` (function and bash apps, dependencies, failures, retries, join apps, 10,000-task bursts, two executors by label, ...), with `walltime` and `workerLoss` declared missing: a task running in the submitting process can be neither stopped nor lost on its own',
  exampleOptions: () => ({ label: 'example' }),
  use: (ctx) => `\`\`\`json
{ "executors": [{ "package": "${ctx.packageName}", "options": { "label": "${ctx.name}" } }] }
\`\`\`

\`\`\`sh
npx parsl-ts run flow.ts   # flow.ts: await loadConfig(await configFromFile('parsl.config.json'))
\`\`\`

Or in TypeScript:

\`\`\`ts
import { app, loadConfig } from '@parsl-ts/core';
import { ${ctx.className} } from '${ctx.packageName}';

const dfk = await loadConfig({ executors: [new ${ctx.className}({ label: '${ctx.name}' })] });
const square = app((x: number) => x * x);
console.log(await square(7)); // 49
await dfk.cleanup();
\`\`\``,
  source: (ctx: TemplateContext) => `import { ConfigError, TaskCancelled, type Executor, type ExecutorContext, type ExecutorTask, type PluginManifest } from '@parsl-ts/core';
import { executeTask, killRunningBashCommands } from '@parsl-ts/core/worker';
import { plugin } from './manifest.js';

/**
 * Options of the {@link ${ctx.className}}. Plain data: a config file names the executor by package
 * with these options, and they are recorded by monitoring.
 *
 * @since 0.1.0
 */
export interface ${ctx.className}Options {
  /** The executor's label (apps choose executors by label). Default \`${ctx.name}\`. */
  label?: string;
}

/**
 * ${ctx.description}
 *
 * As generated, it runs each task in this process through core's worker code (\`executeTask\`),
 * with a round trip through the run's serializer both ways, where a real executor sends tasks
 * over its wire to its workers. Replace \`submit\` with the real thing.
 *
 * @since 0.1.0
 * @example
 * \`\`\`ts
 * const dfk = await loadConfig({ executors: [new ${ctx.className}({ label: '${ctx.name}' })] });
 * \`\`\`
 */
export class ${ctx.className} implements Executor {
  /** The executor's label. */
  readonly label: string;
  /** What kind of executor this is (monitoring and \`parsl-ts config check\` show it). */
  readonly kind = '${ctx.name}';
  /** The resolved options. */
  readonly options: Readonly<Required<${ctx.className}Options>>;
  private context: ExecutorContext | undefined;
  private readonly pending = new Map<number, (error: unknown) => void>();
  private stopped = false;

  constructor(options: ${ctx.className}Options = {}) {
    const label = options.label ?? '${ctx.name}';
    if (typeof label !== 'string' || label.length === 0) {
      throw new ConfigError(\`label must be a non-empty string, got \${JSON.stringify(label)}\`, { path: 'label', hint: 'remove label for the default' });
    }
    this.label = label;
    this.options = { label };
  }

  /** The plugin manifest, so \`loadConfig\` checks the core range of instances made with \`new\`. */
  get manifest(): PluginManifest {
    return plugin;
  }

  /** Tasks submitted and not settled yet. */
  get outstanding(): number {
    return this.pending.size;
  }

  /** Called once by the DataFlowKernel before any task. */
  async start(context: ExecutorContext): Promise<void> {
    this.context = context;
  }

  /** Run one task; resolves to its result or rejects with its error. */
  submit(task: ExecutorTask): Promise<unknown> {
    const context = this.context;
    if (this.stopped || context === undefined) return Promise.reject(new TaskCancelled(task.id, 'the executor is not running'));
    const { serializer } = context;
    return new Promise<unknown>((resolve, reject) => {
      this.pending.set(task.id, reject);
      const settle = (ok: boolean, value: unknown): void => {
        if (!this.pending.delete(task.id)) return;
        try {
          const copy = serializer.deserialize(serializer.serialize(value));
          if (ok) resolve(copy);
          else reject(copy);
        } catch (error) {
          reject(error);
        }
      };
      // The task starts on a later turn of the event loop, as it would on a worker.
      setImmediate(() => {
        if (!this.pending.has(task.id)) return;
        context.taskRunning(task.id);
        let wire: ExecutorTask;
        try {
          wire = serializer.deserialize(serializer.serialize(task)) as ExecutorTask;
        } catch (error) {
          settle(false, error);
          return;
        }
        executeTask(wire).then((value) => settle(true, value), (error: unknown) => settle(false, error));
      });
    });
  }

  /** Cancel what is still pending and stop the command lines of running bash apps. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    for (const [id, reject] of this.pending) reject(new TaskCancelled(id, 'the executor was shut down'));
    this.pending.clear();
    killRunningBashCommands();
  }
}
`,
  tests: (ctx: TemplateContext) => ({
    'test/conformance.test.ts': `/**
 * The executor conformance suite of @parsl-ts/testing: the behaviours every parsl-ts executor
 * has. Turn a capability off only when the executor cannot have it, and say why in the README.
 */
import { runExecutorConformance } from '@parsl-ts/testing';
import { ${ctx.className} } from '../src/index.js';

runExecutorConformance({
  name: '${ctx.folder}',
  createExecutors: () => [new ${ctx.className}({ label: 'a' }), new ${ctx.className}({ label: 'b' })],
  // Tasks run in the test process: a running JS task cannot be stopped (walltime), and a worker
  // crash would be the test process's own (workerLoss).
  capabilities: { walltime: false, workerLoss: false },
});
`,
  }),
};
