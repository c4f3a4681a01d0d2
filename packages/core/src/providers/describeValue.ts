/**
 * A short description of a value for error messages: `null`, `a list`, `an object`, a string in
 * JSON quotes (cut after 60 characters), or its type and value (`number -1`).
 *
 * @since 0.1.1
 * @example
 * ```ts
 * throw new ConfigError(`must be a whole number >= 1, got ${describeValue(value)}`, { path: 'MyProvider.nodesPerBlock' });
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
