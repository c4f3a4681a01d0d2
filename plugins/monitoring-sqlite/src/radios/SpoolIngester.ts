import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { MonitoringRecord } from '@parsl-ts/core';

/** Most bytes read from one spool file per scan, so one busy sender cannot starve the others. */
const MAX_READ = 4 * 1024 * 1024;

/**
 * The hub's end of the filesystem radio: every scan reads what senders appended to their
 * `*.ndjson` files since the last scan (whole lines only: a line still being written waits), and
 * deletes a file once it has been read to the end and its sender closed it (`*.ndjson.closed`).
 *
 * @internal
 */
export class SpoolIngester {
  /** Lines that were not JSON records. */
  rejected = 0;
  private readonly offsets = new Map<string, number>();

  constructor(readonly dir: string, private readonly deliver: (records: MonitoringRecord[]) => void) {
    mkdirSync(dir, { recursive: true });
  }

  /** Read everything appended since the last scan. */
  scan(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.endsWith('.ndjson')) this.read(name, names.includes(`${name}.closed`));
    }
  }

  private read(name: string, closed: boolean): void {
    const path = join(this.dir, name);
    let offset = this.offsets.get(name) ?? 0;
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch {
      return;
    }
    try {
      for (;;) {
        const size = fstatSync(fd).size;
        if (size <= offset) break;
        const buffer = Buffer.allocUnsafe(Math.min(size - offset, MAX_READ));
        const got = readSync(fd, buffer, 0, buffer.length, offset);
        const end = buffer.lastIndexOf(10, got - 1);
        if (end < 0) break; // no whole line yet
        const records: MonitoringRecord[] = [];
        for (const line of buffer.toString('utf8', 0, end).split('\n')) {
          if (line.length === 0) continue;
          try {
            records.push(JSON.parse(line) as MonitoringRecord);
          } catch {
            this.rejected++;
          }
        }
        offset += end + 1;
        if (records.length > 0) this.deliver(records);
        if (got < buffer.length || buffer.length < MAX_READ) break;
      }
    } finally {
      closeSync(fd);
    }
    this.offsets.set(name, offset);
    if (closed && existsSync(`${path}.closed`)) {
      // Read to the end after the sender closed it: nothing more can come.
      try {
        if (fstatSizeOf(path) === offset) {
          unlinkSync(path);
          unlinkSync(`${path}.closed`);
          this.offsets.delete(name);
        }
      } catch {
        // someone else removed it
      }
    }
  }
}

function fstatSizeOf(path: string): number {
  const fd = openSync(path, 'r');
  try {
    return fstatSync(fd).size;
  } finally {
    closeSync(fd);
  }
}
