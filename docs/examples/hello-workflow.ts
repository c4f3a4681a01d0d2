/**
 * hello-workflow: a small parsl-ts workflow on the embedded default — a thread pool with one
 * worker per core on this machine — recorded by SQLite monitoring. It shows
 *
 *   1. a bash app whose stdout is redirected to a file,
 *   2. futures passed as arguments (a task waits for the tasks it depends on),
 *   3. a fan-out of 200 tasks and a fan-in task that waits for all of them,
 *   4. a File output of one app feeding another app,
 *   5. every task, try and state change recorded in runinfo/monitoring.db, for
 *      `parsl-ts visualize runinfo/monitoring.db` (a web dashboard) or plain SQL.
 *
 * Run it from the repository root with `pnpm example`, or in a project that installed
 * @parsl-ts/core, @parsl-ts/cli and @parsl-ts/monitoring-sqlite: `npx parsl-ts run hello-workflow.ts`.
 * `parsl-ts run` shows the tasks' progress on stderr; the results go to stdout. Each run writes
 * its log under ./runinfo/NNN/.
 *
 * Every app below uses only its arguments and globals, so it is self-contained and travels to the
 * worker threads by value (as its source text). An app that uses imports or constants of this
 * module would have to be exported, and would then travel by reference.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { app, bashApp, File, loadConfig } from '@parsl-ts/core';
import { MonitoringHub } from '@parsl-ts/monitoring-sqlite';

/** A bash app: returns the command line to run. `{ stdout }` at the call redirects its output. */
const hello = bashApp((name: string) => `echo "hello, ${name}, from $(hostname) (pid $$)"`, { name: 'hello' });

/** A function app that pretends to compute for 10–19 ms. */
const simulate = app(async (seed: number) => {
  await new Promise((resolve) => setTimeout(resolve, 10 + (seed % 10)));
  return (seed * 7919) % 1000;
}, { name: 'simulate' });

/** Function apps that combine results. Arrays of futures are waited for, element by element. */
const add = app((a: number, b: number) => a + b, { name: 'add' });
const total = app((values: number[]) => values.reduce((sum, v) => sum + v, 0), { name: 'total' });

/** A bash app that writes its output File. Files interpolate as their paths. */
const writeNumbers = bashApp((n: number, o: { outputs: File[] }) => `seq 1 ${n} > ${o.outputs[0]}`, { name: 'write_numbers' });

/** A function app that reads its input File (a DataFuture of another task, waited for first). */
const sumFile = app(async (o: { inputs: File[] }) => {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(String(o.inputs[0]), 'utf8');
  return text.trim().split('\n').reduce((sum, line) => sum + Number(line), 0);
}, { name: 'sum_file' });

const workDir = mkdtempSync(join(tmpdir(), 'hello-workflow-'));
// The embedded default (@parsl-ts/executor-threads, msgpack), with monitoring into
// runinfo/monitoring.db (next to the run directories; shared by every run).
const dfk = await loadConfig({ monitoring: new MonitoringHub() });
try {
  // 1. A bash app with its stdout in a file. The future resolves to the exit code (0).
  const greeting = hello('parsl-ts', { stdout: join(workDir, 'hello.out') });
  await greeting;
  console.log(readFileSync(greeting.stdout!, 'utf8').trim());

  // 2. Futures as arguments: add() runs once both simulate() tasks are done.
  const a = simulate(1);
  const b = simulate(2);
  console.log(`simulate(1) + simulate(2) = ${await add(a, b)}`);

  // 3. Fan-out / fan-in: 200 tasks run in parallel; total() waits for all of them.
  const results = Array.from({ length: 200 }, (_, i) => simulate(i));
  console.log(`total of 200 simulations = ${await total(results)}`);

  // 4. A File output feeding another app: sum_file() starts when write_numbers() is done.
  const numbers = writeNumbers(1000, { outputs: [new File(join(workDir, 'numbers.txt'))] });
  console.log(`sum of the numbers 1..1000 in ${numbers.outputs[0]!.file.path.replace(workDir, '$WORKDIR')} = ${await sumFile({ inputs: [numbers.outputs[0]] })}`);

  const counts = dfk.counts();
  console.log(`tasks: ${counts.submitted} submitted, ${counts.exec_done} done, ${counts.failed + counts.dep_fail} failed`);
} finally {
  await dfk.cleanup(); // also writes the last monitoring records
  rmSync(workDir, { recursive: true, force: true });
}
const database = relative(process.cwd(), join(dfk.runDir, '..', 'monitoring.db'));
console.log(`monitoring: run ${dfk.runId} recorded in ${database} — see it with: npx parsl-ts visualize ${database}`);
