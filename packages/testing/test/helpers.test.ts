import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { captureError, processesMatching, pseudoRandomBytes, uniqueMarker, waitUntil } from '../src/helpers.js';

describe('helpers', () => {
  it('captureError returns what was thrown or rejected, undefined on success', async () => {
    const thrown = new Error('sync');
    expect(await captureError(() => { throw thrown; })).toBe(thrown);
    expect(await captureError(() => Promise.reject(new RangeError('async')))).toBeInstanceOf(RangeError);
    expect(await captureError(() => 42)).toBeUndefined();
  });

  it('waitUntil is bounded: true once the condition holds, false after the timeout', async () => {
    let calls = 0;
    expect(await waitUntil(() => ++calls >= 3, 5_000, 1)).toBe(true);
    const started = Date.now();
    expect(await waitUntil(() => false, 100, 10)).toBe(false);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('processesMatching finds a process by a unique marker, and not after it ended', async () => {
    const marker = uniqueMarker('helpers');
    expect(marker).toMatch(/^parsl-ts-helpers-[0-9a-f]{32}$/);
    expect(processesMatching(marker)).toEqual([]);
    const child = spawn('/bin/bash', ['-c', `exec -a ${marker} sleep 30`], { stdio: 'ignore' });
    try {
      expect(await waitUntil(() => processesMatching(marker).includes(child.pid!), 10_000)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
    expect(await waitUntil(() => processesMatching(marker).length === 0, 10_000)).toBe(true);
  });

  it('pseudoRandomBytes is deterministic and not constant', () => {
    const a = pseudoRandomBytes(4096);
    expect(pseudoRandomBytes(4096)).toEqual(a);
    expect(new Set(a).size).toBeGreaterThan(200);
    expect(pseudoRandomBytes(16, 7)).not.toEqual(pseudoRandomBytes(16, 8));
  });

  it('the package exports the fixtures module, types first', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { exports: Record<string, Record<string, string> | string | null> };
    const entry = pkg.exports['./fixtures/reference-apps'] as Record<string, string>;
    expect(Object.keys(entry)[0]).toBe('types');
    expect(entry.import).toBe('./dist/fixtures/referenceApps.js');
    expect(pkg.exports['./internal/*']).toBeNull();
  });
});
