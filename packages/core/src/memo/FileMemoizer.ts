import { mkdir, readdir, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ErrorCodes } from '../errors/codes.js';
import type { Logger } from '../dfk/logger.js';
import type { MemoizableTask, Memoizer, MemoizerContext, MemoOutcome } from '../interfaces/Memoizer.js';
import type { Serializer } from '../interfaces/Serializer.js';
import { splitHeader } from '../serialization/header.js';
import type { SerializerRegistry } from '../serialization/SerializerRegistry.js';
import { CheckpointError } from './CheckpointError.js';
import { CHECKPOINT_SUFFIX, encodeCheckpoint, readCheckpointFile, writeFileAtomically } from './checkpointFile.js';
import { CHECKPOINT_DIR } from './checkpoints.js';
import { memoKey } from './memoKey.js';

/**
 * Options of {@link FileMemoizer}.
 *
 * @since 0.2.0
 */
export interface FileMemoizerOptions {
  /**
   * The serializer that encodes outcomes in checkpoint files. Default: the run's serializer.
   * Choose one that keeps values whole (not a proxy serializer, whose references point into a
   * store that may be emptied), so that checkpoints stand on their own.
   */
  readonly serializer?: Serializer;
}

interface Segment {
  readonly file: string;
  readonly keys: readonly string[];
}

/**
 * Core's memoizer, the default: outcomes are kept in memory (serialized, so a caller that changes
 * a result object cannot change what later hits get), and each checkpoint writes the outcomes
 * stored since the previous one as a new file `runinfo/NNN/checkpoint/NNNNNN.ckpt`, atomically
 * (temporary file, fsync, rename, fsync of the folder). Small files are merged as they accumulate
 * (the last two whenever the newer holds as many entries as the older), so a run keeps a few
 * files however often it checkpoints, and writes each entry O(log n) times.
 *
 * Outcomes loaded from `checkpointFiles` are written to this run's first checkpoint as well, so
 * the latest run's checkpoint always holds everything the next run can reuse.
 *
 * @since 0.2.0
 * @example
 * ```ts
 * const dfk = await loadConfig({ memoizer: new FileMemoizer(), checkpointMode: 'taskExit' });
 * ```
 */
export class FileMemoizer implements Memoizer {
  private readonly table = new Map<string, Uint8Array>();
  private dirty = new Map<string, Uint8Array>();
  private segments: Segment[] = [];
  private serializer: Serializer | undefined;
  private registry: SerializerRegistry | undefined;
  private logger: Logger | undefined;
  private dir = '';
  private nextNumber = 1;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: FileMemoizerOptions = {}) {}

  /** Number of outcomes this memoizer knows (loaded and stored). */
  get size(): number {
    return this.table.size;
  }

  /** @inheritDoc */
  async start(context: MemoizerContext): Promise<void> {
    this.serializer = this.options.serializer ?? context.serializer;
    this.registry = context.serializers;
    this.logger = context.logger;
    this.dir = join(context.runDir, CHECKPOINT_DIR);
    for (const path of context.checkpointFiles) {
      for (const file of await checkpointFilesIn(path, this.logger)) {
        const entries = await readCheckpointFile(file);
        for (const entry of entries) {
          this.checkSerializer(entry.payload, file);
          this.table.set(entry.key, entry.payload);
          this.dirty.set(entry.key, entry.payload);
        }
        this.logger.info({ file, entries: entries.length }, 'checkpoint loaded');
      }
    }
  }

  /** @inheritDoc */
  key(task: MemoizableTask): string {
    return memoKey(task);
  }

  /** @inheritDoc */
  async lookup(key: string): Promise<{ found: false } | { found: true; outcome: MemoOutcome }> {
    const payload = this.table.get(key);
    if (payload === undefined) return { found: false };
    const [ok, value] = this.registry!.deserialize(payload) as [boolean, unknown];
    return { found: true, outcome: ok ? { ok: true, value } : { ok: false, error: value } };
  }

  /** @inheritDoc */
  async store(key: string, outcome: MemoOutcome): Promise<void> {
    const payload = this.serializer!.serialize(outcome.ok ? [true, outcome.value] : [false, outcome.error]);
    this.table.set(key, payload);
    this.dirty.set(key, payload);
  }

  /** @inheritDoc */
  checkpoint(): Promise<string | undefined> {
    // One write at a time; a call made during a write waits for it and then writes what is new.
    const next = this.writing.then(() => this.writeSegment(), () => this.writeSegment());
    this.writing = next.catch(() => undefined);
    return next;
  }

  /** @inheritDoc */
  async close(): Promise<void> {
    await this.writing;
  }

  private async writeSegment(): Promise<string | undefined> {
    if (this.dirty.size === 0) return undefined;
    const batch = this.dirty;
    this.dirty = new Map();
    let file: string;
    try {
      await mkdir(this.dir, { recursive: true });
      if (this.nextNumber === 1) this.nextNumber = await firstFreeNumber(this.dir);
      file = await this.writeFile([...batch.keys()]);
    } catch (error) {
      // Keep what was not written for the next checkpoint.
      for (const [key, payload] of batch) if (!this.dirty.has(key)) this.dirty.set(key, payload);
      throw error;
    }
    this.segments.push({ file, keys: [...batch.keys()] });
    // Merge like a binary counter: O(log n) files, each entry rewritten O(log n) times.
    while (this.segments.length >= 2) {
      const newer = this.segments[this.segments.length - 1]!;
      const older = this.segments[this.segments.length - 2]!;
      if (newer.keys.length < older.keys.length) break;
      const keys = [...new Set([...older.keys, ...newer.keys])];
      const merged = await this.writeFile(keys);
      this.segments.splice(-2, 2, { file: merged, keys });
      // A crash before these unlinks leaves duplicates, which load to the same outcomes.
      await Promise.all([unlink(older.file), unlink(newer.file)].map((p) => p.catch(() => undefined)));
      file = merged;
    }
    this.logger?.debug({ file, entries: batch.size }, 'checkpoint written');
    return file;
  }

  private async writeFile(keys: readonly string[]): Promise<string> {
    const file = join(this.dir, `${String(this.nextNumber++).padStart(6, '0')}${CHECKPOINT_SUFFIX}`);
    await writeFileAtomically(file, encodeCheckpoint(keys.map((key) => ({ key, payload: this.table.get(key)! }))));
    return file;
  }

  private checkSerializer(payload: Uint8Array, file: string): void {
    try {
      this.registry!.get(splitHeader(payload).id);
    } catch (cause) {
      throw new CheckpointError(ErrorCodes.UnknownSerializer, file,
        `checkpoint file ${file} holds results written by a serializer this run does not have: ${(cause as Error).message}`, {
          cause, hint: 'add that serializer to the config (serializer or serializers), or leave the file out of checkpointFiles',
        });
    }
  }
}

/** The checkpoint files a `checkpointFiles` entry names: the file itself, or a folder's `*.ckpt` files in order. */
async function checkpointFilesIn(path: string, logger: Logger): Promise<string[]> {
  const absolute = resolve(path);
  let info;
  try {
    info = await stat(absolute);
  } catch (cause) {
    throw new CheckpointError(ErrorCodes.CheckpointMissing, absolute, `checkpointFiles names ${absolute}, which does not exist`, { cause });
  }
  if (!info.isDirectory()) return [absolute];
  const files = (await readdir(absolute)).filter((name) => name.endsWith(CHECKPOINT_SUFFIX) && !name.startsWith('.')).sort();
  if (files.length === 0) logger.warn({ dir: absolute }, 'checkpoint folder holds no checkpoint files (.ckpt); nothing loaded from it');
  return files.map((name) => join(absolute, name));
}

async function firstFreeNumber(dir: string): Promise<number> {
  const numbers = (await readdir(dir)).map((name) => /^(\d+)\.ckpt$/.exec(name)?.[1]).filter((n): n is string => n !== undefined).map(Number);
  return numbers.length === 0 ? 1 : Math.max(...numbers) + 1;
}

