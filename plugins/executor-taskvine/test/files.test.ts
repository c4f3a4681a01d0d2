/**
 * Files through the workers' sandboxes: the app's File inputs and outputs are declared to the real
 * Work Queue manager, which sends them to the worker and brings the outputs back; the apps see
 * them under their sandbox names. Checked byte for byte, through JavaScript and bash apps chained
 * by DataFutures.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { app, bashApp, File, loadConfig, type DataFlowKernel } from '@parsl-ts/core';
import { TaskVineExecutor } from '@parsl-ts/executor-taskvine';
import { LocalProvider } from '@parsl-ts/provider-local';
import { pseudoRandomBytes } from '@parsl-ts/testing';

let dir: string;
let dfk: DataFlowKernel | undefined;

beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-taskvine-files-')); });
afterEach(async () => {
  await dfk?.cleanup();
  dfk = undefined;
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: { sharedFs?: boolean; debugLog?: boolean; blocks?: number } = {}): Promise<TaskVineExecutor> {
  const blocks = options.blocks ?? 1;
  const executor = new TaskVineExecutor({
    label: 'vine', backend: 'workqueue', workerCores: 2, sharedFs: options.sharedFs ?? false, debugLog: options.debugLog ?? false,
    provider: new LocalProvider({ initBlocks: blocks, minBlocks: blocks, maxBlocks: blocks }),
  });
  dfk = await loadConfig({ executors: [executor], runDir: join(dir, 'runinfo') });
  return executor;
}

/** Writes the bytes of its input reversed to its output; says where it saw both. */
const reverseFile = app(async (options: { inputs: File[]; outputs: File[] }) => {
  const fs = await import('node:fs');
  const bytes = fs.readFileSync(String(options.inputs[0]));
  fs.writeFileSync(String(options.outputs[0]), Buffer.from(bytes).reverse());
  return { input: String(options.inputs[0]), output: String(options.outputs[0]), cwd: process.cwd() };
}, { name: 'reverseFile' });

/** Concatenates its inputs into its output, in bash. */
const concat = bashApp((options: { inputs: File[]; outputs: File[]; stdout?: string }) => `cat ${options.inputs.map((f) => `'${f}'`).join(' ')} > '${options.outputs[0]}'; pwd`, { name: 'concat' });

/** SHA-256 and length of its input. */
const digest = app(async (options: { inputs: File[] }) => {
  const fs = await import('node:fs');
  const crypto = await import('node:crypto');
  const bytes = fs.readFileSync(String(options.inputs[0]));
  return { sha256: crypto.createHash('sha256').update(bytes).digest('hex'), length: bytes.length };
}, { name: 'digest' });

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('files through the sandboxes (Work Queue)', () => {
  it('JS and bash apps read inputs and write outputs in their sandboxes; every byte comes back; DataFutures chain them', async () => {
    await start();
    const data = pseudoRandomBytes(3 * 1024 * 1024 + 17);
    const text = Buffer.from('héllo, sandbox\n\u0000binary tail\u00ff', 'utf8');
    writeFileSync(join(dir, 'data.bin'), data);
    writeFileSync(join(dir, 'text with spaces.txt'), text);
    const reversedPath = join(dir, 'out', 'reversed.bin');
    const combinedPath = join(dir, 'out', 'combined.bin');

    const reversed = reverseFile({ inputs: [new File(join(dir, 'data.bin'))], outputs: [new File(reversedPath)] });
    const combined = concat({ inputs: [reversed.outputs[0]!, new File(join(dir, 'text with spaces.txt'))], outputs: [new File(combinedPath)], stdout: join(dir, 'concat.out') });
    const digested = digest({ inputs: [combined.outputs[0]!] });

    const seen = await reversed;
    // The app saw its files in the worker's sandbox, not where they are here.
    expect(seen.input).not.toBe(join(dir, 'data.bin'));
    expect(seen.input.startsWith(dir)).toBe(false);
    expect(seen.input).toMatch(/\/in0-data\.bin$/);
    expect(seen.output).toMatch(/\/out0-reversed\.bin$/);
    expect(seen.input.startsWith(seen.cwd)).toBe(true);

    const expectedReversed = Buffer.from(data).reverse();
    expect(readFileSync(reversedPath).equals(expectedReversed)).toBe(true);
    expect(await combined).toBe(0);
    const expectedCombined = Buffer.concat([expectedReversed, text]);
    expect(readFileSync(combinedPath).equals(expectedCombined)).toBe(true);
    expect(await digested).toEqual({ sha256: sha256(expectedCombined), length: expectedCombined.length });
    // The bash app ran in its sandbox too (its stdout came back through the manager).
    const sandbox = readFileSync(join(dir, 'concat.out'), 'utf8').trim();
    expect(sandbox.startsWith(dir)).toBe(false);
    // The DataFutures resolve to the caller's Files, with their own paths.
    expect((await reversed.outputs[0]!).filepath).toBe(reversedPath);
  });

  it('the serialized function is a cached input: sent once to a worker however many tasks use it', async () => {
    await start({ debugLog: true });
    const inputs = Array.from({ length: 12 }, (_, i) => {
      const path = join(dir, `in-${i}.bin`);
      writeFileSync(path, pseudoRandomBytes(1000 + i, i + 1));
      return path;
    });
    const digests = await Promise.all(inputs.map((path) => digest({ inputs: [new File(path)] })));
    digests.forEach((d, i) => expect(d).toEqual({ sha256: sha256(readFileSync(inputs[i]!)), length: 1000 + i }));
    const managerDir = join(dfk!.runDir, 'vine', 'manager');
    const debug = readFileSync(join(managerDir, 'debug.log'), 'utf8');
    const functionFile = readdirSync(join(dfk!.runDir, 'vine', 'functions'))[0]!;
    const sends = (name: string): number => debug.split('\n').filter((line) => /\bput\b/.test(line) && line.includes(name)).length;
    // One worker: the function and the runner once, each task's own input once per task.
    expect(sends(functionFile)).toBe(1);
    expect(sends('runner.js')).toBe(1);
    for (let i = 0; i < inputs.length; i++) expect(sends(`in-${i}.bin`)).toBe(1);
  });

  it('with sharedFs, apps use the Files where they are and nothing is moved', async () => {
    await start({ sharedFs: true });
    const data = pseudoRandomBytes(64 * 1024, 7);
    writeFileSync(join(dir, 'data.bin'), data);
    const reversedPath = join(dir, 'reversed.bin');
    const seen = await reverseFile({ inputs: [new File(join(dir, 'data.bin'))], outputs: [new File(reversedPath)] });
    expect(seen.input).toBe(join(dir, 'data.bin'));
    expect(seen.output).toBe(reversedPath);
    expect(readFileSync(reversedPath).equals(Buffer.from(data).reverse())).toBe(true);
  });
});
