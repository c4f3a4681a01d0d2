/**
 * The launcher template: starts `tasksPerNode × nodesPerBlock` copies of a command with their
 * rank, waits for all and ends with the first failure. Tested by running what it writes in a shell.
 *
 * @module
 */
import type { KindTemplate, TemplateContext } from '../TemplateContext.js';

/**
 * The launcher template.
 *
 * @since 0.1.0
 */
export const launcherTemplate: KindTemplate = {
  usesTesting: false,
  checks: 'the manifest, and the shell text it writes, run by `/bin/sh`: every copy runs once with its rank, and a failing copy fails the whole',
  exampleOptions: () => ({}),
  use: (ctx) => `A provider takes it as its \`launcher\`, in a config file as a nested plugin entry:

\`\`\`json
{ "executors": [{ "package": "@parsl-ts/executor-htex", "options": { "label": "htex",
    "provider": { "package": "@parsl-ts/provider-local", "options": {
      "launcher": { "package": "${ctx.packageName}" } } } } }] }
\`\`\``,
  source: (ctx: TemplateContext) => `import { shellQuote, type Launcher, type PluginManifest } from '@parsl-ts/core';
import { plugin } from './manifest.js';

/**
 * Options of the {@link ${ctx.className}}. Plain data.
 *
 * @since 0.1.0
 */
export interface ${ctx.className}Options {
  /** Extra environment variables for every copy (plain strings). */
  env?: Record<string, string>;
}

/**
 * ${ctx.description}
 *
 * As generated, it starts the copies as background shells on the node the block runs on; a
 * launcher for a parallel runtime writes its own command instead (\`mpiexec -n ...\`,
 * \`srun --ntasks ...\`).
 *
 * @since 0.1.0
 * @example
 * \`\`\`ts
 * new LocalProvider({ launcher: new ${ctx.className}() });
 * \`\`\`
 */
export class ${ctx.className} implements Launcher {
  /** The launcher's name (logs). */
  readonly name = '${ctx.name}';
  /** The resolved options. */
  readonly options: Readonly<Required<${ctx.className}Options>>;

  constructor(options: ${ctx.className}Options = {}) {
    this.options = { env: { ...(options.env ?? {}) } };
  }

  /** The plugin manifest. */
  get manifest(): PluginManifest {
    return plugin;
  }

  /**
   * Shell text that runs \`tasksPerNode × nodesPerBlock\` copies of \`command\`, each with
   * \`PARSL_LAUNCHER_RANK\` and \`PARSL_LAUNCHER_SIZE\`, waits for all of them and ends with the
   * status of the first copy that failed (0 when none did).
   */
  wrap(command: string, tasksPerNode: number, nodesPerBlock: number): string {
    const copies = tasksPerNode * nodesPerBlock;
    const env = Object.entries(this.options.env).map(([key, value]) => \`\${key}=\${shellQuote(value)} \`).join('');
    return [
      '_launcher_pids=',
      \`for _launcher_rank in $(seq 0 \${copies - 1}); do\`,
      \`  \${env}PARSL_LAUNCHER_RANK=$_launcher_rank PARSL_LAUNCHER_SIZE=\${copies} /bin/sh -c \${shellQuote(command)} &\`,
      '  _launcher_pids="$_launcher_pids $!"',
      'done',
      '_launcher_status=0',
      'for _launcher_pid in $_launcher_pids; do',
      '  wait "$_launcher_pid" || { _launcher_rc=$?; [ "$_launcher_status" -ne 0 ] || _launcher_status=$_launcher_rc; }',
      'done',
      '(exit "$_launcher_status")',
    ].join('\\n');
  }
}
`,
  tests: (ctx: TemplateContext) => ({
    [`test/${ctx.className}.test.ts`]: `import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ${ctx.className} } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), '${ctx.folder}-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sh(script: string): number | null {
  return spawnSync('/bin/sh', ['-c', script], { stdio: 'ignore', timeout: 10_000 }).status;
}

describe('${ctx.className}', () => {
  it('runs every copy once, with its rank and the size', () => {
    const out = join(dir, 'ranks');
    const status = sh(new ${ctx.className}().wrap(\`echo "$PARSL_LAUNCHER_RANK/$PARSL_LAUNCHER_SIZE" >> \${out}\`, 2, 2));
    expect(status).toBe(0);
    expect(readFileSync(out, 'utf8').trim().split('\\n').sort()).toEqual(['0/4', '1/4', '2/4', '3/4']);
  });

  it('fails when a copy fails', () => {
    expect(sh(new ${ctx.className}().wrap('[ "$PARSL_LAUNCHER_RANK" != 1 ] || exit 7', 3, 1))).toBe(7);
  });

  it('passes its env to every copy, quoted', () => {
    const out = join(dir, 'env');
    sh(new ${ctx.className}({ env: { GREETING: "it's here" } }).wrap(\`echo "$GREETING" >> \${out}\`, 1, 1));
    expect(readFileSync(out, 'utf8').trim()).toBe("it's here");
  });
});
`,
  }),
};
