import type { ExecutorTask } from '@parsl-ts/core';

/**
 * Tasks waiting for a worker, lowest priority value first, first-in first-out within a priority.
 * Plain FIFO (an array with a moving head) while every task has priority 0, which is the common
 * case; a binary heap once any other priority shows up.
 */
export class TaskQueue {
  private fifo: ExecutorTask[] = [];
  private head = 0;
  private heap: { task: ExecutorTask; seq: number }[] | undefined;
  private seq = 0;
  /** Sequence numbers below every pushed task's, for tasks put back at the front. */
  private front = 0;

  get length(): number {
    return this.heap ? this.heap.length : this.fifo.length - this.head;
  }

  push(task: ExecutorTask): void {
    if (!this.heap && task.priority === 0) {
      this.fifo.push(task);
      return;
    }
    if (!this.heap) {
      this.heap = [];
      for (let i = this.head; i < this.fifo.length; i++) this.heapPush(this.fifo[i]!);
      this.fifo = [];
      this.head = 0;
    }
    this.heapPush(task);
  }

  /** Put tasks back at the front (after a worker was lost), keeping their order. */
  unshift(tasks: readonly ExecutorTask[]): void {
    if (this.heap) {
      this.front -= tasks.length;
      tasks.forEach((t, i) => this.heapPush(t, this.front + i));
      return;
    }
    this.fifo = tasks.concat(this.fifo.slice(this.head));
    this.head = 0;
  }

  shift(): ExecutorTask | undefined {
    if (this.heap) return this.heapPop();
    if (this.head >= this.fifo.length) return undefined;
    const task = this.fifo[this.head]!;
    this.fifo[this.head++] = undefined as never;
    if (this.head > 4096 && this.head * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.head);
      this.head = 0;
    }
    return task;
  }

  /** Remove and return everything. */
  drain(): ExecutorTask[] {
    const all: ExecutorTask[] = [];
    for (let t = this.shift(); t; t = this.shift()) all.push(t);
    return all;
  }

  private heapPush(task: ExecutorTask, seq = this.seq++): void {
    const heap = this.heap!;
    heap.push({ task, seq });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private heapPop(): ExecutorTask | undefined {
    const heap = this.heap!;
    if (heap.length === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top.task;
  }
}

function less(a: { task: ExecutorTask; seq: number }, b: { task: ExecutorTask; seq: number }): boolean {
  return a.task.priority !== b.task.priority ? a.task.priority < b.task.priority : a.seq < b.seq;
}
