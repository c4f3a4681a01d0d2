// The option check that only PBS needs: one-word values for qsub's options and resources. Internal;
// core's ProviderOptionReader checks the rest.
import { describeValue, type ProviderOptionReader } from '@parsl-ts/core';

/**
 * A one-word value for a qsub option or a resource (queue, account, place): no whitespace, no
 * quotes or shell characters (the Torque wrappers of Slurm build a shell string from them), or
 * undefined when not set.
 */
export function wordOption(options: ProviderOptionReader, key: string, example: string): string | undefined {
  const value = options.raw(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.:@%+=,\/-]+$/.test(value)) {
    options.fail(key, `must be one word of letters, digits and _ . : @ % + = , / -, got ${describeValue(value)}`, `e.g. ${key}: '${example}'`);
  }
  return value;
}
