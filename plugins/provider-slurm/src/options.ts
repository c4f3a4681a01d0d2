// The option check that only Slurm needs: values that go into #SBATCH directives. Internal; core's
// ProviderOptionReader checks the rest.
import { describeValue, type ProviderOptionReader } from '@parsl-ts/core';

/**
 * A one-line value that goes into an `#SBATCH` directive (partition, account, ...): no newline,
 * no double quote (sbatch reads directives with its own quoting), or undefined when not set.
 */
export function directiveValue(options: ProviderOptionReader, key: string, example: string): string | undefined {
  const value = options.raw(key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || /["\n\r\0]/.test(value)) {
    options.fail(key, `must be a non-empty one-line string without double quotes, got ${describeValue(value)}`, `e.g. ${key}: '${example}'`);
  }
  return value.trim();
}
