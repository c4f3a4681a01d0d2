/**
 * Opt-in usage tracking, against a real UDP listener on 127.0.0.1: off by default, the two
 * datagrams of a run with exactly the documented fields and nothing that names a path, an app,
 * an argument, a user or a host; a dead endpoint never blocks or fails a run.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BashExitFailure, CORE_VERSION, app, bashApp, configFromFile, failureKey, jsonSerializer, loadConfig, parseEndpoint, usageTrackingSettings,
  type Config, type DataFlowKernel,
} from '../src/index.js';
import { InProcessExecutor } from './helpers/InProcessExecutor.js';

let dir: string;
let listener: Socket;
let received: Record<string, unknown>[];
let endpoint: string;
let dfk: DataFlowKernel | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'parsl-usage-'));
  received = [];
  listener = createSocket('udp4');
  listener.on('message', (buffer) => received.push(JSON.parse(buffer.toString('utf8')) as Record<string, unknown>));
  await new Promise<void>((resolve) => listener.bind(0, '127.0.0.1', resolve));
  endpoint = `127.0.0.1:${listener.address().port}`;
  delete process.env.PARSL_TS_USAGE_TRACKING;
  delete process.env.PARSL_TS_USAGE_ENDPOINT;
});
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  listener.close();
  delete process.env.PARSL_TS_USAGE_TRACKING;
  delete process.env.PARSL_TS_USAGE_ENDPOINT;
  rmSync(dir, { recursive: true, force: true });
});

async function waitForMessages(count: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (received.length < count) {
    if (Date.now() > deadline) throw new Error(`got ${received.length} datagrams, expected ${count}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const secretArgument = 'argument-that-must-not-leave';
const echoSecret = app((text: string) => text.length, { name: 'app_name_that_must_not_leave' });
const failing = bashApp(() => 'exit 3', { name: 'failing_app' });
const dependant = app((n: number) => n + 1);

async function run(extra: Partial<Config>): Promise<void> {
  dfk = await loadConfig({ executors: [new InProcessExecutor('usage-exec')], serializer: jsonSerializer(), runDir: join(dir, 'runinfo-that-must-not-leave'), ...extra });
  expect(await echoSecret(secretArgument)).toBe(secretArgument.length);
  const failed = failing();
  await expect(failed).rejects.toBeInstanceOf(BashExitFailure);
  await expect(dependant(failed as unknown as number)).rejects.toThrow();
  await dfk.cleanup();
  dfk = undefined;
}

describe('usage tracking', () => {
  it('is off by default: nothing is sent, even with an endpoint in the environment', async () => {
    process.env.PARSL_TS_USAGE_ENDPOINT = endpoint;
    await run({});
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([]);
  });

  it('sends a start and an end datagram with exactly the documented fields', async () => {
    await run({ usageTracking: { endpoint } });
    await waitForMessages(2);
    const [start, end] = received;
    expect(Object.keys(start!).sort()).toEqual(['core', 'executors', 'id', 'node', 'platform', 'plugins', 'type', 'v']);
    expect(start).toMatchObject({ v: 1, type: 'start', core: CORE_VERSION, node: process.versions.node, platform: `${process.platform}-${process.arch}`, executors: ['in-process'] });
    expect(Object.keys(end!).sort()).toEqual(['failures', 'id', 'seconds', 'tasks', 'type', 'v']);
    expect(end).toMatchObject({ v: 1, type: 'end', id: start!.id, tasks: { submitted: 3, done: 1, failed: 1, depFail: 1 }, failures: { PARSL_BASH_EXIT: 1, DependencyError: 1 } });
    expect(typeof end!.seconds).toBe('number');
    // Never paths, names or arguments: nothing of the run's identity is in the bytes.
    const wire = JSON.stringify(received);
    for (const secret of [secretArgument, 'app_name_that_must_not_leave', 'failing_app', 'runinfo-that-must-not-leave', dir, hostname(), userInfo().username, 'usage-exec']) {
      expect(wire).not.toContain(secret);
    }
    expect(start!.id).not.toBe(undefined);
  });

  it('names first-party plugins with their versions, third-party ones only by kind', async () => {
    await run({ usageTracking: { endpoint } });
    await waitForMessages(1);
    const plugins = received[0]!.plugins as { package: string; version?: string; kind: string }[];
    for (const p of plugins) {
      if (p.package === 'third-party') expect(p.version).toBeUndefined();
      else expect(p.package).toMatch(/^@parsl-ts\//);
    }
  });

  it('PARSL_TS_USAGE_TRACKING turns it on (with PARSL_TS_USAGE_ENDPOINT) and off, whatever the config says', async () => {
    process.env.PARSL_TS_USAGE_TRACKING = '1';
    process.env.PARSL_TS_USAGE_ENDPOINT = endpoint;
    await run({});
    await waitForMessages(2);
    received = [];
    process.env.PARSL_TS_USAGE_TRACKING = '0';
    await run({ usageTracking: { endpoint } });
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([]);
  });

  it('a dead endpoint neither blocks nor fails a run', async () => {
    listener.close();
    listener = createSocket('udp4'); // closed again in afterEach
    const started = performance.now();
    // Nothing listens on the port any more: the kernel answers ICMP port unreachable.
    await run({ usageTracking: { endpoint } });
    // A name that does not resolve: the lookup fails asynchronously.
    await run({ usageTracking: { endpoint: 'no-such-host.invalid:50077' } });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('says in the run log that it is on, and where it sends', async () => {
    dfk = await loadConfig({ executors: [new InProcessExecutor()], serializer: jsonSerializer(), runDir: join(dir, 'runinfo'), usageTracking: { endpoint } });
    const log = join(dfk.runDir, 'parsl.log');
    await dfk.cleanup();
    dfk = undefined;
    expect(readFileSync(log, 'utf8')).toContain(`"endpoint":"${endpoint}"`);
  });

  it('is accepted in config files and refuses bad values with a coded error', async () => {
    const { writeFileSync } = await import('node:fs');
    const file = join(dir, 'parsl.config.json');
    writeFileSync(file, JSON.stringify({ usageTracking: { endpoint } }));
    expect((await configFromFile(file)).usageTracking).toEqual({ endpoint });
    writeFileSync(file, JSON.stringify({ usageTracking: 'yes' }));
    await expect(configFromFile(file)).rejects.toMatchObject({ code: 'PARSL_INVALID_CONFIG' });
    await expect(loadConfig({ executors: [new InProcessExecutor()], usageTracking: { endpoint: 'nowhere' } })).rejects.toMatchObject({ code: 'PARSL_INVALID_CONFIG' });
  });
});

describe('usage tracking helpers', () => {
  it('parseEndpoint', () => {
    expect(parseEndpoint('127.0.0.1:50077')).toEqual({ host: '127.0.0.1', port: 50077 });
    expect(parseEndpoint('[::1]:9')).toEqual({ host: '::1', port: 9 });
    expect(parseEndpoint('usage.example.org:1')).toEqual({ host: 'usage.example.org', port: 1 });
    expect(parseEndpoint('nohost')).toBeUndefined();
    expect(parseEndpoint('a:70000')).toBeUndefined();
  });

  it('usageTrackingSettings: off by default; the environment wins', () => {
    expect(usageTrackingSettings(undefined, {}).enabled).toBe(false);
    expect(usageTrackingSettings(true, {})).toEqual({ enabled: true, endpoint: undefined });
    expect(usageTrackingSettings(true, { PARSL_TS_USAGE_TRACKING: '0' }).enabled).toBe(false);
    expect(usageTrackingSettings(undefined, { PARSL_TS_USAGE_TRACKING: '1', PARSL_TS_USAGE_ENDPOINT: 'h:1' })).toEqual({ enabled: true, endpoint: { host: 'h', port: 1 } });
  });

  it('failureKey counts stable codes and core error classes, and nothing user-named', () => {
    expect(failureKey(new BashExitFailure('a', 1))).toBe('PARSL_BASH_EXIT');
    expect(failureKey(new RangeError('secret'))).toBe('other');
    expect(failureKey(Object.assign(new Error('x'), { code: 'MY_SECRET_CODE' }))).toBe('other');
    expect(failureKey(undefined)).toBe('other');
  });
});
