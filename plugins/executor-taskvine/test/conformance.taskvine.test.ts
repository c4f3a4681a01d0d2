/**
 * The conformance suite on the TaskVine backend, wherever TaskVine is installed (`ndcctools.taskvine`
 * importable and `vine_worker` on PATH, from conda). It is not installable on this project's
 * Debian machines: there the suite is skipped, visibly, unless PARSL_TS_EXPECT_TASKVINE=1 says it
 * must run, which turns the skip into a failure (CI sets it where TaskVine is expected).
 */
import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';
import { runExecutorConformance } from '@parsl-ts/testing';
import { TaskVineExecutor } from '@parsl-ts/executor-taskvine';
import { LocalProvider } from '@parsl-ts/provider-local';

const pythons = [...new Set([process.env.PARSL_TS_PYTHON, 'python3', '/usr/bin/python3'].filter((p): p is string => !!p))];
const python = pythons.find((p) => spawnSync(p, ['-c', 'import ndcctools.taskvine'], { timeout: 30_000 }).status === 0);
const vineWorker = spawnSync('vine_worker', ['--version'], { timeout: 30_000 }).status === 0;
const expected = process.env.PARSL_TS_EXPECT_TASKVINE === '1';

if (python && vineWorker) {
  runExecutorConformance({
    name: 'executor-taskvine (taskvine)',
    createExecutors: () => ['a', 'b'].map((label) => new TaskVineExecutor({
      label, backend: 'taskvine', python, workerCores: 2, provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
    })),
  });
} else {
  const missing = [python ? undefined : `ndcctools.taskvine (tried ${pythons.join(', ')})`, vineWorker ? undefined : 'vine_worker'].filter(Boolean).join(' and ');
  describe('executor conformance: executor-taskvine (taskvine)', () => {
    if (expected) {
      it('TaskVine is expected here (PARSL_TS_EXPECT_TASKVINE=1)', () => {
        throw new Error(`PARSL_TS_EXPECT_TASKVINE=1 but ${missing} cannot be found: install TaskVine (conda install -c conda-forge ndcctools) or unset the flag`);
      });
    } else {
      it.skip(`the whole suite on TaskVine [skipped: ${missing} not installed here; PARSL_TS_EXPECT_TASKVINE=1 makes this a failure]`, () => undefined);
    }
  });
}
