import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError } from '../errors/usageErrors.js';

/**
 * Settings of a {@link SubmitScriptFolder}.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const options: SubmitScriptFolderOptions = { owner: 'SlurmProvider', configured: '', tempPrefix: 'parsl-ts-slurm-', sharedWithNodes: true };
 * ```
 */
export interface SubmitScriptFolderOptions {
  /** The provider's class name, for error paths (`<owner>.scriptDir`). */
  readonly owner: string;
  /** The provider's `scriptDir` option; `''` when it was not set. */
  readonly configured: string;
  /** Prefix of the temporary folder used when neither `scriptDir` nor a run directory is known. */
  readonly tempPrefix: string;
  /** Whether the jobs run on other nodes, which must read the folder too (said in the hint when it cannot be created). */
  readonly sharedWithNodes: boolean;
}

/**
 * The folder where a provider writes its submit scripts and its jobs' stdout and stderr: the
 * `scriptDir` option when set, else `<runDir>/submit_scripts` once the executor calls the
 * provider's `init`, else a new folder in the system's temporary directory (made on first use).
 * It writes each script under a name no other job of this provider used (`<name>`, `<name>.1`,
 * ...), never over an existing file, readable by the user only (a script may hold secrets).
 * Failures are {@link ConfigError}s naming `<owner>.scriptDir`.
 *
 * @since 0.1.1
 * @example
 * ```ts
 * const folder = new SubmitScriptFolder({ owner: 'MyProvider', configured: '', tempPrefix: 'parsl-ts-my-', sharedWithNodes: true });
 * folder.useRunDir(context.runDir);               // in init()
 * folder.create();                                // in submit()
 * const { name, scriptPath } = folder.write('block-0', '.submit', (name) => `#!/bin/bash\n# ${name}\n${command}\n`);
 * ```
 */
export class SubmitScriptFolder {
  readonly #options: SubmitScriptFolderOptions;
  readonly #configured: string | undefined;
  #runDirFolder: string | undefined;
  #tempFolder: string | undefined;
  readonly #usedNames = new Set<string>();

  constructor(options: SubmitScriptFolderOptions) {
    this.#options = options;
    this.#configured = options.configured === '' ? undefined : resolve(options.configured);
  }

  /** Use `<runDir>/submit_scripts` unless `scriptDir` was set; does nothing for `undefined`. */
  useRunDir(runDir: string | undefined): void {
    if (runDir !== undefined) this.#runDirFolder = join(resolve(runDir), 'submit_scripts');
  }

  /** The folder's absolute path (a temporary folder is made the first time it is needed). */
  get path(): string {
    if (this.#configured !== undefined) return this.#configured;
    if (this.#runDirFolder !== undefined) return this.#runDirFolder;
    this.#tempFolder ??= mkdtempSync(join(tmpdir(), this.#options.tempPrefix));
    return this.#tempFolder;
  }

  /** Create the folder (and its parents) if needed; returns its path. */
  create(): string {
    const dir = this.path;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (cause) {
      throw new ConfigError(`cannot create the script folder ${dir}: ${(cause as Error).message}`, {
        path: `${this.#options.owner}.scriptDir`, cause,
        hint: `set scriptDir to a folder this process can write${this.#options.sharedWithNodes ? ' (and every node can read)' : ''}`,
      });
    }
    return dir;
  }

  /**
   * Write a script named `<base><extension>`, or `<base>.<n><extension>` when this provider used
   * the name already or the file exists; `text` gets the name chosen. Returns the name and path.
   */
  write(base: string, extension: string, text: (name: string) => string): { name: string; scriptPath: string } {
    const dir = this.path;
    for (let attempt = 0; attempt < 10_000; attempt++) {
      const name = attempt === 0 ? base : `${base}.${attempt}`;
      if (this.#usedNames.has(name)) continue;
      const scriptPath = join(dir, `${name}${extension}`);
      // Outside the try: an error of the text's own (a launcher's) is not a write failure.
      const content = text(name);
      try {
        writeFileSync(scriptPath, content, { flag: 'wx', mode: 0o700 });
      } catch (cause) {
        if ((cause as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw new ConfigError(`cannot write the submit script ${scriptPath}: ${(cause as Error).message}`, {
          path: `${this.#options.owner}.scriptDir`, hint: 'set scriptDir to a folder this process can write', cause,
        });
      }
      this.#usedNames.add(name);
      return { name, scriptPath };
    }
    throw new ConfigError(`too many submit scripts named ${base} in ${dir}`, { path: `${this.#options.owner}.scriptDir`, hint: 'use another scriptDir or job names' });
  }
}
