// SubmitScriptFolder on the real file system: where scripts go, unique names, modes and coded errors.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, SubmitScriptFolder, type SubmitScriptFolderOptions } from '../../src/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parsl-script-folder-test-'));
  dirs.push(dir);
  return dir;
}
function folder(over: Partial<SubmitScriptFolderOptions> = {}): SubmitScriptFolder {
  return new SubmitScriptFolder({ owner: 'TestProvider', configured: '', tempPrefix: 'parsl-ts-test-', sharedWithNodes: true, ...over });
}
function refusal(action: () => unknown): ConfigError {
  try {
    action();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return e as ConfigError;
  }
  throw new Error('no error');
}

describe('SubmitScriptFolder', () => {
  it('is scriptDir when set (made absolute), even after the run directory is known', () => {
    const f = folder({ configured: 'rel/scripts' });
    f.useRunDir('/run/1');
    expect(f.path).toBe(resolve('rel/scripts'));
  });

  it('is <runDir>/submit_scripts once the run directory is known; undefined changes nothing', () => {
    const f = folder();
    f.useRunDir('/run/1');
    f.useRunDir(undefined);
    expect(f.path).toBe('/run/1/submit_scripts');
  });

  it('is otherwise one new temporary folder, made on first use', () => {
    const f = folder();
    const path = f.path;
    dirs.push(path);
    expect(path.startsWith(join(tmpdir(), 'parsl-ts-test-'))).toBe(true);
    expect(statSync(path).isDirectory()).toBe(true);
    expect(f.path).toBe(path);
  });

  it('creates the folder with its parents, and says what to do when it cannot', () => {
    const base = tempDir();
    expect(folder({ configured: join(base, 'a', 'b') }).create()).toBe(join(base, 'a', 'b'));
    expect(statSync(join(base, 'a', 'b')).isDirectory()).toBe(true);
    writeFileSync(join(base, 'file'), '');
    const shared = refusal(() => folder({ configured: join(base, 'file', 'x') }).create());
    expect(shared).toMatchObject({ code: 'PARSL_INVALID_CONFIG', path: 'TestProvider.scriptDir', hint: 'set scriptDir to a folder this process can write (and every node can read)' });
    expect(shared.message).toMatch(/cannot create the script folder .*file\/x: /);
    expect(refusal(() => folder({ configured: join(base, 'file', 'x'), sharedWithNodes: false }).create()).hint)
      .toBe('set scriptDir to a folder this process can write');
  });

  it('writes each script under a name of its own, user-only, without overwriting files', () => {
    const dir = tempDir();
    const f = folder({ configured: dir });
    const text = (name: string): string => `#!/bin/bash\n# ${name}\n`;
    expect(f.write('block-0', '.submit', text)).toEqual({ name: 'block-0', scriptPath: join(dir, 'block-0.submit') });
    expect(f.write('block-0', '.submit', text).name).toBe('block-0.1'); // used by this provider already
    writeFileSync(join(dir, 'other.sh'), 'not ours');
    const other = f.write('other', '.sh', text);
    expect(other.name).toBe('other.1'); // the file existed
    expect(readFileSync(join(dir, 'other.sh'), 'utf8')).toBe('not ours');
    expect(readFileSync(other.scriptPath, 'utf8')).toBe('#!/bin/bash\n# other.1\n');
    expect(statSync(other.scriptPath).mode & 0o777).toBe(0o700);
  });

  it('refuses to write where it cannot, and lets an error of the text through as it is', () => {
    const base = tempDir();
    writeFileSync(join(base, 'file'), '');
    const error = refusal(() => folder({ configured: join(base, 'file') }).write('b', '.sh', () => ''));
    expect(error).toMatchObject({ path: 'TestProvider.scriptDir', hint: 'set scriptDir to a folder this process can write' });
    expect(error.message).toMatch(/cannot write the submit script .*file\/b\.sh: ENOTDIR/);
    const own = new Error('the launcher refused');
    expect(() => folder({ configured: base }).write('b', '.sh', () => { throw own; })).toThrow(own);
  });
});
