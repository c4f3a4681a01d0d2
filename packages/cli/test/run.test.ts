import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, EXAMPLES, HAS_SCRIPT, runCli, runCommand, shellQuote, tempDir } from './helpers.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const EXAMPLE = join(EXAMPLES, 'hello-workflow.ts');

describe('parsl-ts run', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => { tmp = tempDir(); });
  afterEach(() => { tmp.remove(); });

  it('runs the example workflow: results on stdout, plain progress lines and a summary on stderr', async () => {
    const result = await runCli(['run', EXAMPLE, '--progress-interval', '0.3'], { cwd: tmp.dir });
    expect(result.stderr).not.toMatch(/✗/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('hello, parsl-ts, from');
    expect(result.stdout).toContain('simulate(1) + simulate(2) = 1757');
    expect(result.stdout).toContain('total of 200 simulations = 99100');
    expect(result.stdout).toContain('= 500500');
    expect(result.stdout).toContain('tasks: 207 submitted, 207 done, 0 failed');
    // Progress stays off stdout.
    expect(result.stdout).not.toContain('parsl-ts:');
    const lines = result.stderr.trim().split('\n');
    expect(lines.some((l) => /^parsl-ts: runinfo\/000 \[[\d.]+s\] \d+\/\d+ done \| .* \| [\d.]+ tasks\/s$/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^parsl-ts: runinfo\/000 finished: 207 tasks in [\d.]+s \([\d.]+ tasks\/s\) \| exec_done=207$/);
    // No terminal control sequences when stderr is not a terminal.
    expect(result.stderr).not.toContain('\x1b[');
    expect(existsSync(join(tmp.dir, 'runinfo', '000', 'parsl.log'))).toBe(true);
    // The example records to SQLite monitoring, next to the run directories.
    expect(result.stdout).toMatch(/monitoring: run [0-9a-f-]{36} recorded in runinfo\/monitoring\.db — see it with: npx parsl-ts visualize runinfo\/monitoring\.db/);
    expect(statSync(join(tmp.dir, 'runinfo', 'monitoring.db')).size).toBeGreaterThan(4096);
  });

  // In CI a missing `script` must fail this test, never skip it (bsdutils, listed in tools/setup/system-packages.txt).
  it.skipIf(!HAS_SCRIPT && process.env.CI !== 'true')('redraws one progress line with a bar on a terminal', async () => {
    const command = [process.execPath, BIN, 'run', EXAMPLE].map(shellQuote).join(' ');
    const result = await runCommand('script', ['-qfec', command, '/dev/null'], { cwd: tmp.dir, env: { COLUMNS: '120' } });
    expect(result.code).toBe(0);
    const out = result.stdout; // script merges the terminal's output
    const redraws = out.split('\r\x1b[2K').length - 1;
    expect(redraws).toBeGreaterThan(3);
    expect(out).toMatch(/\r\x1b\[2K.*parsl-ts ▕[█▒░\x1b\[\d;m]*▏ \d+\/\d+ +\d+%/);
    expect(out).toMatch(/tasks\/s/);
    expect(out).toContain('\x1b[32m'); // colored bar
    expect(out).toContain('total of 200 simulations = 99100');
    expect(out).toMatch(/parsl-ts: runinfo\/000 finished: 207 tasks in [\d.]+s/);
    // The workflow's lines never share a line with the bar: each starts right after a clear.
    for (const text of ['simulate(1) + simulate(2) = 1757', 'total of 200 simulations']) {
      const at = out.indexOf(text);
      expect(at).toBeGreaterThan(0);
      const before = out.slice(Math.max(0, at - 12), at);
      expect(before.endsWith('\r\x1b[2K') || before.endsWith('\n')).toBe(true);
    }
  });

  it('exits 1 and prints the coded error with its hint when the workflow throws', async () => {
    writeFileSync(join(tmp.dir, 'fails.ts'), `
import { bashApp, loadConfig } from '@parsl-ts/core';
const broken = bashApp((code: number) => \`exit \${code}\`, { name: 'broken' });
const dfk = await loadConfig({});
console.log('before the failure');
await broken(3);
console.log('not reached');
`);
    const result = await runCli(['run', 'fails.ts'], { cwd: tmp.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('before the failure\n');
    expect(result.stderr).toContain('✗ [PARSL_BASH_EXIT] bash app broken failed with exit code 3');
    expect(result.stderr).toMatch(/\n {2}hint: .+/);
    expect(result.stderr).toMatch(/parsl-ts: runinfo\/000 .*failed=1/);
  });

  it('follows a DataFlowKernel loaded late and several in a row, and passes arguments after --', async () => {
    writeFileSync(join(tmp.dir, 'rounds.ts'), `
import { app, loadConfig } from '@parsl-ts/core';
const nap = app(async (x: number) => { await new Promise((r) => setTimeout(r, 5)); return x; }, { name: 'nap' });
const rounds = Number(process.argv[2]);
await new Promise((r) => setTimeout(r, 300)); // loadConfig well after the module started
for (let round = 1; round <= rounds; round++) {
  const dfk = await loadConfig({});
  const values = await Promise.all(Array.from({ length: 60 }, (_, i) => nap(i)));
  console.log(\`round \${round}: \${values.length}\`);
  await dfk.cleanup();
}
console.log(JSON.stringify(process.argv.slice(3)));
`);
    const result = await runCli(['run', 'rounds.ts', '--', '2', '--flag', 'x'], { cwd: tmp.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('round 1: 60\nround 2: 60\n["--flag","x"]\n');
    expect(result.stderr).toMatch(/parsl-ts: runinfo\/000 finished: 60 tasks .*exec_done=60/);
    expect(result.stderr).toMatch(/parsl-ts: runinfo\/001 finished: 60 tasks .*exec_done=60/);
    expect(readdirSync(join(tmp.dir, 'runinfo')).sort()).toEqual(['000', '001']);
  });

  it('keeps the workflow exit code and shows no progress with --no-progress', async () => {
    writeFileSync(join(tmp.dir, 'seven.mjs'), `
import { app, loadConfig } from '@parsl-ts/core';
const dfk = await loadConfig({});
console.log(await app((x) => x + 1)(6));
await dfk.cleanup();
process.exitCode = 7;
`);
    const result = await runCli(['run', '--no-progress', 'seven.mjs'], { cwd: tmp.dir });
    expect(result.code).toBe(7);
    expect(result.stdout).toBe('7\n');
    expect(result.stderr).toBe('');
  });

  it('reports a missing workflow file and a bad option with coded errors', async () => {
    const missing = await runCli(['run', 'nowhere.ts'], { cwd: tmp.dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('✗ [PARSL_CLI_WORKFLOW_NOT_FOUND] workflow file nowhere.ts does not exist');
    expect(missing.stderr).toContain('  hint: ');
    const bad = await runCli(['run', EXAMPLE, '--progress-interval', 'soon'], { cwd: tmp.dir });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('✗ [PARSL_CLI_BAD_OPTION] --progress-interval must be a number > 0, got "soon"');
    expect(existsSync(join(tmp.dir, 'runinfo'))).toBe(false);
  });

  it('on SIGTERM cleans up the DataFlowKernel, stopping running bash apps, and exits 143', async () => {
    writeFileSync(join(tmp.dir, 'long.ts'), `
import { bashApp, loadConfig } from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
const sleeper = bashApp((i: number) => \`echo $$ > pid-\${i}.txt; sleep 60\`, { name: 'sleeper' });
const dfk = await loadConfig({ executors: [new ThreadPoolExecutor({ label: 'w', maxThreads: 2 })] });
console.log('started');
await Promise.all([sleeper(0), sleeper(1)]);
`);
    const child = spawn(process.execPath, [BIN, 'run', 'long.ts'], { cwd: tmp.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const pidFiles = [0, 1].map((i) => join(tmp.dir, `pid-${i}.txt`));
    const deadline = Date.now() + 30_000;
    while (!pidFiles.every((f) => existsSync(f) && readFileSync(f, 'utf8').trim() !== '') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const pids = pidFiles.map((f) => Number(readFileSync(f, 'utf8').trim()));
    expect(pids.every(alive)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(stderr).toContain('parsl-ts: SIGTERM: cleaning up the DataFlowKernel');
    expect(stderr).toMatch(/parsl-ts: runinfo\/000 ended with 2 of 2 tasks unfinished/);
    expect(stderr).not.toContain('✗');
    await new Promise((r) => setTimeout(r, 300));
    expect(pids.filter(alive)).toEqual([]);
  });

  it('explains a TypeScript workflow loaded as CommonJS', async () => {
    writeFileSync(join(tmp.dir, 'package.json'), '{ "private": true }\n');
    writeFileSync(join(tmp.dir, 'flow.ts'), `import { loadConfig } from '@parsl-ts/core';\nconst dfk = await loadConfig({});\nawait dfk.cleanup();\n`);
    const result = await runCli(['run', 'flow.ts'], { cwd: tmp.dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[PARSL_CLI_WORKFLOW_TYPE]');
    expect(result.stderr).toContain('rename the workflow to .mts');
  });
});

describe('parsl-ts (no command)', () => {
  it('shows the help for an unknown command', async () => {
    const tmp = tempDir();
    try {
      const result = await runCli(['frobnicate'], { cwd: tmp.dir });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("error: unknown command 'frobnicate'");
      expect(result.stderr).toContain('Usage: parsl-ts [options] [command]');
      expect(result.stderr).toContain('config check parsl.config.json');
    } finally {
      tmp.remove();
    }
  });
});
