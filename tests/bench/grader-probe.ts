// The grader's costs on the SES sandbox. As a script each mode prints one JSON line (run.ts spawns
// each in a fresh process); an exercise argument is a folder, or 'malloclab' for the malloc-lab-size
// set written to a temporary folder (malloclab.ts) and removed at exit:
//   grader-probe.ts submission <exercise> <who,...> <rounds>  measureReference, then gradeSource of each
//                                                             'reference' / 'starter', `rounds` times (SubmissionProbe)
//   grader-probe.ts engines <exercise> <who> <rounds>         the same compiled allocator on plain V8
//                                                             in-process and in the sandbox, interleaved (EngineProbe)
//   grader-probe.ts start <runs>                              fresh sandbox workers to their first malloc (StartProbe)
//   grader-probe.ts bombs <exercise>                          memory bombs through gradeSource, RSS sampled (BombProbe)
//   grader-probe.ts scale <ops,...>                           07's reference and the first-fit on long traces (ScaleRun[])
//   grader-probe.ts batch <exercise> <count> <workers,...>    `count` starter copies through gradeBatch (BatchProbe)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import { gradeBatch } from '../../electron/host/grader/batch';
import { gradeSource, measureReference } from '../../electron/host/grader/grade';
import { loadExercise, loadTrace, readExerciseFile, type Exercise } from '../../electron/host/grader/exercise';
import { compileSubmission } from '../../electron/host/sandbox/compile';
import type { Program } from '../../electron/host/sandbox/program';
import type { GradeReport } from '../../engine/grader/Grade';
import { localTarget } from '../../engine/grader/LocalTarget';
import { replay } from '../../engine/grader/Replay';
import type { MallocAllocatorClass } from '../../engine/workload/Heap';
import type { Trace } from '../../engine/workload/Trace';
import { generate } from '../../engine/workload/generators';
import { FIRST_FIT, MALLOCLAB_HEAP, writeMallocLabExercise } from './malloclab';
import { BenchSandbox, bundleHost } from './sandbox-client';
import { FNV_START, fnv, hashing, type FirstAnswer, type ReplayAnswer } from './sandbox-protocol';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
export const MALLOC_EXERCISE = path.join(root, 'exercises/07-malloc');
/** 07-malloc's starter and reference on two traces: what the batch grades (see its exercise.yaml). */
export const BATCH_EXERCISE = path.join(here, 'fixtures/grader-batch');

export type Who = 'reference' | 'starter';

/** The exercise's starter or reference source and its file name. */
export function sourceOf(exercise: Exercise, who: Who): { source: string; file: string } {
  const file = who === 'reference' ? exercise.spec.reference : exercise.spec.starter;
  return { source: readExerciseFile(exercise, file), file: path.basename(file) };
}

function summary(report: GradeReport) {
  return {
    score: report.score,
    maxScore: report.maxScore,
    passed: report.tests.filter((t) => t.status === 'passed').length,
    tests: report.tests.length,
    failed: report.tests.filter((t) => t.status !== 'passed').map((t) => t.name),
  };
}

/** Work units per trace as the report gives them (a trace in several tests once; null when it has no metrics). */
export function workPerTrace(report: GradeReport): Record<string, number | null> {
  const work: Record<string, number | null> = {};
  for (const t of report.tests) for (const o of t.traces) work[o.trace] = o.metrics?.work ?? null;
  return work;
}

// ------------------------------------------------------------------------------ one submission

export interface SubmissionRun extends ReturnType<typeof summary> {
  who: Who;
  round: number;
  /** Wall time of gradeSource, referenceWork given. */
  ms: number;
  /** Sum of the traces' own times (sandbox start and replay) as the report gives them, each trace once. */
  traceMs: number;
  work: Record<string, number | null>;
}

export interface SubmissionProbe {
  /** Wall time of measureReference and the number of traces it measured. */
  referenceMs: number;
  referenceTraces: number;
  /** The operations of every trace the rubric replays, each once. */
  operations: number;
  runs: SubmissionRun[];
}

/** measureReference, timed; then `rounds` rounds of gradeSource of each submission with that referenceWork, timed. */
export async function probeSubmissions(exerciseDir: string, who: readonly Who[], rounds = 1, tests?: string[]): Promise<SubmissionProbe> {
  const exercise = loadExercise(exerciseDir);
  let started = performance.now();
  const referenceWork = await measureReference(exerciseDir);
  const referenceMs = performance.now() - started;
  const runs: SubmissionRun[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const w of who) {
      const { source, file } = sourceOf(exercise, w);
      started = performance.now();
      const { report } = await gradeSource(exerciseDir, source, file, { tests, referenceWork });
      const ms = performance.now() - started;
      const seen = new Map<string, number>();
      for (const t of report.tests) for (const o of t.traces) seen.set(o.trace, o.ms);
      runs.push({ who: w, round, ms, traceMs: [...seen.values()].reduce((a, b) => a + b, 0), work: workPerTrace(report), ...summary(report) });
    }
  }
  const names = new Set(exercise.spec.tests.filter((t) => !tests || tests.includes(t.name)).flatMap((t) => t.traces));
  const operations = [...names].reduce((n, name) => n + loadTrace(exercise, name).length, 0);
  return { referenceMs, referenceTraces: Object.keys(referenceWork).length, operations, runs };
}

// ------------------------------------------------------------------------------ the sandbox vs plain V8

/** The virtual 'freenos-lab' module, as compile.ts resolves it. */
const labModule: esbuild.Plugin = {
  name: 'freenos-lab',
  setup(build) {
    build.onResolve({ filter: /^freenos-lab$/ }, () => ({ path: 'freenos-lab', namespace: 'freenos-lab' }));
    build.onLoad({ filter: /.*/, namespace: 'freenos-lab' }, () => ({ contents: 'export const log = __lab.log;', loader: 'js' }));
  },
};

/** esbuild's bundle of the submission with compileSubmission's options, before instrument.ts puts the meter in. */
export async function compilePlain(source: string, file: string): Promise<string> {
  const result = await esbuild.build({
    stdin: { contents: source, sourcefile: file, loader: 'ts' }, bundle: true, write: false, format: 'iife', globalName: '__labSubmission',
    target: 'es2020', platform: 'neutral', plugins: [labModule], logLevel: 'silent', tsconfigRaw: {}, charset: 'utf8', legalComments: 'none',
  });
  return result.outputFiles[0]!.text;
}

const quiet = Object.freeze({ log: () => {} });

/** The default export of the plain bundle, evaluated in this V8 (no lockdown, no meter). */
export function evaluatePlain(js: string): MallocAllocatorClass {
  const ns = new Function('__lab', 'console', `${js}\nreturn __labSubmission;`)(quiet, quiet) as { default?: unknown };
  if (typeof ns.default !== 'function') throw new Error('the bundle has no default export class');
  return ns.default as MallocAllocatorClass;
}

/** The default export of compileSubmission's output, evaluated in this V8 with its meter calls made no-ops. */
export function evaluateCompiled(program: Program): MallocAllocatorClass {
  const ns = new Function(program.meter, '__lab', 'console', program.code)(() => {}, quiet, quiet) as { default?: unknown };
  if (typeof ns.default !== 'function') throw new Error('the compiled submission has no default export class');
  return ns.default as MallocAllocatorClass;
}

export interface EngineRun {
  /** Replays of every trace (checker included), target start-up excluded; and per trace. */
  replayMs: number;
  traceMs: number[];
  /** Starting a fresh target for each trace (evaluating the module, constructing the allocator). */
  startMs: number;
}

export interface EngineSide {
  runs: EngineRun[];
  /** FNV-1a of every address the allocator returned, over all traces, first timed pass; the traces that failed. */
  hash: number;
  failures: string[];
  /** Work units per pass, the sandbox's meter (LocalTarget's heap-call count on V8: another unit). */
  work: number[];
}

export interface EngineProbe {
  who: Who;
  traces: string[];
  operations: number;
  /** Plain V8: esbuild's bundle evaluated in this thread; the same with the meter's calls as no-ops; the sandbox. */
  v8: EngineSide;
  v8meter: EngineSide;
  sandbox: EngineSide;
}

/** The traces of the exercise's performance tests (all its traces when it has none). */
export function performanceTraces(exercise: Exercise): Trace[] {
  const names = [...new Set(exercise.spec.tests.filter((t) => t.kind === 'performance').flatMap((t) => t.traces))];
  return (names.length > 0 ? names : Object.keys(exercise.spec.traces)).map((n) => loadTrace(exercise, n));
}

/**
 * Replays the traces with one submission compiled once, three ways: in-process on plain V8 (its
 * esbuild bundle: no lockdown, no meter), the same with the instrumented bundle (meter calls no-ops),
 * and in a sandbox worker thread. As in grading, every trace gets a fresh module and allocator
 * (a compartment in the sandbox, a fresh evaluation on V8). One untimed warm-up pass of each, then
 * `rounds` rounds of the three in turn.
 */
export async function probeEngines(exerciseDir: string, who: Who, rounds: number, traces?: Trace[]): Promise<EngineProbe> {
  const exercise = loadExercise(exerciseDir);
  const { source, file } = sourceOf(exercise, who);
  const compiled = await compileSubmission(source, file);
  if (!compiled.ok) throw new Error(`${file} does not compile: ${compiled.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ')}`);
  const program: Program = compiled;
  const plain = await compilePlain(source, file);
  const list = traces ?? performanceTraces(exercise);
  const { limit, parent } = exercise.spec.heap;
  const side = (): EngineSide => ({ runs: [], hash: FNV_START, failures: [], work: [] });
  const v8 = side(), v8meter = side(), sandbox = side();
  const { sandbox: worker } = await BenchSandbox.start();

  const v8Pass = (into: EngineSide, evaluate: () => MallocAllocatorClass, record: boolean): void => {
    const run: EngineRun = { replayMs: 0, traceMs: [], startMs: 0 };
    let work = 0;
    for (const trace of list) {
      let t0 = performance.now();
      const hashed = hashing(localTarget(evaluate(), { name: who, limit, parent }));
      run.startMs += performance.now() - t0;
      t0 = performance.now();
      const result = replay(trace, hashed.target, { heapLimit: limit });
      const ms = performance.now() - t0;
      run.replayMs += ms;
      run.traceMs.push(ms);
      work += result.metrics.work;
      if (record && into.runs.length === 0) {
        into.hash = fnv(into.hash, hashed.hash());
        if (!result.ok) into.failures.push(`${trace.name}: ${result.failure?.reason ?? 'failed'}`);
      }
    }
    if (record) {
      into.runs.push(run);
      into.work.push(work);
    }
  };
  const sandboxPass = async (record: boolean): Promise<void> => {
    const run: EngineRun = { replayMs: 0, traceMs: [], startMs: 0 };
    let work = 0;
    for (const trace of list) {
      const r = await worker.request<ReplayAnswer>({ op: 'replay', program, options: { name: who, heapLimit: limit, parent }, trace });
      run.replayMs += r.ms;
      run.traceMs.push(r.ms);
      run.startMs += r.startMs;
      work += r.metrics?.work ?? 0;
      if (record && sandbox.runs.length === 0) {
        sandbox.hash = fnv(sandbox.hash, r.hash);
        if (!r.ok) sandbox.failures.push(`${trace.name}: ${r.failure?.reason ?? 'failed'}`);
      }
    }
    if (record) {
      sandbox.runs.push(run);
      sandbox.work.push(work);
    }
  };
  const plainClass = () => evaluatePlain(plain);
  const meteredClass = () => evaluateCompiled(program);
  try {
    v8Pass(v8, plainClass, false);
    v8Pass(v8meter, meteredClass, false);
    await sandboxPass(false);
    for (let r = 0; r < rounds; r++) {
      v8Pass(v8, plainClass, true);
      v8Pass(v8meter, meteredClass, true);
      await sandboxPass(true);
    }
  } finally {
    await worker.close();
  }
  return { who, traces: list.map((t) => t.name), operations: list.reduce((n, t) => n + t.length, 0), v8, v8meter, sandbox };
}

// ------------------------------------------------------------------------------ batch

export interface Copy {
  source: string;
  /** File name: `<stem>-<k>.ts`, so each copy is its own student. */
  file: string;
}

/** `count` copies of `source`, each with a comment naming its index (nothing can be cached). */
export function copies(source: string, file: string, count: number): Copy[] {
  const stem = path.basename(file).replace(/\.ts$/, '');
  return Array.from({ length: count }, (_, k) => ({ source: `${source}\n// bench copy ${k + 1} of ${count}\n`, file: `${stem}-${k + 1}.ts` }));
}

/** CPU time (ms) of this process and of its children that have ended, from /proc/self/stat (null off Linux). */
function processTreeCpuMs(): number | null {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // After "pid (comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17 (1-based).
    const ticks = [11, 12, 13, 14].reduce((sum, k) => sum + Number(fields[k]), 0);
    return (ticks / 100) * 1000;
  } catch {
    return null;
  }
}

/** Busy and total jiffies of the whole machine (/proc/stat), or null. */
function machineTicks(): { busy: number; total: number } | null {
  try {
    const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = cpu.reduce((a, b) => a + b, 0);
    return { busy: total - cpu[3]! - (cpu[4] ?? 0), total };
  } catch {
    return null;
  }
}

export interface BatchRun {
  workers: number;
  /** Whether its workers ran V8 without helper threads (ProcessLimits.singleThreaded). */
  singleThreaded: boolean;
  /** Wall time of the whole batch, and of its submissions alone (after the reference is measured). */
  ms: number;
  submissionsMs: number;
  /** CPU time of this process and its grading children over the whole batch (null: no /proc). */
  cpuMs: number | null;
  /** Cores the whole machine kept busy meanwhile, this batch and anything else (null: no /proc). */
  machineBusy: number | null;
  /** Distinct scores, and how many submissions passed every test. */
  scores: number[];
  allPassed: number;
}

export interface BatchProbe {
  count: number;
  cores: number;
  runs: BatchRun[];
}

/**
 * `count` copies of the exercise's starter, written to a temporary folder, graded by gradeBatch
 * (isolated child processes, its default) once per pool size in `workerCounts`.
 */
export async function probeBatch(exerciseDir: string, count: number, workerCounts: readonly string[]): Promise<BatchProbe> {
  const exercise = loadExercise(exerciseDir);
  const { source, file } = sourceOf(exercise, 'starter');
  const submissions = copies(source, file, count);
  const runs: BatchRun[] = [];
  const folder = mkdtempSync(path.join(os.tmpdir(), 'freenos-bench-batch-'));
  try {
    for (const s of submissions) writeFileSync(path.join(folder, s.file), s.source);
    const students = submissions.map((s) => ({ student: s.file.replace(/\.ts$/, ''), file: path.join(folder, s.file), problem: null }));
    for (const spec of workerCounts) {
      // '1s': one worker without V8's helper threads (as workers that fill every core run by default).
      const workers = Number.parseInt(spec, 10);
      const singleThreaded = spec.endsWith('s') ? true : undefined;
      const cpu = processTreeCpuMs(), machine = machineTicks();
      const started = performance.now();
      let begun = started;
      const batch = await gradeBatch(exerciseDir, students, { workers, singleThreaded, onStart: () => { begun = performance.now(); } });
      const ended = performance.now();
      // The children are reaped after the pool closes: give them a moment to be counted.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const cpuAfter = processTreeCpuMs(), machineAfter = machineTicks();
      const reports = batch.results.map((r) => r.report);
      if (reports.length !== count) throw new Error(`${reports.length} reports for ${count} submissions`);
      runs.push({
        workers, singleThreaded: singleThreaded ?? workers >= os.availableParallelism(), ms: ended - started, submissionsMs: ended - begun,
        cpuMs: cpu !== null && cpuAfter !== null ? cpuAfter - cpu : null,
        machineBusy: machine && machineAfter ? ((machineAfter.busy - machine.busy) / (machineAfter.total - machine.total)) * os.availableParallelism() : null,
        scores: [...new Set(reports.map((r) => r.score))].sort((a, b) => a - b),
        allPassed: reports.filter((r) => r.tests.every((t) => t.status === 'passed')).length,
      });
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  return { count, cores: os.availableParallelism(), runs };
}

// ------------------------------------------------------------------------------ start

export interface StartRun extends FirstAnswer {
  /** 'bundle': sandbox-host bundled to plain JavaScript (a built lab); 'tsx': the TypeScript through tsx (development). */
  kind: 'bundle' | 'tsx';
  /** new Worker to its ready message: the thread, its modules (and tsx). */
  readyMs: number;
  /** new Worker to the first malloc answered, all included. */
  totalMs: number;
  /** An empty worker thread (eval'd, no module) to its first message, just before: the thread alone. */
  threadMs: number;
  /** Loading the ses package alone, in another fresh worker of the same kind (part of lockdownMs). */
  sesMs: number;
}

export interface StartProbe {
  runs: StartRun[];
}

/** `runs` fresh workers of each kind, alternating, each to its first answered malloc. */
export async function probeStart(runs: number): Promise<StartProbe> {
  const compiled = await compileSubmission(BUMP, 'bump.ts');
  if (!compiled.ok) throw new Error('the bump allocator does not compile');
  const program: Program = compiled;
  const bundle = await bundleHost();
  const out: StartRun[] = [];
  for (let r = 0; r < runs; r++) {
    for (const kind of ['bundle', 'tsx'] as const) {
      const threadMs = await emptyThread();
      const sesMs = await timeSesLoad(kind === 'bundle' ? bundle : undefined);
      const t0 = performance.now();
      const { sandbox, readyMs } = await BenchSandbox.start({ bundle: kind === 'bundle' ? bundle : undefined, heapMb: 512 });
      try {
        const answer = await sandbox.request<FirstAnswer>({ op: 'first', program, options: {} });
        out.push({ kind, readyMs, totalMs: performance.now() - t0, threadMs, sesMs, ...answer });
      } finally {
        await sandbox.close();
      }
    }
  }
  return { runs: out };
}

/** Loading 'ses' alone in a fresh sandbox-host worker. */
async function timeSesLoad(bundle: string | undefined): Promise<number> {
  const { sandbox } = await BenchSandbox.start({ bundle, heapMb: 512 });
  try {
    return await sandbox.request<number>({ op: 'load-ses' });
  } finally {
    await sandbox.close();
  }
}

/** An eval'd worker thread that posts one message at once: ms from new Worker to that message. */
async function emptyThread(): Promise<number> {
  const t0 = performance.now();
  const worker = new Worker('require("node:worker_threads").parentPort.postMessage(1)', { eval: true });
  await new Promise((resolve) => worker.once('message', resolve));
  const ms = performance.now() - t0;
  await worker.terminate();
  return ms;
}

const BUMP = `import type { Heap, MallocAllocator } from 'freenos-lab';
export default class Bump implements MallocAllocator {
  private next: number;
  constructor(private readonly heap: Heap) { this.next = heap.end(); }
  malloc(size: number): number {
    const block = Math.ceil(size / 16) * 16;
    while (this.heap.end() - this.next < block) if (this.heap.grow(131072) === 0) return 0;
    const at = this.next;
    this.next += block;
    return at;
  }
  free(): void {}
}`;

// ------------------------------------------------------------------------------ memory bombs

/** Memory bombs: each malloc hoards until something stops it. The issue's three first, then two more. */
export const BOMBS: Record<string, string> = {
  'ArrayBuffer hoard': 'const keep: ArrayBuffer[] = []; for (;;) keep.push(new ArrayBuffer(8 << 20));',
  'string doubling': "let s = 'x'; const keep: string[] = []; for (;;) { s = s + s; keep.push(s); }",
  'JS array hoard': 'const keep: number[][] = []; for (;;) keep.push(new Array(1 << 16).fill(1.5));',
  'typed-array hoard': 'const keep: Float64Array[] = []; for (;;) keep.push(new Float64Array(1 << 20));',
  'string hoard (flat copies of each doubling kept)': "let s = 'x'; const keep: string[] = []; for (;;) { s = s + s; keep.push(s.slice(1)); }",
};
/** The bombs the issue names (the target's row); the rest are reported beside them. */
export const NAMED_BOMBS = ['ArrayBuffer hoard', 'string doubling', 'JS array hoard'];

export interface BombRun {
  bomb: string;
  /** The first trace's failure as the report words it; whether it is a memory verdict. */
  failure: string;
  memory: boolean;
  /** The failure's kind as the replay gives it ('target' for memory and crashes, 'timeout' for units). */
  kind: string | null;
  ms: number;
}

export interface BombProbe {
  runs: BombRun[];
  /** This process's largest resident set (the grading worker is a thread of it), sampled every 10 ms, and before the first bomb. */
  maxRssMb: number;
  startRssMb: number;
}

/** gradeSource of each bomb on the exercise's first test, sampling this process's RSS throughout. */
export async function probeBombs(exerciseDir: string, bombs: Record<string, string> = BOMBS): Promise<BombProbe> {
  const exercise = loadExercise(exerciseDir);
  const first = exercise.spec.tests[0]!.name;
  const startRss = process.memoryUsage().rss;
  let maxRss = startRss;
  const timer = setInterval(() => { maxRss = Math.max(maxRss, process.memoryUsage().rss); }, 10);
  const runs: BombRun[] = [];
  try {
    for (const [bomb, body] of Object.entries(bombs)) {
      const source = `export default class Bomb { constructor(_heap: unknown) {} malloc(_size: number): number { ${body} } free(): void {} }`;
      const t0 = performance.now();
      const { report } = await gradeSource(exerciseDir, source, 'bomb.ts', { tests: [first], referenceWork: {} });
      const stop = report.tests[0]?.traces[0]?.failure;
      const failure = stop?.reason ?? report.notes.join(' ');
      runs.push({ bomb, failure, memory: /ran out of memory/.test(failure), kind: stop?.kind ?? null, ms: performance.now() - t0 });
    }
  } finally {
    clearInterval(timer);
  }
  return { runs, maxRssMb: Math.max(maxRss, process.memoryUsage().rss) / 2 ** 20, startRssMb: startRss / 2 ** 20 };
}

// ------------------------------------------------------------------------------ scale

export interface ScaleRun {
  allocator: string;
  heap: string;
  operations: number;
  ok: boolean;
  failure: string | null;
  startMs: number;
  ms: number;
  utilization: number;
  work: number;
}

/** The long trace of `ops` operations: randomSizes, 2000 live blocks, log-normal sizes, seed 42. */
export function scaleTrace(ops: number): Trace {
  return { ...generate('randomSizes', { seed: 42, ops, live: 2000, sizes: 'lognormal' }), name: `randomSizes-${ops}` };
}

/** 07-malloc's reference (on 07's heap) and the textbook first-fit (on the malloc-lab heap) replayed in a sandbox on each length. */
export async function probeScale(sizes: readonly number[]): Promise<ScaleRun[]> {
  const malloc07 = loadExercise(MALLOC_EXERCISE);
  const subjects = [
    { allocator: '07-malloc reference.ts', ...sourceOf(malloc07, 'reference'), heap: malloc07.spec.heap },
    { allocator: 'first-fit.ts', source: readFileSync(FIRST_FIT, 'utf8'), file: 'first-fit.ts', heap: { limit: MALLOCLAB_HEAP, parent: 'sbrk' as const } },
  ];
  const { sandbox } = await BenchSandbox.start({ heapMb: 3072 });
  const runs: ScaleRun[] = [];
  try {
    for (const ops of sizes) {
      const trace = scaleTrace(ops);
      for (const s of subjects) {
        const compiled = await compileSubmission(s.source, s.file);
        if (!compiled.ok) throw new Error(`${s.file} does not compile`);
        const program: Program = compiled;
        const r = await sandbox.request<ReplayAnswer>({ op: 'replay', program, options: { name: s.allocator, heapLimit: s.heap.limit, parent: s.heap.parent }, trace });
        runs.push({
          allocator: s.allocator, heap: `${s.heap.parent} ${s.heap.limit / 2 ** 20} MiB`, operations: trace.length, ok: r.ok, failure: r.failure?.reason ?? null,
          startMs: r.startMs, ms: r.ms, utilization: r.metrics?.utilization ?? 0, work: r.metrics?.work ?? 0,
        });
      }
    }
  } finally {
    await sandbox.close();
  }
  return runs;
}

// ------------------------------------------------------------------------------ script

/** An exercise folder, or for 'malloclab' the malloc-lab-size set written to a temporary folder (removed by `cleanup`). */
export function exerciseFolder(spec: string, cleanup: (() => void)[]): string {
  if (spec !== 'malloclab') return path.resolve(spec);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'freenos-bench-malloclab-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  writeMallocLabExercise(dir);
  return dir;
}

async function main(argv: string[], cleanup: (() => void)[]): Promise<unknown> {
  const [mode, ...rest] = argv;
  const dir = () => exerciseFolder(rest[0] ?? 'malloclab', cleanup);
  const who = (s: string | undefined): Who[] => (s ?? 'reference,starter').split(',').map((w) => {
    if (w !== 'reference' && w !== 'starter') throw new Error(`'${w}' is not reference or starter`);
    return w;
  });
  const numbers = (s: string | undefined, fallback: string) => (s ?? fallback).split(',').map(Number);
  if (mode === 'submission') return probeSubmissions(dir(), who(rest[1]), Number(rest[2] ?? 1));
  if (mode === 'engines') return probeEngines(dir(), who(rest[1])[0]!, Number(rest[2] ?? 3));
  if (mode === 'start') return probeStart(Number(rest[0] ?? 5));
  if (mode === 'bombs') return probeBombs(dir());
  if (mode === 'scale') return probeScale(numbers(rest[0], '100000,1000000'));
  if (mode === 'batch') return probeBatch(dir(), Number(rest[1] ?? 50), (rest[2] ?? '1,2').split(','));
  throw new Error(`usage: grader-probe.ts submission|engines|start|bombs|scale|batch ... (not '${mode}')`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const cleanup: (() => void)[] = [];
  try {
    console.log(JSON.stringify(await main(process.argv.slice(2), cleanup)));
  } finally {
    for (const c of cleanup) c();
  }
  // Stray handles (the esbuild service) must not keep the probe alive.
  process.exit(0);
}
