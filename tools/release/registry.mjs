// A local npm registry (verdaccio) for release rehearsals and the end-to-end install test.
//
// verdaccio is ~300 packages, so it is kept out of the workspace: it is installed once into a
// side folder (default ~/.cache/parsl-ts/verdaccio-<version>, PARSL_TS_VERDACCIO_HOME to move it)
// and started from there with a config that has no uplinks (nothing is fetched from or leaked to
// another registry), lets anyone publish, and listens on 127.0.0.1 only.
//
// Plain Node ESM, no dependencies, no build.

import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** The verdaccio release that is known to work on Node 20 (see shared toolchain notes). */
export const VERDACCIO_VERSION = '6.8.0';

/**
 * The registry here serves only `latest` dist-tags; verdaccio-audit asks node-fetch for another
 * one, so it is pinned (npm's nested override syntax).
 */
const VERDACCIO_OVERRIDES = { 'verdaccio-audit': { 'node-fetch': '2.7.0' } };

/** Where verdaccio is installed (a side folder, never inside the workspace). */
export function verdaccioHome() {
  return process.env.PARSL_TS_VERDACCIO_HOME ?? join(homedir(), '.cache', 'parsl-ts', `verdaccio-${VERDACCIO_VERSION}`);
}

/** The verdaccio entry script inside `home`. */
function verdaccioBin(home) {
  return join(home, 'node_modules', 'verdaccio', 'bin', 'verdaccio');
}

/** Run a command with a time limit; rejects with its output on failure. */
export function run(command, args, { cwd, env, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: env ?? process.env, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const why = error.killed ? `timed out after ${timeoutMs} ms` : `exit code ${error.code}`;
        reject(Object.assign(new Error(`${command} ${args.join(' ')} failed (${why}) in ${cwd ?? process.cwd()}\n${tail(stdout)}\n${tail(stderr)}`), { stdout, stderr }));
      } else {
        resolve({ stdout, stderr });
      }
    });
  });
}

function tail(text, lines = 30) {
  return String(text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}

/**
 * Install verdaccio into its side folder unless it is there already; returns the folder.
 * The install goes to a fresh folder that is renamed into place, so two runs at once cannot
 * leave a half-installed copy behind.
 */
export async function ensureVerdaccio({ home = verdaccioHome(), timeoutMs = 240_000, log = () => {} } = {}) {
  if (existsSync(verdaccioBin(home))) return home;
  mkdirSync(dirname(home), { recursive: true });
  const staging = mkdtempSync(`${home}.installing-`);
  try {
    writeFileSync(join(staging, 'package.json'), `${JSON.stringify({
      name: 'parsl-ts-local-registry', private: true, description: 'verdaccio for parsl-ts release rehearsals (tools/release)',
      dependencies: { verdaccio: VERDACCIO_VERSION }, overrides: VERDACCIO_OVERRIDES,
    }, null, 2)}\n`);
    log(`installing verdaccio ${VERDACCIO_VERSION} into ${home} ...`);
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', '--loglevel=error'], { cwd: staging, timeoutMs });
    if (!existsSync(verdaccioBin(staging))) throw new Error(`npm install did not install verdaccio into ${staging}`);
    try {
      renameSync(staging, home);
    } catch (error) {
      // Another run finished first: use its copy.
      if (!existsSync(verdaccioBin(home))) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return home;
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The verdaccio config: no uplinks, anyone may read and publish, storage in `storage`. */
export function verdaccioConfig(storage) {
  return [
    `storage: ${JSON.stringify(storage)}`,
    'auth:',
    '  htpasswd:',
    `    file: ${JSON.stringify(join(storage, '..', 'htpasswd'))}`,
    '    max_users: -1',
    '# No uplinks: the registry serves only what was published to it.',
    'uplinks: {}',
    'packages:',
    "  '**':",
    '    access: $all',
    '    publish: $all',
    '    unpublish: $all',
    'log: { type: stdout, format: pretty, level: warn }',
    'publish:',
    '  allow_offline: true',
    '',
  ].join('\n');
}

/**
 * An npm userconfig for the registry at `url`: npm refuses to publish without a token, so a dummy
 * one is given for that host only. Scopes are passed on the command line by the callers.
 */
export function npmrcFor(url) {
  const host = url.replace(/^https?:/, '');
  return [`${host}:_authToken=dummy-token-for-local-registry`, 'fund=false', 'audit=false', 'update-notifier=false', ''].join('\n');
}

async function ping(url) {
  try {
    const response = await fetch(new URL('-/ping', url), { signal: AbortSignal.timeout(1000) });
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Start verdaccio on 127.0.0.1 with its storage in `dir` (a fresh temporary folder by default).
 * Resolves once it answers `/-/ping` (bounded by `startTimeoutMs`). The process runs in its own
 * process group; `stop()` ends it (SIGTERM, then SIGKILL after 5 s) and, for a temporary `dir`,
 * removes the storage. It is also killed if this process exits first.
 *
 * Returns `{ url, port, dir, npmrc, logFile, pid, stop }`; `npmrc` is a userconfig with the token.
 */
export async function startRegistry({ home = verdaccioHome(), dir, port, startTimeoutMs = 30_000 } = {}) {
  const temporary = dir === undefined;
  const root = dir ?? mkdtempSync(join(tmpdir(), 'parsl-ts-registry-'));
  const storage = join(root, 'storage');
  mkdirSync(storage, { recursive: true });
  const config = join(root, 'config.yaml');
  writeFileSync(config, verdaccioConfig(storage));
  const listenPort = port ?? await freePort();
  const url = `http://127.0.0.1:${listenPort}/`;
  const npmrc = join(root, 'npmrc');
  writeFileSync(npmrc, npmrcFor(url));
  const logFile = join(root, 'verdaccio.log');
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [verdaccioBin(home), '--config', config, '--listen', `127.0.0.1:${listenPort}`], {
    cwd: root, stdio: ['ignore', out, out], detached: true, env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  closeSync(out);
  let exited = false;
  const exitedPromise = new Promise((resolve) => child.once('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));
  const killGroup = (signal) => {
    if (exited) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    killGroup('SIGTERM');
    const timer = setTimeout(() => killGroup('SIGKILL'), 5000);
    await exitedPromise;
    clearTimeout(timer);
    if (temporary) rmSync(root, { recursive: true, force: true });
  };

  const deadline = Date.now() + startTimeoutMs;
  while (!(await ping(url))) {
    if (exited || Date.now() > deadline) {
      const why = exited ? 'verdaccio exited' : `verdaccio did not answer within ${startTimeoutMs} ms`;
      const log = existsSync(logFile) ? tail(readFileSync(logFile, 'utf8')) : '';
      await stop();
      throw new Error(`${why} (listening on ${url} was asked)\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, port: listenPort, dir: root, npmrc, logFile, pid: child.pid, stop };
}
