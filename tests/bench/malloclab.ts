// The bench's malloc-lab-size trace set: eleven traces shaped like CS:APP's 2002 malloc-lab set
// (which is copyrighted: nothing of it is copied), made with the lab's own generators and
// TraceBuilder, about 89.6k operations in all, and an exercise folder that grades the textbook
// first-fit (fixtures/first-fit.ts) on them: an sbrk heap as malloc-lab's mem_sbrk, one correctness
// test per trace with a generous time limit, and a performance test over all eleven against 07-malloc's
// reference. writeMallocLabExercise() writes that folder (run.ts does it at the start of the bench).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Random } from '../../engine/workload/Random';
import type { Trace } from '../../engine/workload/Trace';
import { TraceBuilder } from '../../engine/workload/TraceBuilder';
import { writeLabTrace } from '../../engine/workload/TraceFormat';
import { generate } from '../../engine/workload/generators';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIRST_FIT = path.join(here, 'fixtures/first-fit.ts');
const REFERENCE = path.resolve(here, '../../exercises/07-malloc/reference.ts');
/** CS:APP 2002's eleven traces hold 89,572 operations (the number the issue gives); this set aims at it. */
export const MALLOCLAB_OPERATIONS = 89_572;
/** malloc-lab's heap is 20 MB; first fit with realloc by copy needs a little more on the realloc traces. */
export const MALLOCLAB_HEAP = 64 * 2 ** 20;

interface ProgramMix {
  /** Log-normal sizes of the ordinary objects (median e^mu), clamped to [1, maxSize]. */
  mu: number;
  sigma: number;
  maxSize: number;
  /** Objects made per unit of work (a function compiled, an expression read): uniform in [lo, hi]. */
  burst: [number, number];
  /** Share of objects that outlive their unit (a symbol table, a parse tree kept). */
  keep: number;
  /** Chance per object that a temporary grows by realloc (a string or an array being built). */
  grow: number;
  /** Chance per object of a big buffer beside it, its size uniform in `big`. */
  bigRate: number;
  big: [number, number];
  /** Chance per object that the newest temporary dies at once (a scratch value). */
  scratch: number;
  /** Chance at the end of a unit that a quarter of the kept objects go (a scope closed). */
  scope: number;
  /** Order the temporaries die at the end of a unit. */
  order: 'lifo' | 'random';
}

/**
 * A program-like mix (amptjp, cccp): units of work, each making a burst of short-lived objects of
 * small log-normal sizes, some growing by realloc, a few big buffers, some objects kept past their
 * unit; at most `ops` operations, every block freed at the end (phase 'exit').
 */
export function programMix(name: string, seed: number, ops: number, p: ProgramMix): Trace {
  const b = new TraceBuilder();
  const r = new Random(seed);
  const room = (k: number) => b.length + b.liveCount + k <= ops;
  const size = () => Math.min(p.maxSize, Math.max(1, Math.round(r.logNormal(p.mu, p.sigma))));
  const kept: number[] = [];
  for (let unit = 1; room(2); unit++) {
    b.phase(`unit-${unit}`);
    const temps: number[] = [];
    const n = r.range(p.burst[0], p.burst[1]);
    for (let i = 0; i < n && room(2); i++) {
      if (r.chance(p.bigRate) && room(4)) temps.push(b.alloc(r.range(p.big[0], p.big[1])));
      const id = b.alloc(size());
      (r.chance(p.keep) ? kept : temps).push(id);
      if (temps.length > 0 && r.chance(p.grow) && room(1)) {
        const t = temps[r.int(temps.length)]!;
        const now = b.sizeOf(t);
        b.realloc(t, Math.min(4 * p.maxSize, now + Math.max(8, Math.round(now * r.float()))));
      }
      if (temps.length > 0 && r.chance(p.scratch)) b.free(temps.pop()!);
    }
    if (p.order === 'random') r.shuffle(temps);
    while (temps.length > 0) b.free(temps.pop()!);
    if (kept.length > 0 && r.chance(p.scope)) {
      r.shuffle(kept);
      for (let k = kept.length >> 2; k > 0; k--) b.free(kept.pop()!);
    }
  }
  b.phase('exit');
  b.freeAll((n) => r.int(n));
  return b.build({ name, file: `bench:${name}`, alignment: 8 });
}

export interface LabTrace {
  name: string;
  /** What it stands in for and how it is made (the report's notes). */
  shape: string;
  trace: Trace;
}

/** The eleven traces, their operation counts multiplied by `scale` (1: malloc-lab size; the tests use ~0.02). */
export function mallocLabTraces(scale = 1): LabTrace[] {
  const n = (ops: number, least = 8) => Math.max(least, Math.round(ops * scale));
  const named = (name: string, shape: string, trace: Trace): LabTrace => ({ name, shape, trace: { ...trace, name } });
  const run = Math.max(4, Math.min(99, Math.round(99 * Math.sqrt(scale))));
  return [
    named('amptjp', 'program mix: small objects in bursts, 10 % kept, some grown by realloc',
      programMix('amptjp', 2002, n(4805), { mu: 3.8, sigma: 1.1, maxSize: 4072, burst: [30, 140], keep: 0.1, grow: 0.04, bigRate: 0.01, big: [1024, 8192], scratch: 0.25, scope: 0.2, order: 'lifo' })),
    named('cccp', 'program mix: larger objects, 15 % kept, more big buffers, random frees',
      programMix('cccp', 2003, n(5032), { mu: 4.6, sigma: 1.3, maxSize: 4096, burst: [10, 220], keep: 0.15, grow: 0.03, bigRate: 0.02, big: [512, 16384], scratch: 0.15, scope: 0.3, order: 'random' })),
    named('cp-decl', 'plateau: grow to 400 KB live, hold it with a steady mix, drain',
      generate('plateau', { seed: 2004, ops: n(5682), target: 409_600, minSize: 16, maxSize: 2048 })),
    named('expr', 'randomSizes: 400 live, log-normal sizes (median 55 B)',
      generate('randomSizes', { seed: 2005, ops: n(5380), live: 400, sizes: 'lognormal', mu: 4, sigma: 1, maxSize: 2048 })),
    named('coalescing', 'coalescing: runs of 99 equal blocks freed every other one, then a run-sized block',
      generate('coalescing', { seed: 2006, ops: n(14400, 2 * run + 2), run, minSize: 16, maxSize: 512 })),
    named('random', 'randomSizes: 800 live, uniform 1 B to 16 KiB',
      generate('randomSizes', { seed: 2007, ops: n(4800), live: 800, minSize: 1, maxSize: 16384 })),
    named('random2', 'randomSizes: 1200 live, uniform 1 B to 8 KiB',
      generate('randomSizes', { seed: 2008, ops: n(4800), live: 1200, minSize: 1, maxSize: 8192 })),
    named('binary', 'binaryPathology: 64 B / 448 B pairs, the 448s freed, then 512 B requests',
      generate('binaryPathology', { seed: 2009, ops: n(12000, 6), small: 64, large: 448, free: 'large', misfit: 512 })),
    named('binary2', 'binaryPathology: 16 B / 112 B pairs, the 112s freed, then 128 B requests',
      generate('binaryPathology', { seed: 2010, ops: n(12000, 6), small: 16, large: 112, free: 'large', misfit: 128 })),
    named('realloc', 'reallocHeavy: 4 blocks grown 128 B at a time to 16 KiB behind 128 B blockers',
      generate('reallocHeavy', { seed: 2011, ops: n(10340), vectors: 4, growth: 'add', step: 128, startSize: 512, maxSize: 16384, blocker: 128 })),
    named('realloc2', 'reallocHeavy: 8 blocks doubled from 64 B to 32 KiB behind 40 B blockers',
      generate('reallocHeavy', { seed: 2012, ops: n(10340), vectors: 8, growth: 'double', startSize: 64, maxSize: 32768, blocker: 40 })),
  ];
}

export interface MallocLabExercise {
  dir: string;
  traces: { name: string; shape: string; operations: number }[];
  operations: number;
}

/**
 * Writes the exercise into `dir` (made if missing): exercise.yaml, traces/<name>.trace (lab
 * format), the first-fit as the starter and 07-malloc's reference as the reference.
 */
export function writeMallocLabExercise(dir: string, scale = 1): MallocLabExercise {
  const traces = mallocLabTraces(scale);
  mkdirSync(path.join(dir, 'traces'), { recursive: true });
  for (const { name, trace } of traces) writeFileSync(path.join(dir, 'traces', `${name}.trace`), writeLabTrace(trace));
  copyFileSync(FIRST_FIT, path.join(dir, 'first-fit.ts'));
  copyFileSync(REFERENCE, path.join(dir, 'reference.ts'));
  const names = traces.map((t) => t.name);
  const yaml = [
    '# Written by tests/bench/malloclab.ts: a malloc-lab-size set of eleven generated traces (CS:APP 2002\'s',
    '# shapes, none of its data), the textbook first-fit as the starter, 07-malloc\'s reference, an sbrk heap.',
    'id: malloclab',
    'title: Malloc-lab-size trace set (bench)',
    'summary: A textbook first-fit malloc graded on eleven traces of malloc-lab size.',
    'kind: malloc',
    'starter: first-fit.ts',
    'reference: reference.ts',
    'heap:',
    `  limit: ${MALLOCLAB_HEAP}`,
    '  parent: sbrk',
    'traces:',
    ...names.map((name) => `  ${name}: { file: traces/${name}.trace }`),
    'grading:',
    '  thresholds:',
    '    utilization: { min: 0.5, max: 0.9 }',
    '    throughput: { min: 0.5, max: 0.9 }',
    '    weights: { utilization: 0.6, throughput: 0.4 }',
    '  tests:',
    ...names.map((name) => `    - { name: ${name}, trace: ${name}, points: 1, timeLimitSeconds: 120 }`),
    '    - name: performance',
    '      kind: performance',
    `      traces: [${names.join(', ')}]`,
    '      points: 10',
    '      timeLimitSeconds: 600',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'exercise.yaml'), yaml);
  const listed = traces.map((t) => ({ name: t.name, shape: t.shape, operations: t.trace.length }));
  return { dir, traces: listed, operations: listed.reduce((sum, t) => sum + t.operations, 0) };
}
