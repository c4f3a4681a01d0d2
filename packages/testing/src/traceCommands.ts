import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * What {@link traceCommands} returns.
 *
 * @since 0.1.1
 */
export interface CommandTrace {
  /** The argument lines logged for command `name`, one per call, oldest first. */
  calls(name: string): string[];
  /** Put PATH back and remove the wrappers. */
  restore(): void;
}

/**
 * Trace the commands this process (and its children) run by name: put wrappers first on PATH
 * that log their arguments and then exec the real command, so tests check what a provider ran
 * against the real scheduler. `before` is shell text a wrapper runs first, to inject a delay or a
 * failure (e.g. `{ sbatch: 'sleep 30' }`). Throws when a command is not a program on PATH.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const trace = traceCommands(['squeue']);
 * try { await provider.status([id]); expect(trace.calls('squeue')).toHaveLength(1); } finally { trace.restore(); }
 * ```
 */
export function traceCommands(names: readonly string[], before: Readonly<Record<string, string>> = {}): CommandTrace {
  const dir = mkdtempSync(join(tmpdir(), 'parsl-trace-'));
  try {
    for (const name of names) {
      // The program's path (`type -P`), never a shell builtin: the wrapper would exec itself.
      const real = execFileSync('bash', ['-c', `type -P ${name}`], { encoding: 'utf8' }).trim();
      if (real === '') throw new Error(`${name} is not a program on PATH`);
      writeFileSync(join(dir, name), `#!/bin/bash\necho "$*" >> ${join(dir, `${name}.log`)}\n${before[name] ?? ''}\nexec ${real} "$@"\n`);
      chmodSync(join(dir, name), 0o755);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const saved = process.env.PATH;
  process.env.PATH = `${dir}:${saved}`;
  return {
    calls: (name) => {
      try {
        return readFileSync(join(dir, `${name}.log`), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    },
    restore: () => {
      process.env.PATH = saved;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
