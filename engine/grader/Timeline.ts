// Timeline: the heap's live blocks after any operation of a finished replay, for scrubbing and time
// travel without the allocator. Built once from a trace and a replay run with `addresses: true`
// (and `series: true` for the exact heap end): a checkpoint of the live set (ids, addresses and
// sizes in typed arrays) and the heap end is kept before every `every`-th operation; at(k) copies
// the nearest checkpoint at or before k and replays the at most every - 1 operations in between.
// Holes are recomputed from the sorted blocks with the replay's rule (gaps below minHole are overhead).
// A replay still running is followed with extendTo() as its arrays fill. Chart decimation (min, max
// and last per bucket) is in Decimate.ts; the heap map's cells in HeapMap.ts.
import type { ReplaySeries } from './Replay';
import { decimateSeries, type DecimatedSeries } from './Decimate';
import { OpKind, type Trace } from '../workload/Trace';

export interface TimelineOptions {
  /** Operations between checkpoints (at least 1). Default 4096. */
  every?: number;
  /** Gaps below this many bytes are overhead, not holes: the replay's minHole. Default 32. */
  minHole?: number;
}

export interface TimelineBlock {
  id: number;
  address: number;
  size: number;
}

export interface TimelineState {
  /** The operation after which this is the state (-1: before the first). */
  op: number;
  /** Live blocks by ascending address (ties by id). */
  blocks: TimelineBlock[];
  heapEnd: number;
  payload: number;
  holes: number;
  largestHole: number;
  /** 1 - largest hole / hole bytes (0 without holes), as in HoleStats. */
  external: number;
}

export interface TimelineHole {
  address: number;
  size: number;
}

/** One checkpoint: the live set before operation `index * every`, in parallel typed arrays. */
interface Checkpoint {
  ids: Int32Array;
  addresses: Float64Array;
  sizes: Float64Array;
  heapEnd: number;
}

/** What a Timeline reads: a replay's addresses (required), its series (for the exact heap end) and heap base, and how many operations are filled. */
export interface TimelineSource {
  addresses: Float64Array | null;
  series: ReplaySeries | null;
  heapBase: number;
  metrics: { operations: number };
}

export class Timeline {
  readonly every: number;
  readonly heapBase: number;
  private readonly minHole: number;
  private readonly addresses: Float64Array;
  private readonly series: ReplaySeries | null;
  private readonly checkpoints: Checkpoint[] = [];
  /** The builder's live set and heap end after the operations taken in so far. */
  private readonly live: LiveSet;
  private end: number;
  private built = 0;

  /**
   * Walks the source's first metrics.operations addresses, saving a checkpoint every `every` operations; throws without
   * addresses. A replay still running (its arrays sized for the whole trace, filled as it goes) is followed with extendTo().
   */
  constructor(private readonly trace: Trace, result: TimelineSource, options: TimelineOptions = {}) {
    if (!result.addresses) throw new Error('Timeline: the replay kept no addresses (run replay() with addresses: true)');
    this.every = options.every ?? 4096;
    if (!Number.isInteger(this.every) || this.every < 1) throw new RangeError(`Timeline: every must be an integer ≥ 1, not ${this.every}`);
    this.minHole = options.minHole ?? 32;
    this.addresses = result.addresses;
    this.series = result.series;
    this.heapBase = result.heapBase;
    this.live = new LiveSet(trace.ids);
    this.end = this.heapBase;
    this.extendTo(result.metrics.operations);
  }

  /** Operations taken in so far: at() takes -1 .. operations - 1. */
  get operations(): number {
    return this.built;
  }

  /** Takes in operations up to `done` (the source's arrays must be filled that far); a smaller `done` changes nothing. */
  extendTo(done: number): void {
    const to = Math.min(done, this.addresses.length, this.trace.length);
    for (let k = this.built; k < to; k++) {
      if (k % this.every === 0) this.checkpoints.push(this.live.checkpoint(this.end));
      this.end = this.apply(this.live, k, this.end);
    }
    this.built = Math.max(this.built, to);
  }

  /** The operation that last allocated (malloc, or realloc giving an address) block `id` at or before operation k; -1 if none. */
  allocatedAt(id: number, k: number): number {
    for (let op = Math.min(k, this.built - 1); op >= 0; op--) {
      if (this.trace.id[op] === id && this.trace.kind[op] !== OpKind.Free && this.addresses[op]! >= 0) return op;
    }
    return -1;
  }

  /** The state after operation k (k = -1: before the first, empty); throws a RangeError outside -1 .. operations - 1. */
  at(k: number): TimelineState {
    const live = this.liveAt(k);
    const blocks = live.blocks.sort((a, b) => a.address - b.address || a.id - b.id);
    let payload = 0;
    for (const block of blocks) payload += block.size;
    let holes = 0, total = 0, largest = 0;
    this.eachHole(blocks, live.heapEnd, (_, size) => {
      holes++;
      total += size;
      if (size > largest) largest = size;
    });
    return { op: k, blocks, heapEnd: live.heapEnd, payload, holes, largestHole: largest, external: total > 0 ? 1 - largest / total : 0 };
  }

  /** The holes after operation k by ascending address (gaps of at least minHole bytes between payloads, the base and the end). */
  holesAt(k: number): TimelineHole[] {
    const { blocks, heapEnd } = this.at(k);
    const out: TimelineHole[] = [];
    this.eachHole(blocks, heapEnd, (address, size) => out.push({ address, size }));
    return out;
  }

  /** Every series of the replay, decimated over operations [from, to) into at most `buckets` points; null without series. */
  charts(from: number, to: number, buckets: number): DecimatedSeries | null {
    return this.series ? decimateSeries(this.series, from, to, buckets) : null;
  }

  /** Bytes the checkpoints hold (their typed arrays, plus 8 per heap end). */
  bytes(): number {
    let bytes = 0;
    for (const c of this.checkpoints) bytes += c.ids.byteLength + c.addresses.byteLength + c.sizes.byteLength + 8;
    return bytes;
  }

  /** Number of checkpoints (⌈operations / every⌉). */
  get checkpointCount(): number {
    return this.checkpoints.length;
  }

  /** The live blocks (unsorted) and heap end after operation k: the checkpoint at or before it plus the operations between. */
  private liveAt(k: number): { blocks: TimelineBlock[]; heapEnd: number } {
    if (!Number.isInteger(k) || k < -1 || k >= this.operations) {
      throw new RangeError(`Timeline.at(${k}): the operation must be in -1 .. ${this.operations - 1} (${this.operations} operations replayed)`);
    }
    if (k === -1) return { blocks: [], heapEnd: this.heapBase };
    const index = Math.floor(k / this.every);
    const checkpoint = this.checkpoints[index]!;
    const map = new Map<number, TimelineBlock>();
    for (let i = 0; i < checkpoint.ids.length; i++) {
      const id = checkpoint.ids[i]!;
      map.set(id, { id, address: checkpoint.addresses[i]!, size: checkpoint.sizes[i]! });
    }
    const live = {
      set: (id: number, address: number, size: number) => map.set(id, { id, address, size }),
      delete: (id: number) => map.delete(id),
      has: (id: number) => map.has(id),
    };
    let end = checkpoint.heapEnd;
    for (let op = index * this.every; op <= k; op++) end = this.apply(live, op, end);
    return { blocks: [...map.values()], heapEnd: end };
  }

  /**
   * Applies operation k to `live` from its recorded address (see ReplayResult.addresses); returns the heap end after it:
   * the series' when kept, else the highest payload end seen (a lower bound). Assumes a valid trace.
   */
  private apply(live: Live, k: number, end: number): number {
    const kind = this.trace.kind[k]!;
    const id = this.trace.id[k]!;
    const size = this.trace.size[k]!;
    const address = this.addresses[k]!;
    if (kind === OpKind.Free) {
      if (id >= 0) live.delete(id);
    } else if (address >= 0) {
      live.set(id, address, size);
      if (address + size > end) end = address + size;
    } else if (kind === OpKind.Realloc ? size === 0 || !live.has(id) : true) {
      // NULL: realloc to 0 bytes freed the block; a failed realloc of a live block keeps it.
      live.delete(id);
    }
    return this.series ? this.heapBase + this.series.heap[k]! : end;
  }

  /** Calls `hole(address, size)` for each gap of at least minHole bytes around the sorted blocks in [heapBase, heapEnd). */
  private eachHole(blocks: readonly TimelineBlock[], heapEnd: number, hole: (address: number, size: number) => void): void {
    let at = this.heapBase;
    const gap = (to: number) => {
      const size = to - at;
      if (size > 0 && size >= this.minHole) hole(at, size);
    };
    for (const block of blocks) {
      if (block.size === 0) continue;
      gap(block.address);
      at = block.address + block.size;
    }
    gap(heapEnd);
  }
}

/** What apply() needs of a live set: the checkpoint builder's LiveSet or at()'s map. */
interface Live {
  set(id: number, address: number, size: number): void;
  delete(id: number): void;
  has(id: number): boolean;
}

/** The live blocks while building: per-id address and size, and a dense list of live ids (swap-remove) for checkpoints. */
class LiveSet implements Live {
  private readonly address: Float64Array;
  private readonly size: Float64Array;
  /** Position of the id in `dense`, -1 when not live. */
  private readonly position: Int32Array;
  private readonly dense: Int32Array;
  private count = 0;

  constructor(ids: number) {
    this.address = new Float64Array(ids);
    this.size = new Float64Array(ids);
    this.position = new Int32Array(ids).fill(-1);
    this.dense = new Int32Array(ids);
  }

  has(id: number): boolean {
    return this.position[id]! >= 0;
  }

  set(id: number, address: number, size: number): void {
    if (this.position[id]! < 0) {
      this.position[id] = this.count;
      this.dense[this.count++] = id;
    }
    this.address[id] = address;
    this.size[id] = size;
  }

  delete(id: number): void {
    const at = this.position[id]!;
    if (at < 0) return;
    const moved = this.dense[--this.count]!;
    this.dense[at] = moved;
    this.position[moved] = at;
    this.position[id] = -1;
  }

  /** A copy of the live set and `heapEnd`, sized to the live count. */
  checkpoint(heapEnd: number): Checkpoint {
    const ids = this.dense.slice(0, this.count);
    const addresses = new Float64Array(this.count);
    const sizes = new Float64Array(this.count);
    for (let i = 0; i < this.count; i++) {
      addresses[i] = this.address[ids[i]!]!;
      sizes[i] = this.size[ids[i]!]!;
    }
    return { ids, addresses, sizes, heapEnd };
  }
}
