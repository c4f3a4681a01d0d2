/**
 * The provider template: runs each block as a process group on this machine (what a scheduler's
 * provider does with sbatch/squeue/scancel). Tested by submitting, polling and cancelling real jobs.
 *
 * @module
 */
import type { KindTemplate, TemplateContext } from '../TemplateContext.js';

/**
 * The execution provider template.
 *
 * @since 0.1.0
 */
export const providerTemplate: KindTemplate = {
  usesTesting: false,
  checks: 'the manifest (a config entry naming the package builds the provider), and real jobs: one that completes, one that fails with its exit code, one that is cancelled, and `status()` of an unknown job id',
  exampleOptions: () => ({ maxBlocks: 2 }),
  use: (ctx) => `An executor that takes a provider (such as \`@parsl-ts/executor-htex\`) names it as a nested plugin entry:

\`\`\`json
{ "executors": [{ "package": "@parsl-ts/executor-htex", "options": { "label": "htex",
    "provider": { "package": "${ctx.packageName}", "options": { "initBlocks": 1, "maxBlocks": 2 } } } }] }
\`\`\``,
  source: (ctx: TemplateContext) => `import { spawn, type ChildProcess } from 'node:child_process';
import {
  builtinSingleNodeLauncher, ConfigError, JobState,
  type ExecutionProvider, type JobStatus, type Launcher, type PluginManifest,
} from '@parsl-ts/core';
import { plugin } from './manifest.js';

/**
 * Options of the {@link ${ctx.className}}. Plain data, except \`launcher\`, which a config file
 * gives as a nested plugin entry.
 *
 * @since 0.1.0
 */
export interface ${ctx.className}Options {
  /** Blocks started when the executor starts. Default 1. */
  initBlocks?: number;
  /** Blocks kept at least. Default 0. */
  minBlocks?: number;
  /** Blocks at most. Default 1. */
  maxBlocks?: number;
  /** Share of the outstanding work that gets blocks, 0 to 1. Default 1. */
  parallelism?: number;
  /** Seconds between status polls. Default 5. */
  statusPollingInterval?: number;
  /** How the command starts its copies on a node. Default: core's single-node launcher. */
  launcher?: Launcher;
}

interface Job {
  readonly child: ChildProcess;
  status: JobStatus;
}

/**
 * ${ctx.description}
 *
 * As generated, each block is a process group on this machine; replace \`submit\`, \`status\` and
 * \`cancel\` with the calls of your resource manager (one call for all job ids in \`status\`).
 *
 * @since 0.1.0
 * @example
 * \`\`\`ts
 * new HighThroughputExecutor({ label: 'htex', provider: new ${ctx.className}({ maxBlocks: 2 }) });
 * \`\`\`
 */
export class ${ctx.className} implements ExecutionProvider {
  /** The provider's label (logs, monitoring). */
  readonly label = '${ctx.name}';
  /** Blocks started when the executor starts. */
  readonly initBlocks: number;
  /** Blocks kept at least. */
  readonly minBlocks: number;
  /** Blocks at most. */
  readonly maxBlocks: number;
  /** Share of the outstanding work that gets blocks. */
  readonly parallelism: number;
  /** Nodes in a block: one, this machine. */
  readonly nodesPerBlock = 1;
  /** Seconds between status polls. */
  readonly statusPollingInterval: number;
  /** How the command starts its copies. */
  readonly launcher: Launcher;
  private readonly jobs = new Map<string, Job>();
  private nextId = 1;

  constructor(options: ${ctx.className}Options = {}) {
    const count = (key: 'initBlocks' | 'minBlocks' | 'maxBlocks', fallback: number): number => {
      const value = options[key] ?? fallback;
      if (!Number.isInteger(value) || value < 0) {
        throw new ConfigError(\`must be a whole number >= 0, got \${JSON.stringify(value)}\`, { path: key, hint: \`remove \${key} for the default (\${fallback})\` });
      }
      return value;
    };
    this.initBlocks = count('initBlocks', 1);
    this.minBlocks = count('minBlocks', 0);
    this.maxBlocks = count('maxBlocks', 1);
    if (this.maxBlocks < this.minBlocks) {
      throw new ConfigError(\`maxBlocks (\${this.maxBlocks}) is below minBlocks (\${this.minBlocks})\`, { path: 'maxBlocks', hint: 'raise maxBlocks or lower minBlocks' });
    }
    this.parallelism = options.parallelism ?? 1;
    if (!(this.parallelism >= 0 && this.parallelism <= 1)) {
      throw new ConfigError(\`must be from 0 to 1, got \${JSON.stringify(options.parallelism)}\`, { path: 'parallelism', hint: 'remove parallelism for the default (1)' });
    }
    this.statusPollingInterval = options.statusPollingInterval ?? 5;
    if (!(this.statusPollingInterval > 0)) {
      throw new ConfigError(\`must be a number of seconds > 0, got \${JSON.stringify(options.statusPollingInterval)}\`, { path: 'statusPollingInterval', hint: 'remove it for the default (5)' });
    }
    this.launcher = options.launcher ?? builtinSingleNodeLauncher;
  }

  /** The plugin manifest. */
  get manifest(): PluginManifest {
    return plugin;
  }

  /** Start one block running \`command\` (through the launcher); resolves to its job id. */
  async submit(command: string, tasksPerNode: number, jobName: string): Promise<string> {
    const id = \`${ctx.name}-\${this.nextId++}\`;
    const child = spawn('/bin/sh', ['-c', this.launcher.wrap(command, tasksPerNode, this.nodesPerBlock)], {
      detached: true, stdio: 'ignore', env: { ...process.env, PARSL_JOB_NAME: jobName },
    });
    const job: Job = { child, status: { state: JobState.running } };
    child.once('error', (error) => { job.status = { state: JobState.failed, message: error.message }; });
    child.once('exit', (code, signal) => {
      if (job.status.state === JobState.cancelled) return;
      job.status = code === 0
        ? { state: JobState.completed, exitCode: 0 }
        : { state: JobState.failed, ...(code === null ? {} : { exitCode: code }), message: signal ? \`ended by \${signal}\` : \`exit status \${code}\` };
    });
    this.jobs.set(id, job);
    return id;
  }

  /** The status of each job, in order (one call for all of them). */
  async status(jobIds: readonly string[]): Promise<JobStatus[]> {
    return jobIds.map((id) => this.jobs.get(id)?.status ?? { state: JobState.missing, message: \`no job \${id}\` });
  }

  /** Stop jobs (their whole process group); true for each job that was stopped. */
  async cancel(jobIds: readonly string[]): Promise<boolean[]> {
    return jobIds.map((id) => {
      const job = this.jobs.get(id);
      if (job === undefined || job.child.exitCode !== null || job.child.signalCode !== null || job.child.pid === undefined) return false;
      job.status = { state: JobState.cancelled };
      try {
        process.kill(-job.child.pid, 'SIGTERM');
      } catch {
        return false;
      }
      return true;
    });
  }

  /** Stop every job this provider started (at cleanup). */
  async cancelAll(): Promise<void> {
    await this.cancel([...this.jobs.keys()]);
  }
}
`,
  tests: (ctx: TemplateContext) => ({
    [`test/${ctx.className}.test.ts`]: `import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JobState, type JobStatus } from '@parsl-ts/core';
import { ${ctx.className} } from '../src/index.js';

const dirs: string[] = [];
const providers: ${ctx.className}[] = [];
afterEach(async () => {
  for (const provider of providers.splice(0)) await provider.cancelAll();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fresh(): { provider: ${ctx.className}; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), '${ctx.folder}-'));
  const provider = new ${ctx.className}();
  dirs.push(dir);
  providers.push(provider);
  return { provider, dir };
}

async function waitForState(provider: ${ctx.className}, id: string, state: string, timeoutMs = 10_000): Promise<JobStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [status] = await provider.status([id]);
    if (status?.state === state) return status;
    if (Date.now() > deadline) throw new Error(\`job \${id} did not reach \${state} in \${timeoutMs} ms (it is \${status?.state})\`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('${ctx.className}', () => {
  it('runs a block that completes', async () => {
    const { provider, dir } = fresh();
    const id = await provider.submit(\`echo ran > \${join(dir, 'out')}\`, 1, 'parsl.test.block-0');
    await waitForState(provider, id, JobState.completed);
    expect(readFileSync(join(dir, 'out'), 'utf8').trim()).toBe('ran');
  });

  it('reports a failed block with its exit code', async () => {
    const { provider } = fresh();
    const id = await provider.submit('exit 3', 1, 'parsl.test.block-1');
    const status = await waitForState(provider, id, JobState.failed);
    expect(status.exitCode).toBe(3);
  });

  it('cancels a running block, and the command stops', async () => {
    const { provider, dir } = fresh();
    const marker = join(dir, 'late');
    const id = await provider.submit(\`sleep 2; touch \${marker}\`, 1, 'parsl.test.block-2');
    expect(await provider.cancel([id])).toEqual([true]);
    await waitForState(provider, id, JobState.cancelled);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(existsSync(marker)).toBe(false);
  });

  it('says an unknown job is missing', async () => {
    const { provider } = fresh();
    expect((await provider.status(['nope']))[0]?.state).toBe(JobState.missing);
  });

  it('refuses bad options with a coded error', () => {
    expect(() => new ${ctx.className}({ minBlocks: 3, maxBlocks: 1 })).toThrow(expect.objectContaining({ code: 'PARSL_INVALID_CONFIG' }));
  });
});
`,
  }),
};
