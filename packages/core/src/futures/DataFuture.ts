import type { File } from '../data/File.js';
import { AppFuture } from './AppFuture.js';

/**
 * The future of a file an app produces. It resolves to the {@link File} when the producing task
 * finishes (and the file is staged out), and rejects with the task's error when it fails. Pass it
 * to another app as an input to chain tasks through files.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const made = writer({ outputs: [new File('/tmp/a.txt')] });
 * const counted = wordCount({ inputs: [made.outputs[0]] });
 * ```
 */
export class DataFuture extends AppFuture<File> {
  /** The file this future stands for. */
  readonly file: File;
  /** The future of the task that produces the file. */
  readonly parent: AppFuture<unknown>;

  constructor(file: File, parent: AppFuture<unknown>) {
    super();
    this.file = file;
    this.parent = parent;
    this.tid = parent.tid;
    this.appName = parent.appName;
  }

  /** The file's path, so a DataFuture can be interpolated like a File. */
  override toString(): string {
    return this.file.filepath;
  }
}
