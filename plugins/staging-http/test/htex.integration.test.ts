/**
 * In-task staging through the HighThroughputExecutor: the steps travel with the task to a worker
 * process started by a LocalProvider block, which imports the staging plugins' worker entries,
 * downloads (HTTP, FTP), runs the app and writes the output into a zip archive.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DependencyError, File, StagingError, app, loadConfig, type DataFlowKernel } from '@parsl-ts/core';
import { HighThroughputExecutor } from '@parsl-ts/executor-htex';
import { LocalProvider } from '@parsl-ts/provider-local';
import { FtpStaging } from '@parsl-ts/staging-ftp';
import { HttpStaging } from '@parsl-ts/staging-http';
import { ZipStaging } from '@parsl-ts/staging-zip';
import { startVsftpd, type FtpServer } from '../../staging-ftp/test/vsftpd.js';
import { TestHttpServer } from './httpServer.js';

const http = new TestHttpServer();
let ftp: FtpServer;
let dir: string;
let dfk: DataFlowKernel;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parsl-staging-htex-'));
  await http.start();
  mkdirSync(join(dir, 'ftp-root', 'pub'), { recursive: true });
  ftp = await startVsftpd(join(dir, 'ftp-root'));
  const htex = new HighThroughputExecutor({
    label: 'htex', maxWorkersPerNode: 2, provider: new LocalProvider({ initBlocks: 1, minBlocks: 1, maxBlocks: 1 }),
  });
  dfk = await loadConfig({
    executors: [htex], staging: [new HttpStaging(), new FtpStaging(), new ZipStaging()],
    runDir: join(dir, 'runinfo'), strategy: 'none',
  });
  // Fail here, clearly, if the block's workers never connect (rather than as a test timeout).
  for (const deadline = Date.now() + 30_000; htex.connectedWorkers === 0;) {
    if (Date.now() > deadline) throw new Error(`no HTEX worker connected within 30 s; see ${dfk.runDir}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);
afterAll(async () => {
  await dfk?.cleanup();
  await ftp?.stop();
  await http.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** On the worker: hashes of both inputs, where they were, and the worker's pid; writes both concatenated. */
const onWorker = app(async (o: { inputs: File[]; outputs: File[] }) => {
  const fs = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const bytes = o.inputs.map((f) => fs.readFileSync(f.filepath));
  fs.writeFileSync(o.outputs[0]!.filepath, Buffer.concat(bytes));
  return { pid: process.pid, hashes: bytes.map((b) => createHash('sha256').update(b).digest('hex')), paths: o.inputs.map((f) => f.filepath) };
}, { ship: 'value' });

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('in-task staging through HTEX', () => {
  it('stages in (HTTP, FTP) and out (zip) on the worker process, byte for byte', async () => {
    const a = randomBytes(300_000);
    const b = randomBytes(120_000);
    writeFileSync(join(dir, 'ftp-root', 'pub', 'b.bin'), b);
    const archive = join(dir, 'out.zip');
    const before = dfk.counts().submitted;
    const f = onWorker({
      inputs: [new File(http.put('a.bin', a)), new File(ftp.url('/pub/b.bin'))],
      outputs: [new File(`zip://${archive}/ab.bin`)],
    });
    const result = await f;
    await f.outputs[0];
    // The app ran in a worker process, where the inputs had been downloaded into the task's own folder.
    expect(result.pid).not.toBe(process.pid);
    expect(result.hashes).toEqual([sha256(a), sha256(b)]);
    for (const path of result.paths) expect(path).toMatch(new RegExp(`/parsl-ts-task-${f.tid}-[^/]+/`));
    // No staging task on the submit side: the steps travelled with the task.
    expect(dfk.counts().submitted - before).toBe(1);
    const entry = execFileSync('python3', ['-c', 'import sys, zipfile\nsys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("ab.bin"))', archive], { maxBuffer: 8 * 1024 * 1024 });
    expect(entry.equals(Buffer.concat([a, b]))).toBe(true);
  });

  it('a 404 on the worker comes back as a StagingError naming the URL; a dependant fails with DependencyError', async () => {
    const url = http.url('/files/not-there.bin');
    const f = onWorker({ inputs: [new File(url)], outputs: [new File(`zip://${join(dir, 'never.zip')}/x`)] });
    const after = onWorker({ inputs: [f.outputs[0]!], outputs: [new File(join(dir, 'never-2.bin'))] });
    const error = await f.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(StagingError);
    expect((error as StagingError).url).toBe(url);
    expect((error as StagingError).message).toBe(`staging ${url} failed: HTTP 404 Not Found`);
    expect((error as StagingError).remoteStack).toContain('download');
    expect(await after.then(() => undefined, (e: unknown) => e)).toBeInstanceOf(DependencyError);
  });
});
