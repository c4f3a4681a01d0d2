/**
 * A binary min-heap of numbers with a payload, for laying out timeline bars: which sub-row
 * frees up first, which free sub-row is lowest.
 */
export class MinHeap {
  private readonly keys: number[] = [];
  private readonly values: number[] = [];

  /** Entries in the heap. */
  get size(): number {
    return this.keys.length;
  }

  /** The smallest key (undefined when empty). */
  peekKey(): number | undefined {
    return this.keys[0];
  }

  /** Add `value` under `key`. */
  push(key: number, value: number): void {
    const { keys, values } = this;
    let i = keys.length;
    keys.push(key);
    values.push(value);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      values[i] = values[parent]!;
      i = parent;
    }
    keys[i] = key;
    values[i] = value;
  }

  /** Remove the entry with the smallest key and return its value (undefined when empty). */
  pop(): number | undefined {
    const { keys, values } = this;
    if (keys.length === 0) return undefined;
    const top = values[0];
    const lastKey = keys.pop()!;
    const lastValue = values.pop()!;
    const n = keys.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && keys[right]! < keys[left]! ? right : left;
        if (keys[child]! >= lastKey) break;
        keys[i] = keys[child]!;
        values[i] = values[child]!;
        i = child;
      }
      keys[i] = lastKey;
      values[i] = lastValue;
    }
    return top;
  }
}
