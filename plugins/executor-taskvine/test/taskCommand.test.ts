/**
 * The shell commands of manager tasks, run for real by `sh -c` as a worker runs them: quoting of
 * bash command lines, redirections, walltime (the whole process group killed, exit 124), and the
 * descriptors a worker leaks closed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processesMatching, uniqueMarker, waitUntil } from '@parsl-ts/testing';
import { bashTaskCommand, functionTaskCommand } from '../src/tasks/taskCommand.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-taskvine-command-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * spawnSync honours `detached` (Node passes its options on to the same spawn as spawn's), but
 * @types/node does not list it for spawnSync: spread from here so that the typecheck accepts it.
 */
const OWN_GROUP = { detached: true };

/** Run a task command as the worker does: `sh -c`, in the sandbox, in a process group of its own. */
function run(command: string, extraFd?: number): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('sh', ['-c', command], {
    cwd: dir, encoding: 'utf8', timeout: 30_000, ...OWN_GROUP, stdio: extraFd === undefined ? 'pipe' : ['pipe', 'pipe', 'pipe', 'ignore', 'ignore', extraFd],
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bash app commands', () => {
  it('run the command line with bash, quoted whatever it contains', () => {
    const line = `printf '%s|' "it's" $'tab\\there' "$((6 * 7))"; echo; echo "a \\"quoted\\" word" 'single '"'"'inner'"'"' quote'`;
    const expected = spawnSync('bash', ['-c', line], { encoding: 'utf8', timeout: 30_000, ...OWN_GROUP }).stdout;
    expect(expected).toContain("it's|tab\there|42|");
    expect(run(bashTaskCommand(line, {})).stdout).toBe(expected);
  });

  it('redirect stdout and stderr to files, append, and both to one file', () => {
    const both = 'echo out; echo err >&2';
    expect(run(bashTaskCommand(both, { stdout: { path: 'o.txt', append: false }, stderr: { path: 'e.txt', append: false } })).status).toBe(0);
    expect(readFileSync(join(dir, 'o.txt'), 'utf8')).toBe('out\n');
    expect(readFileSync(join(dir, 'e.txt'), 'utf8')).toBe('err\n');
    run(bashTaskCommand(both, { stdout: { path: 'o.txt', append: true }, stderr: { path: 'e.txt', append: true } }));
    expect(readFileSync(join(dir, 'o.txt'), 'utf8')).toBe('out\nout\n');
    run(bashTaskCommand(both, { stdout: { path: 'all.txt', append: false }, stderr: { path: 'all.txt', append: false } }));
    expect(readFileSync(join(dir, 'all.txt'), 'utf8')).toBe('out\nerr\n');
    expect(run(bashTaskCommand('exit 3', {})).status).toBe(3);
  });

  it("never source the user's ~/.bashrc, even with a socket for stdin and SHLVL unset", () => {
    // bash reads ~/.bashrc for `bash -c` when stdin is a socket (as under Node's spawn) and SHLVL is
    // unset (as under turbo's strict env); a .bashrc that prints would then pollute every task's stderr.
    const home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, '.bashrc'), 'echo "bashrc was read" >&2\n');
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
    delete env.SHLVL;
    const plain = spawnSync('bash', ['-c', 'true'], { cwd: dir, encoding: 'utf8', timeout: 30_000, env, stdio: 'pipe' });
    expect(plain.stderr).toBe('bashrc was read\n'); // the trap is real on this machine
    const result = spawnSync('sh', ['-c', bashTaskCommand('echo err >&2', {})], { cwd: dir, encoding: 'utf8', timeout: 30_000, env, stdio: 'pipe' });
    expect(result.stderr).toBe('err\n');
  });

  it('over their walltime: exit 124, and every process they started is gone', async () => {
    const marker = uniqueMarker('walltime');
    const started = Date.now();
    const child = spawn('sh', ['-c', bashTaskCommand(`(exec -a ${marker} sleep 30) & (exec -a ${marker} sleep 30); wait`, { walltimeSeconds: 1 })], { cwd: dir, stdio: 'ignore', detached: true });
    expect(await waitUntil(() => processesMatching(marker).length >= 2, 10_000)).toBe(true);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(124);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await waitUntil(() => processesMatching(marker).length === 0, 10_000)).toBe(true);
  });

  it('close the descriptors 3 to 9 they inherit (a worker leaks its connection to the manager)', () => {
    const leaked = openSync(join(dir, 'leaked.txt'), 'w');
    const probe = 'for n in 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$n ] && echo "open $n"; done; echo checked';
    expect(run(bashTaskCommand(probe, {}), leaked).stdout).toBe('checked\n');
    // Without the command's prologue, the same check sees the inherited descriptor 5.
    expect(run(`bash -c '${probe}'`, leaked).stdout).toBe('open 5\nchecked\n');
  });
});

describe('JavaScript task commands', () => {
  it('without a runner pool, run the shipped runner with the given Node.js under the walltime', () => {
    const command = functionTaskCommand(7.5, '/opt/node 20/bin/node');
    expect(command).toContain("exec timeout -k 5 8 '/opt/node 20/bin/node' parsl-ts-runner.mjs --parsl-ts-run-sandbox 2>&1");
    // No pool here and no such Node.js: the shell says so (127), nothing hangs.
    expect(run(command).status).toBe(127);
  });

  it('with a runner pool, hand the sandbox to it through FIFOs and exit with its answer', async () => {
    const fifo = join(dir, 'requests');
    spawnSync('mkfifo', [fifo]);
    const task = spawn('sh', ['-c', functionTaskCommand(3, 'node')], { cwd: dir, env: { ...process.env, PARSL_TS_TASKVINE_POOL: fifo }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => task.on('exit', (c) => resolve(c)));
    // Play the pool: read the request, open the reply FIFO, answer 0.
    const request = readFileSync(fifo, 'utf8');
    expect(request).toBe(`${task.pid} 3 ${dir}\n`);
    let reply: number | undefined;
    expect(await waitUntil(() => {
      try { reply = openSync(join(dir, '.parsl-ts-reply'), 'w'); return true; } catch { return false; }
    }, 5000, 5)).toBe(true);
    writeFileSync(reply!, '0\n');
    expect(await exited).toBe(0);
  });
});
