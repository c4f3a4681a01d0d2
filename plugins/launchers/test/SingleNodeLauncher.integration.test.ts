// (b) SingleNodeLauncher runs for real: the wrapped command goes through `bash -c`.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SingleNodeLauncher, shellQuote } from '../src/index.js';
import { awkwardDir, markers, removeDir, runBash } from './helpers.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) removeDir(d); });

/** A command that writes `marker.<rank>` with the copy's environment and arguments, then exits with `code` on the ranks listed. */
function markerCommand(dir: string, failing: Record<number, number> = {}): string {
  const exits = Object.entries(failing).map(([rank, code]) => `[ "$PARSL_LAUNCHER_RANK" != ${rank} ] || exit ${code}`);
  return [
    `printf '%s %s %s %s\\n' "$PARSL_LAUNCHER_RANK" "$PARSL_LAUNCHER_SIZE" "$CORES" "$#" > ${shellQuote(dir)}/marker."$PARSL_LAUNCHER_RANK"`,
    ...exits,
  ].join('\n');
}

describe('SingleNodeLauncher (real bash)', () => {
  it('runs tasksPerNode × nodesPerBlock copies, each with its rank, the size and CORES', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    const result = await runBash(new SingleNodeLauncher().wrap(markerCommand(dir), 2, 2));
    expect(result.code).toBe(0);
    const found = markers(dir);
    expect(found.map((m) => m.file)).toEqual(['marker.0', 'marker.1', 'marker.2', 'marker.3']);
    for (const [rank, m] of found.entries()) {
      const [r, size, cores, args] = m.text.trim().split(' ');
      expect(r).toBe(String(rank));
      expect(size).toBe('4');
      expect(Number(cores)).toBeGreaterThan(0);
      expect(args).toBe('0'); // the command sees no positional arguments
    }
    expect(result.stdout).toContain('starting 4 copies');
    expect(result.stdout).toContain('0 of 4 failed');
  });

  it('runs the copies at the same time, in the background', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    // Each copy waits until all 3 have written their marker: this only ends if they run concurrently.
    const command = `touch ${shellQuote(dir)}/marker."$PARSL_LAUNCHER_RANK"
for i in $(seq 1 200); do [ "$(ls ${shellQuote(dir)} | wc -l)" -ge 3 ] && exit 0; sleep 0.05; done
exit 1`;
    const result = await runBash(new SingleNodeLauncher({ debug: false }).wrap(command, 3, 1));
    expect(result.code).toBe(0);
    expect(markers(dir)).toHaveLength(3);
  });

  it('exits with the status of the first copy that failed when any failed (the default), after all have run', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    const result = await runBash(new SingleNodeLauncher({ debug: false }).wrap(markerCommand(dir, { 1: 7, 2: 9 }), 3, 1));
    expect(result.code).toBe(7);
    expect(markers(dir)).toHaveLength(3);
  });

  it('with failOnAny: false, fails only when every copy failed, as Parsl', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    const launcher = new SingleNodeLauncher({ debug: false, failOnAny: false });
    expect((await runBash(launcher.wrap(markerCommand(dir, { 0: 4 }), 2, 1))).code).toBe(0);
    expect((await runBash(launcher.wrap(markerCommand(dir, { 0: 4, 1: 5 }), 2, 1))).code).toBe(4);
  });

  it('keeps working under set -eu in the enclosing script, and lets text follow it', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    const script = `set -eu\n${new SingleNodeLauncher().wrap(markerCommand(dir, { 0: 3 }), 2, 1)} || echo "after: $?"`;
    const result = await runBash(script);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('after: 3');
    expect(markers(dir)).toHaveLength(2);
  });

  it('passes a TERM sent to the launching shell on to the copies', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    // The marker comes through the environment, so no command line but the sleeps' own contains it.
    const mark = `${process.pid}${Date.now() % 100000}`;
    // The outer shell sends TERM to the launcher's shell only (not its group) once both copies run.
    const copy = `touch ${shellQuote(dir)}/marker."$PARSL_LAUNCHER_RANK"; exec sleep "3600.$MARK"`;
    const script = `bash -c ${shellQuote(new SingleNodeLauncher({ debug: false }).wrap(copy, 2, 1))} &
launcher=$!
for i in $(seq 1 200); do [ "$(ls ${shellQuote(dir)} | wc -l)" -ge 2 ] && break; sleep 0.05; done
sleep 0.2
pgrep -f "sleep 3600.$MARK" >/dev/null && echo "copies running"
kill -TERM $launcher
wait $launcher
echo "launcher status $?"
for i in $(seq 1 100); do pgrep -f "sleep 3600.$MARK" >/dev/null || break; sleep 0.05; done
pgrep -f "sleep 3600.$MARK" >/dev/null && echo "copies left" || echo "no copies left"`;
    const result = await runBash(script, { env: { ...process.env, MARK: mark } });
    expect(result.stdout).toContain('copies running');
    expect(result.stdout).toContain('launcher status 143');
    expect(result.stdout).toContain('no copies left');
  });

  it('starts no copy when the TERM reaches the launching shell before the copies start (a cancel right after submit)', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    // A slow `seq` holds the launcher between setting its trap and starting the copies: the
    // window in which a cancel used to be forwarded to no one, after which the loop went on.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'seq'), `#!/bin/sh\ntouch ${shellQuote(dir)}/seq-started\nsleep 1\nexec /usr/bin/seq "$@"\n`);
    chmodSync(join(bin, 'seq'), 0o755);
    const copy = `touch ${shellQuote(dir)}/marker."$PARSL_LAUNCHER_RANK"`;
    const script = `PATH=${shellQuote(bin)}:$PATH bash -c ${shellQuote(new SingleNodeLauncher({ debug: false }).wrap(copy, 2, 1))} &
launcher=$!
for i in $(/usr/bin/seq 1 200); do [ -e ${shellQuote(dir)}/seq-started ] && break; sleep 0.02; done
kill -TERM $launcher
wait $launcher
echo "launcher status $?"
sleep 1.5`;
    const result = await runBash(script);
    expect(result.stdout).toContain('launcher status 143');
    expect(markers(dir)).toEqual([]);
  });
});
