import { ConfigError, ParslError, type PluginManifest, type ProxyStore } from '@parsl-ts/core';
import { plugin } from './manifest.js';
import { RedisCommandError, SyncRedisClient } from './SyncRedisClient.js';

/**
 * Options of {@link redisStore}. Plain data: they travel to workers in the store's descriptor
 * (so is `password`: prefer a server reachable only from the cluster's network).
 *
 * @since 0.1.0
 */
export interface RedisStoreOptions {
  /** Host of the Redis server, reachable from the submit side and every worker. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port. Default 6379. */
  readonly port?: number;
  /** Database number. Default 0. */
  readonly db?: number;
  /** Password (Redis `AUTH`), if the server asks for one. */
  readonly password?: string;
  /** Prefix of every key this store writes. Default `parsl-ts:proxy:`. */
  readonly keyPrefix?: string;
  /** Values expire this many seconds after they were written (Redis `EX`); none by default. */
  readonly ttlSeconds?: number;
  /** Bound of every command (and of connecting), in milliseconds. Default 60000. */
  readonly timeoutMs?: number;
}

/** Codes of this plugin's errors (documented in its README). */
export const RedisStoreErrorCodes = {
  /** No value under the key: evicted, expired, or written to another server or database. */
  Missing: 'PARSL_STORE_REDIS_MISSING',
  /** The server could not be reached, refused a command, or did not answer in time. */
  Unavailable: 'PARSL_STORE_REDIS_UNAVAILABLE',
} as const;

/**
 * A {@link ProxyStore} in a Redis server: `put` is `SET` (with `EX` when `ttlSeconds` is set),
 * `get` is `GET`, `evict` is `DEL`. The commands are synchronous, as a serializer needs: each
 * runs on a helper thread that holds the connection, while the calling thread waits at most
 * `timeoutMs` (see the README for why). Values up to Redis's `proto-max-bulk-len` (512 MB by
 * default) fit.
 *
 * @param options - see {@link RedisStoreOptions}
 * @since 0.1.0
 * @example
 * ```ts
 * import { redisStore } from '@parsl-ts/store-redis';
 * const store = redisStore({ host: 'login1', port: 6379, ttlSeconds: 86_400 });
 * ```
 */
export function redisStore(options: RedisStoreOptions = {}): ProxyStore {
  const settings = validate(options);
  const client = new SyncRedisClient({
    host: settings.host, port: settings.port, db: settings.db, password: settings.password, timeoutMs: settings.timeoutMs,
  });
  const where = `${settings.host}:${settings.port}/${settings.db}`;
  const run = (args: (string | Uint8Array)[], key: string) => {
    try {
      return client.call(args);
    } catch (cause) {
      const reason = cause instanceof RedisCommandError ? cause.reason : 'connection';
      throw new ParslError(RedisStoreErrorCodes.Unavailable, `the Redis store at ${where} failed to ${String(args[0])} ${key}: ${(cause as Error).message}`, {
        cause,
        hint: reason === 'server'
          ? 'the server refused the command: check its password, maxmemory and proto-max-bulk-len (values above 512 MB need a higher one)'
          : `check that redis-server runs at ${settings.host}:${settings.port} and is reachable from this node${reason === 'timeout' ? ', or raise timeoutMs' : ''}`,
      });
    }
  };
  const descriptorOptions: Record<string, unknown> = { host: settings.host, port: settings.port, db: settings.db, keyPrefix: settings.keyPrefix, timeoutMs: settings.timeoutMs };
  if (settings.password !== undefined) descriptorOptions.password = settings.password;
  if (settings.ttlSeconds !== undefined) descriptorOptions.ttlSeconds = settings.ttlSeconds;
  return Object.freeze({
    id: 'redis',
    descriptor: Object.freeze({ package: '@parsl-ts/store-redis', export: 'redisStore', options: Object.freeze(descriptorOptions) }),
    get manifest(): PluginManifest {
      return plugin;
    },
    put(key: string, bytes: Uint8Array): void {
      const args: (string | Uint8Array)[] = ['SET', settings.keyPrefix + key, bytes];
      if (settings.ttlSeconds !== undefined) args.push('EX', String(settings.ttlSeconds));
      run(args, key);
    },
    get(key: string): Uint8Array {
      const reply = run(['GET', settings.keyPrefix + key], key);
      if (reply.kind === 'bulk') return reply.bytes;
      throw new ParslError(RedisStoreErrorCodes.Missing, `the Redis store at ${where} has no value ${settings.keyPrefix}${key}`, {
        hint: settings.ttlSeconds !== undefined
          ? `it expired (ttlSeconds is ${settings.ttlSeconds}) or was evicted: raise ttlSeconds above the time tasks wait in queues`
          : 'it was evicted (or the server restarted, or workers use another server or db): check that every node uses the same Redis',
      });
    },
    evict(key: string): void {
      run(['DEL', settings.keyPrefix + key], key);
    },
    close(): void {
      client.close();
    },
  } satisfies ProxyStore);
}

function validate(options: RedisStoreOptions): Required<Omit<RedisStoreOptions, 'password' | 'ttlSeconds'>> & Pick<RedisStoreOptions, 'password' | 'ttlSeconds'> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('redisStore options must be an object', { path: 'store.options' });
  const known = ['host', 'port', 'db', 'password', 'keyPrefix', 'ttlSeconds', 'timeoutMs'];
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new ConfigError(`redisStore has no option ${unknown.map((k) => `"${k}"`).join(', ')}`, { path: 'store.options', hint: `options are ${known.join(', ')}` });
  const whole = (name: string, value: unknown, min: number): void => {
    if (value !== undefined && (!Number.isInteger(value) || (value as number) < min)) {
      throw new ConfigError(`must be a whole number >= ${min}, got ${JSON.stringify(value)}`, { path: `store.options.${name}`, hint: `remove ${name} for the default` });
    }
  };
  whole('port', options.port, 1);
  whole('db', options.db, 0);
  whole('ttlSeconds', options.ttlSeconds, 1);
  whole('timeoutMs', options.timeoutMs, 1);
  if (options.host !== undefined && (typeof options.host !== 'string' || options.host.length === 0)) throw new ConfigError('must be a host name', { path: 'store.options.host' });
  if (options.keyPrefix !== undefined && typeof options.keyPrefix !== 'string') throw new ConfigError('must be a string', { path: 'store.options.keyPrefix' });
  if (options.password !== undefined && typeof options.password !== 'string') throw new ConfigError('must be a string', { path: 'store.options.password' });
  return {
    host: options.host ?? '127.0.0.1', port: options.port ?? 6379, db: options.db ?? 0, keyPrefix: options.keyPrefix ?? 'parsl-ts:proxy:',
    timeoutMs: options.timeoutMs ?? 60_000, password: options.password, ttlSeconds: options.ttlSeconds,
  };
}
