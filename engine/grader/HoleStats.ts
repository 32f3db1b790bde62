// HoleStats: the heap's holes seen from outside the allocator: the maximal runs of [base, end) that
// no live payload covers (free blocks, but also headers, padding and other metadata between
// payloads). Gaps smaller than `minSize` are overhead (a header, a footer, alignment padding), not
// holes, and are left out. Kept incrementally as a multiset of hole sizes with their count, sum, sum of squares and
// largest, which give the fragmentation measures of the grading reference:
//   external (largest-block ratio) = 1 - largest / total;  RSS measure = 1 - sqrt(sum f^2) / sum f.

export class HoleStats {
  count = 0;
  total = 0;
  private squares = 0;
  private readonly sizes = new Map<number, number>();
  /** Max-heap of hole sizes; entries whose count dropped to zero are skipped lazily. */
  private readonly heap: number[] = [];

  /** Gaps below `minSize` bytes (at least 1) are not holes. */
  constructor(readonly minSize = 1) {}

  /** Adds a gap of `size` bytes (nothing below minSize). */
  add(size: number): void {
    if (size < this.minSize || size <= 0) return;
    this.count++;
    this.total += size;
    this.squares += size * size;
    const had = this.sizes.get(size) ?? 0;
    this.sizes.set(size, had + 1);
    if (had === 0) this.push(size);
  }

  /** Removes one gap of `size` bytes (nothing below minSize); assumes it was added. */
  remove(size: number): void {
    if (size < this.minSize || size <= 0) return;
    const had = this.sizes.get(size) ?? 0;
    if (had === 0) throw new RangeError(`HoleStats: no hole of ${size} bytes to remove`);
    this.count--;
    this.total -= size;
    this.squares -= size * size;
    if (had === 1) this.sizes.delete(size);
    else this.sizes.set(size, had - 1);
  }

  /** The largest hole in bytes, 0 when there is none. */
  largest(): number {
    while (this.heap.length > 0 && !this.sizes.has(this.heap[0]!)) this.pop();
    return this.heap[0] ?? 0;
  }

  /** 1 - largest / total: 0 when all free space is one hole (or there is none). */
  external(): number {
    return this.total > 0 ? 1 - this.largest() / this.total : 0;
  }

  /** 1 - sqrt(sum of squares) / total: 0 for one hole, towards 1 for many equal small ones. */
  rss(): number {
    return this.total > 0 ? Math.max(0, 1 - Math.sqrt(this.squares) / this.total) : 0;
  }

  private push(size: number): void {
    const heap = this.heap;
    let i = heap.push(size) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]! >= heap[i]!) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let top = i;
      if (left < heap.length && heap[left]! > heap[top]!) top = left;
      if (right < heap.length && heap[right]! > heap[top]!) top = right;
      if (top === i) return;
      [heap[top], heap[i]] = [heap[i]!, heap[top]!];
      i = top;
    }
  }
}
