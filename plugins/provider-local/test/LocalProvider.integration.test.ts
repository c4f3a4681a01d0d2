// LocalProvider with real processes: submit scripts, status transitions, exit codes, walltime,
// cancel of whole process trees, cancelAll, and nothing left behind.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SrunLauncher, SingleNodeLauncher } from '@parsl-ts/launchers';
import { LocalProvider, type LocalProviderOptions } from '../src/index.js';
import { groupMembers, pgrep, removeDir, tempDir, uniqueSleep, waitFor, waitForState } from './helpers.js';

const providers: LocalProvider[] = [];
const dirs: string[] = [];

function provider(options: LocalProviderOptions = {}): LocalProvider {
  const dir = tempDir();
  dirs.push(dir);
  const p = new LocalProvider({ scriptDir: join(dir, 'scripts'), ...options });
  providers.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(providers.splice(0).map((p) => p.cancelAll()));
});
afterAll(() => {
  for (const d of dirs) removeDir(d);
});

describe('LocalProvider with real processes', () => {
  it('runs a job to completion: running, then completed with exit code 0 and its output in <jobName>.stdout', async () => {
    const p = provider();
    const id = await p.submit('echo "hello from $PARSL_LAUNCHER_RANK of $PARSL_LAUNCHER_SIZE in $JOBNAME"; echo oops >&2; sleep 1', 2, 'block-0');
    expect(id).toMatch(/^local-\d+$/);
    const [first] = await p.status([id]);
    expect(first!.state).toBe('running');
    expect(first!.stdoutPath).toBe(join(p.scriptDir, 'block-0.stdout'));
    const done = await waitForState(p, id, ['completed', 'failed']);
    expect(done).toMatchObject({ state: 'completed', exitCode: 0 });
    const out = readFileSync(done.stdoutPath!, 'utf8').trim().split('\n').sort();
    expect(out).toEqual(['hello from 0 of 2 in block-0', 'hello from 1 of 2 in block-0']);
    expect(readFileSync(done.stderrPath!, 'utf8')).toBe('oops\noops\n');
  });

  it('reports a failed job with its exit code', async () => {
    const p = provider();
    const id = await p.submit('exit 3', 1, 'fails');
    expect(await waitForState(p, id, ['completed', 'failed'])).toMatchObject({ state: 'failed', exitCode: 3 });
  });

  it('answers status for many ids at once, in order, unknown ones as missing', async () => {
    const p = provider();
    const a = await p.submit('exit 0', 1, 'a');
    const b = await p.submit('exit 4', 1, 'b');
    await waitForState(p, a, ['completed']);
    await waitForState(p, b, ['failed']);
    const statuses = await p.status([b, 'local-0', a]);
    expect(statuses.map((s) => s.state)).toEqual(['failed', 'missing', 'completed']);
  });

  it('writes the submit script <scriptDir>/<jobName>.sh with workerInit and the launcher\'s wrapping', async () => {
    const launcher = { name: 'test-wrapper', wrap: (c: string, t: number, n: number) => `echo "wrapped ${t}x${n}"\n${c}` };
    const p = provider({ workerInit: 'export GREETING="hi there"', launcher, nodesPerBlock: 2 });
    const id = await p.submit('echo "$GREETING"', 3, 'block/with spaces');
    const script = readFileSync(join(p.scriptDir, 'block_with_spaces.sh'), 'utf8');
    expect(script.startsWith('#!/bin/bash\n')).toBe(true);
    expect(script).toContain('export GREETING="hi there"');
    expect(script).toContain('echo "wrapped 3x2"\necho "$GREETING"');
    expect(script.indexOf('GREETING="hi there"')).toBeLessThan(script.indexOf('wrapped 3x2'));
    expect(statSync(join(p.scriptDir, 'block_with_spaces.sh')).mode & 0o077).toBe(0); // may hold secrets
    const done = await waitForState(p, id, ['completed', 'failed']);
    expect(done.state).toBe('completed');
    expect(readFileSync(done.stdoutPath!, 'utf8')).toBe('wrapped 3x2\nhi there\n');
  });

  it("puts a launcher's exact text into the script (SrunLauncher from @parsl-ts/launchers)", async () => {
    const srun = new SrunLauncher({ debug: false, overrides: '--cpu-bind=none' });
    const p = provider({ launcher: srun, nodesPerBlock: 2 });
    const id = await p.submit('parsl-ts-worker-pool --url ws://x', 2, 'srun-block');
    const script = readFileSync(join(p.scriptDir, 'srun-block.sh'), 'utf8');
    expect(script).toContain(srun.wrap('parsl-ts-worker-pool --url ws://x', 2, 2));
    // There is no srun here: the job fails, which is fine for this test.
    await waitForState(p, id, ['completed', 'failed']);
  });

  it('runs with SingleNodeLauncher from @parsl-ts/launchers', async () => {
    const p = provider({ launcher: new SingleNodeLauncher({ debug: false }) });
    const id = await p.submit('echo "copy $PARSL_LAUNCHER_RANK"', 3, 'single');
    const done = await waitForState(p, id, ['completed', 'failed']);
    expect(done.state).toBe('completed');
    expect(readFileSync(done.stdoutPath!, 'utf8').trim().split('\n').sort()).toEqual(['copy 0', 'copy 1', 'copy 2']);
  });

  it('keeps job files apart when job names repeat', async () => {
    const p = provider();
    const a = await p.submit('echo first', 1, 'same');
    const b = await p.submit('echo second', 1, 'same');
    const [sa, sb] = [await waitForState(p, a, ['completed']), await waitForState(p, b, ['completed'])];
    expect(sa.stdoutPath).toBe(join(p.scriptDir, 'same.stdout'));
    expect(sb.stdoutPath).toBe(join(p.scriptDir, 'same.1.stdout'));
    expect(readFileSync(sa.stdoutPath!, 'utf8')).toBe('first\n');
    expect(readFileSync(sb.stdoutPath!, 'utf8')).toBe('second\n');
  });

  it('passes env to the jobs', async () => {
    const p = provider({ env: { PARSL_TEST_VALUE: "it's $set" } });
    const id = await p.submit('printf %s "$PARSL_TEST_VALUE"', 1, 'env');
    const done = await waitForState(p, id, ['completed']);
    expect(readFileSync(done.stdoutPath!, 'utf8')).toBe("it's $set");
  });

  it('kills a job over its walltime (whole group) and reports timeout', async () => {
    const p = provider({ walltime: 2, cancelGrace: 1 });
    const marker = uniqueSleep();
    const id = await p.submit(`${marker.command} & wait`, 1, 'slow');
    await waitFor('the sleep to start', () => (pgrep(marker.pattern).length > 0 ? true : undefined));
    const status = await waitForState(p, id, ['timeout', 'completed', 'failed', 'cancelled'], 30_000);
    expect(status.state).toBe('timeout');
    expect(status.message).toMatch(/walltime of 2 s/);
    await waitFor('the sleep to be gone', () => (pgrep(marker.pattern).length === 0 ? true : undefined), 10_000);
  });

  it('cancel kills the whole process tree, including a process that ignores SIGTERM', async () => {
    const p = provider({ cancelGrace: 1 });
    const a = uniqueSleep();
    const b = uniqueSleep();
    // A tree: the copy's bash starts a subshell that ignores TERM and runs one sleep, plus another sleep.
    const id = await p.submit(`( trap '' TERM; ${a.command} ) & ${b.command} & wait`, 2, 'tree');
    await waitFor('both sleeps in both copies', () => (pgrep(a.pattern).length >= 2 && pgrep(b.pattern).length >= 2 ? true : undefined));
    const pid = p.pidOf(id)!;
    expect(pid).toBeGreaterThan(0);
    expect(await p.cancel([id])).toEqual([true]);
    const [status] = await p.status([id]);
    expect(status!.state).toBe('cancelled');
    await waitFor('every process of the job to be gone', () =>
      (pgrep(a.pattern).length === 0 && pgrep(b.pattern).length === 0 && groupMembers(pid).length === 0 ? true : undefined), 10_000);
    // Cancelling again (or an ended job) is fine.
    expect(await p.cancel([id])).toEqual([true]);
  });

  it('a job whose script ignores SIGTERM is killed with SIGKILL after cancelGrace', async () => {
    const stubborn = { name: 'stubborn', wrap: (c: string) => `trap '' TERM\n${c}` };
    const p = provider({ cancelGrace: 1, launcher: stubborn });
    const marker = uniqueSleep();
    const id = await p.submit(marker.command, 1, 'stubborn');
    await waitFor('the sleep', () => (pgrep(marker.pattern).length === 1 ? true : undefined));
    const pid = p.pidOf(id)!;
    const started = Date.now();
    expect(await p.cancel([id])).toEqual([true]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900); // it waited for the grace period
    expect((await p.status([id]))[0]).toMatchObject({ state: 'cancelled', exitCode: 137 });
    await waitFor('the group to be gone', () => (groupMembers(pid).length === 0 && pgrep(marker.pattern).length === 0 ? true : undefined), 10_000);
  });

  it('cancelAll stops every running job and leaves no process of them', async () => {
    const p = provider({ cancelGrace: 1 });
    const markers = [uniqueSleep(), uniqueSleep(), uniqueSleep()];
    const ids = await Promise.all(markers.map((m, i) => p.submit(`${m.command}`, 1, `block-${i}`)));
    const finished = await p.submit('true', 1, 'finished');
    await waitForState(p, finished, ['completed']);
    await waitFor('the sleeps', () => (markers.every((m) => pgrep(m.pattern).length === 1) ? true : undefined));
    const pids = ids.map((id) => p.pidOf(id)!);
    const cancelled = await p.cancelAll();
    expect(cancelled.sort()).toEqual([...ids].sort());
    expect((await p.status(ids)).map((s) => s.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect((await p.status([finished]))[0]!.state).toBe('completed');
    await waitFor('no process of any job', () =>
      (markers.every((m) => pgrep(m.pattern).length === 0) && pids.every((pid) => groupMembers(pid).length === 0) && pgrep(p.scriptDir).length === 0
        ? true : undefined), 10_000);
    expect(await p.cancelAll()).toEqual([]);
  });

  it('kills what a finished job left running in its group', async () => {
    const p = provider();
    const marker = uniqueSleep();
    const id = await p.submit(`${marker.command} &\nexit 0`, 1, 'leaves-a-child');
    await waitForState(p, id, ['completed']);
    await waitFor('the leftover sleep to be gone', () => (pgrep(marker.pattern).length === 0 ? true : undefined), 10_000);
  });

  it('puts scripts under <runDir>/submit_scripts after init, or in a temporary folder', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const p = new LocalProvider();
    providers.push(p);
    p.init({ runDir: join(dir, 'runinfo', '000', 'htex') });
    expect(p.scriptDir).toBe(join(dir, 'runinfo', '000', 'htex', 'submit_scripts'));
    const id = await p.submit('true', 1, 'block-0');
    expect(existsSync(join(p.scriptDir, 'block-0.sh'))).toBe(true);
    await waitForState(p, id, ['completed']);
    const q = new LocalProvider();
    providers.push(q);
    expect(q.scriptDir).toMatch(/parsl-ts-local-/);
    dirs.push(q.scriptDir);
  });
});

