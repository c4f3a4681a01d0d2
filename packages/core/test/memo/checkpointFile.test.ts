import { mkdtempSync, readFileSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CheckpointError, ErrorCodes, decodeCheckpoint, encodeCheckpoint, jsonSerializer, readCheckpointFile, writeFileAtomically,
} from '../../src/index.js';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'parsl-ckpt-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const serializer = jsonSerializer();
const entries = [
  { key: 'a'.repeat(64), payload: serializer.serialize([true, { x: 1 }]) },
  { key: 'b'.repeat(64), payload: serializer.serialize([false, new RangeError('no')]) },
];

async function rejection(promise: Promise<unknown>): Promise<CheckpointError> {
  try { await promise; } catch (error) { return error as CheckpointError; }
  throw new Error('expected a rejection');
}

describe('checkpoint files', () => {
  it('round-trip their entries', async () => {
    const file = join(dir, '000001.ckpt');
    await writeFileAtomically(file, encodeCheckpoint(entries));
    const read = await readCheckpointFile(file);
    expect(read.map((e) => e.key)).toEqual(entries.map((e) => e.key));
    expect(serializer.deserialize(read[0]!.payload)).toEqual([true, { x: 1 }]);
    expect(readdirSync(dir)).toEqual(['000001.ckpt']); // no temporary file left behind
  });

  it('report a truncated file, naming it', async () => {
    const file = join(dir, '000001.ckpt');
    await writeFileAtomically(file, encodeCheckpoint(entries));
    truncateSync(file, readFileSync(file).length - 5);
    const error = await rejection(readCheckpointFile(file));
    expect(error).toBeInstanceOf(CheckpointError);
    expect(error.code).toBe(ErrorCodes.CheckpointCorrupt);
    expect(error.file).toBe(file);
    expect(error.message).toContain(file);
    expect(error.message).toContain('truncated');
    expect(error.hint).toContain('checkpointFiles');
    truncateSync(file, 20);
    expect((await rejection(readCheckpointFile(file))).message).toMatch(/truncated: it has 20 bytes/);
  });

  it('report a corrupted byte, a foreign file, an empty file and another format version', async () => {
    const file = join(dir, '000001.ckpt');
    const bytes = encodeCheckpoint(entries);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0xff;
    writeFileSync(file, bytes);
    expect((await rejection(readCheckpointFile(file))).message).toContain('do not match the SHA-256 digest');
    writeFileSync(file, 'x'.repeat(100));
    expect((await rejection(readCheckpointFile(file))).message).toContain('not a parsl-ts checkpoint');
    writeFileSync(file, '');
    expect((await rejection(readCheckpointFile(file))).message).toContain('is empty');
    const future = encodeCheckpoint(entries);
    future.writeUInt16BE(9, 8);
    expect(() => decodeCheckpoint(future, file)).toThrow(/format version 9/);
  });

  it('report a missing file with PARSL_CHECKPOINT_MISSING', async () => {
    const error = await rejection(readCheckpointFile(join(dir, 'nope.ckpt')));
    expect(error.code).toBe(ErrorCodes.CheckpointMissing);
  });

  it('are replaced whole: an earlier file survives a write that fails', async () => {
    const file = join(dir, 'c.ckpt');
    await writeFileAtomically(file, encodeCheckpoint(entries));
    const before = readFileSync(file);
    // Writing into a folder that does not exist fails before anything touches the old file.
    const error = await rejection(writeFileAtomically(join(dir, 'missing', 'c.ckpt'), Buffer.alloc(10)));
    expect(error.code).toBe(ErrorCodes.CheckpointWrite);
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});
