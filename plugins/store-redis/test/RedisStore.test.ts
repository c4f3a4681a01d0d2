import { fileURLToPath } from 'node:url';
import { ConfigError, ParslError, importFrom, instantiatePlugin, type ProxyStore } from '@parsl-ts/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_REDIS_SERVER, plugin, redisStore, startLocalRedis, type LocalRedis } from '@parsl-ts/store-redis';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
let redis: LocalRedis | undefined;
let missing: string | undefined;

beforeAll(async () => {
  try {
    redis = await startLocalRedis();
  } catch (error) {
    // A missing redis-server skips these tests on a developer's machine and fails them in CI.
    if (!(error instanceof ParslError && error.code === NO_REDIS_SERVER) || process.env.CI === 'true') throw error;
    missing = error.message;
  }
}, 30_000);
afterAll(async () => { await redis?.stop(); });

describe('redisStore against a real redis-server', () => {
  it('puts, gets and evicts binary values synchronously', (context) => {
    if (missing) context.skip(missing);
    const store = redisStore({ host: redis!.host, port: redis!.port });
    try {
      const bytes = Buffer.from([0, 13, 10, 255, 36, 42]); // CR LF and $ inside the value
      store.put('bin', bytes);
      expect(Buffer.from(store.get('bin')).equals(bytes)).toBe(true);
      const large = Buffer.alloc(8 * 1024 * 1024, 3);
      large[large.length - 1] = 4;
      store.put('large', large);
      expect(Buffer.from(store.get('large')).equals(large)).toBe(true);
      store.put('empty', new Uint8Array(0));
      expect(store.get('empty').length).toBe(0);
      store.evict('bin');
      expect(() => store.get('bin')).toThrow(expect.objectContaining({ code: 'PARSL_STORE_REDIS_MISSING' }));
    } finally {
      store.close?.();
    }
  });

  it('expires values after ttlSeconds', async (context) => {
    if (missing) context.skip(missing);
    const store = redisStore({ host: redis!.host, port: redis!.port, ttlSeconds: 1, keyPrefix: 'ttl:' });
    try {
      store.put('short', Buffer.from('x'));
      expect(store.get('short').length).toBe(1);
      await new Promise((r) => setTimeout(r, 2200));
      expect(() => store.get('short')).toThrow(expect.objectContaining({ code: 'PARSL_STORE_REDIS_MISSING', hint: expect.stringContaining('expired') }));
    } finally {
      store.close?.();
    }
  });

  it('is re-created from its descriptor and sees the same values', async (context) => {
    if (missing) context.skip(missing);
    const store = redisStore({ host: redis!.host, port: redis!.port, db: 2 });
    const other = await instantiatePlugin<ProxyStore>(JSON.parse(JSON.stringify(store.descriptor)), 'store', (s) => importFrom(s, PACKAGE_DIR));
    try {
      store.put('shared', Buffer.from('same'));
      expect(Buffer.from(other.get('shared')).toString()).toBe('same');
    } finally {
      store.close?.();
      other.close?.();
    }
  });

  it('fails with PARSL_STORE_REDIS_UNAVAILABLE, bounded, when no server answers', async () => {
    const { createServer } = await import('node:net');
    const silent = createServer(() => { /* accepts, never answers */ });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const store = redisStore({ host: '127.0.0.1', port, timeoutMs: 300 });
    const started = Date.now();
    try {
      expect(() => store.get('x')).toThrow(expect.objectContaining({ code: 'PARSL_STORE_REDIS_UNAVAILABLE', message: expect.stringContaining('within 300 ms') }));
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      store.close?.();
      silent.close();
    }
    const refused = redisStore({ host: '127.0.0.1', port: 1, timeoutMs: 2000 });
    try {
      expect(() => refused.put('x', new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'PARSL_STORE_REDIS_UNAVAILABLE' }));
    } finally {
      refused.close?.();
    }
  });

  it('checks its options', () => {
    expect(() => redisStore({ port: 0 })).toThrow(ConfigError);
    expect(() => redisStore({ hots: 'x' } as never)).toThrow(/no option "hots"/);
    expect(plugin.kind).toBe('store');
  });
});
