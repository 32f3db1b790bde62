// The demo mode's replays (`?fake`): a seeded random trace through a tiny first/next/best-fit
// allocator simulated in the page (8-byte headers, 16-byte blocks, a heap grown by 4 KiB), with the
// contract's shapes: replayProgress events on a timer (the work cut into slices of a few ms), one
// replayDone, and frames, charts and block lookups rebuilt from checkpoints. A 'submission' or
// 'starter' whose code still says TODO fails at operation 12, as the demo's runs do. Not the engine.
import type {
  ChartSeries, HeapWindow, LabEvent, LabEvents, ReplayBlockInfo, ReplayCharts, ReplayEnd, ReplayFrame, ReplayInfo,
  ReplaySeriesName, ReplayStartRequest,
} from '../../../electron/contract';
import { replaySeriesNames } from '../../../electron/contract';
import { hex } from '../replay/text';

type Emit = <E extends LabEvent>(event: E, data: LabEvents[E]) => void;
interface Block { addr: number; size: number; block: number; id: number; at: number }
interface Hole { addr: number; size: number }

const BASE = 0xb0001000;
const HEADER = 8;
const CHECKPOINT = 2048;
const FAIL_AT = 12;

/** A seeded generator of 0..1 (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The demo trace: kinds (0 malloc, 1 free, 2 realloc), ids and sizes of `n` operations. */
function makeTrace(n: number, seed: number) {
  const rnd = random(seed);
  const kind = new Uint8Array(n), id = new Int32Array(n), size = new Int32Array(n);
  const live: number[] = [];
  let next = 0;
  for (let i = 0; i < n; i++) {
    const phase = Math.sin((i / n) * Math.PI * 3);
    const r = rnd();
    if (live.length === 0 || (live.length < 1500 && r < 0.5 + 0.15 * phase)) {
      kind[i] = 0; id[i] = next; live.push(next++);
      size[i] = rnd() < 0.04 ? 4096 + Math.floor(rnd() * 12288) : Math.max(1, Math.floor(Math.exp(2 + rnd() * 5)));
    } else {
      const at = Math.floor(rnd() * live.length);
      id[i] = live[at]!;
      if (rnd() < 0.1) { kind[i] = 2; size[i] = Math.max(1, Math.floor(Math.exp(2 + rnd() * 6))); } else { kind[i] = 1; live[at] = live[live.length - 1]!; live.pop(); }
    }
  }
  return { kind, id, size };
}

/** The simulated allocator: live blocks by id, free holes by address (coalesced), a fit policy. */
class DemoHeap {
  live = new Map<number, Block>();
  holes: Hole[] = [];
  end = BASE;
  rover = 0;
  work = 0;
  payload = 0;
  constructor(readonly fit: string) {}

  clone(): DemoHeap {
    const h = new DemoHeap(this.fit);
    h.live = new Map(this.live);
    h.holes = this.holes.map((x) => ({ ...x }));
    h.end = this.end;
    h.rover = this.rover;
    h.payload = this.payload;
    return h;
  }

  malloc(id: number, size: number, at: number): number {
    const need = Math.max(16, Math.ceil((size + HEADER) / 16) * 16);
    let pick = -1;
    const n = this.holes.length;
    for (let k = 0; k < n; k++) {
      const i = this.fit === 'next' ? (this.rover + k) % n : k;
      this.work++;
      if (this.holes[i]!.size < need) continue;
      if (this.fit !== 'best') { pick = i; break; }
      if (pick < 0 || this.holes[i]!.size < this.holes[pick]!.size) pick = i;
    }
    if (pick < 0) {
      const grow = Math.ceil(need / 4096) * 4096;
      this.release(this.end, grow);
      this.end += grow;
      return this.malloc(id, size, at);
    }
    const hole = this.holes[pick]!;
    const addr = hole.addr;
    const take = hole.size - need >= 16 ? need : hole.size;
    if (take < hole.size) { hole.addr += take; hole.size -= take; } else this.holes.splice(pick, 1);
    this.rover = pick;
    this.live.set(id, { addr, size, block: take, id, at });
    this.payload += size;
    return addr + HEADER;
  }

  free(id: number): number {
    const b = this.live.get(id);
    if (!b) return 0;
    this.live.delete(id);
    this.payload -= b.size;
    this.release(b.addr, b.block);
    return b.addr + HEADER;
  }

  /** Adds [addr, addr + size) to the holes, merged with its neighbours. */
  release(addr: number, size: number): void {
    let lo = 0, hi = this.holes.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.holes[mid]!.addr < addr) lo = mid + 1; else hi = mid; }
    const before = this.holes[lo - 1], after = this.holes[lo];
    if (before && before.addr + before.size === addr) {
      before.size += size;
      if (after && before.addr + before.size === after.addr) { before.size += after.size; this.holes.splice(lo, 1); }
    } else if (after && addr + size === after.addr) { after.addr = addr; after.size += size; } else this.holes.splice(lo, 0, { addr, size });
  }

  /** [payload, heap, holes, largestHole, external, rss] now. */
  stats(): number[] {
    const payload = this.payload;
    let total = 0, squares = 0, largest = 0;
    for (const h of this.holes) { total += h.size; squares += h.size * h.size; largest = Math.max(largest, h.size); }
    return [payload, this.end - BASE, this.holes.length, largest, total > 0 ? 1 - largest / total : 0, total > 0 ? Math.max(0, 1 - Math.sqrt(squares) / total) : 0];
  }

  /** Kind-coded segments [addr, size, kind] in address order (kinds as heapCellKinds' indexes). */
  segments(layout: boolean): number[][] {
    const out: number[][] = this.holes.map((h) => [h.addr, h.size, 1]);
    for (const b of this.live.values()) {
      out.push([b.addr, HEADER, layout ? 4 : 3], [b.addr + HEADER, b.size, 2]);
      const pad = b.block - HEADER - b.size;
      if (pad > 0) out.push([b.addr + HEADER + b.size, pad, layout ? 5 : 3]);
    }
    return out.sort((a, b) => a[0]! - b[0]!);
  }
}

/** Decimates one series over [from, to) into at most `buckets` buckets (first op, min, max, last). */
function decimate(values: Float64Array, from: number, to: number, buckets: number): ChartSeries {
  const out: ChartSeries = { x: [], min: [], max: [], last: [] };
  const n = Math.max(0, to - from), count = Math.min(buckets, n);
  for (let b = 0; b < count; b++) {
    const lo = from + Math.floor((b * n) / count), hi = from + Math.floor(((b + 1) * n) / count);
    let min = values[lo]!, max = min;
    for (let i = lo + 1; i < hi; i++) { min = Math.min(min, values[i]!); max = Math.max(max, values[i]!); }
    out.x.push(lo); out.min.push(min); out.max.push(max); out.last.push(values[hi - 1]!);
  }
  return out;
}

/** One demo replay session: the trace, the series, the checkpoints, and where it is. */
class Session {
  trace; series: Record<ReplaySeriesName, Float64Array>; heap: DemoHeap; checkpoints: DemoHeap[] = [];
  address: Float64Array; done = 0; stopped = false; finished = false; failAt: number; layout: boolean; maxEnd = BASE;
  constructor(readonly info: ReplayInfo, seed: number, fit: string, failing: boolean) {
    this.trace = makeTrace(info.total, seed);
    this.series = Object.fromEntries(replaySeriesNames.map((s) => [s, new Float64Array(info.total)])) as Record<ReplaySeriesName, Float64Array>;
    this.heap = new DemoHeap(fit);
    this.address = new Float64Array(info.total);
    this.failAt = failing ? Math.min(FAIL_AT, info.total - 1) : -1;
    this.layout = info.layout;
  }

  apply(heap: DemoHeap, i: number): number {
    const { kind, id, size } = this.trace;
    if (kind[i] === 0) return heap.malloc(id[i]!, size[i]!, i);
    if (kind[i] === 1) return heap.free(id[i]!);
    heap.free(id[i]!);
    return heap.malloc(id[i]!, size[i]!, i);
  }

  /** Runs operations until `budgetMs` has passed or the end; true when finished. */
  run(budgetMs: number): boolean {
    const t0 = performance.now();
    const end = this.failAt >= 0 ? this.failAt : this.info.total;
    while (this.done < end && performance.now() - t0 < budgetMs) {
      for (let k = 0; k < 64 && this.done < end; k++) {
        const i = this.done;
        if (i % CHECKPOINT === 0) this.checkpoints.push(this.heap.clone());
        const before = this.heap.work;
        this.address[i] = this.apply(this.heap, i);
        const s = this.heap.stats();
        replaySeriesNames.forEach((name, j) => { this.series[name][i] = name === 'work' ? this.heap.work - before : s[j]!; });
        this.maxEnd = Math.max(this.maxEnd, this.heap.end);
        this.done++;
      }
    }
    return this.done >= end;
  }

  /** The heap after operation `op` (-1: empty), from the checkpoint before it. */
  heapAt(op: number): DemoHeap {
    const c = Math.floor((op + 1) / CHECKPOINT);
    const heap = (this.checkpoints[c] ?? new DemoHeap(this.heap.fit)).clone();
    for (let i = c * CHECKPOINT; i <= op; i++) this.apply(heap, i);
    return heap;
  }

  describe(op: number): string {
    if (op < 0) return '';
    const { kind, id, size } = this.trace;
    const a = hex(this.address[op]!);
    if (kind[op] === 0) return `malloc(${size[op]}) → ${a}  (id ${id[op]})`;
    if (kind[op] === 1) return `free(${a})  (id ${id[op]})`;
    return `realloc(id ${id[op]}, ${size[op]}) → ${a}`;
  }

  frame(op: number, window: HeapWindow): ReplayFrame {
    if (op < -1 || op >= this.done) throw new Error(`operation ${op} is not in this replay (0 to ${this.done - 1})`);
    const heap = this.heapAt(op);
    const [payload, heapSize, holes, largest, external] = heap.stats() as [number, number, number, number, number];
    const from = window.from ?? BASE;
    const to = window.to ?? Math.max(this.maxEnd, BASE + 4096);
    const per = Math.max(1, Math.ceil((to - from) / window.cells));
    const count = Math.ceil((to - from) / per);
    const segs = heap.segments(this.layout);
    const cells: string[] = [], fill: string[] = [];
    const bytes = [0, 0, 0, 0, 0, 0];
    let s = 0;
    for (let c = 0; c < count; c++) {
      const lo = from + c * per, hi = lo + per;
      bytes.fill(0);
      while (s < segs.length && segs[s]![0]! + segs[s]![1]! <= lo) s++;
      let covered = 0;
      for (let t = s; t < segs.length && segs[t]![0]! < hi; t++) {
        const n = Math.min(hi, segs[t]![0]! + segs[t]![1]!) - Math.max(lo, segs[t]![0]!);
        if (n > 0) { bytes[segs[t]![2]!]! += n; covered += n; }
      }
      bytes[0] += per - covered;
      let best = 2;
      for (const k of [0, 1, 3, 4, 5]) if (bytes[k]! > bytes[best]!) best = k;
      cells.push(String(best));
      fill.push(Math.round((bytes[2]! / per) * 10).toString(11));
    }
    return {
      op, operation: this.describe(op), line: op < 0 ? 0 : op + 3, payload, heapSize, blocks: heap.live.size, holes, largestHole: largest, external,
      heap: { from, to: from + count * per, bytesPerCell: per, cells: cells.join(''), fill: fill.join('') },
    };
  }

  charts(from: number, to: number, buckets: number): ReplayCharts {
    const hi = Math.min(to, this.done), lo = Math.max(0, Math.min(from, hi));
    const series = Object.fromEntries(replaySeriesNames.map((s) => [s, decimate(this.series[s], lo, hi, buckets)])) as ReplayCharts['series'];
    return { from: lo, to: hi, series };
  }

  block(op: number, address: number): ReplayBlockInfo | null {
    const heap = this.heapAt(op);
    if (address < BASE || address >= heap.end) return null;
    for (const b of heap.live.values()) {
      if (address < b.addr || address >= b.addr + b.block) continue;
      const inPayload = address >= b.addr + HEADER && address < b.addr + HEADER + b.size;
      if (inPayload) return { kind: 'payload', address: b.addr + HEADER, size: b.size, id: b.id, allocatedAt: b.at };
      return { kind: this.layout ? (address < b.addr + HEADER ? 'metadata' : 'padding') : 'overhead', address, size: 1, id: -1, allocatedAt: -1 };
    }
    const hole = heap.holes.find((h) => address >= h.addr && address < h.addr + h.size);
    return hole ? { kind: 'free', address: hole.addr, size: hole.size, id: -1, allocatedAt: -1 } : null;
  }
}

/** The demo's replay methods (LabApi's replay part) emitting through `emit`. */
export function demoReplays(emit: Emit, sourceOf: (exercise: string) => string) {
  const sessions = new Map<string, Session>();
  let count = 0;
  const find = (id: string) => {
    const s = sessions.get(id);
    if (!s) throw new Error(`no replay '${id}' (closed, or from before a reload)`);
    return s;
  };

  function pump(s: Session, started: number): void {
    let last = performance.now();
    const tick = () => {
      if (!sessions.has(s.info.replayId)) return;
      const finished = s.stopped || s.run(8);
      const now = performance.now();
      if (finished || now - last >= 100) {
        last = now;
        if (s.done > 0) emit('replayProgress', { replayId: s.info.replayId, done: s.done, total: s.info.total, charts: s.charts(0, s.done, 500), frame: s.frame(s.done - 1, { cells: 4096 }) });
      }
      if (!finished) { setTimeout(tick, 0); return; }
      s.finished = true;
      const failure = s.failAt >= 0 && !s.stopped
        ? { op: s.failAt, where: 'submission.ts:42', operation: `malloc(${s.trace.size[s.failAt]})`, kind: 'overlap', reason: `the block returned overlaps live block id ${s.trace.id[Math.max(0, s.failAt - 1)]} (the code still says TODO)` }
        : null;
      const [payload, heapSize, holes, largest, external, rss] = s.heap.stats() as number[];
      const end: ReplayEnd = {
        replayId: s.info.replayId, ok: !failure && !s.stopped, done: s.done, failure, stopped: s.stopped, error: s.stopped ? 'stopped' : null, ms: Math.round(performance.now() - started),
        metrics: {
          operations: s.done, utilization: heapSize! > 0 ? payload! / heapSize! : 1, peakPayload: Math.max(...decimate(s.series.payload, 0, s.done, 1).max), heapHighWater: s.maxEnd - BASE,
          holes: holes!, largestHole: largest!, external: external!, meanExternal: 0, rss: rss!, work: s.heap.work, workPerOp: s.done > 0 ? s.heap.work / s.done : 0,
        },
      };
      emit('replayDone', end);
    };
    setTimeout(tick, 0);
  }

  return {
    async replayStart(request: ReplayStartRequest): Promise<ReplayInfo> {
      const t = request.trace;
      const ops = 'trace' in t ? 20_000 : Math.max(1, Math.min(1_000_000, Number(t.options.ops ?? 20_000) || 20_000));
      const seed = 'trace' in t ? [...t.trace].reduce((h, ch) => (h * 31 + ch.charCodeAt(0)) >>> 0, 7) : Number(t.options.seed ?? 1) || 1;
      const subject = request.subject;
      const fit = subject.code === 'engine' ? String(subject.config.fit ?? 'first') : subject.code === 'reference' ? 'best' : 'first';
      const source = subject.code === 'submission' ? subject.source : subject.code === 'starter' ? sourceOf(request.exercise) : '';
      const label = subject.code === 'engine' ? `engine (${fit} fit)` : subject.code;
      const replayId = `replay-${++count}-demo`;
      const info: ReplayInfo = {
        replayId, exercise: request.exercise, trace: 'trace' in t ? t.trace : `gen:${t.generator}`, total: ops, label,
        heapBase: BASE, layout: subject.code === 'engine', closed: null,
      };
      const session = new Session(info, seed, fit, source.includes('TODO'));
      sessions.set(replayId, session);
      pump(session, performance.now());
      return info;
    },
    replayFrame: async (id: string, op: number, window: HeapWindow) => find(id).frame(op, window),
    replayCharts: async (id: string, from: number, to: number, buckets: number) => find(id).charts(from, to, buckets),
    replayBlock: async (id: string, op: number, address: number) => find(id).block(op, address),
    replayStop: async (id: string) => { const s = sessions.get(id); if (!s || s.stopped || s.finished) return false; s.stopped = true; return true; },
    replayClose: async (id: string) => sessions.delete(id),
  };
}
