import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError, DependencyError, ErrorCodes, File, StagingError, app, loadConfig, type DataFlowKernel,
} from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { FtpStaging, ftpDownload, type FtpStagingOptions } from '@parsl-ts/staging-ftp';
import { startVsftpd, type FtpServer } from './vsftpd.js';

let dir: string;
let ftp: FtpServer;
let dfk: DataFlowKernel | undefined;
const binary = randomBytes(2 * 1024 * 1024 + 3);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parsl-ftp-'));
  const root = join(dir, 'ftp-root');
  mkdirSync(join(root, 'pub'), { recursive: true });
  writeFileSync(join(root, 'pub', 'data.bin'), binary);
  writeFileSync(join(root, 'pub', 'hello.txt'), 'hello over ftp\n');
  writeFileSync(join(root, 'pub', 'secret.txt'), 'not for anonymous');
  chmodSync(join(root, 'pub', 'secret.txt'), 0o600);
  chmodSync(join(root, 'pub'), 0o755);
  ftp = await startVsftpd(root);
});
afterAll(async () => {
  await ftp?.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
});

async function start(options: FtpStagingOptions): Promise<DataFlowKernel> {
  dfk = await loadConfig({
    executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })],
    staging: [new FtpStaging(options)], runDir: join(dir, 'runinfo'),
  });
  return dfk;
}

const digest = app(async (o: { inputs: File[] }) => {
  const { readFileSync } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const bytes = readFileSync(o.inputs[0]!.filepath);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, localPath: o.inputs[0]!.localPath };
}, { ship: 'value' });
const identity = app((x: unknown) => x, { ship: 'value' });
const failure = (p: PromiseLike<unknown>): Promise<unknown> => Promise.resolve(p).then(() => undefined, (e: unknown) => e);
/** The StagingError behind a failed app: its own error in-task, the root cause of its DependencyError separate-task. */
const stagingErrorOf = (error: unknown): StagingError => (error instanceof DependencyError ? error.rootCause : error) as StagingError;

describe.each(['in-task', 'separate-task'] as const)('FtpStaging against vsftpd, %s', (mode) => {
  it('stages a binary input in byte for byte', async () => {
    const k = await start({ mode });
    const f = digest({ inputs: [new File(ftp.url('/pub/data.bin'))] });
    const result = await f;
    expect(result.sha256).toBe(createHash('sha256').update(binary).digest('hex'));
    expect(result.size).toBe(binary.length);
    if (mode === 'separate-task') expect(result.localPath).toBe(join(k.runDir, 'staging', String(f.tid), 'data.bin'));
    else expect(existsSync(result.localPath!)).toBe(false); // the worker's task folder is gone
  });

  it('a missing file is a StagingError naming the URL with the server\'s 550; dependants fail with DependencyError', async () => {
    const k = await start({ mode });
    const url = ftp.url('/pub/missing.txt');
    const f = digest({ inputs: [new File(url)] });
    const dependant = identity(f);
    const error = await failure(f);
    if (mode === 'separate-task') expect(error).toBeInstanceOf(DependencyError);
    const staging = stagingErrorOf(error);
    expect(staging).toBeInstanceOf(StagingError);
    expect(staging.code).toBe(ErrorCodes.Staging);
    expect(staging.url).toBe(url);
    expect(staging.message).toMatch(new RegExp(`^staging ${url.replace(/[.]/g, '\\.')} failed: FTP 550 `));
    expect(staging.hint).toContain('no such file');
    expect(await failure(dependant)).toBeInstanceOf(DependencyError);
    await k.waitForCurrentTasks({ timeoutMs: 10_000 });
  });

  it('a file anonymous users may not read is a StagingError (permission), not a hang', async () => {
    await start({ mode });
    const url = ftp.url('/pub/secret.txt');
    const staging = stagingErrorOf(await failure(digest({ inputs: [new File(url)] })));
    expect(staging).toBeInstanceOf(StagingError);
    expect(staging.url).toBe(url);
    expect(staging.message).toContain('FTP 550');
    expect(staging.hint).toContain('may not read it');
  });

  it('a refused connection and a refused login are StagingErrors naming the URL (without the password)', async () => {
    await start({ mode });
    const port = await closedPort();
    const refused = `ftp://127.0.0.1:${port}/pub/hello.txt`;
    const e1 = stagingErrorOf(await failure(digest({ inputs: [new File(refused)] })));
    expect(e1.message).toContain(refused);
    expect(e1.message).toContain('connection refused');
    const e2 = stagingErrorOf(await failure(digest({ inputs: [new File(`ftp://alice:s3cret@127.0.0.1:${ftp.port}/pub/hello.txt`)] })));
    expect(e2).toBeInstanceOf(StagingError);
    expect(e2.message).toContain(`ftp://alice:***@127.0.0.1:${ftp.port}/pub/hello.txt`);
    expect(e2.message).not.toContain('s3cret');
    expect(e2.message).toContain('FTP login failed: 530');
  });
});

describe('ftpDownload', () => {
  it('leaves no partial file behind when the download fails', async () => {
    const target = join(dir, 'partial', 'x.txt');
    await expect(ftpDownload(ftp.url('/pub/missing.txt'), target)).rejects.toBeInstanceOf(StagingError);
    expect(existsSync(target)).toBe(false);
    await ftpDownload(ftp.url('/pub/hello.txt'), target);
    expect(existsSync(target)).toBe(true);
  });
});

describe('FtpStaging options', () => {
  it('stages only ftp inputs and rejects bad options', () => {
    const staging = new FtpStaging();
    expect(staging.canStageIn(new File('ftp://h/a'))).toBe(true);
    expect(staging.canStageIn(new File('https://h/a'))).toBe(false);
    expect(staging.canStageOut(new File('ftp://h/a'))).toBe(false);
    expect(() => new FtpStaging({ secure: 'maybe' as never })).toThrow(ConfigError);
    expect(() => new FtpStaging({ mode: 'later' as never })).toThrow(/mode/);
  });
});

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
