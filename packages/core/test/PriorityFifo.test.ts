import { describe, expect, it } from 'vitest';
import { PriorityFifo } from '../src/index.js';

interface Item { id: number; priority: number }
const newQueue = (): PriorityFifo<Item> => new PriorityFifo<Item>((item) => item.priority);

function task(id: number, priority = 0): Item {
  return { id, priority };
}

function ids(queue: PriorityFifo<Item>): number[] {
  return queue.drain().map((t) => t.id);
}

describe('PriorityFifo', () => {
  it('is empty at first: length 0, shift() gives undefined', () => {
    const queue = newQueue();
    expect(queue.length).toBe(0);
    expect(queue.shift()).toBeUndefined();
    expect(queue.drain()).toEqual([]);
  });

  it('is first-in first-out while every task has priority 0', () => {
    const queue = newQueue();
    for (let i = 0; i < 5; i++) queue.push(task(i));
    expect(queue.length).toBe(5);
    expect(queue.shift()?.id).toBe(0);
    queue.push(task(5));
    expect(queue.length).toBe(5);
    expect(ids(queue)).toEqual([1, 2, 3, 4, 5]);
    expect(queue.length).toBe(0);
  });

  it('keeps FIFO order across many pushes and shifts (internal compaction)', () => {
    const queue = newQueue();
    const out: number[] = [];
    let next = 0;
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 3000; i++) queue.push(task(next++));
      for (let i = 0; i < 2500; i++) out.push(queue.shift()!.id);
    }
    out.push(...ids(queue));
    expect(out).toEqual(Array.from({ length: next }, (_, i) => i));
  });

  it('runs lower priority values first, FIFO within a priority', () => {
    const queue = newQueue();
    const priorities = [5, 1, 3, 1, 0, 5, -2, 3];
    priorities.forEach((p, i) => queue.push(task(i, p)));
    expect(queue.length).toBe(priorities.length);
    expect(ids(queue)).toEqual([6, 4, 1, 3, 2, 7, 0, 5]);
  });

  it('keeps FIFO order within priority 0 when other priorities arrive', () => {
    const queue = newQueue();
    for (let i = 0; i < 4; i++) queue.push(task(i));
    expect(queue.shift()?.id).toBe(0);
    queue.push(task(10, 1));
    queue.push(task(11, -1));
    queue.push(task(12)); // priority 0 after the switch to the heap
    expect(ids(queue)).toEqual([11, 1, 2, 3, 12, 10]);
  });

  it('stays ordered with many random priorities', () => {
    const queue = newQueue();
    let x = 12345;
    const rand = (): number => { x = (x * 1103515245 + 12345) % 2 ** 31; return x; };
    const tasks = Array.from({ length: 2000 }, (_, i) => task(i, rand() % 7));
    for (const t of tasks) queue.push(t);
    const expected = [...tasks].sort((a, b) => a.priority - b.priority || a.id - b.id).map((t) => t.id);
    expect(ids(queue)).toEqual(expected);
  });

  it('unshift() puts tasks back at the front in their order (FIFO mode)', () => {
    const queue = newQueue();
    for (let i = 0; i < 4; i++) queue.push(task(i));
    queue.shift();
    queue.shift();
    queue.unshift([task(100), task(101), task(102)]);
    expect(queue.length).toBe(5);
    expect(ids(queue)).toEqual([100, 101, 102, 2, 3]);
  });

  it('unshift() puts tasks back ahead of queued tasks of the same priority, in their order (priority mode)', () => {
    const queue = newQueue();
    queue.push(task(0, 1));
    queue.push(task(1, 1));
    queue.push(task(2, 0));
    queue.unshift([task(100, 1), task(101, 1), task(102, 1)]);
    expect(queue.length).toBe(6);
    // Priority still comes first; among priority 1, the returned tasks lead, in the order given.
    expect(ids(queue)).toEqual([2, 100, 101, 102, 0, 1]);
  });

  it('unshift() twice: the later batch goes in front of the earlier one (priority mode)', () => {
    const queue = newQueue();
    queue.push(task(0, 2));
    queue.unshift([task(10, 2), task(11, 2)]);
    queue.unshift([task(20, 2), task(21, 2)]);
    expect(ids(queue)).toEqual([20, 21, 10, 11, 0]);
  });
});
