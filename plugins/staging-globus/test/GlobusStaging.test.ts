import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigError, DependencyError, ErrorCodes, File, StagingError, app, loadConfig, type DataFlowKernel,
} from '@parsl-ts/core';
import { ThreadPoolExecutor } from '@parsl-ts/executor-threads';
import { GlobusStaging, TRANSFER_SCOPE, type GlobusStagingOptions } from '@parsl-ts/staging-globus';
import { GlobusTransferDouble } from './support/GlobusTransferDouble.js';

const LOCAL = 'ddb59aef-6d04-11e5-ba46-22000b92c6ec';
const REMOTE = 'ddb59af0-6d04-11e5-ba46-22000b92c6ec';
const SHARED = '4f1ab59c-1b0c-4a8d-9d3a-1b2c3d4e5f60';
const DENIED = '9a8b7c6d-0000-4000-8000-00000000dead';
const UNKNOWN = '00000000-1111-4222-8333-444444444444';

const globus = new GlobusTransferDouble();
let dir: string;
let remoteRoot: string;
let dfk: DataFlowKernel | undefined;
const saved = { transfer: process.env.GLOBUS_SDK_SERVICE_URL_TRANSFER, auth: process.env.GLOBUS_SDK_SERVICE_URL_AUTH };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parsl-globus-'));
  remoteRoot = join(dir, 'remote-collection');
  mkdirSync(remoteRoot);
  await globus.start();
  // The SDK's documented way to point a service at another base URL.
  process.env.GLOBUS_SDK_SERVICE_URL_TRANSFER = globus.url;
  process.env.GLOBUS_SDK_SERVICE_URL_AUTH = globus.url;
  globus.endpoints.set(LOCAL, { root: '/' });
  globus.endpoints.set(REMOTE, { root: remoteRoot });
  globus.endpoints.set(SHARED, { root: join(dir, 'shared') });
  globus.endpoints.set(DENIED, { root: join(dir, 'denied'), denied: true });
  globus.clients.set('client-1', 'secret-1');
});
afterAll(async () => {
  await globus.stop();
  process.env.GLOBUS_SDK_SERVICE_URL_TRANSFER = saved.transfer;
  process.env.GLOBUS_SDK_SERVICE_URL_AUTH = saved.auth;
  if (saved.transfer === undefined) delete process.env.GLOBUS_SDK_SERVICE_URL_TRANSFER;
  if (saved.auth === undefined) delete process.env.GLOBUS_SDK_SERVICE_URL_AUTH;
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  globus.requests.length = 0;
  globus.transferDelayMs = 50;
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
});

const FAST = { pollIntervalSeconds: 0.05, maxPollIntervalSeconds: 0.2, retries: 2, requestTimeoutSeconds: 5 };

async function start(options: Partial<GlobusStagingOptions> = {}): Promise<DataFlowKernel> {
  dfk = await loadConfig({
    executors: [new ThreadPoolExecutor({ label: 'threads', maxThreads: 2 })],
    staging: [new GlobusStaging({ localEndpoint: LOCAL, clientId: 'client-1', clientSecret: 'secret-1', ...FAST, ...options })],
    runDir: join(dir, 'runinfo'),
  });
  return dfk;
}

/** Reverses its input's bytes into its output, on a worker thread. */
const reverse = app(async (o: { inputs: File[]; outputs: File[] }) => {
  const fs = await import('node:fs');
  fs.writeFileSync(o.outputs[0]!.filepath, Buffer.from(fs.readFileSync(o.inputs[0]!.filepath)).reverse());
  return o.inputs[0]!.localPath;
}, { ship: 'value' });
const identity = app((x: unknown) => x, { ship: 'value' });
const failure = (p: PromiseLike<unknown>): Promise<unknown> => Promise.resolve(p).then(() => undefined, (e: unknown) => e);
const rootCause = (error: unknown): StagingError => (error instanceof DependencyError ? error.rootCause : error) as StagingError;

function putRemote(path: string, bytes: Buffer): void {
  mkdirSync(join(remoteRoot, path, '..'), { recursive: true });
  writeFileSync(join(remoteRoot, path), bytes);
}

describe('GlobusStaging against the Transfer API double', () => {
  it('stages in and out with client credentials: a submission id, sync level and verify checksum per transfer, bytes intact', async () => {
    const data = randomBytes(256 * 1024);
    putRemote('in/data.bin', data);
    const k = await start();
    const f = reverse({ inputs: [new File(`globus://${REMOTE}/~/in/data.bin`)], outputs: [new File(`globus://${REMOTE}/~/out/result.bin`)] });
    const localPath = await f;
    await f.outputs[0];
    expect(readFileSync(join(remoteRoot, 'out', 'result.bin')).equals(Buffer.from(data).reverse())).toBe(true);
    expect(localPath).toBe(join(k.runDir, 'staging', String(f.tid), 'data.bin'));
    expect(k.counts()).toMatchObject({ submitted: 3, exec_done: 3 });

    // One client-credentials grant for the transfer scope, reused by every call.
    const grants = globus.seen('POST', '/v2/oauth2/token');
    expect(grants).toHaveLength(1);
    expect(grants[0]!.authorization).toBe(`Basic ${Buffer.from('client-1:secret-1').toString('base64')}`);
    expect(new URLSearchParams(grants[0]!.body as string).get('scope')).toBe(TRANSFER_SCOPE);
    const token = globus.issuedTokens.at(-1)!;
    expect(globus.requests.filter((r) => r.path.startsWith('/v0.10/')).every((r) => r.authorization === `Bearer ${token}`)).toBe(true);

    const submissionIds = globus.seen('GET', '/v0.10/submission_id');
    const transfers = globus.seen('POST', '/v0.10/transfer').map((r) => r.body as Record<string, unknown>);
    expect(submissionIds).toHaveLength(2);
    expect(transfers).toHaveLength(2);
    const [stageIn, stageOut] = transfers;
    expect(stageIn).toMatchObject({
      DATA_TYPE: 'transfer', source_endpoint: REMOTE, destination_endpoint: LOCAL, sync_level: 3, verify_checksum: true,
      label: `parsl-ts task ${f.tid} stage-in`,
      DATA: [{ DATA_TYPE: 'transfer_item', source_path: '/~/in/data.bin', destination_path: localPath, recursive: false }],
    });
    expect(stageOut).toMatchObject({
      source_endpoint: LOCAL, destination_endpoint: REMOTE,
      DATA: [{ DATA_TYPE: 'transfer_item', source_path: join(k.runDir, 'staging', String(f.tid), 'result.bin'), destination_path: '/~/out/result.bin' }],
    });
    expect(new Set(transfers.map((t) => t.submission_id)).size).toBe(2);
  });

  it('maps local paths to the local collection\'s names (localDir, localDirOnEndpoint) and passes the sync level chosen', async () => {
    putRemote('mapped.txt', Buffer.from('mapped'));
    const share = join(dir, 'shared');
    const k = await start({ localEndpoint: SHARED, localDir: join(share, 'work'), localDirOnEndpoint: '/~/work', syncLevel: 'size', verifyChecksum: false });
    const f = reverse({ inputs: [new File(`globus://${REMOTE}/mapped.txt`)], outputs: [new File(join(dir, 'mapped-out.txt'))] });
    expect(await f).toBe(join(share, 'work', String(f.tid), 'mapped.txt'));
    expect(readFileSync(join(dir, 'mapped-out.txt'), 'utf8')).toBe('deppam');
    expect(globus.seen('POST', '/v0.10/transfer')[0]!.body).toMatchObject({
      destination_endpoint: SHARED, sync_level: 1, verify_checksum: false,
      DATA: [{ destination_path: `/~/work/${f.tid}/mapped.txt` }],
    });
    void k;
  });

  it('a failed transfer is a StagingError naming the URL with Globus\'s fatal error; the app and its dependants fail with DependencyError', async () => {
    const k = await start();
    const url = `globus://${REMOTE}/~/in/missing.bin`;
    const f = reverse({ inputs: [new File(url)], outputs: [new File(`globus://${REMOTE}/~/out/never.bin`)] });
    const dependant = identity(f.outputs[0]!);
    const error = await failure(f);
    expect(error).toBeInstanceOf(DependencyError);
    const staging = rootCause(error);
    expect(staging).toBeInstanceOf(StagingError);
    expect(staging.code).toBe(ErrorCodes.Staging);
    expect(staging.url).toBe(url);
    expect(staging.message).toMatch(new RegExp(`^staging ${url} failed: Globus transfer task [0-9a-f-]+ failed: FILE_NOT_FOUND: No such file or directory: '/~/in/missing.bin'$`));
    expect(staging.hint).toContain('source file does not exist');
    expect(await failure(dependant)).toBeInstanceOf(DependencyError);
    await k.waitForCurrentTasks({ timeoutMs: 10_000 });
    // The stage-in failed; the app, its stage-out, the dependant's own stage-in of the output (a
    // remote file it takes as an argument) and the dependant failed with DependencyError.
    expect(k.counts()).toMatchObject({ submitted: 5, failed: 1, dep_fail: 4 });
  });

  it('a slow transfer is polled with a growing interval, not in a busy loop', async () => {
    putRemote('slow.bin', randomBytes(1000));
    globus.transferDelayMs = 1500;
    await start({ pollIntervalSeconds: 0.1, maxPollIntervalSeconds: 0.4 });
    await reverse({ inputs: [new File(`globus://${REMOTE}/slow.bin`)], outputs: [new File(join(dir, 'slow-out.bin'))] });
    const polls = globus.seen('GET', '/v0.10/task/').map((r) => r.time);
    // 1.5 s at 0.1, 0.15, 0.225, 0.3375, 0.4, 0.4, ... s: about 6 polls; a busy loop would make hundreds.
    expect(polls.length).toBeGreaterThanOrEqual(4);
    expect(polls.length).toBeLessThanOrEqual(10);
    const gaps = polls.slice(1).map((t, i) => t - polls[i]!);
    expect(gaps[0]!).toBeGreaterThanOrEqual(120);
    expect(gaps.at(-1)!).toBeGreaterThanOrEqual(350);
    expect(Math.max(...gaps)).toBeLessThan(1000);
  });

  it('a transfer that does not finish in time is cancelled and fails with a StagingError', async () => {
    putRemote('forever.bin', randomBytes(10));
    globus.transferDelayMs = 60_000;
    await start({ timeoutSeconds: 0.5 });
    const url = `globus://${REMOTE}/forever.bin`;
    const started = Date.now();
    const staging = rootCause(await failure(reverse({ inputs: [new File(url)], outputs: [new File(join(dir, 'x'))] })));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(staging.message).toMatch(/did not finish within 0\.5 s .*it was cancelled/);
    expect(globus.seen('POST', '/v0.10/task/')).toHaveLength(1);
    expect(globus.seen('POST', '/v0.10/task/')[0]!.path).toMatch(/\/cancel$/);
  });

  it('an endpoint that does not exist: a StagingError with Globus\'s EndpointNotFound', async () => {
    await start();
    const url = `globus://${UNKNOWN}/data.bin`;
    const staging = rootCause(await failure(reverse({ inputs: [new File(url)], outputs: [new File(join(dir, 'x'))] })));
    expect(staging.url).toBe(url);
    expect(staging.message).toContain(`Globus could not submit the transfer: EndpointNotFound: No such endpoint '${UNKNOWN}'`);
    expect(staging.hint).toContain('check the endpoint UUID');
  });

  it('no permission on an endpoint: a StagingError with Globus\'s PermissionDenied', async () => {
    await start();
    const url = `globus://${DENIED}/data.bin`;
    const staging = rootCause(await failure(reverse({ inputs: [new File(url)], outputs: [new File(join(dir, 'x'))] })));
    expect(staging.message).toContain('PermissionDenied: You do not have permission to use endpoint');
    expect(staging.hint).toContain('may not use this collection');
  });

  it('an expired user token: a StagingError saying the token was refused', async () => {
    putRemote('t.bin', randomBytes(10));
    const token = globus.issueToken();
    await start({ clientId: undefined, clientSecret: undefined, accessToken: token });
    await reverse({ inputs: [new File(`globus://${REMOTE}/t.bin`)], outputs: [new File(join(dir, 't-out.bin'))] });
    globus.expire(token);
    const staging = rootCause(await failure(reverse({ inputs: [new File(`globus://${REMOTE}/t.bin`)], outputs: [new File(join(dir, 't-out.bin'))] })));
    expect(staging.message).toContain('AuthenticationFailed: Token is not active');
    expect(staging.hint).toContain('access token expired');
  });

  it('renews an expired client-credentials token once, and says so when the client is refused', async () => {
    putRemote('r.bin', randomBytes(10));
    await start();
    await reverse({ inputs: [new File(`globus://${REMOTE}/r.bin`)], outputs: [new File(join(dir, 'r-out.bin'))] });
    globus.expire(globus.issuedTokens.at(-1)!);
    await reverse({ inputs: [new File(`globus://${REMOTE}/r.bin`)], outputs: [new File(join(dir, 'r-out.bin'))] });
    expect(globus.seen('POST', '/v2/oauth2/token')).toHaveLength(2);
    await dfk!.cleanup();
    await start({ clientSecret: 'wrong' });
    const staging = rootCause(await failure(reverse({ inputs: [new File(`globus://${REMOTE}/r.bin`)], outputs: [new File(join(dir, 'r-out.bin'))] })));
    expect(staging.message).toContain('Globus could not get a token from Globus Auth: invalid_client');
    expect(staging.hint).toContain('refused the credentials');
  });

  it('retries a submission Globus answers with 503, with the same submission id', async () => {
    putRemote('busy.bin', Buffer.from('busy'));
    globus.unavailableSubmissions = 1;
    await start();
    await reverse({ inputs: [new File(`globus://${REMOTE}/busy.bin`)], outputs: [new File(join(dir, 'busy-out.bin'))] });
    const submissions = globus.seen('POST', '/v0.10/transfer').map((r) => (r.body as { submission_id: string }).submission_id);
    expect(submissions).toHaveLength(2);
    expect(submissions[0]).toBe(submissions[1]);
    expect(readFileSync(join(dir, 'busy-out.bin'), 'utf8')).toBe('ysub');
  });

  it('cleanup() cancels a transfer in flight and does not wait for it', async () => {
    putRemote('long.bin', randomBytes(10));
    globus.transferDelayMs = 60_000;
    const k = await start();
    const f = reverse({ inputs: [new File(`globus://${REMOTE}/long.bin`)], outputs: [new File(join(dir, 'x'))] });
    for (let i = 0; i < 100 && globus.seen('GET', '/v0.10/task/').length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    await k.cleanup();
    dfk = undefined;
    expect(Date.now() - started).toBeLessThan(10_000);
    await expect(f).rejects.toThrow();
    expect(globus.seen('POST', '/v0.10/task/').some((r) => r.path.endsWith('/cancel'))).toBe(true);
  });
});

describe('GlobusStaging options', () => {
  it('needs a local endpoint UUID and credentials', () => {
    expect(() => new GlobusStaging({ localEndpoint: 'my-laptop', accessToken: 't' })).toThrow(ConfigError);
    const env = process.env.GLOBUS_ACCESS_TOKEN;
    delete process.env.GLOBUS_ACCESS_TOKEN;
    expect(() => new GlobusStaging({ localEndpoint: LOCAL })).toThrow(/needs credentials/);
    if (env !== undefined) process.env.GLOBUS_ACCESS_TOKEN = env;
    expect(() => new GlobusStaging({ localEndpoint: LOCAL, accessToken: 't', syncLevel: 'always' as never })).toThrow(/syncLevel/);
    const staging = new GlobusStaging({ localEndpoint: LOCAL, accessToken: 't' });
    expect(staging.canStageIn(new File(`globus://${REMOTE}/x`))).toBe(true);
    expect(staging.canStageOut(new File(`globus://${REMOTE}/x`))).toBe(true);
    expect(staging.canStageIn(new File('https://example.org/x'))).toBe(false);
  });
});
