/**
 * @parsl-ts/memoizer-sqlite: a memoizer that keeps task results in SQLite.
 *
 * @packageDocumentation
 */
export { SqliteMemoizer, MEMO_DATABASE, SCHEMA_VERSION, type SqliteMemoizerOptions } from './SqliteMemoizer.js';
export { plugin } from './manifest.js';
