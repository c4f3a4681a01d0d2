import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ErrorCodes } from '../errors/codes.js';
import { UsageError } from '../errors/usageErrors.js';

const FILE_BRAND = Symbol.for('parsl-ts.File');

/** The plain-data form of a {@link File}, as it travels to workers. */
export interface PlainFile {
  /** Marks the object as a File for serializers. */
  readonly __parslFile: true;
  /** The URL the file was named by. */
  readonly url: string;
  /** Where the file is on the worker, once staged (for local files: its path). */
  readonly localPath?: string;
}

/**
 * A file named by URL (`file:///data/x.csv`, a plain path, or a remote scheme such as `https://`
 * or `globus://` handled by a staging plugin). Pass Files in an app's `inputs` and `outputs`; the
 * outputs come back as {@link DataFuture}s. Inside a bash app, a File's string form is its local path.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const out = new File('/tmp/out.txt');
 * const f = bashApp((o: { outputs: File[] }) => `echo hi > ${o.outputs[0]}`)({ outputs: [out] });
 * await f.outputs[0]; // resolves to the File once the task is done
 * ```
 */
export class File {
  /** The URL as given, normalized (`file://` for plain paths). */
  readonly url: string;
  /** URL scheme without the colon: `file`, `https`, `globus`, ... */
  readonly scheme: string;
  /** Host part of the URL (`''` for local files). */
  readonly netloc: string;
  /** Path part of the URL. */
  readonly path: string;
  /** Where the file is on the machine that runs the task; set by staging for remote files. */
  localPath: string | undefined;

  constructor(url: string | URL, localPath?: string) {
    const text = typeof url === 'string' ? url : url.href;
    if (text.length === 0) {
      throw new UsageError(ErrorCodes.BadFile, 'a File needs a path or URL; got an empty string', {
        hint: "write new File('/abs/path') or new File('https://host/path')",
      });
    }
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(text)) {
      const parsed = new URL(text);
      this.url = parsed.href;
      this.scheme = parsed.protocol.slice(0, -1);
      this.netloc = parsed.host;
      this.path = this.scheme === 'file' ? fileURLToPath(parsed) : decodeURIComponent(parsed.pathname);
    } else {
      const absolute = isAbsolute(text) ? text : resolve(text);
      this.url = pathToFileURL(absolute).href;
      this.scheme = 'file';
      this.netloc = '';
      this.path = absolute;
    }
    this.localPath = localPath ?? (this.scheme === 'file' ? this.path : undefined);
    Object.defineProperty(this, FILE_BRAND, { value: true, enumerable: false });
  }

  /** The path a task should use: the local path once staged, the URL path otherwise. */
  get filepath(): string {
    return this.localPath ?? this.path;
  }

  /** The file's local path, so that Files can be interpolated into command lines. */
  toString(): string {
    return this.filepath;
  }

  /** Plain-data form, used by serializers. */
  toPlain(): PlainFile {
    return this.localPath === undefined ? { __parslFile: true, url: this.url } : { __parslFile: true, url: this.url, localPath: this.localPath };
  }

  /** Rebuild a File from {@link File.toPlain}'s output. */
  static fromPlain(plain: PlainFile): File {
    return new File(plain.url, plain.localPath);
  }

  /** True for File instances, also from another copy of the module. */
  static isFile(value: unknown): value is File {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[FILE_BRAND] === true;
  }

  /** True for the plain-data form of a File. */
  static isPlainFile(value: unknown): value is PlainFile {
    return typeof value === 'object' && value !== null && (value as PlainFile).__parslFile === true &&
      typeof (value as PlainFile).url === 'string';
  }
}
