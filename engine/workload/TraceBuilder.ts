// TraceBuilder: writes a Trace one operation at a time into growable typed arrays, for the
// generators. It hands out block ids (a freed id is reused, most recently freed first; a new id
// only when none is free), keeps the set of live blocks and their sizes, and throws on anything a
// valid trace may not contain: a free or realloc of a block that is not live, or a size that is not
// an integer from 1 to 2^53. Phases are contiguous: phase(name) ends the previous one.

import { OpKind, type Phase, type Trace } from './Trace';

type Growable = Uint8Array | Int32Array | Float64Array;

/** A copy of `array` with room for `capacity` elements (the rest zero). */
function enlarged<A extends Growable>(array: A, capacity: number): A {
  const bigger = new (array.constructor as new (length: number) => A)(capacity);
  bigger.set(array);
  return bigger;
}

export class TraceBuilder {
  /** Operations written so far. */
  length = 0;
  /** Ids handed out so far: the trace's ids are 0..ids-1. */
  ids = 0;
  /** Payload bytes of the live blocks now. */
  liveBytes = 0;
  /** Most payload bytes live at once so far. */
  peakBytes = 0;

  private kinds = new Uint8Array(1024);
  private idOf = new Int32Array(1024);
  private sizes = new Float64Array(1024);
  /** Per id: its payload size while it is live. */
  private blockSize = new Float64Array(64);
  /** Per id: its index in `live`, or -1 when it is not live. */
  private slot = new Int32Array(64).fill(-1);
  /** The live ids, densely packed (order changes as blocks are freed). */
  private live = new Int32Array(64);
  private liveN = 0;
  /** Freed ids waiting for reuse; the last one is reused first. */
  private freeIds = new Int32Array(64);
  private freeN = 0;
  private phases: Phase[] = [];

  /** Number of live blocks. */
  get liveCount(): number {
    return this.liveN;
  }

  /** The i-th live id, 0 ≤ i < liveCount (with Random.int: a live block chosen at random). */
  liveId(i: number): number {
    if (!(i >= 0 && i < this.liveN)) throw new RangeError(`TraceBuilder: no live block number ${i} (${this.liveN} live)`);
    return this.live[i]!;
  }

  isLive(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id < this.ids && this.slot[id]! >= 0;
  }

  /** Payload size of live block `id`. */
  sizeOf(id: number): number {
    this.mustBeLive(id, 'size of');
    return this.blockSize[id]!;
  }

  /** Starts phase `name` at the next operation, ending the current one. */
  phase(name: string): void {
    this.closePhase();
    this.phases.push({ name, start: this.length, end: this.length });
  }

  /** Writes `a id size` for a new block and returns its id. */
  alloc(size: number): number {
    this.mustBeSize(size);
    let id: number;
    if (this.freeN > 0) {
      id = this.freeIds[--this.freeN]!;
    } else {
      id = this.ids++;
      if (id >= this.slot.length) {
        this.slot = enlarged(this.slot, 2 * this.slot.length);
        this.slot.fill(-1, id);
        this.blockSize = enlarged(this.blockSize, this.slot.length);
        this.live = enlarged(this.live, this.slot.length);
        this.freeIds = enlarged(this.freeIds, this.slot.length);
      }
    }
    this.slot[id] = this.liveN;
    this.live[this.liveN++] = id;
    this.blockSize[id] = size;
    this.setLiveBytes(this.liveBytes + size);
    this.write(OpKind.Alloc, id, size);
    return id;
  }

  /** Writes `r id size`: live block `id` gets a new size. */
  realloc(id: number, size: number): void {
    this.mustBeLive(id, 'realloc of');
    this.mustBeSize(size);
    this.setLiveBytes(this.liveBytes - this.blockSize[id]! + size);
    this.blockSize[id] = size;
    this.write(OpKind.Realloc, id, size);
  }

  /** Writes `f id`: live block `id` is freed and its id may be reused. */
  free(id: number): void {
    this.mustBeLive(id, 'free of');
    const at = this.slot[id]!;
    const last = this.live[--this.liveN]!;
    this.live[at] = last; // the last live id fills the hole
    this.slot[last] = at;
    this.slot[id] = -1;
    this.freeIds[this.freeN++] = id;
    this.liveBytes -= this.blockSize[id]!;
    this.write(OpKind.Free, id, 0);
  }

  /** Frees every live block, in an order drawn with `pickIndex(n)` (an index in [0, n), e.g. random.int). */
  freeAll(pickIndex: (n: number) => number): void {
    while (this.liveN > 0) this.free(this.live[pickIndex(this.liveN)]!);
  }

  /** The finished trace (arrays trimmed to length; line numbers 0, as for any generated trace). */
  build(meta: { name: string; file: string; alignment: number }): Trace {
    this.closePhase();
    const n = this.length;
    return {
      name: meta.name, file: meta.file, format: 'lab', alignment: meta.alignment, weight: null, ids: this.ids,
      statedPeak: null, phases: this.phases.filter((p) => p.end > p.start).map((p) => ({ ...p })), length: n,
      kind: this.kinds.slice(0, n), id: this.idOf.slice(0, n), size: this.sizes.slice(0, n), line: new Uint32Array(n),
    };
  }

  private write(kind: OpKind, id: number, size: number): void {
    const k = this.length++;
    if (k >= this.kinds.length) {
      this.kinds = enlarged(this.kinds, 2 * this.kinds.length);
      this.idOf = enlarged(this.idOf, this.kinds.length);
      this.sizes = enlarged(this.sizes, this.kinds.length);
    }
    this.kinds[k] = kind;
    this.idOf[k] = id;
    this.sizes[k] = size;
  }

  private setLiveBytes(bytes: number): void {
    this.liveBytes = bytes;
    if (bytes > this.peakBytes) this.peakBytes = bytes;
  }

  private closePhase(): void {
    const current = this.phases[this.phases.length - 1];
    if (current) current.end = this.length;
  }

  private mustBeLive(id: number, what: string): void {
    if (!this.isLive(id)) throw new Error(`TraceBuilder: ${what} block ${id}, which is not live (operation ${this.length})`);
  }

  private mustBeSize(size: number): void {
    if (!Number.isInteger(size) || size < 1 || size > 2 ** 53) {
      throw new RangeError(`TraceBuilder: size must be an integer from 1 to 2^53, got ${size} (operation ${this.length})`);
    }
  }
}
