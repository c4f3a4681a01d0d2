import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, ParslError, type PluginManifest, type ProxyStore } from '@parsl-ts/core';
import { plugin } from './manifest.js';

/**
 * Options of {@link fileStore}. Plain data: they travel to workers in the store's descriptor.
 *
 * @since 0.1.0
 */
export interface FileStoreOptions {
  /**
   * The folder that holds the values, on a filesystem that the submit side and every worker
   * see at the same path (NFS, Lustre, GPFS, or a local disk when everything runs on one node).
   * Relative paths are resolved against the working directory when the store is created.
   */
  readonly dir: string;
}

/** Codes of this plugin's errors (documented in its README). */
export const FileStoreErrorCodes = {
  /** No value under the key: evicted, written to another folder, or the folder is not shared. */
  Missing: 'PARSL_STORE_FS_MISSING',
  /** The folder cannot be created or written. */
  Write: 'PARSL_STORE_FS_WRITE',
} as const;

const KEY = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;

/**
 * A {@link ProxyStore} whose values are files in a shared folder: `put` writes `<dir>/<key>`
 * (to a temporary name first, then renamed, so a reader never sees half a value), `get` reads
 * it, `evict` deletes it. Nothing but the filesystem is needed.
 *
 * @param options - see {@link FileStoreOptions}
 * @since 0.1.0
 * @example
 * ```ts
 * import { fileStore } from '@parsl-ts/store-fs';
 * const store = fileStore({ dir: '/shared/scratch/proxystore' });
 * ```
 */
export function fileStore(options: FileStoreOptions): ProxyStore {
  if (typeof options !== 'object' || options === null || typeof options.dir !== 'string' || options.dir.length === 0) {
    throw new ConfigError('fileStore needs a folder: { dir: "/shared/path" }', {
      path: 'store.options.dir', hint: 'give a folder that the workflow and every worker see at the same path',
    });
  }
  const unknown = Object.keys(options).filter((k) => k !== 'dir');
  if (unknown.length > 0) {
    throw new ConfigError(`fileStore has no option ${unknown.map((k) => `"${k}"`).join(', ')}`, { path: 'store.options', hint: 'the only option is dir' });
  }
  const dir = isAbsolute(options.dir) ? options.dir : resolve(options.dir);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (cause) {
    throw new ParslError(FileStoreErrorCodes.Write, `the file store cannot create its folder ${dir}: ${(cause as Error).message}`, {
      cause, hint: 'choose a writable folder on a shared filesystem',
    });
  }
  const pathOf = (key: string): string => {
    if (!KEY.test(key)) throw new TypeError(`file store keys are 1-200 characters of A-Z a-z 0-9 . _ - (got ${JSON.stringify(key)})`);
    return join(dir, key);
  };
  return Object.freeze({
    id: 'fs',
    descriptor: Object.freeze({ package: '@parsl-ts/store-fs', export: 'fileStore', options: Object.freeze({ dir }) }),
    get manifest(): PluginManifest {
      return plugin;
    },
    put(key: string, bytes: Uint8Array): void {
      const path = pathOf(key);
      const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
      try {
        writeFileSync(temporary, bytes);
        renameSync(temporary, path);
      } catch (cause) {
        try { unlinkSync(temporary); } catch { /* not created */ }
        throw new ParslError(FileStoreErrorCodes.Write, `the file store could not write ${path}: ${(cause as Error).message}`, {
          cause, hint: 'check that the folder is writable and the disk is not full',
        });
      }
    },
    get(key: string): Uint8Array {
      const path = pathOf(key);
      try {
        return readFileSync(path);
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
        throw new ParslError(FileStoreErrorCodes.Missing, `the file store has no value ${key} in ${dir}`, {
          cause, hint: `the value was evicted, or ${dir} is not the same folder here as where it was written: use a folder on a filesystem shared by the workflow and its workers`,
        });
      }
    },
    evict(key: string): void {
      try {
        unlinkSync(pathOf(key));
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw cause;
      }
    },
  } satisfies ProxyStore);
}
