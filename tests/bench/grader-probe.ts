// The grader's costs: one submission graded on 07-malloc's whole rubric; the same allocator code
// replayed in the QuickJS sandbox and in-process on V8; a batch of submissions through a pool of
// 1 and of 2 concurrent gradings. As a script (each prints one JSON line):
//   grader-probe.ts submission <exerciseDir> <who,...>       measureReference, then gradeSource of each
//                                                            of 'reference' / 'starter' (SubmissionProbe)
//   grader-probe.ts engines <exerciseDir> <who> <runs>       QuickJS vs V8 on the performance test's
//                                                            traces, runs interleaved (EngineProbe)
//   grader-probe.ts batch <exerciseDir> <count> <workers,...> [pool]
//                                                            `count` copies of the starter graded by
//                                                            gradeBatch (or, with 'pool' or without
//                                                            batch.ts, this file's pool) of each size (BatchProbe)
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gradeSource, measureReference } from '../../electron/host/grader/grade';
import { loadExercise, loadTrace, readExerciseFile, type Exercise } from '../../electron/host/grader/exercise';
import { compileSubmission } from '../../electron/host/sandbox/compile';
import { createSandboxTarget } from '../../electron/host/sandbox/QuickJSTarget';
import type { GradeReport } from '../../engine/grader/Grade';
import { localTarget } from '../../engine/grader/LocalTarget';
import { replay } from '../../engine/grader/Replay';
import type { ReplayTarget } from '../../engine/grader/ReplayTarget';
import type { MallocAllocatorClass } from '../../engine/workload/Heap';
import type { Trace } from '../../engine/workload/Trace';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
export const MALLOC_EXERCISE = path.join(root, 'exercises/07-malloc');
/** 07-malloc's starter and reference on two traces: what the batch grades (see its exercise.yaml). */
export const BATCH_EXERCISE = path.join(here, 'fixtures/grader-batch');
const BATCH_MODULE = path.join(root, 'electron/host/grader/batch.ts');

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
    failed: report.tests.filter((t) => t.status === 'failed').map((t) => t.name),
  };
}

// ------------------------------------------------------------------------------ one submission

export interface SubmissionRun extends ReturnType<typeof summary> {
  who: Who;
  /** Wall time of gradeSource, referenceWork given. */
  ms: number;
  /** Sum of the traces' own times (sandbox start and replay) as the report gives them, each trace once. */
  traceMs: number;
}

export interface SubmissionProbe {
  /** Wall time of measureReference and the number of traces it measured. */
  referenceMs: number;
  referenceTraces: number;
  runs: SubmissionRun[];
}

/** measureReference, timed; then gradeSource of each submission with that referenceWork, timed. */
export async function probeSubmissions(exerciseDir: string, who: readonly Who[], tests?: string[]): Promise<SubmissionProbe> {
  const exercise = loadExercise(exerciseDir);
  let started = performance.now();
  const referenceWork = await measureReference(exerciseDir);
  const referenceMs = performance.now() - started;
  const runs: SubmissionRun[] = [];
  for (const w of who) {
    const { source, file } = sourceOf(exercise, w);
    started = performance.now();
    const { report } = await gradeSource(exerciseDir, source, file, { tests, referenceWork });
    const ms = performance.now() - started;
    const seen = new Map<string, number>();
    for (const t of report.tests) for (const o of t.traces) seen.set(o.trace, o.ms);
    runs.push({ who: w, ms, traceMs: [...seen.values()].reduce((a, b) => a + b, 0), ...summary(report) });
  }
  return { referenceMs, referenceTraces: Object.keys(referenceWork).length, runs };
}

// ------------------------------------------------------------------------------ QuickJS vs V8

/**
 * A ReplayTarget around another that adds up the wall time spent inside the allocator's calls
 * (malloc, free, realloc) and inside the checker's heap accessors (peek, poke), and folds every
 * returned address into a hash (the same code must return the same addresses on both engines).
 */
export class TimedTarget implements ReplayTarget {
  callMs = 0;
  accessMs = 0;
  calls = 0;
  accesses = 0;
  hash = 0x811c9dc5;

  constructor(private readonly inner: ReplayTarget) {}

  get name(): string { return this.inner.name; }
  get hasRealloc(): boolean { return this.inner.hasRealloc; }

  malloc(size: number): number {
    const t0 = performance.now();
    let address: number;
    try {
      address = this.inner.malloc(size);
    } finally {
      this.callMs += performance.now() - t0;
      this.calls++;
    }
    this.hash = Math.imul(this.hash ^ address, 16777619) >>> 0;
    return address;
  }

  free(address: number): void {
    const t0 = performance.now();
    try {
      this.inner.free(address);
    } finally {
      this.callMs += performance.now() - t0;
      this.calls++;
    }
  }

  realloc(address: number, size: number): number {
    const t0 = performance.now();
    let moved: number;
    try {
      moved = this.inner.realloc(address, size);
    } finally {
      this.callMs += performance.now() - t0;
      this.calls++;
    }
    this.hash = Math.imul(this.hash ^ moved, 16777619) >>> 0;
    return moved;
  }

  peek8(address: number): number {
    const t0 = performance.now();
    const value = this.inner.peek8(address);
    this.accessMs += performance.now() - t0;
    this.accesses++;
    return value;
  }

  poke8(address: number, value: number): void {
    const t0 = performance.now();
    this.inner.poke8(address, value);
    this.accessMs += performance.now() - t0;
    this.accesses++;
  }

  peek32(address: number): number {
    const t0 = performance.now();
    const value = this.inner.peek32(address);
    this.accessMs += performance.now() - t0;
    this.accesses++;
    return value;
  }

  poke32(address: number, value: number): void {
    const t0 = performance.now();
    this.inner.poke32(address, value);
    this.accessMs += performance.now() - t0;
    this.accesses++;
  }

  heapBase(): number { return this.inner.heapBase(); }
  heapEnd(): number { return this.inner.heapEnd(); }
  work(): number { return this.inner.work(); }
  logs(): string[] { return this.inner.logs(); }
}

/**
 * What a TimedTarget adds to one timed call (two performance.now() and the bookkeeping), measured
 * around a call that does nothing, in ms per call; subtracted from the call and accessor totals.
 */
export function timerBias(calls = 200_000): number {
  const nothing: ReplayTarget = {
    name: 'nothing', hasRealloc: true, malloc: () => 16, free: () => {}, realloc: () => 16, heapBase: () => 0, heapEnd: () => 0,
    peek8: () => 0, poke8: () => {}, peek32: () => 0, poke32: () => {}, work: () => 0, logs: () => [],
  };
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const timed = new TimedTarget(nothing);
    for (let i = 0; i < calls; i++) timed.malloc(i);
    best = Math.min(best, timed.callMs / calls);
  }
  return best;
}

/** The default export of compileSubmission's output, run in this V8 (the code QuickJS runs, byte for byte). */
export function evaluateCompiled(code: string): MallocAllocatorClass {
  // The bundle reads the lab's log from globalThis.__lab: give it a global of its own that has one.
  const scope = Object.create(globalThis, { __lab: { value: Object.freeze({ log: () => {} }) } }) as object;
  const ns = new Function('globalThis', `return ${code};`)(scope) as { default?: unknown };
  if (typeof ns.default !== 'function') throw new Error('the compiled submission has no default export class');
  return ns.default as MallocAllocatorClass;
}

export interface EngineRun {
  /** Replays of every trace (checker included), target start-up excluded; the timing wrapper's own cost taken off. */
  replayMs: number;
  /** Time inside malloc/free/realloc, and inside the checker's peek/poke, timer bias taken off. */
  callMs: number;
  accessMs: number;
  /** Starting a fresh target for each trace (grading starts a sandbox per trace). */
  startMs: number;
}

export interface EngineSide {
  runs: EngineRun[];
  calls: number;
  accesses: number;
  /** Hash of every address the allocator returned, over all traces, and the traces that failed. */
  hash: number;
  failures: string[];
}

export interface EngineProbe {
  who: Who;
  traces: number;
  operations: number;
  /** ms per timed call the wrapper itself costs (already subtracted). */
  biasMs: number;
  v8: EngineSide;
  quickjs: EngineSide;
}

/** The traces of the exercise's performance tests (the lab trace set for 07-malloc), else all. */
export function performanceTraces(exercise: Exercise): Trace[] {
  const names = [...new Set(exercise.spec.tests.filter((t) => t.kind === 'performance').flatMap((t) => t.traces))];
  return (names.length > 0 ? names : Object.keys(exercise.spec.traces)).map((n) => loadTrace(exercise, n));
}

type StartTarget = () => Promise<{ target: ReplayTarget; dispose(): void }>;

/** One pass over every trace with a fresh target each; adds to `side` and returns the pass's times. */
async function pass(traces: readonly Trace[], start: StartTarget, side: EngineSide, heapLimit: number, bias: number, record: boolean): Promise<EngineRun> {
  const run: EngineRun = { replayMs: 0, callMs: 0, accessMs: 0, startMs: 0 };
  let calls = 0, accesses = 0;
  for (const trace of traces) {
    let t0 = performance.now();
    const started = await start();
    run.startMs += performance.now() - t0;
    try {
      const timed = new TimedTarget(started.target);
      t0 = performance.now();
      const result = replay(trace, timed, { heapLimit });
      run.replayMs += performance.now() - t0 - (timed.calls + timed.accesses) * bias;
      run.callMs += timed.callMs - timed.calls * bias;
      run.accessMs += timed.accessMs - timed.accesses * bias;
      calls += timed.calls;
      accesses += timed.accesses;
      if (record) {
        side.hash = Math.imul(side.hash ^ timed.hash, 16777619) >>> 0;
        if (!result.ok) side.failures.push(`${trace.name}: ${result.failure?.reason ?? 'failed'}`);
      }
    } finally {
      started.dispose();
    }
  }
  if (record) {
    side.calls = calls;
    side.accesses = accesses;
  }
  side.runs.push(run);
  return run;
}

/**
 * Replays the traces with the same compiled allocator in-process on V8 (localTarget) and in a fresh
 * QuickJS sandbox per trace, as grading does: one untimed V8 warm-up pass (its JIT), then `runs`
 * rounds of V8 then QuickJS.
 */
export async function probeEngines(exerciseDir: string, who: Who, runs: number, traces?: Trace[]): Promise<EngineProbe> {
  const exercise = loadExercise(exerciseDir);
  const { source, file } = sourceOf(exercise, who);
  const compiled = await compileSubmission(source, file);
  if (!compiled.ok) throw new Error(`${file} does not compile: ${compiled.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('; ')}`);
  const Allocator = evaluateCompiled(compiled.code);
  const list = traces ?? performanceTraces(exercise);
  const { limit, parent } = exercise.spec.heap;
  const bias = timerBias();
  const v8Start: StartTarget = () => Promise.resolve({ target: localTarget(Allocator, { name: who, limit, parent }), dispose: () => {} });
  const quickjsStart: StartTarget = async () => {
    const target = await createSandboxTarget(compiled.code, { name: who, heapLimit: limit, parent });
    return { target, dispose: () => target.dispose() };
  };
  const side = (): EngineSide => ({ runs: [], calls: 0, accesses: 0, hash: 0x811c9dc5, failures: [] });
  const v8 = side(), quickjs = side();
  const warm = side();
  await pass(list, v8Start, warm, limit, bias, false);
  (await quickjsStart()).dispose(); // the WebAssembly module, compiled once per process
  for (let r = 0; r < runs; r++) {
    await pass(list, v8Start, v8, limit, bias, r === 0);
    await pass(list, quickjsStart, quickjs, limit, bias, r === 0);
  }
  return { who, traces: list.length, operations: list.reduce((n, t) => n + t.length, 0), biasMs: bias, v8, quickjs };
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

/** Runs task(item) over `items` with at most `workers` at once; results in item order. */
export async function runPool<T, R>(items: readonly T[], workers: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const k = next++;
      results[k] = await task(items[k]!, k);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, lane));
  return results;
}

/** What the bench needs of electron/host/grader/batch.ts's gradeBatch (submissions are files on disk). */
type GradeBatch = (
  exerciseDir: string,
  submissions: { student: string; file: string | null; problem: string | null }[],
  options: { workers?: number; onStart?: () => void },
) => Promise<{ results: { report: GradeReport }[] }>;

/** gradeBatch from electron/host/grader/batch.ts when that module exists and exports one. */
async function findGradeBatch(): Promise<GradeBatch | null> {
  if (!existsSync(BATCH_MODULE)) return null;
  const module = (await import(pathToFileURL(BATCH_MODULE).href)) as { gradeBatch?: unknown };
  return typeof module.gradeBatch === 'function' ? (module.gradeBatch as GradeBatch) : null;
}

export interface BatchRun {
  workers: number;
  /** Wall time of the whole batch, and of its submissions alone (after the reference is measured). */
  ms: number;
  submissionsMs: number;
  /** CPU time of this process (all its threads: the workers, their WebAssembly compiles, GC) over the whole batch. */
  cpuMs: number;
  /** Distinct scores, and how many submissions passed every test. */
  scores: number[];
  allPassed: number;
}

export interface BatchProbe {
  count: number;
  cores: number;
  /** 'gradeBatch' (electron/host/grader/batch.ts) or 'pool' (runPool over gradeSource, reference measured first). */
  via: 'gradeBatch' | 'pool';
  runs: BatchRun[];
}

/**
 * `count` copies of the exercise's starter graded on its whole rubric, once per pool size in
 * `workerCounts`: by gradeBatch when batch.ts exists (the copies written to a temporary folder),
 * else by runPool over gradeSource. Either way the reference is measured once per batch first.
 */
export async function probeBatch(exerciseDir: string, count: number, workerCounts: readonly number[], useBatchModule = true): Promise<BatchProbe> {
  const exercise = loadExercise(exerciseDir);
  const { source, file } = sourceOf(exercise, 'starter');
  const submissions = copies(source, file, count);
  const gradeBatch = useBatchModule ? await findGradeBatch() : null;
  const runs: BatchRun[] = [];
  const folder = gradeBatch ? mkdtempSync(path.join(os.tmpdir(), 'freenos-bench-batch-')) : '';
  try {
    for (const s of submissions) if (folder) writeFileSync(path.join(folder, s.file), s.source);
    for (const workers of workerCounts) {
      const cpu = process.cpuUsage();
      const started = performance.now();
      let begun = started;
      let reports: GradeReport[];
      if (gradeBatch) {
        const students = submissions.map((s) => ({ student: s.file.replace(/\.ts$/, ''), file: path.join(folder, s.file), problem: null }));
        const batch = await gradeBatch(exerciseDir, students, { workers, onStart: () => { begun = performance.now(); } });
        reports = batch.results.map((r) => r.report);
      } else {
        const referenceWork = await measureReference(exerciseDir);
        begun = performance.now();
        reports = (await runPool(submissions, workers, (s) => gradeSource(exerciseDir, s.source, s.file, { referenceWork }))).map((g) => g.report);
      }
      const ended = performance.now();
      const used = process.cpuUsage(cpu);
      if (reports.length !== count) throw new Error(`${reports.length} reports for ${count} submissions`);
      runs.push({
        workers, ms: ended - started, submissionsMs: ended - begun, cpuMs: (used.user + used.system) / 1000,
        scores: [...new Set(reports.map((r) => r.score))].sort((a, b) => a - b),
        allPassed: reports.filter((r) => r.tests.every((t) => t.status === 'passed')).length,
      });
    }
  } finally {
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
  return { count, cores: os.availableParallelism(), via: gradeBatch ? 'gradeBatch' : 'pool', runs };
}

// ------------------------------------------------------------------------------ script

async function main(argv: string[]): Promise<unknown> {
  const [mode, dir, ...rest] = argv;
  if (!dir) throw new Error('usage: grader-probe.ts submission|engines|batch <exerciseDir> ...');
  const who = (s: string | undefined): Who[] => (s ?? 'reference,starter').split(',').map((w) => {
    if (w !== 'reference' && w !== 'starter') throw new Error(`'${w}' is not reference or starter`);
    return w;
  });
  if (mode === 'submission') return probeSubmissions(dir, who(rest[0]));
  if (mode === 'engines') return probeEngines(dir, who(rest[0])[0]!, Number(rest[1] ?? 3));
  if (mode === 'batch') return probeBatch(dir, Number(rest[0] ?? 50), (rest[1] ?? '1,2').split(',').map(Number), rest[2] !== 'pool');
  throw new Error(`unknown mode '${mode}'`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  console.log(JSON.stringify(await main(process.argv.slice(2))));
  // Stray handles (the esbuild service) must not keep the probe alive.
  process.exit(0);
}
