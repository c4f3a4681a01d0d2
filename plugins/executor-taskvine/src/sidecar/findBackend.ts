import { spawn } from 'node:child_process';
import { TaskVineError, TaskVineErrorCodes } from '../TaskVineError.js';
import type { Backend } from './protocol.js';

/** What `python3 parsl_ts_sidecar.py --probe` reports about one interpreter. */
export interface BackendProbe {
  /** The command that was run (as given or found on PATH). */
  readonly python: string;
  /** `sys.executable`, when the probe ran. */
  readonly executable?: string;
  /** Python version, when the probe ran. */
  readonly version?: string;
  /** Whether `ndcctools.taskvine` imports, and why not. */
  readonly taskvine: { readonly ok: boolean; readonly error?: string };
  /** Whether `work_queue` imports, and why not. */
  readonly workqueue: { readonly ok: boolean; readonly error?: string };
}

/** The backend chosen for an executor, and the interpreter that hosts it. */
export interface FoundBackend {
  readonly backend: Backend;
  readonly python: string;
  readonly probe: BackendProbe;
}

/** Interpreters tried when the executor's `python` option is not set, in order. */
export const DEFAULT_PYTHONS: readonly string[] = ['python3', '/usr/bin/python3'];

const PROBE_TIMEOUT_MS = 30_000;
const probes = new Map<string, Promise<BackendProbe>>();

/** Run the sidecar's `--probe` with one interpreter (cached per interpreter, script and PYTHONPATH). */
function probeInterpreter(python: string, sidecar: string, env: NodeJS.ProcessEnv): Promise<BackendProbe> {
  const cacheKey = `${python}\0${sidecar}\0${env.PYTHONPATH ?? ''}`;
  let pending = probes.get(cacheKey);
  if (pending) return pending;
  pending = new Promise<BackendProbe>((resolve) => {
    const missing = (error: string): BackendProbe => ({ python, taskvine: { ok: false, error }, workqueue: { ok: false, error } });
    let child;
    try {
      child = spawn(python, [sidecar, '--probe'], { stdio: ['ignore', 'pipe', 'pipe'], env });
    } catch (error) {
      resolve(missing(`cannot run ${python}: ${(error as Error).message}`));
      return;
    }
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { err += chunk.toString(); });
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(missing((error as NodeJS.ErrnoException).code === 'ENOENT' ? `${python} not found` : `cannot run ${python}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      try {
        const report = JSON.parse(out) as { executable: string; python: string; taskvine: BackendProbe['taskvine']; workqueue: BackendProbe['workqueue'] };
        resolve({ python, executable: report.executable, version: report.python, taskvine: report.taskvine, workqueue: report.workqueue });
      } catch {
        resolve(missing(`${python} ${sidecar} --probe failed (${signal ?? `exit code ${code}`}): ${err.trim().split('\n').slice(-3).join(' | ') || 'no output'}`));
      }
    });
  });
  probes.set(cacheKey, pending);
  return pending;
}

const INSTALL_TASKVINE = 'install TaskVine with `conda install -c conda-forge ndcctools` (it also gives vine_worker)';
const INSTALL_WORKQUEUE = 'install Work Queue: `apt-get install python3-workqueue coop-computing-tools` on Debian/Ubuntu (or ndcctools from conda)';

/**
 * Find a Python interpreter that can host the manager library: the one named by `python`, or the
 * first of {@link DEFAULT_PYTHONS} that works. With `backend: 'auto'`, TaskVine wins over Work
 * Queue. Throws `PARSL_TASKVINE_BACKEND_MISSING` naming every interpreter tried and what it lacked.
 */
export async function findBackend(options: {
  readonly backend: Backend | 'auto';
  readonly python?: string;
  readonly sidecar: string;
  readonly env: NodeJS.ProcessEnv;
}): Promise<FoundBackend> {
  const candidates = options.python !== undefined ? [options.python] : [...new Set([options.env.PARSL_TS_PYTHON, ...DEFAULT_PYTHONS].filter((p): p is string => !!p))];
  const reports: BackendProbe[] = [];
  for (const python of candidates) reports.push(await probeInterpreter(python, options.sidecar, options.env));
  const wanted: Backend[] = options.backend === 'auto' ? ['taskvine', 'workqueue'] : [options.backend];
  for (const backend of wanted) {
    const probe = reports.find((r) => r[backend].ok);
    if (probe) return { backend, python: probe.python, probe };
  }
  const tried = reports.map((r) => `${r.python}${r.executable ? ` (${r.executable}, Python ${r.version})` : ''}: ` +
    wanted.map((b) => `${b === 'taskvine' ? 'ndcctools.taskvine' : 'work_queue'}: ${r[b].error ?? 'not importable'}`).join('; ')).join(' | ');
  const what = options.backend === 'auto' ? 'the TaskVine or the Work Queue manager library' : options.backend === 'taskvine' ? 'TaskVine (ndcctools.taskvine)' : 'Work Queue (work_queue)';
  const install = options.backend === 'taskvine' ? INSTALL_TASKVINE : options.backend === 'workqueue' ? INSTALL_WORKQUEUE : `${INSTALL_TASKVINE}, or ${INSTALL_WORKQUEUE}`;
  throw new TaskVineError(TaskVineErrorCodes.BackendMissing, `no Python found here can import ${what}; tried ${tried}`, {
    hint: `${install}; or set the executor's python option (or PARSL_TS_PYTHON) to an interpreter that has it`,
  });
}
