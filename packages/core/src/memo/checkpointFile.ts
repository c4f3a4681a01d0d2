import { createHash, randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ErrorCodes } from '../errors/codes.js';
import { CheckpointError } from './CheckpointError.js';

/**
 * One memoized outcome in a checkpoint file: the memo key and the outcome as a serializer payload
 * (its header names the serializer that wrote it).
 *
 * @since 0.2.0
 */
export interface CheckpointEntry {
  /** The memo key (64 hex digits for core's keys; any text up to 65535 bytes). */
  readonly key: string;
  /** `serializer.serialize([ok, valueOrError])`, header included. */
  readonly payload: Uint8Array;
}

/** The first 8 bytes of every checkpoint file. */
export const CHECKPOINT_MAGIC = 'PARSLCKP';
/** Version of the layout below. */
export const CHECKPOINT_FORMAT_VERSION = 1;
/** File name suffix of checkpoint files (`000001.ckpt`). */
export const CHECKPOINT_SUFFIX = '.ckpt';
const HEADER_BYTES = 56;

/*
 * Layout of a checkpoint file (all integers big-endian), documented in docs/memoization.md:
 *
 *   0   8 bytes   magic "PARSLCKP"
 *   8   u16       format version (1)
 *   10  u16       reserved, 0
 *   12  u32       number of entries
 *   16  u64       body length in bytes
 *   24  32 bytes  SHA-256 of the body
 *   56  body      entries, each: u16 key length, key (UTF-8), u32 payload length, payload
 *
 * The body length and digest make a truncated or altered file detectable; files are only ever
 * written whole, to a temporary name, synced and renamed, so a crash leaves either the old state or
 * the new file, never a partial one.
 */

/**
 * Encode entries as the bytes of one checkpoint file.
 *
 * @since 0.2.0
 * @example
 * ```ts
 * const bytes = encodeCheckpoint([{ key, payload: serializer.serialize([true, 42]) }]);
 * ```
 */
export function encodeCheckpoint(entries: Iterable<CheckpointEntry>): Buffer {
  const parts: Buffer[] = [];
  let count = 0;
  let bodyLength = 0;
  for (const entry of entries) {
    const key = Buffer.from(entry.key, 'utf8');
    if (key.length > 0xffff) throw new RangeError(`a memo key of ${key.length} bytes is too long for a checkpoint`);
    const head = Buffer.allocUnsafe(2 + key.length + 4);
    head.writeUInt16BE(key.length, 0);
    key.copy(head, 2);
    head.writeUInt32BE(entry.payload.byteLength, 2 + key.length);
    parts.push(head, Buffer.from(entry.payload.buffer, entry.payload.byteOffset, entry.payload.byteLength));
    bodyLength += head.length + entry.payload.byteLength;
    count++;
  }
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(CHECKPOINT_MAGIC, 0, 'latin1');
  header.writeUInt16BE(CHECKPOINT_FORMAT_VERSION, 8);
  header.writeUInt32BE(count, 12);
  header.writeBigUInt64BE(BigInt(bodyLength), 16);
  const digest = createHash('sha256');
  for (const part of parts) digest.update(part);
  digest.digest().copy(header, 24);
  return Buffer.concat([header, ...parts], HEADER_BYTES + bodyLength);
}

/**
 * Decode the bytes of a checkpoint file. Throws a `CheckpointError` with code
 * `PARSL_CHECKPOINT_CORRUPT` naming `file` and what is wrong (not a checkpoint, truncated,
 * altered, an unknown format version).
 *
 * @since 0.2.0
 * @example
 * ```ts
 * const entries = decodeCheckpoint(readFileSync(path), path);
 * ```
 */
export function decodeCheckpoint(bytes: Uint8Array, file: string): CheckpointEntry[] {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const corrupt = (what: string): CheckpointError =>
    new CheckpointError(ErrorCodes.CheckpointCorrupt, file, `checkpoint file ${file} ${what}`);
  if (data.length < HEADER_BYTES) {
    if (data.subarray(0, Math.min(8, data.length)).toString('latin1') === CHECKPOINT_MAGIC.slice(0, Math.min(8, data.length)) && data.length > 0) {
      throw corrupt(`is truncated: it has ${data.length} bytes, less than the ${HEADER_BYTES}-byte header`);
    }
    throw corrupt(data.length === 0 ? 'is empty' : 'is not a parsl-ts checkpoint (no PARSLCKP header)');
  }
  if (data.toString('latin1', 0, 8) !== CHECKPOINT_MAGIC) throw corrupt('is not a parsl-ts checkpoint (no PARSLCKP header)');
  const version = data.readUInt16BE(8);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(ErrorCodes.CheckpointCorrupt, file, `checkpoint file ${file} has format version ${version}; this core reads version ${CHECKPOINT_FORMAT_VERSION}`, {
      hint: 'it was written by another version of @parsl-ts/core: load it with that version, or leave it out of checkpointFiles',
    });
  }
  const count = data.readUInt32BE(12);
  const bodyLength = data.readBigUInt64BE(16);
  const actual = BigInt(data.length - HEADER_BYTES);
  if (actual < bodyLength) throw corrupt(`is truncated: its header announces ${bodyLength} bytes of entries, but only ${actual} follow`);
  if (actual > bodyLength) throw corrupt(`has ${actual - bodyLength} bytes after its last entry`);
  const body = data.subarray(HEADER_BYTES);
  if (!createHash('sha256').update(body).digest().equals(data.subarray(24, 56))) {
    throw corrupt('is corrupted: its contents do not match the SHA-256 digest in its header');
  }
  const entries: CheckpointEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 2 > body.length) throw corrupt(`is corrupted: entry ${i} of ${count} is cut off`);
    const keyLength = body.readUInt16BE(at);
    at += 2;
    if (at + keyLength + 4 > body.length) throw corrupt(`is corrupted: entry ${i} of ${count} is cut off`);
    const key = body.toString('utf8', at, at + keyLength);
    at += keyLength;
    const length = body.readUInt32BE(at);
    at += 4;
    if (at + length > body.length) throw corrupt(`is corrupted: entry ${i} of ${count} is cut off`);
    // A copy: the entry outlives the file's buffer, which may be large.
    entries.push({ key, payload: Uint8Array.prototype.slice.call(body, at, at + length) });
    at += length;
  }
  if (at !== body.length) throw corrupt(`is corrupted: ${body.length - at} bytes follow its ${count} entries`);
  return entries;
}

/**
 * Read and decode a checkpoint file (see {@link decodeCheckpoint}); a missing or unreadable
 * file gives `PARSL_CHECKPOINT_MISSING`.
 *
 * @since 0.2.0
 * @example
 * ```ts
 * const entries = await readCheckpointFile('runinfo/002/checkpoint/000003.ckpt');
 * ```
 */
export async function readCheckpointFile(file: string): Promise<CheckpointEntry[]> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (cause) {
    throw new CheckpointError(ErrorCodes.CheckpointMissing, file, `checkpoint file ${file} cannot be read: ${(cause as Error).message}`, { cause });
  }
  return decodeCheckpoint(bytes, file);
}

/**
 * Write a file so that a crash at any moment leaves either no file or the whole file: the bytes
 * go to a temporary file in the same folder, which is synced to disk and then renamed over
 * `path`; the folder is synced too, so the rename itself survives a power cut.
 *
 * @since 0.2.0
 * @example
 * ```ts
 * await writeFileAtomically('runinfo/004/checkpoint/000001.ckpt', encodeCheckpoint(entries));
 * ```
 */
export async function writeFileAtomically(path: string, bytes: Uint8Array): Promise<void> {
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o644);
    try {
      let written = 0;
      while (written < bytes.byteLength) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written);
        written += bytesWritten;
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    const dir = await open(folder, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch (cause) {
    await unlink(temporary).catch(() => undefined);
    throw new CheckpointError(ErrorCodes.CheckpointWrite, path, `checkpoint ${path} could not be written: ${(cause as Error).message}`, { cause });
  }
}
