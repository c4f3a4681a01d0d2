import { ConfigError } from '@parsl-ts/core';

/**
 * What a `zip://` URL names: an archive on this filesystem and a path inside it.
 *
 * @since 0.1.0
 */
export interface ZipLocation {
  /** The archive's absolute path (the URL's path up to the first segment that ends in `.zip`). */
  readonly archive: string;
  /** The entry inside the archive (the rest of the path, without a leading slash). */
  readonly entry: string;
}

/**
 * Read a `zip:///abs/archive.zip/inner/path` URL, as Parsl's zip staging does: the archive is the
 * path up to the first segment ending in `.zip`, the entry is what follows.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * parseZipUrl('zip:///data/run-1.zip/out/a.txt'); // { archive: '/data/run-1.zip', entry: 'out/a.txt' }
 * ```
 */
export function parseZipUrl(url: string): ZipLocation {
  const parsed = new URL(url);
  const hint = 'write zip:///absolute/path/archive.zip/path/inside (three slashes)';
  if (parsed.protocol !== 'zip:') throw new ConfigError(`not a zip:// URL: ${url}`, { hint });
  if (parsed.host !== '') throw new ConfigError(`${url} names a host (${parsed.host}); zip archives are on this filesystem`, { hint });
  const segments = decodeURIComponent(parsed.pathname).split('/');
  const at = segments.findIndex((segment, i) => i > 0 && segment.toLowerCase().endsWith('.zip'));
  if (at < 0) throw new ConfigError(`${url} has no path segment ending in .zip`, { hint });
  const entry = segments.slice(at + 1).filter((s) => s !== '').join('/');
  if (entry === '' || segments.slice(at + 1).some((s) => s === '..' || s === '.')) {
    throw new ConfigError(`${url} names no file inside the archive`, { hint });
  }
  return { archive: segments.slice(0, at + 1).join('/'), entry };
}
