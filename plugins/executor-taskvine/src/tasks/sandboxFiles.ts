import { basename } from 'node:path';
import { File } from '@parsl-ts/core';
import type { FileSpec } from '../sidecar/protocol.js';

/** A task's arguments as the worker sees them, and the files the manager moves for it. */
export interface SandboxFiles {
  /** The arguments, with each local File of `inputs`/`outputs` replaced by one named inside the sandbox. */
  readonly args: readonly unknown[];
  /** Input files to send to the worker. */
  readonly inputs: readonly FileSpec[];
  /** Output files to bring back. */
  readonly outputs: readonly FileSpec[];
}

/** Invocation options are a plain object (not a File, an array, a typed array or a class instance). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** A name safe in a sandbox (and in a shell word): the file's own name, with other characters replaced. */
function safeName(path: string): string {
  const name = basename(path).replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_');
  return name.length > 0 ? name : 'file';
}

/**
 * Map the app's File inputs and outputs (the `inputs`/`outputs` of its invocation options, the
 * last argument) to the manager's file declarations, as Parsl's TaskVine executor does without a
 * shared filesystem: each local File travels through the worker's sandbox under a name of its own
 * (`in0-data.csv`, `out0-result.txt`), and the app gets a copy of the File whose local path is that
 * name. Files that are not local (a remote URL staged on the worker) are left to in-task staging.
 * The caller's File objects are not changed.
 */
export function sandboxFiles(args: readonly unknown[], options: { readonly cacheInputs: boolean }): SandboxFiles {
  const last = args[args.length - 1];
  if (!isPlainObject(last)) return { args, inputs: [], outputs: [] };
  const invocation = last as { inputs?: unknown; outputs?: unknown };
  if (!Array.isArray(invocation.inputs) && !Array.isArray(invocation.outputs)) return { args, inputs: [], outputs: [] };
  const inputs: FileSpec[] = [];
  const outputs: FileSpec[] = [];
  const map = (list: unknown, prefix: 'in' | 'out', specs: FileSpec[]): unknown => {
    if (!Array.isArray(list)) return list;
    return list.map((item: unknown, index) => {
      if (!File.isFile(item) || item.localPath === undefined) return item;
      const remote = `${prefix}${index}-${safeName(item.localPath)}`;
      specs.push(prefix === 'in' ? { local: item.localPath, remote, cache: options.cacheInputs } : { local: item.localPath, remote });
      return new File(item.url, remote);
    });
  };
  const mapped: Record<string, unknown> = { ...(last as Record<string, unknown>) };
  if (invocation.inputs !== undefined) mapped.inputs = map(invocation.inputs, 'in', inputs);
  if (invocation.outputs !== undefined) mapped.outputs = map(invocation.outputs, 'out', outputs);
  if (inputs.length === 0 && outputs.length === 0) return { args, inputs, outputs };
  return { args: [...args.slice(0, -1), mapped], inputs, outputs };
}
