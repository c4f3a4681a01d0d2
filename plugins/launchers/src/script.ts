// Shell text shared by the launchers. Internal: not exported from the package.
//
// Every generated script is POSIX sh (it also runs under bash, and under `set -eu` in the script
// that contains it), embeds the user's command only through shellQuote, and ends with the exit
// status of what it launched (through `(exit N)` rather than `exit N`, so text may follow it).
import { ConfigError } from '@parsl-ts/core';
import { shellQuote } from './shellQuote.js';

/** Environment variable with the 0-based index of a copy among all copies in the block. */
export const RANK_VAR = 'PARSL_LAUNCHER_RANK';
/** Environment variable with the number of copies in the block. */
export const SIZE_VAR = 'PARSL_LAUNCHER_SIZE';

type OptionType = 'boolean' | 'string' | 'overrides';

/** Check a launcher's plain-data options: an object, known keys only, the right types. */
export function checkOptions(launcher: string, options: unknown, spec: Readonly<Record<string, OptionType>>): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError(`the options of ${launcher} must be an object, got ${describe(options)}`, {
      path: launcher, hint: `pass plain data, e.g. new ${launcher}({ debug: false })`,
    });
  }
  for (const [key, value] of Object.entries(options)) {
    const type = spec[key];
    if (type === undefined) {
      throw new ConfigError(`${launcher} has no option "${key}"`, {
        path: `${launcher}.${key}`, hint: `known options: ${Object.keys(spec).join(', ')}`,
      });
    }
    if (value === undefined) continue;
    if (type === 'boolean' && typeof value !== 'boolean') {
      throw new ConfigError(`must be true or false, got ${describe(value)}`, { path: `${launcher}.${key}`, hint: `set ${key}: true or false` });
    }
    if (type === 'string') {
      if (typeof value !== 'string') {
        throw new ConfigError(`must be a string, got ${describe(value)}`, { path: `${launcher}.${key}`, hint: `set ${key} to a string` });
      }
      assertOneLine(launcher, key, value);
    }
    if (type === 'overrides') overridesText(launcher, value as LauncherOverrides);
  }
}

type LauncherOverrides = string | readonly string[] | undefined;

/** The shell text of an `overrides` option: a string as it is, a list quoted word by word. */
export function overridesText(launcher: string, overrides: LauncherOverrides): string {
  if (overrides === undefined) return '';
  if (typeof overrides === 'string') {
    assertOneLine(launcher, 'overrides', overrides);
    return overrides.trim();
  }
  if (Array.isArray(overrides) && overrides.every((word) => typeof word === 'string')) {
    return overrides.map((word: string) => shellQuote(word)).join(' ');
  }
  throw new ConfigError(`must be a string or a list of strings, got ${describe(overrides)}`, {
    path: `${launcher}.overrides`, hint: "e.g. overrides: '--mpi=pmi2' or overrides: ['--export', 'ALL']",
  });
}

function assertOneLine(launcher: string, key: string, value: string): void {
  if (/[\n\r\0]/.test(value)) {
    throw new ConfigError('must not contain a newline or NUL character', {
      path: `${launcher}.${key}`, hint: 'put the flags on one line, or give a list of words',
    });
  }
}

/** Check the arguments of `wrap` and return the number of copies in the block. */
export function checkShape(launcher: string, command: unknown, tasksPerNode: unknown, nodesPerBlock: unknown): number {
  if (typeof command !== 'string' || command.trim() === '') {
    throw new ConfigError(`${launcher}.wrap needs a command line, got ${describe(command)}`, {
      path: 'command', hint: 'pass the worker command as a non-empty string',
    });
  }
  for (const [name, value] of [['tasksPerNode', tasksPerNode], ['nodesPerBlock', nodesPerBlock]] as const) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      throw new ConfigError(`must be a whole number >= 1, got ${describe(value)}`, {
        path: name, hint: `${launcher} starts ${name === 'tasksPerNode' ? 'tasksPerNode copies on each node' : 'copies on nodesPerBlock nodes'}; use 1 or more`,
      });
    }
  }
  // Reject a NUL early, with the launcher's name (shellQuote would too).
  shellQuote(command);
  return (tasksPerNode as number) * (nodesPerBlock as number);
}

/**
 * The script one copy runs (to be quoted and passed to `bash -c`): export the copy's rank and
 * the block's size, then the command. `rank` is shell text evaluated in the copy, e.g.
 * `"${SLURM_PROCID:-0}"`, or `"$1"` when the rank comes as an argument (then it is shifted off, so
 * the command sees no arguments, as with a plain `bash -c`).
 */
export function copyScript(command: string, rank: string, size: number, options: { shift?: boolean; cores?: string } = {}): string {
  const exports = [`${RANK_VAR}=${rank}`, `${SIZE_VAR}=${size}`];
  if (options.cores !== undefined) exports.push(`CORES=${options.cores}`);
  return [`export ${exports.join(' ')}`, ...(options.shift ? ['shift'] : []), command].join('\n');
}

/** `echo "<launcher>: <text>"` when debug is on. `text` may use shell expansions; it is ours, never the user's. */
export function debugEcho(debug: boolean, launcher: string, text: string): string[] {
  return debug ? [`echo "parsl-ts ${launcher}: ${text}"`] : [];
}

/** Join words, dropping empty ones (an empty overrides option leaves no double space). */
export function words(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(' ');
}

/**
 * Run a launch command line as the last step: when debug is on, report its status and end with
 * it; otherwise the command line is simply the last command, so its status is the script's.
 */
export function finalCommand(debug: boolean, launcher: string, line: string): string[] {
  if (!debug) return [line];
  return [
    `${line} && _parsl_status=0 || _parsl_status=$?`,
    ...debugEcho(debug, launcher, 'done, exit status $_parsl_status'),
    '(exit "$_parsl_status")',
  ];
}

/**
 * Wait for every background copy in `$_parsl_pids`; the status is that of the first copy (in start
 * order) that failed, and with `failOnAny: false` only when all of them failed.
 */
export function waitForCopies(debug: boolean, launcher: string, failOnAny: boolean, copies: number): string[] {
  return [
    '_parsl_status=0',
    '_parsl_failed=0',
    'for _parsl_pid in $_parsl_pids; do',
    '  wait "$_parsl_pid" && _parsl_rc=0 || _parsl_rc=$?',
    '  if [ "$_parsl_rc" -ne 0 ]; then',
    '    _parsl_failed=$((_parsl_failed + 1))',
    '    [ "$_parsl_status" -ne 0 ] || _parsl_status=$_parsl_rc',
    '  fi',
    'done',
    'trap - TERM INT HUP',
    ...debugEcho(debug, launcher, `all copies done, $_parsl_failed of ${copies} failed`),
    ...(failOnAny ? [] : [`[ "$_parsl_failed" -eq ${copies} ] || _parsl_status=0`]),
    '(exit "$_parsl_status")',
  ];
}

/** Start of a script that runs copies in the background and waits for them. */
export function startCopies(): string[] {
  return [
    '_parsl_pids=',
    // When only this shell is signalled (a scheduler's cancel), pass the signal on to the copies,
    // and end: a signal that arrives before every copy has started must not let the loop start
    // the rest.
    "trap 'kill -TERM $_parsl_pids 2>/dev/null; exit 143' TERM INT HUP",
  ];
}

/** Rank of an MPI process, whichever MPI started it (MPICH/Hydra, Open MPI, PMIx). */
export const MPI_RANK = '"${PMI_RANK:-${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-0}}}"';

/** `CORES` and `NODES` from Slurm's environment (this node's processors outside a job). */
export const SLURM_PREAMBLE = [
  'export CORES=${SLURM_CPUS_ON_NODE:-$(getconf _NPROCESSORS_ONLN)}',
  'export NODES=${SLURM_JOB_NUM_NODES:-1}',
];

/** `export CORES=...` from the local machine. */
export const LOCAL_CORES = 'export CORES=$(getconf _NPROCESSORS_ONLN)';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
