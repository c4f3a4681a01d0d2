import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/**
 * SHA-256 of a string, hex.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * sha256('x'); // '2d711642...'
 * ```
 */
export function sha256(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

const moduleHashes = new Map<string, Promise<string>>();

/**
 * SHA-256 of a module's source file (cached per URL for the life of the process). Non-file URLs
 * hash the URL itself: there is no file to compare.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * await moduleSourceHash(import.meta.url);
 * ```
 */
export function moduleSourceHash(moduleUrl: string): Promise<string> {
  let hash = moduleHashes.get(moduleUrl);
  if (!hash) {
    hash = moduleUrl.startsWith('file:')
      ? readFile(fileURLToPath(moduleUrl)).then((bytes) => sha256(bytes))
      : Promise.resolve(sha256(moduleUrl));
    moduleHashes.set(moduleUrl, hash);
  }
  return hash;
}
