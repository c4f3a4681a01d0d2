import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** The package folder (this file is src/server/ or dist/server/ in it). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A file the server sends as it is. */
export interface StaticAsset {
  readonly body: Buffer;
  readonly gzipped: Buffer | undefined;
  readonly type: string;
  readonly etag: string;
  /** Third-party files whose name carries no version: cached for a day; ours are revalidated. */
  readonly maxAge: number;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function echartsFile(): string {
  // `require` resolves echarts to its UMD bundle, dist/echarts.js; the minified one sits next to it.
  return join(dirname(createRequire(import.meta.url).resolve('echarts')), 'echarts.min.js');
}

/**
 * Where each URL path of the UI comes from: the page and stylesheet from ui/, the compiled
 * scripts from dist/ui/, and the chart library from the installed `echarts` package — nothing
 * from the network.
 */
function resolvePath(path: string): string | undefined {
  if (path === '/' || path === '/index.html') return join(PACKAGE_ROOT, 'ui', 'index.html');
  if (path === '/app.css') return join(PACKAGE_ROOT, 'ui', 'app.css');
  if (path === '/favicon.svg') return join(PACKAGE_ROOT, 'ui', 'favicon.svg');
  if (path === '/vendor/echarts.min.js') return echartsFile();
  const script = /^\/js\/([a-zA-Z][\w-]*\.js)$/.exec(path);
  if (script) return join(PACKAGE_ROOT, 'dist', 'ui', script[1]!);
  return undefined;
}

/**
 * Serves the UI's files, read once and kept (with a gzipped copy) in memory; files that change on
 * disk (a rebuild while the server runs) are read again.
 */
export class StaticAssets {
  private readonly cache = new Map<string, { asset: StaticAsset; mtimeMs: number; size: number }>();

  /** The asset for a URL path, or undefined when there is none. */
  get(path: string): StaticAsset | undefined {
    const file = resolvePath(path);
    if (file === undefined) return undefined;
    let stat;
    try {
      stat = statSync(file);
    } catch {
      return undefined;
    }
    const hit = this.cache.get(file);
    if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.asset;
    const body = readFileSync(file);
    const extension = /\.[a-z]+$/.exec(file)?.[0] ?? '';
    const asset: StaticAsset = {
      body, gzipped: body.length > 1024 ? gzipSync(body, { level: 6 }) : undefined, type: TYPES[extension] ?? 'application/octet-stream',
      etag: `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`, maxAge: path.startsWith('/vendor/') ? 86_400 : 0,
    };
    this.cache.set(file, { asset, mtimeMs: stat.mtimeMs, size: stat.size });
    return asset;
  }
}
