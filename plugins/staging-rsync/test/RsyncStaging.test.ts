import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError, DependencyError, ErrorCodes, File, StagingError, app, loadConfig, type DataFlowKernel,
} from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { RsyncStaging, parseRsyncUrl, rsyncCommand, runRsync, type RsyncStagingOptions } from '@parsl-ts/staging-rsync';
import { startSshd, type SshServer } from './sshd.js';

let dir: string;
let sshd: SshServer;
let dfk: DataFlowKernel | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parsl-rsync-'));
  execFileSync('rsync', ['--version']); // the tests need the real program: fail loudly when it is missing
  sshd = await startSshd(join(dir, 'sshd'));
});
afterAll(async () => {
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
});

async function start(options: RsyncStagingOptions): Promise<DataFlowKernel> {
  dfk = await loadConfig({
    executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })],
    staging: [new RsyncStaging(options)], runDir: join(dir, 'runinfo'),
  });
  return dfk;
}

/** Reverses the bytes of its input into its output, on a worker thread. */
const reverse = app(async (o: { inputs: File[]; outputs: File[] }) => {
  const fs = await import('node:fs');
  fs.writeFileSync(o.outputs[0]!.filepath, Buffer.from(fs.readFileSync(o.inputs[0]!.filepath)).reverse());
  return [o.inputs[0]!.localPath, o.outputs[0]!.localPath];
}, { ship: 'value' });
const identity = app((x: unknown) => x, { ship: 'value' });
const failure = (p: PromiseLike<unknown>): Promise<unknown> => Promise.resolve(p).then(() => undefined, (e: unknown) => e);
const stagingErrorOf = (error: unknown): StagingError => (error instanceof DependencyError ? error.rootCause : error) as StagingError;

describe('rsync command lines', () => {
  it('reads rsync:// URLs: a local path, or [user@]host[:port] over ssh', () => {
    expect(parseRsyncUrl('rsync:///data/in.txt')).toEqual({ host: undefined, port: undefined, path: '/data/in.txt' });
    expect(parseRsyncUrl('rsync://me@hpc.example.org:2222/scratch/a%20b.txt')).toEqual({ host: 'me@hpc.example.org', port: 2222, path: '/scratch/a b.txt' });
    expect(() => parseRsyncUrl('rsync://host/')).toThrow(ConfigError);
  });

  it('builds the command: archive mode, an I/O timeout, --mkpath for outputs, ssh in batch mode with port, key and options', () => {
    expect(rsyncCommand('in', 'rsync:///data/in.txt', '/tmp/t/in.txt', {}))
      .toEqual(['rsync', '--archive', '--timeout=60', '/data/in.txt', '/tmp/t/in.txt']);
    expect(rsyncCommand('out', 'rsync://me@hpc:2222/scratch/out.txt', '/tmp/t/out.txt', {
      timeoutSeconds: 5, identityFile: '/keys/my key', sshOptions: ['-o', "ProxyCommand=nc %h it's"], rsyncOptions: ['-z'],
    })).toEqual([
      'rsync', '-z', '--timeout=5', '--mkpath',
      '-e', "ssh -o BatchMode=yes -o ConnectTimeout=5 -p 2222 -i '/keys/my key' -o 'ProxyCommand=nc %h it''s'",
      '/tmp/t/out.txt', 'me@hpc:/scratch/out.txt',
    ]);
  });
});

describe.each(['in-task', 'separate-task'] as const)('RsyncStaging with the real rsync, %s', (mode) => {
  it('stages an input in and an output out to a local path, byte for byte, creating missing folders', async () => {
    const data = randomBytes(512 * 1024);
    const src = join(dir, `src-${mode}`);
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'in.bin'), data);
    const dest = join(dir, `dest-${mode}`, 'deeper', 'out.bin');
    const k = await start({ mode });
    const f = reverse({ inputs: [new File(`rsync://${join(src, 'in.bin')}`)], outputs: [new File(`rsync://${dest}`)] });
    const [inPath, outPath] = await f;
    await f.outputs[0];
    expect(readFileSync(dest).equals(Buffer.from(data).reverse())).toBe(true);
    if (mode === 'separate-task') {
      expect(inPath).toBe(join(k.runDir, 'staging', String(f.tid), 'in.bin'));
      expect(outPath).toBe(join(k.runDir, 'staging', String(f.tid), 'out.bin'));
      expect(k.counts()).toMatchObject({ submitted: 3, exec_done: 3 });
    } else {
      expect(existsSync(inPath!)).toBe(false); // the worker's task folder is gone
      expect(k.counts()).toMatchObject({ submitted: 1, exec_done: 1 });
    }
  });

  it('stages in and out over ssh to a real sshd on 127.0.0.1 (host:path)', async () => {
    const data = randomBytes(100 * 1024);
    const remoteDir = join(dir, `remote-${mode}`);
    mkdirSync(remoteDir, { recursive: true });
    writeFileSync(join(remoteDir, 'in.bin'), data);
    const at = `rsync://${sshd.user}@127.0.0.1:${sshd.port}`;
    await start({ mode, identityFile: sshd.identityFile, sshOptions: sshd.sshOptions, timeoutSeconds: 20 });
    const f = reverse({ inputs: [new File(`${at}${join(remoteDir, 'in.bin')}`)], outputs: [new File(`${at}${join(remoteDir, 'out', 'out.bin')}`)] });
    await f;
    await f.outputs[0];
    expect(readFileSync(join(remoteDir, 'out', 'out.bin')).equals(Buffer.from(data).reverse())).toBe(true);
  });

  it('a missing source is a StagingError naming the URL; dependants fail with DependencyError', async () => {
    const k = await start({ mode });
    const url = `rsync://${join(dir, 'no-such-dir', `missing-${mode}.txt`)}`;
    const f = reverse({ inputs: [new File(url)], outputs: [new File(join(dir, `never-${mode}.txt`))] });
    const dependant = identity(f.outputs[0]!);
    const error = await failure(f);
    const staging = stagingErrorOf(error);
    expect(staging).toBeInstanceOf(StagingError);
    expect(staging.code).toBe(ErrorCodes.Staging);
    expect(staging.url).toBe(url);
    expect(staging.message).toContain(`staging ${url} failed: rsync exited with code 23 (a file is missing)`);
    expect(staging.message).toContain('No such file or directory');
    expect(await failure(dependant)).toBeInstanceOf(DependencyError);
    await k.waitForCurrentTasks({ timeoutMs: 10_000 });
  });

  it('a key sshd does not accept (permission denied) and a refused connection are StagingErrors naming the URL', async () => {
    writeFileSync(join(dir, `ssh-src-${mode}.txt`), 'x');
    await start({ mode, identityFile: sshd.wrongIdentityFile, sshOptions: sshd.sshOptions, timeoutSeconds: 10 });
    const denied = `rsync://${sshd.user}@127.0.0.1:${sshd.port}${join(dir, `ssh-src-${mode}.txt`)}`;
    const e1 = stagingErrorOf(await failure(reverse({ inputs: [new File(denied)], outputs: [new File(join(dir, 'never.txt'))] })));
    expect(e1).toBeInstanceOf(StagingError);
    expect(e1.url).toBe(denied);
    expect(e1.message).toContain('ssh could not connect');
    expect(e1.message).toContain('Permission denied (publickey)');
    const refused = `rsync://${sshd.user}@127.0.0.1:${await closedPort()}${join(dir, `ssh-src-${mode}.txt`)}`;
    const e2 = stagingErrorOf(await failure(reverse({ inputs: [new File(refused)], outputs: [new File(join(dir, 'never.txt'))] })));
    expect(e2.url).toBe(refused);
    expect(e2.message).toContain('Connection refused');
    expect(e2.hint).toContain('ssh <host>');
  });
});

describe('runRsync', () => {
  it('says so when the rsync program cannot be run', async () => {
    const error = await failure(runRsync('in', 'rsync:///etc/hostname', join(dir, 'h'), { rsync: join(dir, 'no-rsync-here') }));
    expect(error).toBeInstanceOf(StagingError);
    expect((error as StagingError).message).toContain('cannot run');
    expect((error as StagingError).hint).toContain('install rsync');
  });

  it('stops rsync when aborted, and rejects once it has exited', async () => {
    // A transfer that waits on ssh forever: a server that accepts and never answers.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const controller = new AbortController();
    const pending = failure(runRsync('in', `rsync://x@127.0.0.1:${port}/tmp/x`, join(dir, 'never'), { timeoutSeconds: 60 }, controller.signal));
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    controller.abort();
    const error = await pending;
    expect(Date.now() - started).toBeLessThan(5000);
    expect((error as StagingError).message).toContain('rsync was stopped');
    silent.close();
  });
});

describe('RsyncStaging options', () => {
  it('stages rsync:// both ways and rejects bad options', () => {
    const staging = new RsyncStaging();
    expect(staging.canStageIn(new File('rsync:///a'))).toBe(true);
    expect(staging.canStageOut(new File('rsync://h/a'))).toBe(true);
    expect(staging.canStageIn(new File('/a'))).toBe(false);
    expect(() => new RsyncStaging({ timeoutSeconds: 1.5 })).toThrow(ConfigError);
    expect(() => new RsyncStaging({ sshOptions: '-v' as never })).toThrow(/list of strings/);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
