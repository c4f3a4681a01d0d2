// (c) Quoting torture: a command full of quotes, dollars, backquotes, globs and newlines goes
// through every launcher and is executed by bash; it must arrive byte for byte. Launch commands
// that do not exist here (srun, mpiexec, ...) are replaced by fakes that skip their own options
// and run the rest once, so the quoting of every launcher is executed, not just compared.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Launcher } from '@parsl-ts/core';
import {
  AprunLauncher, GnuParallelLauncher, JsrunLauncher, MpiExecLauncher, MpiRunLauncher, shellQuote, SimpleLauncher,
  SingleNodeLauncher, SrunLauncher, SrunMPILauncher, WrappedLauncher,
} from '../src/index.js';
import { awkwardDir, fakeLaunchersBin, removeDir, runBash } from './helpers.js';

const TORTURE = [
  `it's "quoted" and 'single' and \`backquoted\` and $HOME and $(echo sub) and \${PATH} and $1 $@ $$ $?`,
  `backslashes \\ \\\\ \\n \\' \\" and '\\'' the escape sequence itself`,
  `globs * ? [a-z] ~ ~root {a,b} and history !! !$ and ; && || | & > < >> 2>&1 # comment`,
  'EOF',
  'SLURM_EOF',
  "'",
  '\ttabs\tand trailing spaces   ',
  'unicode: é ✓ 日本 and %s %d %% and -n -e --',
].join('\n');

let bin: string;
let dir: string;
beforeAll(() => {
  bin = fakeLaunchersBin();
  dir = awkwardDir();
});
afterAll(() => {
  removeDir(bin);
  removeDir(dir);
});

const launchers: Array<[string, Launcher]> = [
  ['SingleNodeLauncher', new SingleNodeLauncher()],
  ['SimpleLauncher', new SimpleLauncher()],
  ['SrunLauncher', new SrunLauncher({ overrides: ['--comment', "it's $HOME"] })],
  ['SrunMPILauncher', new SrunMPILauncher()],
  ['MpiExecLauncher', new MpiExecLauncher()],
  ['MpiExecLauncher ppnFlag -ppn', new MpiExecLauncher({ ppnFlag: '-ppn' })],
  ['MpiRunLauncher', new MpiRunLauncher()],
  ['AprunLauncher', new AprunLauncher()],
  ['JsrunLauncher', new JsrunLauncher()],
  ['GnuParallelLauncher', new GnuParallelLauncher()],
  ['WrappedLauncher', new WrappedLauncher({ prepend: 'env TORTURE_WRAPPED=1' })],
  ['WrappedLauncher raw', new WrappedLauncher({ prepend: 'env TORTURE_WRAPPED=1', raw: true })],
];

describe('quoting torture, executed by bash', () => {
  it('GNU parallel is installed (needed by the GnuParallelLauncher case)', () => {
    let version = '';
    try {
      version = execFileSync('parallel', ['--version'], { encoding: 'utf8', timeout: 30_000 });
    } catch {
      // reported below
    }
    expect(version, 'GNU parallel is missing: apt-get install -y parallel').toContain('GNU parallel');
  });

  it.each(launchers)('%s delivers the command byte for byte', async (name, launcher) => {
    const out = join(dir, `${name.replace(/\W+/g, '_')}.out`);
    // The command prints the torture text (one quoted word) into a file.
    const command = `printf '%s' ${shellQuote(TORTURE)} > ${shellQuote(out)}`;
    const result = await runBash(launcher.wrap(command, 1, 1), {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, timeoutMs: 60_000,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(TORTURE);
  });

  it('a command that is itself a multi-line script with its own quoting survives several copies', async () => {
    const out = join(dir, 'multi');
    const command = [
      "msg='it'\"'\"'s \"fine\" $HOME'",
      'if [ -n "$PARSL_LAUNCHER_RANK" ]; then',
      `  printf '%s|%s' "$msg" "$PARSL_LAUNCHER_RANK" > ${shellQuote(out)}."$PARSL_LAUNCHER_RANK"`,
      'fi',
    ].join('\n');
    for (const launcher of [new SingleNodeLauncher({ debug: false }), new GnuParallelLauncher({ debug: false })]) {
      const result = await runBash(launcher.wrap(command, 2, 1), { timeoutMs: 60_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(readFileSync(`${out}.0`, 'utf8')).toBe(`it's "fine" $HOME|0`);
      expect(readFileSync(`${out}.1`, 'utf8')).toBe(`it's "fine" $HOME|1`);
    }
  });
});
