import { basename } from 'node:path';

/**
 * The name a staged file gets in a task's working directory: the last segment of its URL path
 * (`https://host/data/x.csv` → `x.csv`, `zip:///a.zip/in/y.txt` → `y.txt`), or `download` when
 * the path has none (`https://host/`).
 *
 * @internal
 */
export function stagedFileName(path: string): string {
  const name = basename(path);
  return name.length > 0 && name !== '.' && name !== '..' ? name : 'download';
}

/**
 * Hands out file names unique within one task's working directory: the first file keeps its name,
 * later ones with the same name get `1_name`, `2_name`, ... so that two inputs called `data.csv`
 * from different servers do not overwrite each other.
 *
 * @internal
 */
export class UniqueNames {
  private readonly taken = new Set<string>();

  /** A name not handed out before, derived from `name`. */
  take(name: string): string {
    let candidate = name;
    for (let i = 1; this.taken.has(candidate); i++) candidate = `${i}_${name}`;
    this.taken.add(candidate);
    return candidate;
  }
}

/**
 * The URL with any password replaced by `***`, for error messages and logs
 * (`ftp://me:secret@host/x` → `ftp://me:***@host/x`). A URL without a password, or one that does
 * not parse, comes back as it is.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * throw new StagingError(redactUrl(url), 'HTTP 404');
 * ```
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.href;
  } catch {
    return url;
  }
}
