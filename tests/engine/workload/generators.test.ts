// Trace generators: every generator's trace is valid (a live-set simulation), reproducible from its
// seed and options, and has the property it is named for; generate() names bad input exactly.
import { describe, expect, it } from 'vitest';
import {
  adversarialFirstFit, adversarialNextFit, binaryPathology, coalescing, generate, generators, peak, plateau, ramp,
  randomSizes, reallocHeavy,
} from '../../../engine/workload/generators';
import { OpKind, traceOf, type Trace } from '../../../engine/workload/Trace';
import { TraceBuilder } from '../../../engine/workload/TraceBuilder';

/** What the simulation saw: live bytes and live blocks after each operation, and each block's size before it. */
interface Replay {
  liveBytes: Float64Array;
  liveBlocks: Int32Array;
  before: Float64Array;
}

/** The first problem that makes `trace` invalid (or not as the generators promise), or null; fills `replay`. */
function problem(trace: Trace, replay?: Replay): string | null {
  const n = trace.length;
  for (const array of [trace.kind, trace.id, trace.size, trace.line]) if (array.length !== n) return `an array of length ${array.length}, not ${n}`;
  if (trace.format !== 'lab' || trace.weight !== null || trace.statedPeak !== null) return 'not a plain lab-format trace';
  const size = new Map<number, number>();
  let bytes = 0;
  let maxId = -1;
  for (let k = 0; k < n; k++) {
    const kind = trace.kind[k]!;
    const id = trace.id[k]!;
    const s = trace.size[k]!;
    if (trace.line[k] !== 0) return `op ${k}: line ${trace.line[k]}`;
    if (!(id >= 0 && id < trace.ids)) return `op ${k}: id ${id} outside 0..${trace.ids - 1}`;
    maxId = Math.max(maxId, id);
    if (replay) replay.before[k] = size.get(id) ?? 0;
    if (kind === OpKind.Alloc) {
      if (size.has(id)) return `op ${k}: alloc of live id ${id}`;
    } else if (!size.has(id)) {
      return `op ${k}: ${kind === OpKind.Free ? 'free' : 'realloc'} of dead id ${id}`;
    }
    if (kind === OpKind.Free) {
      if (s !== 0) return `op ${k}: free with size ${s}`;
      bytes -= size.get(id)!;
      size.delete(id);
    } else if (kind === OpKind.Alloc || kind === OpKind.Realloc) {
      if (!Number.isInteger(s) || s < 1) return `op ${k}: size ${s}`;
      bytes += s - (size.get(id) ?? 0);
      size.set(id, s);
    } else {
      return `op ${k}: kind ${kind}`;
    }
    if (replay) {
      replay.liveBytes[k] = bytes;
      replay.liveBlocks[k] = size.size;
    }
  }
  if (maxId !== trace.ids - 1) return `ids ${trace.ids} but the largest id is ${maxId}`;
  if (size.size !== 0) return `${size.size} blocks live at the end`;
  let at = 0;
  for (const p of trace.phases) {
    if (p.start !== at || p.end <= p.start) return `phase ${p.name} is [${p.start}, ${p.end}), expected to start at ${at} and be non-empty`;
    at = p.end;
  }
  if (trace.phases.length > 0 && at !== n) return `phases end at ${at}, not ${n}`;
  if (new Set(trace.phases.map((p) => p.name)).size !== trace.phases.length) return 'two phases have one name';
  return null;
}

function replayOf(trace: Trace): Replay {
  const n = trace.length;
  const replay = { liveBytes: new Float64Array(n), liveBlocks: new Int32Array(n), before: new Float64Array(n) };
  expect(problem(trace, replay)).toBeNull();
  return replay;
}

/** Operation indices [start, end) of the phase named `name`. */
function range(trace: Trace, name: string): [number, number] {
  const p = trace.phases.find((q) => q.name === name);
  if (!p) throw new Error(`no phase ${name} in ${trace.phases.map((q) => q.name).join(', ')}`);
  return [p.start, p.end];
}

/** Indices of the operations of `kind` in [start, end). */
function opsOf(trace: Trace, kind: OpKind, [start, end]: [number, number] = [0, trace.length]): number[] {
  const found: number[] = [];
  for (let k = start; k < end; k++) if (trace.kind[k] === kind) found.push(k);
  return found;
}

const same = (a: Trace, b: Trace) => expect(b).toEqual(a); // every field, every typed array element
const differs = (a: Trace, b: Trace) => [a.kind, a.id, a.size].some((x, i) => x.length !== [b.kind, b.id, b.size][i]!.length
  || x.some((v, k) => v !== [b.kind, b.id, b.size][i]![k]));

const names = ['ramp', 'peak', 'plateau', 'randomSizes', 'binaryPathology', 'reallocHeavy', 'coalescing', 'adversarialFirstFit', 'adversarialNextFit'];

describe('the validity checker of these tests', () => {
  it('catches what a generator must never write', () => {
    const { Alloc: a, Realloc: r, Free: f } = OpKind;
    expect(problem(traceOf('ok', [[a, 0, 8], [r, 0, 16], [f, 0]]))).toBeNull();
    expect(problem(traceOf('t', [[a, 0, 8], [a, 0, 8], [f, 0]]))).toBe('op 1: alloc of live id 0');
    expect(problem(traceOf('t', [[a, 0, 8], [f, 0], [f, 0]]))).toBe('op 2: free of dead id 0');
    expect(problem(traceOf('t', [[a, 0, 8], [f, 0], [r, 0, 8]]))).toBe('op 2: realloc of dead id 0');
    expect(problem(traceOf('t', [[a, 0, 0], [f, 0]]))).toBe('op 0: size 0');
    expect(problem({ ...traceOf('t', [[a, 1, 8], [f, 1]]), ids: 3 })).toBe('ids 3 but the largest id is 1');
    expect(problem({ ...traceOf('t', [[a, 1, 8], [f, 1]]), ids: 1 })).toBe('op 0: id 1 outside 0..0');
    expect(problem(traceOf('t', [[a, 0, 8]]))).toBe('1 blocks live at the end');
    expect(problem(traceOf('t', [[a, 0, 8], [f, 0]], { phases: [{ name: 'x', start: 0, end: 1 }, { name: 'y', start: 0, end: 2 }] })))
      .toBe('phase y is [0, 2), expected to start at 1 and be non-empty');
    expect(problem(traceOf('t', [[a, 0, 8], [f, 0]], { phases: [{ name: 'x', start: 0, end: 1 }] }))).toBe('phases end at 1, not 2');
  });
});

describe('generators: all of them', () => {
  it('lists every generator with a description, seed first and alignment last', () => {
    expect(Object.keys(generators)).toEqual(names);
    for (const entry of Object.values(generators)) {
      expect(entry.describe.length).toBeGreaterThan(20);
      const keys = Object.keys(entry.options);
      expect(keys[0]).toBe('seed');
      expect(keys[keys.length - 1]).toBe('alignment');
    }
  });

  it.each(names)('%s: valid, reproducible from its seed, different for another seed', (name) => {
    const trace = generate(name, { seed: 5 });
    expect(problem(trace)).toBeNull();
    expect(trace.length).toBeGreaterThanOrEqual(2000);
    expect(trace.length).toBeLessThanOrEqual(20000);
    expect(trace.name).toBe(name);
    expect(trace.file).toMatch(new RegExp(`^generator:${name}\\?seed=5&ops=\\d+&.*&alignment=8$`));
    same(trace, generate(name, { seed: 5 }));
    same(trace, generators[name]!.make({ seed: 5 }));
    expect(differs(trace, generate(name, { seed: 6 }))).toBe(true);
    expect(problem(generate(name, { seed: 7, ops: 3000, alignment: 16 }))).toBeNull();
    expect(generate(name, { seed: 7, alignment: 16 }).alignment).toBe(16);
  });

  it.each(names)('%s: valid at small and odd op counts', (name) => {
    for (const ops of [2, 3, 17, 101, 999]) {
      let trace: Trace;
      try {
        trace = generate(name, { seed: ops, ops });
      } catch (error) {
        expect((error as Error).message).toMatch(new RegExp(`^generator '${name}': option 'ops' must be`));
        continue;
      }
      expect(problem(trace)).toBeNull();
      expect(trace.length).toBeLessThanOrEqual(ops);
    }
  });

  it('the file string regenerates the trace', () => {
    const trace = randomSizes({ seed: 9, sizes: 'lognormal', ops: 3000 });
    expect(trace.file).toBe('generator:randomSizes?seed=9&ops=3000&live=500&sizes=lognormal&minSize=1&maxSize=4096&mu=6&sigma=1.5&alignment=8');
    const query = Object.fromEntries(new URLSearchParams(trace.file.split('?')[1]));
    same(trace, generate('randomSizes', query));
  });

  it('generates a million operations', () => {
    const trace = randomSizes({ ops: 1_000_000 });
    expect(trace.length).toBe(1_000_000);
    expect(problem(trace)).toBeNull();
  });
});

describe('generate: errors', () => {
  const message = (name: string, options: Record<string, number | string>) => {
    try {
      generate(name, options);
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  };

  it('names unknown generators and options', () => {
    expect(message('nope', {})).toBe(`unknown generator 'nope' (generators: ${names.join(', ')})`);
    expect(message('toString', {})).toBe(`unknown generator 'toString' (generators: ${names.join(', ')})`);
    expect(message('ramp', { seed: 1, blocks: 10 }))
      .toBe("generator 'ramp': unknown option 'blocks' (options: seed, ops, minSize, maxSize, order, alignment)");
    expect(message('ramp', { constructor: 1 })).toMatch(/^generator 'ramp': unknown option 'constructor'/);
  });

  it('names bad values exactly', () => {
    expect(message('ramp', { ops: -3 })).toBe("generator 'ramp': option 'ops' must be an integer from 2 to 10000000, got -3");
    expect(message('ramp', { ops: '-3' })).toBe("generator 'ramp': option 'ops' must be an integer from 2 to 10000000, got -3");
    expect(message('ramp', { ops: 2.5 })).toBe("generator 'ramp': option 'ops' must be an integer from 2 to 10000000, got 2.5");
    expect(message('ramp', { ops: 'lots' })).toBe("generator 'ramp': option 'ops' must be an integer from 2 to 10000000, got 'lots'");
    expect(message('ramp', { seed: 2 ** 32 })).toBe("generator 'ramp': option 'seed' must be an integer from 0 to 4294967295, got 4294967296");
    expect(message('ramp', { order: 'up' })).toBe("generator 'ramp': option 'order' must be one of 'fifo', 'lifo', 'random', got 'up'");
    expect(message('ramp', { order: 3 })).toBe("generator 'ramp': option 'order' must be one of 'fifo', 'lifo', 'random', got 3");
    expect(message('ramp', { alignment: 12 })).toBe("generator 'ramp': option 'alignment' must be a power of two from 1 to 4096, got 12");
    expect(message('randomSizes', { sigma: 'x' })).toBe("generator 'randomSizes': option 'sigma' must be a number from 0 to 10, got 'x'");
  });

  it('names conflicting options', () => {
    expect(message('ramp', { minSize: 5000 })).toBe("generator 'ramp': option 'minSize' must not exceed option 'maxSize' (4096), got 5000");
    expect(message('peak', { ops: 10, cycles: 6 })).toBe("generator 'peak': option 'ops' must be at least 12 (two per cycle), got 10");
    expect(message('binaryPathology', { small: 500 }))
      .toBe("generator 'binaryPathology': option 'small' must be less than option 'large' (448), got 500");
    expect(message('binaryPathology', { misfit: 64 }))
      .toBe("generator 'binaryPathology': option 'misfit' must be 0 or larger than the freed blocks (64), got 64");
    expect(message('adversarialFirstFit', { ops: 1000 }))
      .toBe("generator 'adversarialFirstFit': option 'ops' must be at least 2002 (4 × holes + 2), got 1000");
  });

  it('accepts numbers written as strings, as a command line gives them', () => {
    same(generate('ramp', { seed: 12, ops: 100 }), generate('ramp', { seed: '12', ops: '100' }));
    same(ramp({ seed: 3 }), generate('ramp', { seed: 3 }));
    expect(ramp().file).toBe('generator:ramp?seed=1&ops=4000&minSize=16&maxSize=4096&order=fifo&alignment=8');
  });
});

describe('generators: each has its property', () => {
  it('ramp: nondecreasing sizes, then frees in the asked order', () => {
    const fifo = ramp({ seed: 2, ops: 1001, order: 'fifo' });
    expect(fifo.length).toBe(1000);
    const allocs = opsOf(fifo, OpKind.Alloc, range(fifo, 'grow'));
    expect(allocs).toHaveLength(500);
    const sizes = allocs.map((k) => fifo.size[k]!);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(sizes[0]).toBeGreaterThanOrEqual(16);
    expect(sizes[499]).toBeLessThanOrEqual(4096);
    const allocated = allocs.map((k) => fifo.id[k]!);
    const freed = (t: Trace) => opsOf(t, OpKind.Free, range(t, 'drain')).map((k) => t.id[k]!);
    expect(freed(fifo)).toEqual(allocated);
    expect(freed(ramp({ seed: 2, ops: 1000, order: 'lifo' }))).toEqual([...allocated].reverse());
    const random = freed(ramp({ seed: 2, ops: 1000, order: 'random' }));
    expect([...random].sort((a, b) => a - b)).toEqual(allocated);
    expect(random).not.toEqual(allocated);
  });

  it('peak: each cycle grows by the same number of allocations to a different height, then drains to nothing', () => {
    const trace = peak({ seed: 3, ops: 4000, cycles: 4 });
    const replay = replayOf(trace);
    expect(trace.phases.map((p) => p.name)).toEqual(['grow-1', 'drain-1', 'grow-2', 'drain-2', 'grow-3', 'drain-3', 'grow-4', 'drain-4']);
    expect(trace.length).toBe(4000);
    const heights: number[] = [];
    for (let c = 1; c <= 4; c++) {
      const grow = range(trace, `grow-${c}`);
      expect(opsOf(trace, OpKind.Alloc, grow)).toHaveLength(500);
      expect(opsOf(trace, OpKind.Alloc, range(trace, `drain-${c}`))).toHaveLength(0);
      expect(replay.liveBlocks[range(trace, `drain-${c}`)[1] - 1]).toBe(0);
      heights.push(Math.max(...replay.liveBytes.subarray(...grow)));
    }
    expect(new Set(heights).size).toBe(4);
  });

  it('plateau: live bytes stay within maxSize of the target while holding', () => {
    const trace = plateau({ seed: 4, ops: 9001, target: 50000, minSize: 16, maxSize: 1024 });
    const replay = replayOf(trace);
    expect(trace.phases.map((p) => p.name)).toEqual(['grow', 'hold', 'drain']);
    expect(trace.length).toBe(9000);
    const [start, end] = range(trace, 'hold');
    expect(replay.liveBytes[start - 1]).toBeGreaterThanOrEqual(50000);
    for (let k = start; k < end; k++) {
      expect(replay.liveBytes[k]).toBeGreaterThanOrEqual(50000 - 1024);
      expect(replay.liveBytes[k]).toBeLessThan(50000 + 1024);
    }
    expect(opsOf(trace, OpKind.Free, [start, end]).length).toBeGreaterThan((end - start) / 3);
    expect(opsOf(trace, OpKind.Alloc, [start, end]).length).toBeGreaterThan((end - start) / 3);
  });

  it('randomSizes: uniform sizes in range, log-normal ones clamped, live blocks wander near the target', () => {
    const uniform = randomSizes({ seed: 5, ops: 20000, live: 300, minSize: 10, maxSize: 20 });
    const replay = replayOf(uniform);
    const sizes = opsOf(uniform, OpKind.Alloc).map((k) => uniform.size[k]!);
    expect(new Set(sizes)).toEqual(new Set(Array.from({ length: 11 }, (_, i) => 10 + i)));
    const [start, end] = range(uniform, 'mix');
    const live = replay.liveBlocks.subarray(start, end);
    expect(Math.abs(live.reduce((a, b) => a + b, 0) / live.length - 300)).toBeLessThan(30);
    const lognormal = randomSizes({ seed: 5, sizes: 'lognormal', mu: 6, sigma: 2, minSize: 100, maxSize: 2000 });
    const drawn = opsOf(lognormal, OpKind.Alloc).map((k) => lognormal.size[k]!);
    expect(drawn.every((s) => Number.isInteger(s) && s >= 100 && s <= 2000)).toBe(true);
    expect(drawn).toContain(100); // clamped from below
    expect(drawn).toContain(2000); // and from above
    expect(new Set(drawn).size).toBeGreaterThan(500);
  });

  it.each(['small', 'large'] as const)('binaryPathology (free %s): holes of one size, then misfits larger than every hole', (free) => {
    const trace = binaryPathology({ seed: 6, ops: 600, small: 16, large: 112, free });
    expect(trace.length).toBe(600);
    const pairs = opsOf(trace, OpKind.Alloc, range(trace, 'pairs')).map((k) => trace.size[k]!);
    expect(pairs).toEqual(Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 16 : 112)));
    const replay = replayOf(trace);
    const holes = opsOf(trace, OpKind.Free, range(trace, 'holes')).map((k) => replay.before[k]!);
    expect(holes).toEqual(new Array(100).fill(free === 'small' ? 16 : 112));
    const misfits = opsOf(trace, OpKind.Alloc, range(trace, 'misfits')).map((k) => trace.size[k]!);
    expect(misfits).toEqual(new Array(100).fill(free === 'small' ? 64 : 128));
    expect(Math.min(...misfits)).toBeGreaterThan(Math.max(...holes));
  });

  it.each(['add', 'double'] as const)('reallocHeavy (%s): reallocs only grow, each followed by a blocker', (growth) => {
    const trace = reallocHeavy({ seed: 7, ops: 5000, growth, step: 64, startSize: 256, maxSize: 8192, blocker: 24 });
    const replay = replayOf(trace);
    expect(trace.length).toBeGreaterThan(5000 - 4);
    const reallocs = opsOf(trace, OpKind.Realloc);
    expect(reallocs.length).toBeGreaterThan(trace.length / 4);
    for (const k of reallocs) {
      expect(trace.size[k]).toBe(growth === 'add' ? replay.before[k]! + 64 : 2 * replay.before[k]!);
      expect(trace.size[k]).toBeLessThanOrEqual(8192);
      expect([trace.kind[k + 1], trace.size[k + 1]]).toEqual([OpKind.Alloc, 24]);
    }
  });

  it('coalescing: every other block, then the rest, then one block as big as the run', () => {
    const trace = coalescing({ seed: 8, ops: 1000, run: 9 });
    const replay = replayOf(trace);
    expect(trace.length).toBe(50 * 20);
    for (let round = 1; round <= 50; round++) {
      const run = opsOf(trace, OpKind.Alloc, range(trace, `run-${round}`));
      const ids = run.map((k) => trace.id[k]!);
      const freedIn = (phase: string) => opsOf(trace, OpKind.Free, range(trace, `${phase}-${round}`)).map((k) => trace.id[k]!);
      expect(freedIn('every-other').sort((a, b) => a - b)).toEqual(ids.filter((_, i) => i % 2 === 0).sort((a, b) => a - b));
      expect(freedIn('the-rest').sort((a, b) => a - b)).toEqual(ids.filter((_, i) => i % 2 === 1).sort((a, b) => a - b));
      const [start, end] = range(trace, `merged-${round}`);
      expect(end - start).toBe(2);
      expect(trace.size[start]).toBe(run.reduce((sum, k) => sum + trace.size[k]!, 0));
      expect(replay.liveBlocks[start]).toBe(1);
    }
  });

  it('adversarialFirstFit: pinned holes first, then mostly requests no hole fits', () => {
    const trace = adversarialFirstFit({ seed: 9, ops: 6000, holes: 300, holeSize: 48, pinSize: 8 });
    const replay = replayOf(trace);
    const pins = opsOf(trace, OpKind.Alloc, range(trace, 'pins')).map((k) => trace.size[k]!);
    expect(pins).toEqual(Array.from({ length: 600 }, (_, i) => (i % 2 === 0 ? 48 : 8)));
    expect(opsOf(trace, OpKind.Free, range(trace, 'holes')).map((k) => replay.before[k]!)).toEqual(new Array(300).fill(48));
    const stream = opsOf(trace, OpKind.Alloc, range(trace, 'stream')).map((k) => trace.size[k]!);
    expect(stream.every((s) => s > 48 || s <= 24)).toBe(true);
    expect(stream.filter((s) => s > 48).length).toBeGreaterThan(0.65 * stream.length);
  });

  it('adversarialNextFit: batches of small blocks, one big request each, long-lived blocks capped', () => {
    const trace = adversarialNextFit({ seed: 10, ops: 8000, batch: 20, keepPercent: 25, longLived: 40, minSize: 16, maxSize: 128 });
    const replay = replayOf(trace);
    const allocs = opsOf(trace, OpKind.Alloc, range(trace, 'scatter')).map((k) => trace.size[k]!);
    expect(allocs.every((s) => s <= 128 || s >= 256)).toBe(true);
    const big = allocs.filter((s) => s >= 256).length;
    expect(big).toBe(allocs.length / 21);
    expect(Math.max(...replay.liveBlocks)).toBeLessThanOrEqual(40 + 20);
    expect(Math.max(...replay.liveBlocks.subarray(...range(trace, 'scatter')))).toBeGreaterThan(40);
  });
});

describe('TraceBuilder', () => {
  it('reuses the most recently freed id, drops empty phases, and refuses invalid operations', () => {
    const b = new TraceBuilder();
    b.phase('empty');
    b.phase('a');
    const x = b.alloc(10);
    const y = b.alloc(20);
    b.free(x);
    b.free(y);
    b.phase('b');
    expect(b.alloc(30)).toBe(y);
    expect(b.alloc(40)).toBe(x);
    expect(b.alloc(50)).toBe(2);
    b.realloc(x, 45);
    expect([b.liveBytes, b.peakBytes, b.liveCount]).toEqual([125, 125, 3]);
    expect(() => b.free(7)).toThrow('TraceBuilder: free of block 7, which is not live (operation 8)');
    expect(() => b.alloc(0)).toThrow('TraceBuilder: size must be an integer from 1 to 2^53, got 0 (operation 8)');
    expect(() => b.realloc(x, 1.5)).toThrow(RangeError);
    b.freeAll(() => 0);
    const trace = b.build({ name: 't', file: 'generator:t', alignment: 8 });
    expect(trace.phases).toEqual([{ name: 'a', start: 0, end: 4 }, { name: 'b', start: 4, end: 11 }]);
    expect([...trace.kind]).toEqual([0, 0, 2, 2, 0, 0, 0, 1, 2, 2, 2]);
    expect([...trace.id]).toEqual([0, 1, 0, 1, 1, 0, 2, 0, 1, 2, 0]);
    expect(problem(trace)).toBeNull();
  });
});
