/**
 * A queue of work items: lowest priority value first, first-in first-out within a priority. One
 * bucket per priority value, so the common case (everything at priority 0) is a plain FIFO with
 * O(1) push and shift. Shared by executors that queue tasks (the thread pool, HTEX's interchange).
 *
 * @since 0.1.0
 * @example
 * ```ts
 * const queue = new PriorityFifo<ExecutorTask>((task) => task.priority);
 * queue.push(task);
 * const next = queue.shift();
 * ```
 */
export class PriorityFifo<T> {
  private readonly buckets = new Map<number, { items: T[]; head: number }>();
  private priorities: number[] = [];
  private size = 0;

  /** @param priorityOf - an item's priority: lower runs first. */
  constructor(private readonly priorityOf: (item: T) => number) {}

  /** Items waiting. */
  get length(): number {
    return this.size;
  }

  /** Add an item behind the others of its priority. */
  push(item: T): void {
    this.bucket(this.priorityOf(item)).items.push(item);
    this.size++;
  }

  /** Put items back in front of the others of their priority, keeping their order (e.g. after a worker was lost). */
  unshift(items: readonly T[]): void {
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i]!;
      const bucket = this.bucket(this.priorityOf(item));
      if (bucket.head > 0) bucket.items[--bucket.head] = item;
      else bucket.items.unshift(item);
      this.size++;
    }
  }

  /** Take the next item, or undefined when empty. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    for (const priority of this.priorities) {
      const bucket = this.buckets.get(priority)!;
      if (bucket.head === bucket.items.length) continue;
      const item = bucket.items[bucket.head]!;
      bucket.items[bucket.head++] = undefined as never;
      if (bucket.head === bucket.items.length) {
        bucket.items = [];
        bucket.head = 0;
      } else if (bucket.head > 4096 && bucket.head * 2 > bucket.items.length) {
        bucket.items = bucket.items.slice(bucket.head);
        bucket.head = 0;
      }
      this.size--;
      return item;
    }
    return undefined;
  }

  /** Remove and return everything, in order. */
  drain(): T[] {
    const all: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) all.push(item);
    return all;
  }

  private bucket(priority: number): { items: T[]; head: number } {
    let bucket = this.buckets.get(priority);
    if (!bucket) {
      bucket = { items: [], head: 0 };
      this.buckets.set(priority, bucket);
      this.priorities.push(priority);
      this.priorities.sort((a, b) => a - b);
    }
    return bucket;
  }
}
