/**
 * The issue's workflow, against real servers started here: inputs from a node:http server and
 * from vsftpd, outputs out through the real rsync and into a zip archive, a second stage reading
 * one output back out of the archive; every result checked byte for byte. Staging modes are mixed
 * on purpose: HTTP in-task (on the worker), FTP separate-task (a staging task on the submit
 * side), rsync and zip in-task.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { File, app, loadConfig, type DataFlowKernel } from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { FtpStaging } from '@parsl-ts/staging-ftp';
import { HttpStaging } from '@parsl-ts/staging-http';
import { RsyncStaging } from '@parsl-ts/staging-rsync';
import { ZipStaging } from '@parsl-ts/staging-zip';
import { startVsftpd, type FtpServer } from '../../staging-ftp/test/vsftpd.js';
import { TestHttpServer } from './httpServer.js';

const http = new TestHttpServer();
let ftp: FtpServer;
let dir: string;
let dfk: DataFlowKernel;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parsl-staging-workflow-'));
  await http.start();
  mkdirSync(join(dir, 'ftp-root', 'pub'), { recursive: true });
  ftp = await startVsftpd(join(dir, 'ftp-root'));
  dfk = await loadConfig({
    executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })],
    staging: [new HttpStaging(), new FtpStaging({ mode: 'separate-task' }), new RsyncStaging(), new ZipStaging()],
    runDir: join(dir, 'runinfo'),
  });
});
afterAll(async () => {
  await dfk?.cleanup();
  await ftp?.stop();
  await http.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Interleaves its two inputs' bytes (a, b, a, b, ...) into each of its outputs. */
const interleave = app(async (o: { inputs: File[]; outputs: File[] }) => {
  const fs = await import('node:fs');
  const [a, b] = o.inputs.map((f) => fs.readFileSync(f.filepath));
  const out = Buffer.alloc(a!.length + b!.length);
  for (let i = 0, j = 0; i < Math.max(a!.length, b!.length); i++) {
    if (i < a!.length) out[j++] = a![i]!;
    if (i < b!.length) out[j++] = b![i]!;
  }
  for (const file of o.outputs) fs.writeFileSync(file.filepath, out);
  return out.length;
}, { ship: 'value' });

/** The sha256 of its input (read out of the zip archive by staging). */
const sha256Of = app(async (o: { inputs: File[] }) => {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update((await import('node:fs')).readFileSync(o.inputs[0]!.filepath)).digest('hex');
}, { ship: 'value' });

function interleaved(a: Buffer, b: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return Buffer.from(out);
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** An entry of a zip archive, read by Python's zipfile (an independent implementation). */
function zipEntry(archive: string, entry: string): Buffer {
  return execFileSync('python3', ['-c', 'import sys, zipfile\nsys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))', archive, entry], { maxBuffer: 64 * 1024 * 1024 });
}

describe('a staged workflow: HTTP and FTP in, rsync and zip out', () => {
  it('moves every byte where it belongs', async () => {
    const samples = 5;
    const archive = join(dir, 'results', 'all.zip');
    const expected: Buffer[] = [];
    const futures = [];
    for (let i = 0; i < samples; i++) {
      const fromHttp = randomBytes(200_000 + i * 1111);
      const fromFtp = randomBytes(150_000 + i * 777);
      writeFileSync(join(dir, 'ftp-root', 'pub', `part-${i}.bin`), fromFtp);
      expected.push(interleaved(fromHttp, fromFtp));
      futures.push(interleave({
        inputs: [new File(http.put(`part-${i}.bin`, fromHttp)), new File(ftp.url(`/pub/part-${i}.bin`))],
        outputs: [new File(`rsync://${join(dir, 'archive', `sample-${i}`, 'merged.bin')}`), new File(`zip://${archive}/merged/${i}.bin`)],
      }));
    }
    // A second stage reads each result back out of the zip archive.
    const checks = futures.map((f) => sha256Of({ inputs: [f.outputs[1]!] }));
    expect(await Promise.all(futures)).toEqual(expected.map((b) => b.length));
    expect(await Promise.all(checks)).toEqual(expected.map(sha256));
    await Promise.all(futures.flatMap((f) => f.outputs));
    for (let i = 0; i < samples; i++) {
      expect(readFileSync(join(dir, 'archive', `sample-${i}`, 'merged.bin')).equals(expected[i]!)).toBe(true);
      expect(zipEntry(archive, `merged/${i}.bin`).equals(expected[i]!)).toBe(true);
    }
    // FTP inputs came through staging tasks of their own; HTTP, rsync and zip ran in the tasks.
    const counts = dfk.counts();
    expect(counts.exec_done).toBe(counts.submitted);
    expect(counts.submitted).toBe(samples /* interleave */ + samples /* FTP stage-ins */ + samples /* sha256Of */);
    expect(http.requests.filter((r) => r.path.startsWith('/files/part-'))).toHaveLength(samples);
  });
});
