/** How the app's File inputs and outputs become the manager's file declarations. */
import { describe, expect, it } from 'vitest';
import { File } from '@parsl-ts/core';
import { sandboxFiles } from '../src/tasks/sandboxFiles.js';

describe('sandboxFiles', () => {
  it('gives each local File of inputs and outputs a name of its own in the sandbox, and the app a copy under that name', () => {
    const input = new File('/data/run 1/input file.csv');
    const output = new File('/results/out.bin');
    const args = [42, { inputs: [input, 'not a file'], outputs: [output], stdout: '/tmp/x' }];
    const mapped = sandboxFiles(args, { cacheInputs: false });
    expect(mapped.inputs).toEqual([{ local: '/data/run 1/input file.csv', remote: 'in0-input_file.csv', cache: false }]);
    expect(mapped.outputs).toEqual([{ local: '/results/out.bin', remote: 'out0-out.bin' }]);
    const options = mapped.args[1] as { inputs: unknown[]; outputs: File[]; stdout: string };
    expect(mapped.args[0]).toBe(42);
    expect(String(options.inputs[0])).toBe('in0-input_file.csv');
    expect((options.inputs[0] as File).url).toBe(input.url);
    expect(options.inputs[1]).toBe('not a file');
    expect(String(options.outputs[0])).toBe('out0-out.bin');
    expect(options.stdout).toBe('/tmp/x');
    // The caller's Files keep their paths (their DataFutures resolve to them).
    expect(input.filepath).toBe('/data/run 1/input file.csv');
    expect(output.filepath).toBe('/results/out.bin');
  });

  it('names files with the same name apart, marks inputs cached when asked, and hides leading dots', () => {
    const mapped = sandboxFiles([{ inputs: [new File('/a/x.txt'), new File('/b/x.txt'), new File('/c/.hidden')] }], { cacheInputs: true });
    expect(mapped.inputs.map((i) => i.remote)).toEqual(['in0-x.txt', 'in1-x.txt', 'in2-_hidden']);
    expect(mapped.inputs.every((i) => i.cache === true)).toBe(true);
  });

  it('leaves alone remote Files (staged on the worker), arguments without invocation options, and typed arrays', () => {
    const remote = new File('https://example.org/data.csv');
    const args = [{ inputs: [remote] }];
    expect(sandboxFiles(args, { cacheInputs: false })).toEqual({ args, inputs: [], outputs: [] });
    const bytes = new Uint8Array(10);
    expect(sandboxFiles([bytes], { cacheInputs: false }).args[0]).toBe(bytes);
    expect(sandboxFiles([], { cacheInputs: false }).args).toEqual([]);
    expect(sandboxFiles([{ a: 1 }], { cacheInputs: false }).inputs).toEqual([]);
  });
});
