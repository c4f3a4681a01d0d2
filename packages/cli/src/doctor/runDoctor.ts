/**
 * `parsl-ts doctor`: everything `parsl-ts config check` checks, plus what only shows when a run
 * starts — plugins installed and compatible (and one core), the scheduler commands there and
 * answering, the interchange reachable from a worker's point of view, the run directory writable.
 *
 * @module
 */
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkConfigFile } from '../commands/configCheck.js';
import { findInstalledPlugins } from '../commands/plugins.js';
import { hooksRegistered, loadCore, type CoreModule } from '../core.js';
import { DoctorCodes, type Finding } from './Finding.js';
import { probeInterchange } from './interchangeProbe.js';
import { checkScheduler, PROVIDER_SCHEDULERS, type SchedulerName, type SchedulerSettings } from './schedulers.js';

/**
 * Config files `parsl-ts doctor` looks for when none is given, in this order.
 *
 * @since 0.1.0
 */
export const DEFAULT_CONFIG_FILES: readonly string[] = ['parsl.config.json', 'parsl.config.ts', 'parsl.config.mts', 'parsl.config.js', 'parsl.config.mjs'];

/**
 * Options of {@link runDoctor}.
 *
 * @since 0.1.0
 */
export interface DoctorOptions {
  /** The config file (default: the first of {@link DEFAULT_CONFIG_FILES} in `cwd`). */
  readonly config?: string | undefined;
  /** Where the workflow runs. Default `process.cwd()`. */
  readonly cwd?: string | undefined;
  /** Schedulers to check even when the config names none of their providers. */
  readonly schedulers?: readonly SchedulerName[] | undefined;
  /** Also connect to the interchange address from a compute node (`srun`), for Slurm providers. */
  readonly probeNode?: boolean | undefined;
  /** Time limit of each scheduler command and probe, ms. Default 15 s. */
  readonly timeoutMs?: number | undefined;
}

/**
 * What {@link runDoctor} found.
 *
 * @since 0.1.0
 */
export interface DoctorReport {
  /** The core the checks ran against. */
  readonly coreVersion: string;
  /** The config file checked, if any. */
  readonly config: string | undefined;
  /** Every finding, in the order the checks ran. */
  readonly findings: readonly Finding[];
}

/**
 * An executor of the config as the doctor needs it (from a plugin entry or an instance).
 *
 * @since 0.1.0
 */
export interface ExecutorFacts {
  /** The executor's label. */
  readonly label: string;
  /** Whether it gets workers from a provider (so it has an interchange to reach). */
  readonly hasProvider: boolean;
  /** The address workers connect to (`address` option, default `127.0.0.1`). */
  readonly address: string;
  /** The batch scheduler its provider drives, if any. */
  readonly scheduler: SchedulerName | undefined;
  /** Partition or queue of the provider. */
  readonly settings: SchedulerSettings;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? value as Record<string, unknown> : undefined;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Which scheduler a provider drives: by package (config files) or by label (instances). */
function schedulerOf(provider: Record<string, unknown> | undefined): SchedulerName | undefined {
  if (!provider) return undefined;
  const pkg = str(provider.package);
  if (pkg !== undefined) return PROVIDER_SCHEDULERS[pkg];
  const label = str(provider.label);
  if (label === 'slurm') return 'slurm';
  if (label === 'pbspro' || label === 'torque' || label === 'pbs') return 'pbs';
  return undefined;
}

/**
 * The executors of a config file (plugin entries) or a config module (instances).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * executorFacts({ executors: [{ package: '@parsl-ts/executor-htex', options: { provider: { package: '@parsl-ts/provider-slurm' } } }] });
 * ```
 */
export function executorFacts(raw: unknown): ExecutorFacts[] {
  const executors = record(raw)?.executors;
  if (!Array.isArray(executors)) return [];
  return executors.map((value, i) => {
    const executor = record(value) ?? {};
    const isEntry = typeof executor.package === 'string';
    const options = record(isEntry ? executor.options : executor.options) ?? {};
    const providerValue = record(isEntry ? options.provider : executor.provider);
    const providerOptions = record(providerValue?.package !== undefined ? providerValue.options : providerValue) ?? {};
    return {
      label: str(options.label) ?? str(executor.label) ?? `executors[${i}]`,
      hasProvider: providerValue !== undefined,
      address: str(options.address) ?? '127.0.0.1',
      scheduler: schedulerOf(providerValue),
      settings: { partition: str(providerOptions.partition), queue: str(providerOptions.queue) },
    };
  });
}

/**
 * Can the run directory be created and written? Removes what the check itself created.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * checkRunDir('/scratch/me/runinfo').status; // 'ok'
 * ```
 */
export function checkRunDir(runDir: string): Finding {
  // The folders to create, outermost first. Created one by one: a recursive mkdir under /proc
  // never returns on Node 20.
  const missing: string[] = [];
  for (let dir = runDir; !existsSync(dir) && dirname(dir) !== dir; dir = dirname(dir)) missing.unshift(dir);
  const created = missing[0];
  const probe = join(runDir, `.parsl-ts-doctor-${process.pid}`);
  try {
    for (const dir of missing) mkdirSync(dir);
    writeFileSync(probe, 'probe');
    rmSync(probe);
    return { code: DoctorCodes.Ok, status: 'ok', check: 'run-dir', message: `${runDir} is writable` };
  } catch (error) {
    return {
      code: DoctorCodes.RunDir, status: 'error', check: 'run-dir', message: `${runDir} cannot be written: ${(error as Error).message}`,
      hint: 'set "runDir" in the config to a folder you can write (on a cluster: a shared filesystem the workers see too)',
    };
  } finally {
    if (created !== undefined) rmSync(created, { recursive: true, force: true });
  }
}

function findConfig(cwd: string, given: string | undefined): string | undefined {
  if (given !== undefined) return resolve(cwd, given);
  return DEFAULT_CONFIG_FILES.map((f) => join(cwd, f)).find((f) => existsSync(f));
}

/**
 * Run every check and collect the findings (never throws for a problem it finds).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const report = await runDoctor({ config: 'parsl.config.json' });
 * process.exitCode = printFindings(report.findings);
 * ```
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  if (!hooksRegistered()) await import('../loader/register.js');
  const cwd = resolve(options.cwd ?? process.cwd());
  const timeoutMs = options.timeoutMs ?? 15_000;
  const findings: Finding[] = [];
  const { core, url, from } = await loadCore(cwd);
  const corePath = dirname(dirname(fileURLToPath(url)));
  findings.push({ code: DoctorCodes.Ok, status: 'ok', check: 'core', message: `@parsl-ts/core ${core.CORE_VERSION} at ${corePath}${from === 'cli' ? " (the CLI's own: the project has none)" : ''}` });

  findings.push(...checkPlugins(core, cwd, corePath));

  const configFile = findConfig(cwd, options.config);
  let raw: unknown;
  let runDir = resolve(cwd, 'runinfo');
  if (configFile === undefined) {
    findings.push({
      code: DoctorCodes.NoConfig, status: 'warning', check: 'config', message: `no config file given, and none of ${DEFAULT_CONFIG_FILES.join(', ')} in ${cwd}`,
      hint: 'pass the config: parsl-ts doctor my.config.json (only the environment was checked)',
    });
  } else {
    const result = await checkConfigFile(configFile);
    for (const p of result.problems) findings.push({ code: p.code, status: 'error', check: 'config', message: p.message, hint: p.hint });
    if (result.problems.length === 0 && result.summary) {
      const executors = result.summary.executors.map((e) => `${e.label} (${e.kind} from ${e.package})`).join(', ');
      findings.push({ code: DoctorCodes.Ok, status: 'ok', check: 'config', message: `${relative(cwd, configFile) || configFile} is valid: ${executors}` });
      runDir = resolve(cwd, String(result.summary.settings.runDir ?? 'runinfo'));
    }
    try {
      raw = await core.readConfigFile(configFile);
      const given = str(record(raw)?.runDir);
      if (given !== undefined) runDir = resolve(cwd, given);
    } catch {
      // already reported by the config check
    }
  }

  const executors = executorFacts(raw);
  const schedulers = new Map<SchedulerName, SchedulerSettings>();
  for (const e of executors) if (e.scheduler && !schedulers.has(e.scheduler)) schedulers.set(e.scheduler, e.settings);
  for (const s of options.schedulers ?? []) if (!schedulers.has(s)) schedulers.set(s, {});
  for (const [scheduler, settings] of schedulers) findings.push(...await checkScheduler(scheduler, settings, timeoutMs));

  for (const e of executors.filter((x) => x.hasProvider)) {
    findings.push(...await probeInterchange({
      label: e.label, address: e.address, remoteWorkers: e.scheduler !== undefined, timeoutMs,
      probeNode: options.probeNode && e.scheduler === 'slurm' ? { settings: e.settings } : undefined,
    }));
  }

  findings.push(checkRunDir(runDir));
  return { coreVersion: core.CORE_VERSION, config: configFile, findings };
}

/** Installed plugins support the installed core, and none brings its own copy of core. */
function checkPlugins(core: CoreModule, cwd: string, corePath: string): Finding[] {
  const cliDir = dirname(fileURLToPath(import.meta.url));
  const plugins = findInstalledPlugins([cwd, cliDir], core.CORE_VERSION);
  const findings: Finding[] = [];
  for (const p of plugins.filter((x) => x.compatible === false)) {
    findings.push({
      code: DoctorCodes.PluginIncompatible, status: 'warning', check: 'plugins',
      message: `${p.name}@${p.version} supports @parsl-ts/core ${p.coreRange}, but the installed core is ${core.CORE_VERSION}`,
      hint: `install a version of ${p.name} whose peer range includes ${core.CORE_VERSION} (npm install ${p.name}@latest), or remove it; a config that names it fails with PARSL_PLUGIN_INCOMPATIBLE`,
    });
  }
  // A plugin of the project that resolves another core than the project's brings a second copy
  // (an old npm layout, or core in its dependencies): two registries, instanceof failing.
  const projectCore = realpathOrSelf(corePath);
  for (const p of findInstalledPlugins([cwd], core.CORE_VERSION)) {
    const own = join(p.path, 'node_modules', '@parsl-ts', 'core');
    if (!existsSync(own) || realpathOrSelf(own) === projectCore) continue;
    findings.push({
      code: DoctorCodes.DuplicateCore, status: 'error', check: 'plugins',
      message: `${p.name} has its own copy of @parsl-ts/core (${realpathOrSelf(own)}), besides ${projectCore}`,
      hint: 'core must be installed once: make it a peer dependency of the plugin, reinstall (npm dedupe), and keep one core version in the project',
    });
  }
  if (findings.length === 0) {
    findings.push({
      code: DoctorCodes.Ok, status: 'ok', check: 'plugins',
      message: plugins.length === 0 ? 'no plugins installed' : `${plugins.length} installed, all support core ${core.CORE_VERSION}: ${plugins.map((p) => `${p.name}@${p.version}`).join(', ')}`,
    });
  }
  return findings;
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
