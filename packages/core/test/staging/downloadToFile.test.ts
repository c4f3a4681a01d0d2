import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  downloadStoppedError, downloadToFile, downloadWriteError, ErrorCodes, redactUrl, silentServerError, StagingError,
} from '../../src/index.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-dlfile-')); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const failure = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);
const notDescribed = (cause: unknown): Error => new Error(`describe should not be called for ${String(cause)}`);

describe('downloadToFile', () => {
  it('creates the folder and moves the complete file into place, leaving nothing else', async () => {
    const target = join(dir, 'a', 'b', 'x.csv');
    await downloadToFile('https://h/x.csv', target, (part) => writeFile(part, 'complete'), notDescribed);
    expect(readFileSync(target, 'utf8')).toBe('complete');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['x.csv']);
  });

  it('a failed transfer leaves no partial file and goes through describe', async () => {
    const target = join(dir, 'x.csv');
    const error = await failure(downloadToFile('https://h/x.csv', target, async (part) => {
      await writeFile(part, 'half');
      throw new Error('connection reset');
    }, (cause) => new StagingError('https://h/x.csv', `described: ${(cause as Error).message}`)));
    expect(error).toBeInstanceOf(StagingError);
    expect((error as StagingError).message).toContain('described: connection reset');
    expect(readdirSync(dir)).toEqual([]);
  });

  it("passes the writer's own parsl-ts errors through as they are", async () => {
    const own = new StagingError('ftp://h/x', 'FTP login failed: 530');
    const error = await failure(downloadToFile('ftp://h/x', join(dir, 'x'), async () => { throw own; }, notDescribed));
    expect(error).toBe(own);
  });

  it('a local write the writer cannot do is a coded write error naming the path, not a transfer error', async () => {
    const target = join(dir, 'x.csv');
    // Writing below the temporary file's path fails with ENOENT: the local disk, not the server.
    const error = await failure(downloadToFile('https://h/x.csv', target, (part) => writeFile(join(part, 'below'), 'data'), notDescribed));
    expect(error).toBeInstanceOf(StagingError);
    expect((error as StagingError).code).toBe(ErrorCodes.Staging);
    expect((error as StagingError).message).toContain(`cannot write ${target} (ENOENT)`);
    expect(existsSync(target)).toBe(false);
  });

  it('a target that is a folder already is a write error at the rename, and the temporary file is removed', async () => {
    const target = join(dir, 'taken');
    mkdirSync(join(target, 'inside'), { recursive: true });
    const error = await failure(downloadToFile('https://h/x.csv', target, (part) => writeFile(part, 'data'), notDescribed));
    expect((error as StagingError).message).toMatch(/cannot write .*taken \((EISDIR|ENOTEMPTY|EEXIST)\)/);
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('a path whose folder is a file is a write error', async () => {
    writeFileSync(join(dir, 'plain'), '');
    const target = join(dir, 'plain', 'x.csv');
    const error = await failure(downloadToFile('https://h/x.csv', target, (part) => writeFile(part, 'data'), notDescribed));
    expect((error as StagingError).message).toMatch(/cannot write .*x\.csv \((ENOTDIR|EEXIST)\)/);
    expect((error as StagingError).hint).toBe('check the working directory and the free space');
  });
});

describe('download error helpers', () => {
  it('say what happened and what to do, with the URL', () => {
    const cause = new Error('x');
    expect(downloadStoppedError('https://h/x', cause).message).toBe('staging https://h/x failed: the download was stopped (the workflow is shutting down)');
    const silent = silentServerError('https://h/x', 60, cause);
    expect(silent.message).toBe('staging https://h/x failed: the server sent nothing for 60 s');
    expect(silent.hint).toBe('check that the server is up, or raise timeoutSeconds');
    expect(silent.cause).toBe(cause);
    expect(downloadWriteError('https://h/x', '/ro/x', Object.assign(new Error('ro'), { code: 'EROFS' })).message).toBe('staging https://h/x failed: cannot write /ro/x (EROFS)');
  });

  it('redactUrl hides a password and leaves other URLs as they are', () => {
    expect(redactUrl('ftp://me:secret@host/x')).toBe('ftp://me:***@host/x');
    expect(redactUrl('ftp://host:21/x')).toBe('ftp://host:21/x');
    expect(redactUrl('not a url')).toBe('not a url');
  });
});
