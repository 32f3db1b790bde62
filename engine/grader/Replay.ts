// Replay: drives an allocator under test through a trace and checks every operation from outside
// the allocator's reach, as malloc-lab does and more. Per operation: the call did not throw or time
// out; a returned payload is aligned, inside the granted heap, and overlaps no live payload; the
// bytes the checker wrote at both ends of every payload are intact when it is freed or resized;
// realloc kept the first min(old, new) bytes; requests the heap can never hold (or size 0) get 0.
// The first failure stops the replay and names the operation, its trace line and what went wrong.
// Metrics (utilization, holes, fragmentation, work) are kept per operation as it goes.
import { hex } from '../format';
import { fillPattern, type FillPattern } from './Fill';
import { HoleStats } from './HoleStats';
import { IntervalSet } from './IntervalSet';
import { TargetError, type ReplayTarget } from './ReplayTarget';
import { OpKind, describeOp, whereOp, type Trace } from '../workload/Trace';

/**
 * 'timeout': the allocator ran past a deadline (a call's, or the test's time limit); 'target': it threw, ran out of memory or
 * returned a non-address; 'mismatch': an api exercise's class answered a call unlike the engine (Conformance.ts).
 */
export type FailureKind = 'alignment' | 'outside' | 'overlap' | 'integrity' | 'contents' | 'out-of-memory' | 'nonzero' | 'timeout' | 'target' | 'trace' | 'mismatch';

export interface ReplayFailure {
  /** 0-based operation index, its 1-based trace line (0 if generated), `file:line`, and the operation as text. */
  op: number;
  line: number;
  where: string;
  operation: string;
  kind: FailureKind;
  reason: string;
  /** The allocator's own call that failed or ran out ('malloc(24)', 'free(0xB0001000)'); absent when the checker stopped the replay. */
  call?: string;
}

export interface TraceMetrics {
  /** Operations completed before the end or the first failure. */
  operations: number;
  peakPayload: number;
  heapHighWater: number;
  /** peak live payload / heap high-water mark (1 when nothing was allocated). */
  utilization: number;
  /** At the end: live payload, heap size, holes (count, bytes, largest), external and RSS fragmentation. */
  livePayload: number;
  heapSize: number;
  holes: number;
  holeBytes: number;
  largestHole: number;
  /** Heap bytes in neither a live payload nor a hole: headers, footers, padding and gaps below minHole (internal fragmentation as seen from outside). */
  overhead: number;
  external: number;
  rss: number;
  /** Mean of external fragmentation over the operations. */
  meanExternal: number;
  /** Work units the allocator used (ReplayTarget.work()), in total and per operation. */
  work: number;
  workPerOp: number;
}

/** Per-operation values after each operation, for charts (only with `series: true`). */
export interface ReplaySeries {
  payload: Float64Array;
  heap: Float64Array;
  holes: Float64Array;
  largestHole: Float64Array;
  external: Float64Array;
  rss: Float64Array;
  /** Work units spent by that operation (the search cost). */
  work: Float64Array;
}

export interface ReplayResult {
  trace: string;
  target: string;
  ok: boolean;
  failure: ReplayFailure | null;
  metrics: TraceMetrics;
  series: ReplaySeries | null;
  /**
   * With `addresses: true`, per operation: the address malloc/realloc returned, -1 when it gave no block (NULL: size 0,
   * too large, or realloc to 0 bytes), or the address free released (0 for free(NULL)); else null. Timeline.ts rebuilds
   * the live blocks after any operation from it.
   */
  addresses: Float64Array | null;
  /** The heap's first address (target.heapBase()): with series.heap, the heap end after each operation. */
  heapBase: number;
}

export interface ReplayOptions {
  /** Requests above this many bytes can never be granted: 0 is the required answer. Default 2^32 - 1. */
  heapLimit?: number;
  /** Bytes the checker fills at each end of a payload (0 turns integrity checks off). Default Infinity: the whole payload. */
  fillBytes?: number;
  /** Verify every live payload after every operation (a debug mode: its cost grows with the live bytes). Default false. */
  checkAll?: boolean;
  /** Seed of the fill pattern. Default 1. */
  seed?: number;
  /** Gaps between payloads smaller than this are overhead (headers, padding), not holes. Default 32 bytes. */
  minHole?: number;
  /** Keep per-operation series. Default false. */
  series?: boolean;
  /** Keep per-operation addresses (ReplayResult.addresses). Default false. */
  addresses?: boolean;
  /**
   * Called every `progressEvery` operations (default 4096) and at the end with (done, total, partial): partial holds the
   * growing per-operation arrays (filled for operations 0 .. done - 1; null when not kept) and the heap's base, for streaming.
   */
  onProgress?: (done: number, total: number, partial: ReplayPartial) => void;
  progressEvery?: number;
}

/** The arrays a replay is filling, as onProgress sees them (valid up to `done`; do not write to them). */
export interface ReplayPartial {
  series: ReplaySeries | null;
  addresses: Float64Array | null;
  heapBase: number;
}

class Stop {
  constructor(readonly kind: FailureKind, readonly reason: string, readonly call?: string) {}
}

/** Replays `trace` against `target`; never throws for anything the target does. */
export function replay(trace: Trace, target: ReplayTarget, options: ReplayOptions = {}): ReplayResult {
  return new Replayer(trace, target, options).run();
}

class Replayer {
  private readonly limit: number;
  private readonly fill: number;
  private readonly pattern: FillPattern;
  private readonly live = new IntervalSet();
  private readonly holes: HoleStats;
  private readonly address: Float64Array;
  private readonly size: Float64Array;
  /** Operation index that last filled the id's payload (its fill pattern); -1 when not live, -2 when it holds NULL (malloc gave 0 as required). */
  private readonly serial: Int32Array;
  private payload = 0;
  private peak = 0;
  private base = 0;
  private end = 0;
  private highWater = 0;
  private externalSum = 0;
  /** The address operation k gave or released (ReplayResult.addresses), set by step(). */
  private last = -1;

  constructor(private readonly trace: Trace, private readonly target: ReplayTarget, private readonly options: ReplayOptions) {
    this.limit = options.heapLimit ?? 0xffffffff;
    this.fill = options.fillBytes ?? Infinity;
    this.pattern = fillPattern((options.seed ?? 1) >>> 0);
    this.holes = new HoleStats(options.minHole ?? 32);
    this.address = new Float64Array(trace.ids);
    this.size = new Float64Array(trace.ids);
    this.serial = new Int32Array(trace.ids).fill(-1);
  }

  run(): ReplayResult {
    const { trace, target } = this;
    const n = trace.length;
    const series = this.options.series ? newSeries(n) : null;
    const addresses = this.options.addresses ? new Float64Array(n) : null;
    const every = this.options.progressEvery ?? 4096;
    let failure: ReplayFailure | null = null;
    let done = 0;
    let workBefore = this.call(() => target.work());
    const workStart = workBefore;
    this.base = this.call(() => target.heapBase());
    this.end = this.base;
    for (let k = 0; k < n; k++) {
      try {
        this.step(k);
        if (this.options.checkAll) this.checkLive(k);
      } catch (error) {
        const stop = error instanceof Stop ? error : new Stop(kindOf(error), messageOf(error));
        failure = { op: k, line: trace.line[k]!, where: whereOp(trace, k), operation: describeOp(trace, k), kind: stop.kind, reason: stop.reason, ...(stop.call ? { call: stop.call } : {}) };
        break;
      }
      done++;
      if (addresses) addresses[k] = this.last;
      this.externalSum += this.holes.external();
      if (series) {
        const work = this.safeWork(workBefore);
        series.payload[k] = this.payload;
        series.heap[k] = this.end - this.base;
        series.holes[k] = this.holes.count;
        series.largestHole[k] = this.holes.largest();
        series.external[k] = this.holes.external();
        series.rss[k] = this.holes.rss();
        series.work[k] = work - workBefore;
        workBefore = work;
      }
      if (this.options.onProgress && done % every === 0) this.options.onProgress(done, n, { series, addresses, heapBase: this.base });
    }
    this.options.onProgress?.(done, n, { series, addresses, heapBase: this.base });
    const work = this.safeWork(workStart) - workStart;
    const metrics: TraceMetrics = {
      operations: done, peakPayload: this.peak, heapHighWater: this.highWater,
      utilization: this.highWater > 0 ? this.peak / this.highWater : this.peak === 0 ? 1 : 0,
      livePayload: this.payload, heapSize: this.end - this.base, holes: this.holes.count, holeBytes: this.holes.total,
      largestHole: this.holes.largest(), overhead: Math.max(0, this.end - this.base - this.payload - this.holes.total),
      external: this.holes.external(), rss: this.holes.rss(),
      meanExternal: done > 0 ? this.externalSum / done : 0, work, workPerOp: done > 0 ? work / done : 0,
    };
    return {
      trace: trace.name, target: target.name, ok: failure === null, failure, metrics, series,
      addresses: addresses && done < n ? addresses.slice(0, done) : addresses, heapBase: this.base,
    };
  }

  private step(k: number): void {
    const { trace } = this;
    const id = trace.id[k]!;
    const kind = trace.kind[k]!;
    this.last = -1;
    if (kind === OpKind.Free) {
      this.last = id >= 0 && this.serial[id]! >= 0 ? this.address[id]! : 0;
      if (id < 0) {
        this.call(() => this.target.free(0), () => 'free(0)');
        return;
      }
      if (this.serial[id] === -2) {
        this.serial[id] = -1;
        this.call(() => this.target.free(0), () => 'free(0)');
        return;
      }
      if (this.serial[id]! < 0) throw new Stop('trace', `the trace frees id ${id}, which is not allocated (a fault in the trace, not the allocator)`);
      this.checkFill(id, () => `id ${id} (${this.size[id]} bytes at ${hex(this.address[id]!)})`);
      this.call(() => this.target.free(this.address[id]!), () => `free(${hex(this.address[id]!)})`);
      this.forget(id);
      return;
    }
    const size = trace.size[k]!;
    if (kind === OpKind.Realloc && this.serial[id]! >= 0) {
      this.realloc(k, id, size);
      return;
    }
    if (kind === OpKind.Alloc && this.serial[id]! >= 0) throw new Stop('trace', `the trace allocates id ${id} again before freeing it`);
    const what = kind === OpKind.Alloc ? `malloc(${size})` : `realloc(0, ${size})`;
    const byMalloc = kind === OpKind.Alloc || !this.target.hasRealloc;
    const address = this.call(() => (byMalloc ? this.target.malloc(size) : this.target.realloc(0, size)), () => (byMalloc ? `malloc(${size})` : what));
    this.accept(k, id, size, address, what);
  }

  /** Checks and records a payload the allocator just returned for `id`. */
  private accept(k: number, id: number, size: number, address: number, what: string, fill = true): void {
    this.growTo(this.call(() => this.target.heapEnd()));
    if (address !== 0) this.last = address;
    if (address === 0) {
      if (size === 0 || size > this.limit) {
        this.serial[id] = -2;
        return;
      }
      throw this.outOfMemory(what);
    }
    if (size > this.limit) throw new Stop('nonzero', `${what} returned ${hex(address)}, but no heap can hold ${size} bytes: it must return 0`);
    const alignment = this.trace.alignment;
    if (address % alignment !== 0) throw new Stop('alignment', `${what} returned ${hex(address)}, which is not ${alignment}-byte aligned`);
    if (address < this.base || address + size > this.end) {
      throw new Stop('outside', `${what} returned [${hex(address)}, ${hex(address + size)}), outside the heap [${hex(this.base)}, ${hex(this.end)})`);
    }
    const clash = this.live.overlapping(address, address + size);
    if (clash) {
      throw new Stop('overlap', `${what} returned [${hex(address)}, ${hex(address + size)}), which overlaps the live payload [${hex(clash.start)}, ${hex(clash.end)})`);
    }
    this.address[id] = address;
    this.size[id] = size;
    this.serial[id] = k;
    if (size > 0) this.insert(address, address + size);
    this.payload += size;
    if (this.payload > this.peak) this.peak = this.payload;
    if (fill) this.writeFill(id);
  }

  /** realloc of a live id: checks its ends, calls (or emulates) realloc, checks the kept bytes. */
  private realloc(k: number, id: number, size: number): void {
    const old = { address: this.address[id]!, size: this.size[id]!, serial: this.serial[id]! };
    const what = `realloc(${hex(old.address)}, ${size})`;
    this.checkFill(id, () => `id ${id} (${old.size} bytes at ${hex(old.address)}) before ${what}`);
    let address: number;
    if (this.target.hasRealloc) {
      address = this.call(() => this.target.realloc(old.address, size), () => what);
    } else {
      address = size === 0 ? 0 : this.call(() => this.target.malloc(size), () => `malloc(${size})`);
      if (address !== 0 || size === 0) {
        this.copy(address, old.address, Math.min(old.size, size));
        this.call(() => this.target.free(old.address), () => `free(${hex(old.address)})`);
      }
    }
    if (size === 0) {
      if (address !== 0) throw new Stop('nonzero', `${what} returned ${hex(address)}: realloc to 0 bytes frees the block and must return 0`);
      this.forget(id);
      return;
    }
    if (address === 0) {
      // A failed realloc leaves the old block allocated, as in C.
      this.growTo(this.call(() => this.target.heapEnd()));
      if (size > this.limit) return;
      throw this.outOfMemory(what);
    }
    this.forget(id);
    this.accept(k, id, size, address, what, false);
    // The first min(old, new) bytes must still hold the old block's fill (checked as it was written: its serial, its size).
    const kept = Math.min(old.size, size);
    const now = { address: this.address[id]!, size: this.size[id]!, serial: this.serial[id]! };
    this.address[id] = address;
    this.size[id] = old.size;
    this.serial[id] = old.serial;
    try {
      this.checkFill(id, () => what, kept, (offset, width, got, want) => new Stop('contents', `${what} did not keep the block's contents: at offset ${offset} `
        + `(${hex(address + offset)}) it holds ${hex(got, width * 2)}, the block held ${hex(want, width * 2)}`));
    } finally {
      this.address[id] = now.address;
      this.size[id] = now.size;
      this.serial[id] = now.serial;
    }
    this.writeFill(id);
  }

  /** Forgets a live id: its interval and payload. */
  private forget(id: number): void {
    const address = this.address[id]!;
    const size = this.size[id]!;
    if (size > 0) this.removeInterval(address, address + size);
    this.payload -= size;
    this.serial[id] = -1;
  }

  /** A failed allocation that should have succeeded, with the heap's state for the reason. */
  private outOfMemory(what: string): Stop {
    return new Stop('out-of-memory', `${what} returned 0 (no memory) with ${this.payload} bytes live in a ${this.end - this.base}-byte heap`);
  }

  /** The gap around `start` between live payloads: from the end of the one below (or the base) to the start of the one above (or the end). */
  private gapAround(start: number): { left: number; right: number } {
    const before = this.live.floor(start);
    const after = this.live.ceiling(start);
    return { left: before ? before.end : this.base, right: after ? after.start : this.end };
  }

  private insert(start: number, end: number): void {
    const { left, right } = this.gapAround(start);
    this.holes.remove(right - left);
    this.holes.add(start - left);
    this.holes.add(right - end);
    this.live.insert(start, end);
  }

  private removeInterval(start: number, end: number): void {
    this.live.remove(start);
    const { left, right } = this.gapAround(start);
    this.holes.remove(start - left);
    this.holes.remove(right - end);
    this.holes.add(right - left);
  }

  /** Moves the heap end to `end` (the target reports it after each call); the tail hole grows with it. */
  private growTo(end: number): void {
    if (end === this.end) return;
    if (end < this.end) throw new Stop('target', `the heap shrank from ${hex(this.end)} to ${hex(end)}`);
    const last = this.live.lastEnd();
    const left = last < 0 ? this.base : last;
    this.holes.remove(this.end - left);
    this.holes.add(end - left);
    this.end = end;
    if (end - this.base > this.highWater) this.highWater = end - this.base;
  }

  /**
   * The regions of a `size`-byte payload the checker fills: the whole payload (one region), or its
   * first and last `fillBytes` bytes (two). Region `r`'s [from, to) offsets come from regionFrom/To.
   */
  private regionCount(size: number): number {
    return size <= 2 * this.fill ? 1 : 2;
  }

  private regionFrom(size: number, r: number): number {
    return r === 0 ? 0 : size - this.fill;
  }

  private regionTo(size: number, r: number): number {
    return r === 0 && size > 2 * this.fill ? this.fill : size;
  }

  /** Writes the fill of operation `serial` into the payload of `id` (the pattern from a point set by the serial and each region's start). */
  private writeFill(id: number): void {
    const address = this.address[id]!;
    const serial = this.serial[id]!;
    const size = this.size[id]!;
    for (let r = 0; r < this.regionCount(size); r++) {
      const from = this.regionFrom(size, r), to = this.regionTo(size, r);
      const at = this.pattern.start(serial, from);
      const view = this.target.bytes?.(address + from, to - from);
      if (view && view.length === to - from) {
        this.pattern.write(view, at);
        continue;
      }
      let o = 0;
      for (; from + o + 4 <= to; o += 4) this.poke(address + from + o, 4, this.pattern.want(at, o, 4));
      for (; from + o < to; o++) this.poke(address + from + o, 1, this.pattern.want(at, o, 1));
    }
  }

  /** Checks the fill of `id` is intact (`what` names it in the message); `upTo` limits the check to the first bytes. */
  private checkFill(id: number, what: () => string, upTo = Infinity, stop: (offset: number, width: number, got: number, want: number) => Stop = integrity(what, this.address[id]!)): void {
    const address = this.address[id]!;
    const serial = this.serial[id]!;
    const size = this.size[id]!;
    for (let r = 0; r < this.regionCount(size); r++) {
      const from = this.regionFrom(size, r), to = Math.min(this.regionTo(size, r), upTo);
      if (to <= from) continue;
      const at = this.pattern.start(serial, from);
      const view = this.target.bytes?.(address + from, to - from);
      if (view && view.length === to - from) {
        const bad = this.pattern.verify(view, at);
        if (bad === null) continue;
        throw stop(from + bad.offset, bad.width, bad.got, bad.want);
      }
      let o = 0;
      for (; from + o + 4 <= to; o += 4) {
        const want = this.pattern.want(at, o, 4);
        const got = this.peek(address + from + o, 4);
        if (got !== want) throw stop(from + o, 4, got, want);
      }
      for (; from + o < to; o++) {
        const want = this.pattern.want(at, o, 1);
        const got = this.peek(address + from + o, 1);
        if (got !== want) throw stop(from + o, 1, got, want);
      }
    }
  }

  /** checkAll: every live payload's fill, after operation `k`. */
  private checkLive(k: number): void {
    for (let id = 0; id < this.serial.length; id++) {
      if (this.serial[id]! >= 0) this.checkFill(id, () => `id ${id} (${this.size[id]} bytes at ${hex(this.address[id]!)}) after operation ${k + 1}`);
    }
  }

  /** Emulated realloc's copy of the first `size` bytes, through the trusted accessors. */
  private copy(to: number, from: number, size: number): void {
    const source = this.target.bytes?.(from, size);
    const target = this.target.bytes?.(to, size);
    if (source && target && source.length === size && target.length === size) {
      target.set(source);
      return;
    }
    let i = 0;
    for (; i + 4 <= size; i += 4) this.poke(to + i, 4, this.peek(from + i, 4));
    for (; i < size; i++) this.poke(to + i, 1, this.peek(from + i, 1));
  }

  /** A byte or a little-endian word of the heap, through the target's trusted accessors. */
  private peek(address: number, width: number): number {
    return this.call(() => (width === 4 ? this.target.peek32(address) : this.target.peek8(address)));
  }

  private poke(address: number, width: number, value: number): void {
    this.call(() => (width === 4 ? this.target.poke32(address, value) : this.target.poke8(address, value)));
  }

  /** Runs a target call; anything it throws becomes a 'target' stop with a readable reason (naming `call`, the allocator's own call, if given). */
  private call<T>(fn: () => T, call?: () => string): T {
    try {
      return fn();
    } catch (error) {
      throw error instanceof Stop ? error : new Stop(kindOf(error), messageOf(error), call?.());
    }
  }

  private safeWork(fallback: number): number {
    try {
      return this.target.work();
    } catch {
      return fallback;
    }
  }
}

function newSeries(n: number): ReplaySeries {
  return {
    payload: new Float64Array(n), heap: new Float64Array(n), holes: new Float64Array(n), largestHole: new Float64Array(n),
    external: new Float64Array(n), rss: new Float64Array(n), work: new Float64Array(n),
  };
}

/** The stop for an overwritten payload fill, in the words the checker reports it. */
function integrity(what: () => string, address: number): (offset: number, width: number, got: number, want: number) => Stop {
  return (offset, width, got, want) => new Stop('integrity', `the payload of ${what()} was overwritten: ${width === 4 ? 'the word' : 'byte'} at offset ${offset} `
    + `(${hex(address + offset)}) is ${hex(got, width * 2)}, the checker wrote ${hex(want, width * 2)}`);
}

/** 'timeout' for a target that ran past its deadline, else 'target'. */
function kindOf(error: unknown): FailureKind {
  return error instanceof TargetError && error.kind === 'timeout' ? 'timeout' : 'target';
}

function messageOf(error: unknown): string {
  if (error instanceof TargetError) return error.message;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `threw ${typeof error}`;
}

