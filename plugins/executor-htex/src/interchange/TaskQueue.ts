import type { TaskEnvelope } from '../protocol/messages.js';

/**
 * The interchange's queue of tasks not yet sent to a manager: lowest priority value first, FIFO
 * within a priority. One bucket per priority value, so the common case (every task priority 0)
 * is a plain FIFO.
 */
export class TaskQueue {
  private readonly buckets = new Map<number, { items: TaskEnvelope[]; head: number }>();
  private priorities: number[] = [];
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(task: TaskEnvelope): void {
    const priority = task[2];
    let bucket = this.buckets.get(priority);
    if (!bucket) {
      bucket = { items: [], head: 0 };
      this.buckets.set(priority, bucket);
      this.priorities.push(priority);
      this.priorities.sort((a, b) => a - b);
    }
    bucket.items.push(task);
    this.size++;
  }

  /** Put tasks back in front of their priority (a manager was lost before it started them). */
  unshift(tasks: readonly TaskEnvelope[]): void {
    for (let i = tasks.length - 1; i >= 0; i--) {
      const task = tasks[i]!;
      this.push(task);
      const bucket = this.buckets.get(task[2])!;
      bucket.items.pop();
      if (bucket.head > 0) bucket.items[--bucket.head] = task;
      else bucket.items.unshift(task);
    }
  }

  shift(): TaskEnvelope | undefined {
    for (const priority of this.priorities) {
      const bucket = this.buckets.get(priority)!;
      if (bucket.head < bucket.items.length) {
        const task = bucket.items[bucket.head]!;
        bucket.items[bucket.head++] = undefined as never;
        if (bucket.head === bucket.items.length) {
          bucket.items = [];
          bucket.head = 0;
        } else if (bucket.head > 4096 && bucket.head * 2 > bucket.items.length) {
          bucket.items = bucket.items.slice(bucket.head);
          bucket.head = 0;
        }
        this.size--;
        return task;
      }
    }
    return undefined;
  }

  drain(): TaskEnvelope[] {
    const all: TaskEnvelope[] = [];
    for (let t = this.shift(); t; t = this.shift()) all.push(t);
    return all;
  }
}
