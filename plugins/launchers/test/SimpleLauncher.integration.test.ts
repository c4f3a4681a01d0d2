// (b) SimpleLauncher runs for real: the wrapped command goes through `bash -c`.
import { afterEach, describe, expect, it } from 'vitest';
import { SimpleLauncher, shellQuote } from '../src/index.js';
import { awkwardDir, markers, removeDir, runBash } from './helpers.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) removeDir(d); });

describe('SimpleLauncher (real bash)', () => {
  it('runs the command exactly once', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    const command = `touch ${shellQuote(dir)}/marker.$$`;
    const result = await runBash(new SimpleLauncher().wrap(command, 1, 1));
    expect(result.code).toBe(0);
    expect(markers(dir)).toHaveLength(1);
  });

  it('still runs once when more copies are asked for, and warns on stderr', async () => {
    const dir = awkwardDir();
    dirs.push(dir);
    const result = await runBash(new SimpleLauncher().wrap(`touch ${shellQuote(dir)}/marker.$$`, 4, 2));
    expect(result.code).toBe(0);
    expect(markers(dir)).toHaveLength(1);
    expect(result.stderr).toContain('you may get fewer workers than expected');
  });

  it("propagates the command's exit status", async () => {
    expect((await runBash(new SimpleLauncher().wrap('exit 5', 1, 1))).code).toBe(5);
    expect((await runBash(new SimpleLauncher().wrap('exit 6', 2, 1))).code).toBe(6);
  });
});
