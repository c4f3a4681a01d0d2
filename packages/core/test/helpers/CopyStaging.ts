import { copyFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { File, StagingError, type InTaskStagingRunner, type Staging, type StagingContext } from '../../src/index.js';

/**
 * A real, minimal staging provider for core's tests: `copy:///abs/path` names a file on this
 * machine; staging in copies it to the task's local path, staging out copies the task's file back
 * to the path. `mode` chooses separate-task (submit side) or in-task (worker side, through
 * `copyIn`/`copyOut` below, which the worker imports by this module's URL).
 */
export class CopyStaging implements Staging {
  readonly name: string;
  readonly stageIn?: Staging['stageIn'];
  readonly stageOut?: Staging['stageOut'];
  readonly inTaskStageIn?: Staging['inTaskStageIn'];
  readonly inTaskStageOut?: Staging['inTaskStageOut'];
  /** Contexts the separate-task methods were called with. */
  readonly contexts: StagingContext[] = [];

  constructor(mode: 'separate-task' | 'in-task', options: { scheme?: string; hang?: boolean } = {}) {
    const scheme = options.scheme ?? 'copy';
    this.name = `${scheme}-${mode}`;
    this.canStageIn = (file) => file.scheme === scheme;
    this.canStageOut = (file) => file.scheme === scheme;
    if (mode === 'separate-task') {
      this.stageIn = async (file, context) => {
        this.contexts.push(context);
        if (options.hang) await new Promise((_, reject) => context.signal.addEventListener('abort', () => reject(new StagingError(file.url, 'aborted'))));
        await copy(file.url, file.path, file.localPath!);
        return file;
      };
      this.stageOut = async (file, context) => {
        this.contexts.push(context);
        await copy(file.url, file.localPath!, file.path);
        return file;
      };
    } else {
      const plugin = { package: import.meta.url };
      this.inTaskStageIn = (file) => ({ plugin: { ...plugin, export: 'copyIn' }, file: { url: file.url } });
      this.inTaskStageOut = (file) => ({ plugin: { ...plugin, export: 'copyOut' }, file: { url: file.url } });
    }
  }

  readonly canStageIn: (file: File) => boolean;
  readonly canStageOut: (file: File) => boolean;
}

async function copy(url: string, from: string, to: string): Promise<void> {
  try {
    await mkdir(dirname(to), { recursive: true });
    await copyFile(from, to);
  } catch (cause) {
    throw new StagingError(url, `copy failed: ${(cause as Error).message}`, { cause });
  }
}

/** Worker side of in-task stage-in: copy the URL's path to the local path. */
export function copyIn(): InTaskStagingRunner {
  return async (file) => copy(file.url, new File(file.url).path, file.localPath);
}

/** Worker side of in-task stage-out: copy the local path to the URL's path. */
export function copyOut(): InTaskStagingRunner {
  return async (file) => copy(file.url, file.localPath, new File(file.url).path);
}
