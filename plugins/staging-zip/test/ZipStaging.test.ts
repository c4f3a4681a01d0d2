import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import AdmZip from 'adm-zip';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError, DependencyError, ErrorCodes, File, StagingError, app, loadConfig, type DataFlowKernel,
} from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { ZipStaging, addToZip, extractFromZip, parseZipUrl, type ZipStagingOptions } from '@parsl-ts/staging-zip';

let dir: string;
let dfk: DataFlowKernel | undefined;

beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-zip-')); });
afterAll(() => { rmSync(dir, { recursive: true, force: true }); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
});

async function start(options: ZipStagingOptions): Promise<DataFlowKernel> {
  dfk = await loadConfig({
    executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })],
    staging: [new ZipStaging(options)], runDir: join(dir, 'runinfo'),
  });
  return dfk;
}

/** Writes `hex` decoded to each of its outputs. */
const writeBytes = app(async (hex: string, o: { outputs: File[] }) => {
  const fs = await import('node:fs');
  for (const out of o.outputs) fs.writeFileSync(out.filepath, Buffer.from(hex, 'hex'));
}, { ship: 'value' });
const readText = app(async (o: { inputs: File[] }) => (await import('node:fs')).readFileSync(o.inputs[0]!.filepath, 'utf8'), { ship: 'value' });
const identity = app((x: unknown) => x, { ship: 'value' });
const failure = (p: PromiseLike<unknown>): Promise<unknown> => Promise.resolve(p).then(() => undefined, (e: unknown) => e);
const stagingErrorOf = (error: unknown): StagingError => (error instanceof DependencyError ? error.rootCause : error) as StagingError;

/** Python's zipfile, an independent implementation, checks the archive and lists it. */
function pythonZipCheck(archive: string): string[] {
  const out = execFileSync('python3', ['-c', 'import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint("\\n".join(sorted(z.namelist())))', archive]);
  return out.toString().trim().split('\n');
}

describe.each(['in-task', 'separate-task'] as const)('ZipStaging, %s', (mode) => {
  it('writes the outputs of many concurrent tasks into one archive, each byte for byte', async () => {
    const archive = join(dir, `many-${mode}`, 'results.zip');
    await start({ mode });
    const payloads = Array.from({ length: 12 }, (_, i) => randomBytes(1000 + i * 997));
    const futures = payloads.map((bytes, i) => writeBytes(bytes.toString('hex'), {
      outputs: [new File(`zip://${archive}/out/${i}.bin`), new File(`zip://${archive}/copies/${i}.bin`)],
    }));
    await Promise.all(futures.flatMap((f) => f.outputs));
    const zip = new AdmZip(archive);
    payloads.forEach((bytes, i) => {
      expect(zip.readFile(`out/${i}.bin`)!.equals(bytes)).toBe(true);
      expect(zip.readFile(`copies/${i}.bin`)!.equals(bytes)).toBe(true);
    });
    expect(pythonZipCheck(archive)).toHaveLength(24);
    expect(existsSync(`${archive}.lock`)).toBe(false);
  });

  it('stages inputs out of an archive written by another implementation (Python\'s zipfile)', async () => {
    const archive = join(dir, `python-${mode}.zip`);
    execFileSync('python3', ['-c', 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z: z.writestr("data/greeting.txt", "hello from python\\n" * 1000)', archive]);
    await start({ mode });
    expect(await readText({ inputs: [new File(`zip://${archive}/data/greeting.txt`)] })).toBe('hello from python\n'.repeat(1000));
  });

  it('a missing entry and a missing archive are StagingErrors naming the URL; dependants fail with DependencyError', async () => {
    const archive = join(dir, `inputs-${mode}.zip`);
    await addToZip(`zip://${archive}/present.txt`, writeTemp('present'));
    const k = await start({ mode });
    const missingEntry = `zip://${archive}/absent.txt`;
    const f = readText({ inputs: [new File(missingEntry)] });
    const dependant = identity(f);
    const error = stagingErrorOf(await failure(f));
    expect(error).toBeInstanceOf(StagingError);
    expect(error.code).toBe(ErrorCodes.Staging);
    expect(error.url).toBe(missingEntry);
    expect(error.message).toBe(`staging ${missingEntry} failed: ${archive} has no file absent.txt`);
    expect(await failure(dependant)).toBeInstanceOf(DependencyError);
    const missingArchive = `zip://${join(dir, 'nowhere.zip')}/x.txt`;
    const e2 = stagingErrorOf(await failure(readText({ inputs: [new File(missingArchive)] })));
    expect(e2.message).toContain(`staging ${missingArchive} failed: the archive ${join(dir, 'nowhere.zip')} does not exist`);
    await k.waitForCurrentTasks({ timeoutMs: 10_000 });
  });
});

describe('zip files', () => {
  it('reads zip:// URLs as Parsl does: the archive is the path up to the first .zip segment', () => {
    expect(parseZipUrl('zip:///data/run.zip/out/a.txt')).toEqual({ archive: '/data/run.zip', entry: 'out/a.txt' });
    expect(parseZipUrl('zip:///d/a.zip/b.zip/c')).toEqual({ archive: '/d/a.zip', entry: 'b.zip/c' });
    expect(() => parseZipUrl('zip://host/a.zip/x')).toThrow(ConfigError);
    expect(() => parseZipUrl('zip:///data/run.tar/x')).toThrow(/no path segment ending in .zip/);
    expect(() => parseZipUrl('zip:///data/run.zip/')).toThrow(/no file inside/);
  });

  it('replaces an entry of the same name, and refuses a file that is not a zip archive', async () => {
    const archive = join(dir, 'replace.zip');
    await addToZip(`zip://${archive}/a.txt`, writeTemp('first'));
    await addToZip(`zip://${archive}/a.txt`, writeTemp('second'));
    const target = join(dir, 'a-out.txt');
    await extractFromZip(`zip://${archive}/a.txt`, target);
    expect(readFileSync(target, 'utf8')).toBe('second');
    expect(pythonZipCheck(archive)).toEqual(['a.txt']);
    writeFileSync(join(dir, 'fake.zip'), 'not a zip at all');
    const error = await failure(extractFromZip(`zip://${join(dir, 'fake.zip')}/a.txt`, target));
    expect((error as StagingError).message).toContain('is not a readable zip archive');
  });

  it('takes over a lock left by a process that is gone, and gives up on a live one after lockTimeoutSeconds', async () => {
    const archive = join(dir, 'locked.zip');
    // A lock from a pid that does not run (pid_max is far below 2^22 + 12345 on Linux by default).
    writeFileSync(`${archive}.lock`, `${hostname()} 4206649 deadbeef`);
    await addToZip(`zip://${archive}/a.txt`, writeTemp('a'));
    expect(existsSync(`${archive}.lock`)).toBe(false);
    // A lock held by a live process (this one, under another token).
    writeFileSync(`${archive}.lock`, `${hostname()} ${process.pid} someone-else`);
    const started = Date.now();
    const error = await failure(addToZip(`zip://${archive}/b.txt`, writeTemp('b'), { lockTimeoutSeconds: 0.5 }));
    expect(Date.now() - started).toBeLessThan(3000);
    expect((error as StagingError).message).toContain('another writer held');
    expect(readFileSync(`${archive}.lock`, 'utf8')).toBe(`${hostname()} ${process.pid} someone-else`);
    rmSync(`${archive}.lock`);
  });

  it('rejects bad options', () => {
    expect(() => new ZipStaging({ lockTimeoutSeconds: -1 })).toThrow(ConfigError);
    expect(new ZipStaging().canStageOut(new File('zip:///a.zip/b'))).toBe(true);
    expect(new ZipStaging().canStageIn(new File('https://h/a.zip'))).toBe(false);
  });
});

let temps = 0;
function writeTemp(text: string): string {
  const path = join(dir, 'temps', `${temps++}.txt`);
  mkdirSync(join(dir, 'temps'), { recursive: true });
  writeFileSync(path, text);
  return path;
}
