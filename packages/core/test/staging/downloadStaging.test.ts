import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkDownloadStagingOptions, ConfigError, downloadStagingHooks, File, separateTaskDownloadPath,
  type DownloadStagingOptions, type StagingContext,
} from '../../src/index.js';

const names = { className: 'TestStaging', section: 'test', extraKeys: ['secure'] };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('checkDownloadStagingOptions', () => {
  it('accepts the shared options and the extra keys, and returns a copy', () => {
    const given = { mode: 'separate-task', workingDir: '/data', timeoutSeconds: 5, secure: true } as DownloadStagingOptions & { secure: boolean };
    const checked = checkDownloadStagingOptions(given, names);
    expect(checked).toEqual(given);
    expect(checked).not.toBe(given);
  });

  it('names an unknown key by its config path and lists the known ones', () => {
    const error = configError(() => checkDownloadStagingOptions({ mood: 'x' } as DownloadStagingOptions, names));
    expect(error.message).toContain('unknown option "mood"');
    expect(error.message).toContain('staging.test.mood');
    expect(error.hint).toBe('use mode, workingDir, timeoutSeconds, secure');
  });

  it.each([
    [{ mode: 'later' }, "mode must be 'in-task' or 'separate-task', got \"later\"", 'staging.test.mode'],
    [{ timeoutSeconds: 0 }, 'timeoutSeconds must be a positive number', 'staging.test.timeoutSeconds'],
    [{ timeoutSeconds: '5' }, 'timeoutSeconds must be a positive number', 'staging.test.timeoutSeconds'],
    [{ workingDir: '' }, 'workingDir must be a non-empty path', 'staging.test.workingDir'],
  ])('refuses %j', (options, message, path) => {
    const error = configError(() => checkDownloadStagingOptions(options as DownloadStagingOptions, names));
    expect(error.message).toContain(message);
    expect(error.message).toContain(path);
  });

  it('refuses options that are not an object, naming the class', () => {
    const error = configError(() => checkDownloadStagingOptions(null as unknown as DownloadStagingOptions, names));
    expect(error.message).toContain('TestStaging options must be an object');
  });
});

describe('separateTaskDownloadPath', () => {
  const context = (over: Partial<StagingContext> = {}): StagingContext => ({
    runDir: '/run', executorLabel: 'x', taskId: 7, signal: new AbortController().signal, ...over,
  });

  it('puts the file under <workingDir>/<taskId>/ when the provider has a folder', () => {
    expect(separateTaskDownloadPath(new File('https://h/a/x.csv'), context(), '/shared')).toBe(join('/shared', '7', 'x.csv'));
  });

  it('uses the task staging folder, else the run directory, when it has none', () => {
    expect(separateTaskDownloadPath(new File('https://h/a/x.csv'), context({ workingDir: '/run/staging/7' }))).toBe(join('/run/staging/7', 'x.csv'));
    expect(separateTaskDownloadPath(new File('https://h/a/x.csv'), context())).toBe(join('/run', 'x.csv'));
  });

  it("keeps the file's own local path when it has one", () => {
    expect(separateTaskDownloadPath(new File('https://h/a/x.csv', '/mine/y.csv'), context())).toBe('/mine/y.csv');
  });
});

describe('downloadStagingHooks', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-dlhooks-')); });
  afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

  /** A real "download": copies a local file named by the URL's path. */
  const copyDownload = async (url: string, localPath: string): Promise<void> => {
    await mkdir(dirname(localPath), { recursive: true });
    writeFileSync(localPath, readFileSync(new URL(url).pathname));
  };
  const worker = { package: '@example/staging-test/worker', export: 'testStageIn', options: { timeoutSeconds: 3 } };

  it('in-task (the default): names the worker runner and carries workingDir', () => {
    const hooks = downloadStagingHooks({ scheme: 'test', options: { workingDir: '/scratch' }, download: copyDownload, worker });
    expect(hooks.name).toBe('test-in-task');
    expect(hooks.stageIn).toBeUndefined();
    expect(hooks.inTaskStageIn?.(new File('test://h/x.csv'))).toEqual({ plugin: worker, file: { url: 'test://h/x.csv' }, workingDir: '/scratch' });
    const plain = downloadStagingHooks({ scheme: 'test', options: {}, download: copyDownload, worker });
    expect(plain.inTaskStageIn?.(new File('test://h/x.csv'))).not.toHaveProperty('workingDir');
  });

  it('separate-task: downloads on the submit side and returns the file at its local path', async () => {
    const source = join(dir, 'source.txt');
    writeFileSync(source, 'payload');
    const hooks = downloadStagingHooks({ scheme: 'test', options: { mode: 'separate-task', workingDir: join(dir, 'in') }, download: copyDownload, worker });
    expect(hooks.name).toBe('test-separate-task');
    expect(hooks.inTaskStageIn).toBeUndefined();
    const url = `file://${source}`;
    const staged = await hooks.stageIn!(new File(url), { runDir: dir, executorLabel: 'x', taskId: 3, signal: new AbortController().signal });
    expect(staged.url).toBe(url);
    expect(staged.localPath).toBe(join(dir, 'in', '3', 'source.txt'));
    expect(readFileSync(staged.localPath!, 'utf8')).toBe('payload');
  });
});
