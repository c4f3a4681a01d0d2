import { readFileSync } from 'node:fs';

/**
 * The version of the running @parsl-ts/core, read from its package.json.
 *
 * @since 0.1.0
 * @example
 * ```ts
 * console.log(CORE_VERSION); // '0.1.0'
 * ```
 */
export const CORE_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/**
 * Version of the wire protocol between executors and their workers. Bumped on any incompatible
 * change; a worker with another number is refused with a clear error.
 *
 * @since 0.1.0
 */
export const WIRE_PROTOCOL_VERSION = 1;
