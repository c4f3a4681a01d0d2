import { INVOCATION_KEYS } from '../apps/AppOptions.js';
import { File } from '../data/File.js';
import { isPlainObject } from '../dfk/dependencies.js';

/**
 * The per-call options object among a task's arguments (the last argument, when it is a plain
 * object with one of the invocation keys), or undefined.
 *
 * @internal
 */
export function invocationOf(args: readonly unknown[]): Record<string, unknown> | undefined {
  const last = args.length > 0 ? args[args.length - 1] : undefined;
  if (!isPlainObject(last)) return undefined;
  for (const key in last) if (INVOCATION_KEYS.has(key)) return last as Record<string, unknown>;
  return undefined;
}

/**
 * True for a File that staging must move: any scheme but `file`.
 *
 * @internal
 */
export function isRemoteFile(value: unknown): value is File {
  return File.isFile(value) && value.scheme !== 'file';
}

/**
 * Every File staging looks at in a task's arguments, with a way to replace it: the positional
 * arguments themselves and the items of the options' `inputs` (nested values are left alone, as
 * they are in Parsl). Outputs are handled apart (they come as the task record's `outputs`).
 *
 * @internal
 */
export function forEachInputSlot(args: unknown[], visit: (value: unknown, replace: (next: unknown) => void) => void): void {
  const invocation = invocationOf(args);
  const positional = invocation === undefined ? args.length : args.length - 1;
  for (let i = 0; i < positional; i++) visit(args[i], (next) => { args[i] = next; });
  const inputs = invocation?.inputs;
  if (!Array.isArray(inputs)) return;
  let copied: unknown[] | undefined;
  for (let i = 0; i < inputs.length; i++) {
    visit(inputs[i], (next) => {
      // The list may be the caller's own array: replace items in a copy, never in place.
      copied ??= inputs.slice();
      copied[i] = next;
      invocation!.inputs = copied;
    });
  }
}
