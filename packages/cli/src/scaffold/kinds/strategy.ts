/**
 * The strategy template: keeps each block-scaling executor at a fixed number of blocks, within
 * its provider's min/max. Tested on an executor that records what it was asked to do.
 *
 * @module
 */
import type { KindTemplate, TemplateContext } from '../TemplateContext.js';

/**
 * The strategy template.
 *
 * @since 0.1.0
 */
export const strategyTemplate: KindTemplate = {
  usesTesting: false,
  checks: 'the manifest, and its decisions on executors that record the scale-out and scale-in calls they get (finished blocks are not counted, the provider\'s min/max bound the target, only idle blocks are scaled in)',
  exampleOptions: () => ({ blocks: 2 }),
  use: (ctx) => `\`\`\`json
{ "strategy": { "package": "${ctx.packageName}", "options": { "blocks": 2 } } }
\`\`\``,
  source: (ctx: TemplateContext) => `import { ConfigError, TERMINAL_JOB_STATES, type BlockScalingExecutor, type PluginManifest, type Strategy } from '@parsl-ts/core';
import { plugin } from './manifest.js';

/**
 * Options of the {@link ${ctx.className}}. Plain data.
 *
 * @since 0.1.0
 */
export interface ${ctx.className}Options {
  /** Blocks each executor is kept at (bounded by its provider's minBlocks and maxBlocks). Default 1. */
  blocks?: number;
}

/**
 * ${ctx.description}
 *
 * As generated, it keeps every executor at \`blocks\` live blocks, whatever the load; a real
 * strategy looks at \`executor.outstanding\` and \`workersPerBlock\` as core's \`simple\` one does.
 *
 * @since 0.1.0
 * @example
 * \`\`\`ts
 * const dfk = await loadConfig({ executors: [htex], strategy: new ${ctx.className}({ blocks: 2 }) });
 * \`\`\`
 */
export class ${ctx.className} implements Strategy {
  /** The strategy's name (logs). */
  readonly name = '${ctx.name}';
  /** The resolved options. */
  readonly options: Readonly<Required<${ctx.className}Options>>;

  constructor(options: ${ctx.className}Options = {}) {
    const blocks = options.blocks ?? 1;
    if (!Number.isInteger(blocks) || blocks < 0) {
      throw new ConfigError(\`must be a whole number >= 0, got \${JSON.stringify(blocks)}\`, { path: 'blocks', hint: 'remove blocks for the default (1)' });
    }
    this.options = { blocks };
  }

  /** The plugin manifest. */
  get manifest(): PluginManifest {
    return plugin;
  }

  /** Called every strategy period by core: scale each executor towards its target. */
  async strategize(executors: readonly BlockScalingExecutor[]): Promise<void> {
    for (const executor of executors) {
      const { minBlocks, maxBlocks } = executor.provider;
      const target = Math.min(maxBlocks, Math.max(minBlocks, this.options.blocks));
      const statuses = await executor.blockStatus();
      const live = [...statuses.values()].filter((status) => !TERMINAL_JOB_STATES.has(status.state)).length;
      if (live < target) await executor.scaleOut(target - live);
      else if (live > target) await executor.scaleIn(live - target, { maxIdleSeconds: 0 });
    }
  }
}
`,
  tests: (ctx: TemplateContext) => ({
    [`test/${ctx.className}.test.ts`]: `import { describe, expect, it } from 'vitest';
import { JobState, type BlockScalingExecutor, type JobStatus } from '@parsl-ts/core';
import { ${ctx.className} } from '../src/index.js';

/** An executor that only records the scaling calls it gets, with the given blocks. */
function recorder(states: JobStatus['state'][], provider = { minBlocks: 0, maxBlocks: 4 }): BlockScalingExecutor & { calls: string[] } {
  const calls: string[] = [];
  const blocks = new Map(states.map((state, i) => [String(i), { state }] as const));
  return {
    calls, label: 'a', kind: 'recorder', outstanding: 0, workersPerBlock: 1,
    provider: provider as unknown as BlockScalingExecutor['provider'],
    start: async () => {}, submit: async () => undefined, shutdown: async () => {},
    scaleOut: async (n: number) => { calls.push(\`out \${n}\`); return []; },
    scaleIn: async (n: number) => { calls.push(\`in \${n}\`); return []; },
    blockStatus: async () => blocks,
    idleSeconds: () => new Map(),
  };
}

describe('${ctx.className}', () => {
  it('scales out to the target, not counting finished blocks', async () => {
    const executor = recorder([JobState.running, JobState.completed]);
    await new ${ctx.className}({ blocks: 3 }).strategize([executor]);
    expect(executor.calls).toEqual(['out 2']);
  });

  it('scales in what is above the target', async () => {
    const executor = recorder([JobState.running, JobState.running, JobState.pending]);
    await new ${ctx.className}({ blocks: 1 }).strategize([executor]);
    expect(executor.calls).toEqual(['in 2']);
  });

  it("keeps within the provider's maxBlocks", async () => {
    const executor = recorder([], { minBlocks: 0, maxBlocks: 2 });
    await new ${ctx.className}({ blocks: 5 }).strategize([executor]);
    expect(executor.calls).toEqual(['out 2']);
  });

  it('refuses bad options with a coded error', () => {
    expect(() => new ${ctx.className}({ blocks: -1 })).toThrow(expect.objectContaining({ code: 'PARSL_INVALID_CONFIG' }));
  });
});
`,
  }),
};
