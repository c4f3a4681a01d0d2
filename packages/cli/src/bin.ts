#!/usr/bin/env node
/**
 * The `parsl-ts` command.
 *
 *   parsl-ts run <workflow.ts|js> [-- args...]   run a workflow with live progress
 *   parsl-ts perf [options]                        measure task throughput (like parsl-perf)
 *   parsl-ts plugins [--json]                      list installed plugins
 *   parsl-ts config check <file>                   validate a config file
 *   parsl-ts doctor [config]                       check that a run can start, finding by finding
 *   parsl-ts plugin new <kind> <name> [--scope @x]  generate a plugin package
 *   parsl-ts visualize [--db path] [--port N]      the monitoring dashboard (optional package)
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { hooksRegistered, loadCore } from './core.js';
import { CliError, CliErrorCodes, formatError } from './errors.js';
import { isRelaunchedChild, relaunch } from './relaunch.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new CliError(CliErrorCodes.BadOption, `--${flag} must be a number > 0, got ${JSON.stringify(value)}`, `e.g. --${flag} 5`);
  }
  return n;
}

/**
 * For commands whose output is a report: a closed stdout (`parsl-ts perf | head`) ends the
 * command quietly instead of crashing with EPIPE. (`run` leaves stdout to the workflow.)
 */
function quietOnClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

/** Build the command-line program (exported for tests and embedding). */
export function buildProgram(): Command {
  const program = new Command('parsl-ts')
    .description("Run parsl-ts workflows with live progress, measure throughput, list plugins, check configs and environments, and scaffold plugins.")
    .version(pkg.version, '-V, --version', 'print the CLI version')
    .showHelpAfterError()
    .addHelpText('after', `
Examples:
  parsl-ts run flow.ts                     run a workflow (TypeScript or JavaScript)
  parsl-ts run flow.ts -- --input data/    pass arguments to the workflow (process.argv)
  parsl-ts perf --workers 4                tasks per second of the thread pool
  parsl-ts plugins                         installed plugins and the core they support
  parsl-ts config check parsl.config.json  validate a config without starting anything
  parsl-ts doctor parsl.config.json        config, plugins, scheduler, interchange address, run directory
  parsl-ts plugin new executor k8s --scope @acme   generate @acme/parsl-ts-executor-k8s
  parsl-ts visualize                       the monitoring dashboard of runinfo/monitoring.db`);

  program.command('run')
    .description('run a workflow module and show the progress of its tasks on stderr')
    .argument('<workflow>', 'the workflow file (.ts, .mts, .js, .mjs)')
    .argument('[args...]', 'arguments for the workflow, after --')
    .option('--no-progress', 'do not show progress')
    .option('--progress-interval <seconds>', 'seconds between progress lines when stderr is not a terminal', '5')
    .action(async (workflow: string, args: string[], opts: { progress: boolean; progressInterval: string }) => {
      const progressInterval = positiveNumber('progress-interval', opts.progressInterval);
      const run = await import('./commands/run.js');
      run.checkWorkflowFile(workflow);
      if (!hooksRegistered() && !isRelaunchedChild()) {
        process.exitCode = await relaunch();
        return;
      }
      await run.runWorkflow(workflow, args, { progress: opts.progress, progressInterval });
    });

  program.command('perf')
    .description('measure how many no-op tasks per second the DataFlowKernel and an executor run (like parsl-perf)')
    .option('--config <file>', 'a config file to measure instead of the default thread pool')
    .addOption(new Option('--executor <name>', 'executor when no --config: "threads" or an executor plugin package').default('threads'))
    .option('--workers <n>', 'workers of the executor', '2')
    .option('--start <n>', 'tasks in the first batch', '1000')
    .option('--max <n>', 'largest batch', '100000')
    .option('--factor <x>', 'growth factor between batches', '2')
    .option('--time <seconds>', 'stop after a batch that takes longer than this', '10')
    .option('--latency <n>', 'then time n single tasks one after the other (round trip p50/p90/p99); 0 skips', '1000')
    .option('--run-dir <dir>', 'parent folder of the run directory (default ./runinfo)')
    .option('--json', 'print one JSON document with every batch, peak RSS and retained bytes per task')
    .action(async (opts: { config?: string; executor: string; workers: string; start: string; max: string; factor: string; time: string; latency: string; runDir?: string; json?: boolean }) => {
      const options = {
        config: opts.config, executor: opts.executor, workers: Number(opts.workers), start: Number(opts.start), max: Number(opts.max),
        factor: Number(opts.factor), time: Number(opts.time), latency: Number(opts.latency), runDir: opts.runDir, json: opts.json === true,
      };
      quietOnClosedStdout();
      const perf = await import('./commands/perf.js');
      perf.validatePerfOptions(options);
      const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
      if ((!hooksRegistered() || !hasGc) && !isRelaunchedChild()) {
        process.exitCode = await relaunch(['--expose-gc']);
        return;
      }
      await perf.perfCommand(options);
    });

  program.command('plugins')
    .description('list the parsl-ts plugins installed here: kind, version, maturity and the core range they support')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      quietOnClosedStdout();
      const { pluginsCommand } = await import('./commands/plugins.js');
      await pluginsCommand({ json: opts.json === true });
    });

  const config = program.command('config').description('work with config files');
  config.command('check')
    .description('validate a config file: settings, plugins and their core ranges (starts nothing)')
    .argument('<file>', 'parsl.config.json, or a .ts/.js module exporting the config')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      quietOnClosedStdout();
      const { configCheckCommand } = await import('./commands/configCheck.js');
      await configCheckCommand(file, { json: opts.json === true });
    });

  program.command('doctor')
    .description('check that a run can start: the config and its plugins, one compatible core, the scheduler commands, the interchange address as workers see it, the run directory')
    .argument('[config]', 'the config file (default: parsl.config.json/.ts/.js here)')
    .option('--scheduler <name...>', 'also check a scheduler the config does not name: slurm, pbs')
    .option('--probe-node', 'for Slurm providers, also connect to the interchange address from a compute node (srun)')
    .option('--timeout <seconds>', 'time limit of each scheduler command and probe', '15')
    .option('--json', 'print the findings as JSON')
    .action(async (config: string | undefined, opts: { scheduler?: string[]; probeNode?: boolean; timeout: string; json?: boolean }) => {
      const timeout = positiveNumber('timeout', opts.timeout);
      for (const s of opts.scheduler ?? []) {
        if (s !== 'slurm' && s !== 'pbs') throw new CliError(CliErrorCodes.BadOption, `unknown scheduler ${JSON.stringify(s)}`, 'use --scheduler slurm or --scheduler pbs');
      }
      quietOnClosedStdout();
      const { doctorCommand } = await import('./commands/doctor.js');
      await doctorCommand({ config, schedulers: opts.scheduler as ('slurm' | 'pbs')[] | undefined, probeNode: opts.probeNode === true, timeoutMs: timeout * 1000, json: opts.json === true });
    });

  const plugin = program.command('plugin').description('work on plugin packages');
  plugin.command('new')
    .description('generate a plugin package: package.json with the core peer range and maturity, README with the status table, source and tests')
    .argument('<kind>', 'executor, provider, launcher, staging, serializer, monitoring, memoizer, strategy or store')
    .argument('<name>', 'short name, lower-case words joined by "-" (the package becomes <scope>/parsl-ts-<kind>-<name>)')
    .option('--scope <scope>', 'npm scope, e.g. @acme (@parsl-ts: a first-party plugin in the repository\'s plugins/ folder)')
    .option('--dir <folder>', 'folder to create (default ./parsl-ts-<kind>-<name>, or plugins/<kind>-<name> in the repository)')
    .option('--description <text>', 'one line for package.json and the plugins table')
    .option('--owner <who>', 'the owner shown in the README status table (see docs/maturity.md)')
    .action(async (kind: string, name: string, opts: { scope?: string; dir?: string; description?: string; owner?: string }) => {
      const { createPlugin, nextSteps } = await import('./scaffold/createPlugin.js');
      const { core } = await loadCore(process.cwd());
      const made = createPlugin({ kind, name, scope: opts.scope, dir: opts.dir, description: opts.description, owner: opts.owner, coreVersion: core.CORE_VERSION });
      process.stdout.write(nextSteps(made, process.cwd()));
    });

  program.command('visualize')
    .description('serve the monitoring dashboard over a monitoring database (needs @parsl-ts/monitoring-dashboard)')
    .argument('[database]', 'the monitoring database (same as --db)')
    .option('--db <path>', 'the monitoring database MonitoringHub writes', 'runinfo/monitoring.db')
    .option('--port <n>', 'port to listen on (0: any free port)', '8080')
    .option('--host <address>', 'address to listen on (127.0.0.1: this machine only)', '127.0.0.1')
    .action(async (database: string | undefined, opts: { db: string; port: string; host: string }, command: Command) => {
      if (database !== undefined && command.getOptionValueSource('db') === 'cli' && database !== opts.db) {
        throw new CliError(CliErrorCodes.BadOption, `two databases given: ${database} and --db ${opts.db}`, 'give the database once, as an argument or with --db');
      }
      if (!/^\d+$/.test(opts.port.trim())) {
        throw new CliError(CliErrorCodes.BadOption, `--port must be a whole number from 0 to 65535, got ${JSON.stringify(opts.port)}`, 'e.g. --port 8080, or --port 0 for any free port');
      }
      const { visualizeCommand } = await import('./commands/visualize.js');
      await visualizeCommand({ db: database ?? opts.db, port: Number(opts.port), host: opts.host });
    });

  return program;
}

buildProgram().parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`${formatError(error)}\n`);
  process.exitCode = 1;
});
