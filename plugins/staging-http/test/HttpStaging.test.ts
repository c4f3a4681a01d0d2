import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError, DependencyError, ErrorCodes, File, StagingError, app, instantiatePlugin, loadConfig, type DataFlowKernel,
} from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { HttpStaging, type HttpStagingOptions } from '@parsl-ts/staging-http';
import { randomData, refusedUrl, TestHttpServer } from './httpServer.js';

const server = new TestHttpServer();
let dir: string;
let dfk: DataFlowKernel | undefined;

beforeAll(async () => {
  await server.start();
  dir = mkdtempSync(join(tmpdir(), 'parsl-http-'));
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
});

async function start(options: HttpStagingOptions): Promise<DataFlowKernel> {
  dfk = await loadConfig({
    executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })],
    staging: [new HttpStaging(options)], runDir: join(dir, 'runinfo'),
  });
  return dfk;
}

/** Runs on a worker thread: the sha256 and size of its input, where it was, and its pid. */
const digest = app(async (o: { inputs: File[] }) => {
  const { readFileSync } = await import('node:fs');
  const { createHash } = await import('node:crypto');
  const bytes = readFileSync(o.inputs[0]!.filepath);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, localPath: o.inputs[0]!.localPath };
}, { ship: 'value' });

/** A dependant: any task that takes another's result. */
const identity = app((x: unknown) => x, { ship: 'value' });

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const failure = (p: PromiseLike<unknown>): Promise<unknown> => Promise.resolve(p).then(() => undefined, (e: unknown) => e);

describe.each(['in-task', 'separate-task'] as const)('HttpStaging, %s', (mode) => {
  it('stages a 3 MiB input in byte for byte, where the app finds it at its filepath', async () => {
    const bytes = randomData(3 * 1024 * 1024 + 17);
    const url = server.put(`big-${mode}.bin`, bytes);
    const k = await start({ mode });
    const f = digest({ inputs: [new File(url)] });
    const result = await f;
    expect(result).toMatchObject({ sha256: sha256(bytes), size: bytes.length });
    if (mode === 'separate-task') {
      // Downloaded on the submit side into the run's staging folder; a staging task of its own.
      expect(result.localPath).toBe(join(k.runDir, 'staging', String(f.tid), `big-${mode}.bin`));
      expect(existsSync(result.localPath!)).toBe(true);
      expect(k.counts()).toMatchObject({ submitted: 2, exec_done: 2 });
    } else {
      // Downloaded on the worker into the task's own working directory, removed afterwards.
      expect(result.localPath).toMatch(new RegExp(`/parsl-ts-task-${f.tid}-[^/]+/big-in-task\\.bin$`));
      expect(existsSync(result.localPath!)).toBe(false);
      expect(k.counts()).toMatchObject({ submitted: 1, exec_done: 1 });
    }
  });

  it('follows redirects, sends the configured headers, and a URL\'s user and password as Basic authentication', async () => {
    server.put(`private-${mode}.txt`, 'for your eyes only');
    await start({ mode, headers: { Authorization: 'Bearer let-me-in' } });
    expect((await digest({ inputs: [new File(server.url(`/private/private-${mode}.txt`))] })).size).toBe(18);
    server.put(`moved-${mode}.txt`, 'moved');
    expect((await digest({ inputs: [new File(server.url(`/redirect/moved-${mode}.txt`))] })).size).toBe(5);
    await dfk!.cleanup();
    await start({ mode });
    const withPassword = server.url(`/basic/private-${mode}.txt`).replace('http://', 'http://alice:s3cret@');
    expect((await digest({ inputs: [new File(withPassword)] })).size).toBe(18);
    const wrong = withPassword.replace('s3cret', 'guess');
    const error = await failure(digest({ inputs: [new File(wrong)] }));
    const staging = (mode === 'in-task' ? error : (error as DependencyError).rootCause) as StagingError;
    expect(staging.message).toContain('HTTP 401');
    expect(staging.message).toContain('alice:***@');
    expect(staging.message).not.toContain('guess');
  });

  it('a 404 is a StagingError naming the URL; the app\'s dependants fail with DependencyError', async () => {
    const k = await start({ mode });
    const url = server.url(`/files/nothing-${mode}.txt`);
    const f = digest({ inputs: [new File(url)] });
    const dependant = identity(f);
    const error = await failure(f);
    // In-task: the app fails with the StagingError; separate-task: its stage-in task does, and
    // the app fails with a DependencyError whose root cause is that StagingError.
    const staging = mode === 'in-task' ? error : (error as DependencyError).rootCause;
    if (mode === 'separate-task') expect(error).toBeInstanceOf(DependencyError);
    expect(staging).toBeInstanceOf(StagingError);
    expect((staging as StagingError).code).toBe(ErrorCodes.Staging);
    expect((staging as StagingError).url).toBe(url);
    expect((staging as StagingError).message).toBe(`staging ${url} failed: HTTP 404 Not Found`);
    expect((staging as StagingError).hint).toContain('no file at this URL');
    expect(await failure(dependant)).toBeInstanceOf(DependencyError);
    await k.waitForCurrentTasks({ timeoutMs: 10_000 });
  });

  it('a refused connection is a StagingError naming the URL', async () => {
    await start({ mode });
    const url = await refusedUrl(`/refused-${mode}.txt`);
    const error = await failure(digest({ inputs: [new File(url)] }));
    const staging = mode === 'in-task' ? error : (error as DependencyError).rootCause;
    expect(staging).toBeInstanceOf(StagingError);
    expect((staging as StagingError).message).toContain(url);
    expect((staging as StagingError).message).toContain('connection refused');
  });

  it('a 403 says so, and a server that goes silent is given up on after timeoutSeconds', async () => {
    await start({ mode, timeoutSeconds: 1 });
    const forbidden = await failure(digest({ inputs: [new File(server.url('/private/none.txt'))] }));
    const e403 = (mode === 'in-task' ? forbidden : (forbidden as DependencyError).rootCause) as StagingError;
    expect(e403.message).toContain('HTTP 403');
    expect(e403.hint).toContain('refused access');
    const started = Date.now();
    const stalled = await failure(digest({ inputs: [new File(server.url(`/stall/${mode}`))] }));
    const eStall = (mode === 'in-task' ? stalled : (stalled as DependencyError).rootCause) as StagingError;
    expect(eStall).toBeInstanceOf(StagingError);
    expect(eStall.message).toContain('sent nothing for 1 s');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('HttpStaging options', () => {
  it('stages only http and https inputs, never outputs', () => {
    const staging = new HttpStaging();
    expect(staging.canStageIn(new File('https://example.org/a'))).toBe(true);
    expect(staging.canStageIn(new File('http://example.org/a'))).toBe(true);
    expect(staging.canStageIn(new File('ftp://example.org/a'))).toBe(false);
    expect(staging.canStageOut(new File('https://example.org/a'))).toBe(false);
    expect(staging.name).toBe('http-in-task');
    expect(new HttpStaging({ mode: 'separate-task' }).name).toBe('http-separate-task');
  });

  it('rejects bad options with a ConfigError naming the option', () => {
    expect(() => new HttpStaging({ mode: 'sometimes' as never })).toThrow(ConfigError);
    expect(() => new HttpStaging({ timeoutSeconds: 0 })).toThrow(/timeoutSeconds/);
    expect(() => new HttpStaging({ colour: 'red' } as never)).toThrow(/unknown option "colour"/);
  });

  it('can be named by package, as in a config file', async () => {
    const staging = await instantiatePlugin<HttpStaging>({ package: '@parsl-ts/staging-http', options: { mode: 'separate-task' } }, 'staging');
    expect(staging).toBeInstanceOf(HttpStaging);
    expect(staging.name).toBe('http-separate-task');
  });
});
