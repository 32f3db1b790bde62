// `npm run bench`: engine allocator throughput, BitAllocator vs plain C and bare JS, PhysicalMemory host memory,
// MMU translations with and without the TLB, eager vs copy-on-write fork, the grader (one submission, the
// sandbox vs V8, malloc-lab-size and 1M-op traces, work units, start, memory bombs, a batch on 1 and 2 workers), the app (web-mode cold start in Chromium, the renderer's bundle); prints one table.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { MixTiming } from './mix-worker';
import type { MemoryProbe } from './memory-probe';
import { FORK_RAM, type ForkProbe } from './fork-probe';
import { NAMED_BOMBS, type BatchProbe, type BatchRun, type BombProbe, type BombRun, type EngineProbe, type EngineSide, type ScaleRun, type StartProbe, type StartRun, type SubmissionProbe, type SubmissionRun, type Who } from './grader-probe';
import { writeMallocLabExercise, type MallocLabExercise } from './malloclab';
import type { WebStartProbe } from './webstart-probe';
import { CHROMIUM } from '../e2e/lab';
import { formatTable, machineDescription, median, mib, ms, nsPerOp, opsPerSecond, percent, spread } from './report';
import type { TimelineProbe } from './timeline-probe';
import type { ViewsProbe } from './views-probe';
import { LOCAL_PERCENT, MAPPED_BYTES, WORKING_SET, type CostProbe, type MixProbe } from './tlb-probe';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The C and bitalloc-mix.mts baselines; BENCH_SHARED_DIR overrides it (e.g. to see the skip rows). */
const shared = path.resolve(root, process.env.BENCH_SHARED_DIR ?? '../shared/bench');
const MIX_OPS = 1_000_000, MIX_RUNS = 5;
const BASELINE_OPS = 2_000_000, BASELINE_RUNS = 5;
const BIT_TARGET = 2, HOST_TARGET_1G = 64 * 2 ** 20, HOST_TARGET_4G = 1.5 * 2 ** 20;
const TRANSLATIONS = 1_000_000, TRANSLATION_RUNS = 5, TLB_ENTRIES = 64;
/** A TLB hit must cost at most 1/HIT_TARGET of a full walk. */
const HIT_TARGET = 5;
const FORK_MIB = 64, FORK_RUNS = 5;
/** Copy-on-write fork may take at most this share of the eager fork's frames. */
const COW_TARGET = 0.05;

/** The grader: 07's starter's whole rubric within GRADE_TARGET_S on one core, the first-fit's malloc-lab-size set within FIRSTFIT_TARGET_S,
 * the sandbox's replay at most SANDBOX_TARGET × plain V8's, a batch of BATCH_COUNT at least BATCH_TARGET × faster on 2 workers than on 1. */
const GRADE_TARGET_S = 3, FIRSTFIT_TARGET_S = 10, SANDBOX_TARGET = 3, BATCH_TARGET = 1.8, BATCH_COUNT = 50;
/** gradeSource rounds (medians, work units compared), engine rounds for the first-fit, fresh workers per start kind. */
const GRADE_ROUNDS = 3, ENGINE_ROUNDS = 5, START_RUNS = 5;
/** A fresh sandbox worker to its first malloc; the host's RSS while memory bombs run; a 1M-op replay. */
const START_TARGET_MS = 100, RSS_TARGET_MB = 1024, SCALE_TARGET_S = 60;
const SCALE_OPS = [100_000, 1_000_000];
const MALLOC_EXERCISE = path.join(root, 'exercises/07-malloc');
const BATCH_EXERCISE = path.join(root, 'tests/bench/fixtures/grader-batch');

type Row = [group: string, benchmark: string, result: string, runs: string, checksum: string, target: string, status: string, notes: string];
const rows: Row[] = [];
/** Checksum mismatches and crashes: any of them makes the exit code 1. */
const errors: string[] = [];

function progress(message: string): void {
  process.stderr.write(`bench: ${message}\n`);
}

/** Runs a command from the project root; its stdout, or throws with the end of its stderr. */
function run(command: string, args: string[], extraNodeFlags: string[] = []): string {
  try {
    return execFileSync(command, [...extraNodeFlags, ...args], {
      cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000, maxBuffer: 16 * 2 ** 20,
    });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const tail = (e.stderr ?? '').split('\n').filter((l) => l.trim() && !l.includes('Unknown user config')).slice(-3).join(' | ');
    throw new Error(`${command} ${args.join(' ')} failed: ${tail || e.message}`);
  }
}

/** A tsx child of this same Node, with --expose-gc. */
function runTs(file: string, args: string[]): string {
  return run(process.execPath, [path.join(root, 'tests/bench', file), ...args], ['--expose-gc', '--import', 'tsx']);
}

/** Last line of a "milliseconds checksum" program. */
function parseTiming(output: string, who: string): { ms: number; checksum: number } {
  const last = output.trim().split('\n').pop() ?? '';
  const match = /^(\d+(?:\.\d+)?) (\d+)$/.exec(last.trim());
  if (!match) throw new Error(`${who} printed '${last}', not 'milliseconds checksum'`);
  return { ms: Number(match[1]), checksum: Number(match[2]) };
}

function crashed(group: string, benchmark: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  errors.push(`${benchmark}: ${message}`);
  rows.push([group, benchmark, 'CRASHED', '', '', '', 'ERROR', message.slice(0, 160)]);
}

// 1. Engine allocator throughput, each mix and mode in its own process.
function engineMixes(): void {
  for (const mix of ['BitAllocator', 'PoolAllocator', 'SplitAllocator'] as const) {
    const checksums = new Set<number>();
    for (const mode of ['debug', 'release'] as const) {
      const name = `${mix} mix, ${mode}`;
      progress(`${name}: ${MIX_RUNS + 1} × ${MIX_OPS} ops`);
      try {
        const t = JSON.parse(runTs('mix-worker.ts', [mix, mode, String(MIX_OPS), String(MIX_RUNS)])) as MixTiming;
        const mid = median(t.times);
        checksums.add(t.checksum);
        rows.push(['1', name, opsPerSecond(t.ops, mid), `${ms(mid)}, median of ${t.times.length} (${spread(t.times)})`,
          String(t.checksum), '', '', `${t.ops / 1e6}M ops per run, after 1 warm-up run` +
          (t.failures ? `; ${t.failures} requests failed` : '')]);
      } catch (error) {
        crashed('1', name, error);
      }
    }
    if (checksums.size > 1) {
      errors.push(`${mix} mix: debug and release gave different checksums`);
      rows.push(['1', `${mix} mix`, 'CHECKSUM MISMATCH', '', [...checksums].join(' vs '), '', 'ERROR', 'debug and release differ']);
    }
  }
}

interface Baseline {
  name: string;
  times: number[];
  checksums: Set<number>;
  /** Why it did not run (no gcc, no file). */
  skipped?: string;
  /** A run crashed; its row is already in the table. */
  failed?: boolean;
}

// 2. The engine BitAllocator vs bitalloc.c vs a bare JS next-fit, same seeded 2M-op mix, runs interleaved.
function baselines(): void {
  const cFile = path.join(shared, 'bitalloc.c'), mixFile = path.join(shared, 'bitalloc-mix.mts');
  const c: Baseline = { name: 'C bitalloc.c (gcc -O2)', times: [], checksums: new Set() };
  const engine: Baseline = { name: 'engine BitAllocator (bitalloc-mix.mts)', times: [], checksums: new Set() };
  const bare: Baseline = { name: 'bare JS next-fit (barejs-mix.ts)', times: [], checksums: new Set() };
  const harness: Baseline = { name: 'the JS loop alone, recorded answers', times: [], checksums: new Set() };
  let binary = '', tempDir = '';
  if (!fs.existsSync(cFile)) c.skipped = `${cFile} not found`;
  else {
    try {
      run('gcc', ['--version']);
    } catch {
      c.skipped = 'gcc not found';
    }
  }
  if (!c.skipped) {
    tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'freenos-bench-'));
    binary = path.join(tempDir, 'bitalloc');
    try {
      run('gcc', ['-O2', '-o', binary, cFile]);
    } catch (error) {
      c.skipped = `gcc -O2 failed: ${(error as Error).message.slice(0, 120)}`;
    }
  }
  if (!fs.existsSync(mixFile)) engine.skipped = `${mixFile} not found`;
  const relativeMix = path.relative(root, mixFile);

  for (let i = 0; i < BASELINE_RUNS; i++) {
    progress(`baselines, round ${i + 1} of ${BASELINE_RUNS} (C, engine, bare JS, loop alone; ${BASELINE_OPS} ops each)`);
    const steps: [Baseline, () => string][] = [
      [c, () => run(binary, [String(BASELINE_OPS)])],
      [engine, () => run('npx', ['tsx', relativeMix, String(BASELINE_OPS)])],
      [bare, () => run('npx', ['tsx', 'tests/bench/barejs-mix.ts', 'bare', String(BASELINE_OPS)])],
      [harness, () => run('npx', ['tsx', 'tests/bench/barejs-mix.ts', 'harness', String(BASELINE_OPS)])],
    ];
    for (const [b, step] of steps) {
      if (b.skipped !== undefined || b.failed) continue;
      try {
        const t = parseTiming(step(), b.name);
        b.times.push(t.ms);
        b.checksums.add(t.checksum);
      } catch (error) {
        b.failed = true;
        crashed('2', b.name, error);
      }
    }
  }

  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });

  const done = [c, engine, bare, harness].filter((b) => b.skipped === undefined && !b.failed);
  const all = new Set(done.flatMap((b) => [...b.checksums]));
  const agree = all.size <= 1;
  if (!agree) errors.push(`baselines: checksums differ (${done.map((b) => `${b.name}: ${[...b.checksums].join('/')}`).join('; ')})`);
  const cMid = done.includes(c) ? median(c.times) : NaN;
  const bareMid = done.includes(bare) ? median(bare.times) : NaN;
  for (const b of [c, engine, bare, harness]) {
    if (b.failed) continue;
    if (b.skipped !== undefined) {
      rows.push(['2', b.name, 'skipped', '', '', b === engine ? `≤ ${BIT_TARGET} × C` : '', 'SKIP', `skipped: ${b.skipped}`]);
      continue;
    }
    const mid = median(b.times);
    const ratio = b !== c && Number.isFinite(cMid) ? ` = ${(mid / cMid).toFixed(2)} × C` : '';
    const checksum = `${[...b.checksums].join('/')}${done.length > 1 ? (agree ? ' (all equal)' : ' MISMATCH') : ''}`;
    let notes = `${BASELINE_OPS / 1e6}M ops, one child process per run`;
    if (b === harness) notes += '; the floor under any JS allocator on this loop';
    if (b === engine && Number.isFinite(bareMid)) notes += `; ${(mid / bareMid).toFixed(2)} × bare JS`;
    let target = '', status = agree ? '' : 'ERROR';
    if (b === engine) {
      target = `≤ ${BIT_TARGET} × C`;
      status = !agree ? 'ERROR' : Number.isFinite(cMid) ? (mid <= BIT_TARGET * cMid ? 'PASS' : 'MISS') : 'n/a (no C)';
    }
    rows.push(['2', b.name, `${ms(mid)}${ratio}`, `median of ${b.times.length} (${spread(b.times)})`, checksum, target, status, notes]);
  }
}

// 3. Host memory of a sparse PhysicalMemory, each size in a fresh process.
function hostMemory(): void {
  const cases = [
    { size: 2 ** 30, touched: 16 * 2 ** 20, target: HOST_TARGET_1G, label: '≤ 64 MiB', name: 'PhysicalMemory 1 GiB, 16 MiB touched' },
    { size: 2 ** 32, touched: 2 ** 20, target: HOST_TARGET_4G, label: '≈ 1 MiB (≤ 1.5 MiB)', name: 'PhysicalMemory 4 GiB, 1 MiB touched' },
  ];
  for (const { size, touched, target, label, name } of cases) {
    progress(name);
    try {
      const p = JSON.parse(runTs('memory-probe.ts', [String(size), String(touched)])) as MemoryProbe;
      const frames = touched / 4096;
      if (p.touchedFrames !== frames) {
        errors.push(`${name}: touchedFrames ${p.touchedFrames}, expected ${frames}`);
      }
      const notes = `heapUsed +${mib(p.heapBytes)}, arrayBuffers +${mib(p.arrayBufferBytes)}; RSS +${mib(p.rssBytes)}` +
        `${p.collected ? '' : '; NO gc() (run with --expose-gc)'}`;
      const status = p.touchedFrames !== frames ? 'ERROR' : p.hostBytes <= target ? 'PASS' : 'MISS';
      rows.push(['3', name, mib(p.hostBytes), '1 fresh process', `${p.touchedFrames} frames`, label, status, notes]);
    } catch (error) {
      crashed('3', name, error);
    }
  }
}

// 4a. MMU translations: the locality mix with and without the TLB, then TLB hit vs full walk, each in its own process.
function translations(): void {
  const mixChecksums = new Map<string, number>();
  const mixTimes = new Map<number, number>();
  const mapped = `${MAPPED_BYTES / 2 ** 20} MiB mapped`;
  for (const entries of [TLB_ENTRIES, 0]) {
    const name = entries ? `MMU translate, TLB ${entries} entries` : 'MMU translate, no TLB (tlbEntries 0)';
    progress(`${name}: 2 warm-up + ${TRANSLATION_RUNS} × ${TRANSLATIONS} translations`);
    try {
      const p = JSON.parse(runTs('tlb-probe.ts', ['mix', String(entries), String(TRANSLATIONS), String(TRANSLATION_RUNS)])) as MixProbe;
      const mid = median(p.times);
      mixChecksums.set(name, p.checksum);
      mixTimes.set(entries, mid);
      if (p.faults) errors.push(`${name}: ${p.faults} translations faulted`);
      const withTlb = mixTimes.get(TLB_ENTRIES);
      const notes = `${p.translations / 1e6}M user reads, ${LOCAL_PERCENT} % in ${WORKING_SET} pages, the rest anywhere in ${mapped}; ` +
        (entries ? `TLB hit rate ${percent(p.hits / p.translations)} (${p.misses} misses)` :
          `${nsPerOp(mid, p.translations)} per translation` +
          (withTlb !== undefined ? `, ${(mid / withTlb).toFixed(2)} × the time with the TLB` : ''));
      rows.push(['4', name, opsPerSecond(p.translations, mid, 'translations'), `${ms(mid)}, median of ${p.times.length} (${spread(p.times)})`,
        String(p.checksum), '', p.faults ? 'ERROR' : '', notes]);
    } catch (error) {
      crashed('4', name, error);
    }
  }
  if (new Set(mixChecksums.values()).size > 1) {
    errors.push('MMU translate: the TLB changed the physical addresses (checksums differ)');
    rows.push(['4', 'MMU translate', 'CHECKSUM MISMATCH', '', [...mixChecksums.values()].join(' vs '), '', 'ERROR', 'with and without the TLB differ']);
  }

  const name = 'TLB hit vs full walk, one page repeated';
  const target = `hit ≥ ${HIT_TARGET} × cheaper`;
  progress(`${name}: ${TRANSLATION_RUNS} interleaved rounds of ${TRANSLATIONS} translations`);
  try {
    const p = JSON.parse(runTs('tlb-probe.ts', ['cost', String(TRANSLATIONS), String(TRANSLATION_RUNS)])) as CostProbe;
    const hit = median(p.hitTimes), walk = median(p.walkTimes), loop = median(p.loopTimes);
    const ratio = walk / hit;
    const agree = p.hitChecksum === p.walkChecksum;
    if (!agree) errors.push(`${name}: checksums differ (TLB ${p.hitChecksum}, no TLB ${p.walkChecksum})`);
    const status = !agree ? 'ERROR' : ratio >= HIT_TARGET ? 'PASS' : 'MISS';
    rows.push(['4', name, `${nsPerOp(hit, p.translations)} vs ${nsPerOp(walk, p.translations)} = ${ratio.toFixed(2)} ×`,
      `medians of ${p.hitTimes.length}, interleaved (hit ${spread(p.hitTimes)}, walk ${spread(p.walkTimes)})`,
      agree ? `${p.hitChecksum} (equal)` : `${p.hitChecksum} vs ${p.walkChecksum} MISMATCH`, target, status,
      `TLB ${TLB_ENTRIES} entries vs tlbEntries 0; hit rate ${percent(p.hits / p.translations, 4)}; ` +
      `the loop alone (recorded answers) ${nsPerOp(loop, p.translations)}; after a warm-up on the mix`]);
  } catch (error) {
    crashed('4', name, error);
  }
}

// 4b. fork of a process with a 64 MiB data segment, eager vs copy-on-write, each mode in its own process.
function forks(): void {
  const results = new Map<'eager' | 'cow', { time: number; frames: number }>();
  for (const mode of ['eager', 'cow'] as const) {
    const name = `fork, ${FORK_MIB} MiB mapped, ${mode === 'eager' ? 'eager copy' : 'copy-on-write'}`;
    progress(`${name}: 1 warm-up + ${FORK_RUNS} fresh machines`);
    try {
      const p = JSON.parse(runTs('fork-probe.ts', [mode, String(FORK_MIB), String(FORK_RUNS)])) as ForkProbe;
      const time = median(p.times), frames = median(p.frames);
      results.set(mode, { time, frames });
      const problems: string[] = [];
      if (new Set(p.frames).size > 1) problems.push(`frames vary between runs (${p.frames.join(', ')})`);
      if (p.maxLeftFrames !== 0) problems.push(`${p.maxLeftFrames} frames still taken after run()`);
      if (p.minChildPagesOk !== p.last.sampled) problems.push(`child data wrong on ${p.last.sampled - p.minChildPagesOk} sampled pages`);
      if (p.last.exited.join() !== '0') problems.push(`exit statuses ${p.last.exited.join(', ')}`);
      for (const problem of problems) errors.push(`${name}: ${problem}`);
      const eager = results.get('eager');
      let target = '', status = problems.length ? 'ERROR' : '', result = `${ms(time)}, ${frames} frames`;
      let notes = `parent data ${p.last.parentFrames} pages`;
      if (mode === 'cow') {
        target = `< ${percent(COW_TARGET, 0)} of eager frames`;
        notes += `; ${p.last.shared} frames shared`;
        if (eager) {
          const share = frames / eager.frames;
          result += ` = ${percent(share, 2)} of eager`;
          notes += `; time ${(time / eager.time).toFixed(3)} × eager`;
          if (!problems.length) status = share < COW_TARGET ? 'PASS' : 'MISS';
        } else if (!problems.length) status = 'n/a (no eager)';
      }
      rows.push(['4', name, result, `median of ${p.times.length} (${spread(p.times)}), fresh machine each`,
        `${frames} frames, ${p.maxLeftFrames} left`, target, status, notes]);
    } catch (error) {
      crashed('4', name, error);
    }
  }
}

// 5. The grader on the SES sandbox. Each probe is a child process; the single-submission, engine, start and scale
// probes are pinned to one CPU when taskset exists (grading is one worker thread per submission: one core), the
// batch and the bombs get the whole machine. The malloc-lab-size exercise is written to a temporary folder first.
function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Per-CPU idle jiffies from /proc/stat (empty off Linux). */
function idleTicks(): number[] {
  try {
    return fs.readFileSync('/proc/stat', 'utf8').split('\n').filter((l) => /^cpu\d+ /.test(l)).map((l) => Number(l.trim().split(/\s+/)[4]));
  } catch {
    return [];
  }
}

/** The CPU that was idle the most over the last 300 ms (other processes may hold one: the bench's machine is shared). */
function idlestCpu(): number {
  const before = idleTicks();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
  const after = idleTicks();
  let best = 0;
  for (let c = 1; c < after.length; c++) if (after[c]! - before[c]! > after[best]! - before[best]!) best = c;
  return best;
}

/** Where the last pinned probe ran, for the rows' runs column. */
let placed = 'not pinned';

/**
 * grader-probe.ts in a child of this Node, when `pin` on the CPU idle the most just before (taskset); parsed JSON.
 * Longer limit than runTs (a whole rubric, a 1M-op trace).
 */
function runGraderProbe<T>(args: string[], pin: boolean): T {
  const node = [process.execPath, '--expose-gc', '--import', 'tsx', path.join(root, 'tests/bench/grader-probe.ts'), ...args];
  const cpu = pin && taskset ? idlestCpu() : -1;
  placed = cpu >= 0 ? `pinned to CPU ${cpu} (taskset, the idler one)` : pin ? 'not pinned (no taskset)' : 'not pinned';
  const [command, ...rest] = cpu >= 0 ? ['taskset', '-c', String(cpu), ...node] : node;
  try {
    const out = execFileSync(command!, rest, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000, maxBuffer: 16 * 2 ** 20 });
    return JSON.parse(out.trim().split('\n').pop() ?? '') as T;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const tail = (e.stderr ?? '').split('\n').filter((l) => l.trim() && !l.includes('Unknown user config')).slice(-3).join(' | ');
    throw new Error(`grader-probe.ts ${args.join(' ')} failed: ${tail || e.message}`);
  }
}

const seconds = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(2)} s`;
const times = (ratio: number): string => `${ratio.toFixed(2)} ×`;
const load = (): string => `load average ${os.loadavg()[0]!.toFixed(2)}`;
const thousands = (n: number): string => Math.round(n).toLocaleString('en');
/** Work units per trace, as printed after the table (the golden numbers another machine compares). */
const golden: { label: string; work: Record<string, number | null> }[] = [];

/** Whether every run's work per trace is the same; the first run's map. */
function sameWork(runs: SubmissionRun[]): { same: boolean; work: Record<string, number | null>; total: number; differ: string[] } {
  const work = runs[0]?.work ?? {};
  const differ = Object.keys(work).filter((trace) => runs.some((r) => r.work[trace] !== work[trace]));
  const total = Object.values(work).reduce<number>((sum, w) => sum + (w ?? 0), 0);
  return { same: differ.length === 0 && runs.every((r) => Object.keys(r.work).length === Object.keys(work).length), work, total, differ };
}

let taskset = false;

function grader(): void {
  taskset = hasTaskset();
  const pin = true;
  const labDir = fs.mkdtempSync(path.join(os.tmpdir(), 'freenos-bench-malloclab-'));
  try {
    const lab = writeMallocLabExercise(labDir);
    progress(`grader: the malloc-lab-size set written to ${labDir} (${lab.traces.length} traces, ${lab.operations} operations)`);
    graderRows(lab, pin);
  } finally {
    fs.rmSync(labDir, { recursive: true, force: true });
  }
}

function graderRows(lab: MallocLabExercise, pin: boolean): void {
  const LAB = lab.dir;
  const labSet = `${lab.traces.length} traces, ${thousands(lab.operations)} ops`;

  // 5a. The textbook first-fit on the malloc-lab-size set, GRADE_ROUNDS times (reference work measured first).
  progress(`grader: measureReference, then gradeSource of first-fit.ts on the malloc-lab-size set, ${GRADE_ROUNDS} times`);
  let firstFitWork = NaN;
  try {
    const p = runGraderProbe<SubmissionProbe>(['submission', LAB, 'starter', String(GRADE_ROUNDS)], pin);
    const durations = p.runs.map((r) => r.ms), mid = median(durations);
    const last = p.runs[p.runs.length - 1]!;
    const allPass = p.runs.every((r) => r.tests > 0 && r.passed === r.tests);
    const failed = [...new Set(p.runs.flatMap((r) => r.failed))];
    rows.push(['5', 'gradeSource malloc-lab-size set, first-fit.ts (textbook implicit list) as the submission', seconds(mid),
      `median of ${p.runs.length} (${spread(durations)}), ${placed}`, `score ${last.score} / ${last.maxScore}, ${last.passed}/${last.tests} tests passed`,
      `≤ ${FIRSTFIT_TARGET_S} s, every trace passes`, allPass && mid <= FIRSTFIT_TARGET_S * 1000 ? 'PASS' : 'MISS',
      `${labSet} (${lab.traces.map((t) => `${t.name} ${t.operations}`).join(', ')}): CS:APP 2002's shapes, generated; sbrk heap; ` +
      `11 correctness tests + a performance test; referenceWork given (measureReference of 07's reference on them ${seconds(p.referenceMs)} beforehand, not counted); ` +
      `its traces' own times (sandbox start + replay) ${seconds(median(p.runs.map((r) => r.traceMs)))}, the rest worker start-up and compile` +
      (failed.length ? `; FAILED: ${failed.join(', ')}` : '')]);
    const w = sameWork(p.runs);
    firstFitWork = w.total;
    golden.push({ label: 'first-fit.ts on the malloc-lab-size set', work: w.work });
    if (!w.same) errors.push(`first-fit work units differ between runs on ${w.differ.join(', ')}`);
    rows.push(['5', 'work units: first-fit.ts on the malloc-lab-size set', `${thousands(w.total)} units`, `${p.runs.length} gradeSource runs`,
      w.same ? 'identical per trace in every run' : `DIFFER on ${w.differ.join(', ')}`, 'identical across runs and machines', w.same ? 'PASS' : 'ERROR',
      `golden number: the total over the ${Object.keys(w.work).length} traces as the reports give them (per trace below the table); compare it with another machine's run`]);
  } catch (error) {
    crashed('5', 'gradeSource malloc-lab-size set', error);
  }

  // 5b. The sandbox vs plain V8 on the same compiled allocator, runs interleaved.
  const engines: [string, string, Who, number, boolean][] = [
    ['first-fit.ts on the malloc-lab-size set', LAB, 'starter', ENGINE_ROUNDS, true],
    ['07-malloc reference.ts', MALLOC_EXERCISE, 'reference', 3, false],
    ['07-malloc starter.ts', MALLOC_EXERCISE, 'starter', 3, false],
  ];
  /** Median replay ms of the 07 performance traces per subject: plain V8 and the sandbox (the 07 rows' context). */
  const replayed = new Map<string, { v8: number; sandbox: number; traces: number }>();
  for (const [label, dir, who, rounds, main] of engines) {
    const name = `sandbox vs V8, ${label}`;
    progress(`grader: ${name}: a warm-up pass each, then ${rounds} rounds of plain V8, V8 with the meter's calls, the sandbox`);
    try {
      const p = runGraderProbe<EngineProbe>(['engines', dir, who, String(rounds)], pin);
      const mid = (side: EngineSide, key: 'replayMs' | 'startMs') => median(side.runs.map((r) => r[key]));
      const sb = mid(p.sandbox, 'replayMs'), v8 = mid(p.v8, 'replayMs'), v8m = mid(p.v8meter, 'replayMs');
      const hashes = new Set([p.v8.hash, p.v8meter.hash, p.sandbox.hash]);
      const problems = [
        ...(hashes.size > 1 ? [`the engines returned different addresses (V8 ${p.v8.hash}, V8 + meter calls ${p.v8meter.hash}, sandbox ${p.sandbox.hash})`] : []),
        ...p.sandbox.failures.map((f) => `sandbox ${f}`), ...p.v8.failures.map((f) => `V8 ${f}`), ...p.v8meter.failures.map((f) => `V8 + meter calls ${f}`),
      ];
      for (const problem of problems) errors.push(`${name}: ${problem}`);
      const ratio = sb / v8;
      replayed.set(label, { v8, sandbox: sb, traces: p.traces.length });
      // The trace the sandbox is slowest on, relative to V8 (medians per trace).
      const perTrace = p.traces.map((trace, k) => ({ trace, ratio: median(p.sandbox.runs.map((r) => r.traceMs[k]!)) / median(p.v8.runs.map((r) => r.traceMs[k]!)) }));
      const worst = perTrace.reduce((a, b) => (b.ratio > a.ratio ? b : a));
      const sameUnits = p.sandbox.work.every((w) => w === p.sandbox.work[0]);
      if (!sameUnits) errors.push(`${name}: the sandbox's work units differ between passes (${p.sandbox.work.join(', ')})`);
      const crossCheck = main && Number.isFinite(firstFitWork) ? (p.sandbox.work[0] === firstFitWork ? '; its units equal the graded runs\' total' : `; its units ${p.sandbox.work[0]} ≠ the graded runs' ${firstFitWork}`) : '';
      if (main && Number.isFinite(firstFitWork) && p.sandbox.work[0] !== firstFitWork) errors.push(`${name}: ${p.sandbox.work[0]} units, the graded runs ${firstFitWork}`);
      rows.push(['5', `${name}: replay with the checker`, `${ms(sb)} vs ${ms(v8)} = ${times(ratio)}`,
        `medians of ${rounds}, interleaved (sandbox ${spread(p.sandbox.runs.map((r) => r.replayMs))}, V8 ${spread(p.v8.runs.map((r) => r.replayMs))}), ${placed}`,
        hashes.size === 1 ? `addresses ${p.v8.hash} (equal on all three)` : 'addresses MISMATCH', `sandbox ≤ ${SANDBOX_TARGET} × V8`,
        problems.length ? 'ERROR' : ratio <= SANDBOX_TARGET ? 'PASS' : 'MISS',
        `${p.traces.length} traces, ${thousands(p.operations)} ops, a fresh module and allocator per trace on both (as grading does), starting them not counted ` +
        `(sandbox ${ms(mid(p.sandbox, 'startMs'))} for ${p.traces.length} compartments, V8 ${ms(mid(p.v8, 'startMs'))}); V8 runs esbuild's bundle in this thread, no lockdown, no meter; ` +
        `V8 running the instrumented bundle (meter calls no-ops) ${ms(v8m)} = ${times(sb / v8m)}; worst trace ${worst.trace} ${times(worst.ratio)}; ` +
        `${thousands(p.sandbox.work[0]! / (sb / 1000) / 1e6)} M units a second with the checker, ${sameUnits ? 'the same units every pass' : 'units DIFFER'}${crossCheck}`]);
    } catch (error) {
      crashed('5', name, error);
    }
  }

  // 5c. 07-malloc's whole rubric: the starter (the target) and the reference, GRADE_ROUNDS times.
  progress(`grader: measureReference, then gradeSource of reference.ts and starter.ts on 07-malloc's whole rubric, ${GRADE_ROUNDS} rounds`);
  try {
    const p = runGraderProbe<SubmissionProbe>(['submission', MALLOC_EXERCISE, 'reference,starter', String(GRADE_ROUNDS)], pin);
    for (const who of ['starter', 'reference'] as const) {
      const runs = p.runs.filter((r) => r.who === who);
      const mid = median(runs.map((r) => r.ms)), last = runs[runs.length - 1]!;
      if (runs.some((r) => r.tests === 0)) errors.push(`grader, ${who}.ts: no tests ran`);
      const failed = [...new Set(runs.flatMap((r) => r.failed))];
      const status = who === 'reference' ? 'INFO' : last.tests === 0 ? 'ERROR' : mid <= GRADE_TARGET_S * 1000 ? 'PASS' : 'MISS';
      rows.push(['5', `gradeSource 07-malloc, ${who}.ts as the submission`, seconds(mid), `median of ${runs.length} (${spread(runs.map((r) => r.ms))}), ${placed}`,
        `score ${last.score} / ${last.maxScore}, ${last.passed}/${last.tests} tests passed`, who === 'starter' ? `≤ ${GRADE_TARGET_S} s on one core` : '—', status,
        `whole rubric, ${Object.keys(last.work).length} traces, ${thousands(p.operations)} ops; referenceWork given (measureReference ${seconds(p.referenceMs)} beforehand, ${p.referenceTraces} traces, not counted); ` +
        `its traces' own times (sandbox start + replay) ${seconds(median(runs.map((r) => r.traceMs)))}, the rest worker start-up (tsx) and compile` +
        (replayed.has(`07-malloc ${who}.ts`) ? `; the ${replayed.get(`07-malloc ${who}.ts`)!.traces} performance traces replay with the checker in ` +
          `${seconds(replayed.get(`07-malloc ${who}.ts`)!.sandbox)} in the sandbox, ${seconds(replayed.get(`07-malloc ${who}.ts`)!.v8)} on plain V8 (rows above)` : '') +
        (failed.length ? `; failed: ${failed.join(', ')}` : '')]);
      if (who === 'reference') {
        const w = sameWork(runs);
        golden.push({ label: '07-malloc reference.ts on 07-malloc', work: w.work });
        if (!w.same) errors.push(`07 reference work units differ between runs on ${w.differ.join(', ')}`);
        rows.push(['5', 'work units: 07-malloc reference.ts on 07-malloc', `${thousands(w.total)} units`, `${runs.length} gradeSource runs`,
          w.same ? 'identical per trace in every run' : `DIFFER on ${w.differ.join(', ')}`, 'identical across runs and machines', w.same ? 'PASS' : 'ERROR',
          `golden number: the total over its ${Object.keys(w.work).length} traces (hidden ones included; per trace below the table); across machines, every CI run checks golden units of 07's starter and reference (tests/exercises/07-malloc.test.ts)`]);
      }
    }
  } catch (error) {
    crashed('5', 'gradeSource 07-malloc', error);
  }

  // 5d. A fresh sandbox worker to its first malloc: bundled (a built lab) and through tsx (development).
  progress(`grader: sandbox worker start, ${START_RUNS} fresh workers of each kind`);
  try {
    const p = runGraderProbe<StartProbe>(['start', String(START_RUNS)], pin);
    const of = (kind: StartRun['kind'], f: (r: StartRun) => number) => p.runs.filter((r) => r.kind === kind).map(f);
    const bundleTotal = of('bundle', (r) => r.totalMs), sandboxPart = of('bundle', (r) => r.lockdownMs + r.targetMs + r.mallocMs);
    const m = (kind: StartRun['kind'], f: (r: StartRun) => number) => ms(median(of(kind, f)));
    rows.push(['5', 'sandbox start: new Worker → first malloc answered (bundled worker)', ms(median(bundleTotal)),
      `median of ${bundleTotal.length} fresh workers (${spread(bundleTotal)}), ${placed}`, 'malloc(16) = 0x10000000',
      '—', 'INFO',
      `the issue's target is the sandbox's own start (lockdown + compartment: next row); this adds Node's thread and the job's modules: ` +
      `the thread and its modules (sandbox-host bundled by bundleJob, as a built lab's workers) ${m('bundle', (r) => r.readyMs)} ` +
      `(an empty eval'd worker thread alone ${m('bundle', (r) => r.threadMs)}), ` +
      `lockdown ${m('bundle', (r) => r.lockdownMs)} (of it loading the ses package ${m('bundle', (r) => r.sesMs)}, measured in another fresh worker; ` +
      `then the charged built-ins and lockdown() freezing the realm), the first target (compartment, program, constructor) ` +
      `${m('bundle', (r) => r.targetMs)}, its first malloc ${m('bundle', (r) => r.mallocMs)}`]);
    rows.push(['5', 'sandbox start: lockdown + first compartment + first malloc', ms(median(sandboxPart)),
      `median of ${sandboxPart.length} (${spread(sandboxPart)}), same workers`, '', `≤ ${START_TARGET_MS} ms`, median(sandboxPart) <= START_TARGET_MS ? 'PASS' : 'MISS',
      `the sandbox's own start inside a fresh worker, its modules loaded: lockdown ${m('bundle', (r) => r.lockdownMs)} + first target ${m('bundle', (r) => r.targetMs)} ` +
      `+ malloc ${m('bundle', (r) => r.mallocMs)}; a bare new Compartment() afterwards ${m('bundle', (r) => r.compartmentMs)}; every later trace's target ${m('bundle', (r) => r.nextTargetMs)}`]);
    rows.push(['5', 'sandbox start: new Worker → first malloc answered (through tsx)', m('tsx', (r) => r.totalMs),
      `median of ${of('tsx', (r) => r.totalMs).length} (${spread(of('tsx', (r) => r.totalMs))}), same run`, '', '—', 'INFO',
      `development's grading workers (workerBootstrap.mjs registers tsx, then compiles the lab's TypeScript): ready ${m('tsx', (r) => r.readyMs)}, ` +
      `lockdown ${m('tsx', (r) => r.lockdownMs)}, first target ${m('tsx', (r) => r.targetMs)}; paid once per grading worker`]);
  } catch (error) {
    crashed('5', 'sandbox start', error);
  }

  // 5e. Memory bombs through gradeSource: each must end as a memory verdict, the host's RSS bounded.
  progress('grader: memory bombs through gradeSource');
  try {
    const p = runGraderProbe<BombProbe>(['bombs', BATCH_EXERCISE], false);
    const verdict = (r: BombRun) => (r.memory ? 'memory' : r.kind === 'timeout' ? 'timeout' : r.kind ?? 'none');
    const say = (list: BombRun[]) => list.map((r) => `${r.bomb}: ${verdict(r)} in ${seconds(r.ms)}`).join(', ');
    const named = p.runs.filter((r) => NAMED_BOMBS.includes(r.bomb)), more = p.runs.filter((r) => !NAMED_BOMBS.includes(r.bomb));
    const memory = named.filter((r) => r.memory).length;
    const underRss = p.maxRssMb < RSS_TARGET_MB;
    rows.push(['5', 'memory bombs end as memory verdicts, the host under 1 GiB', `${memory} of ${named.length} memory; RSS max ${p.maxRssMb.toFixed(0)} MiB`,
      '1 run each, not pinned', named.map((r) => r.bomb).join(', '), `all memory, RSS < ${RSS_TARGET_MB} MiB`,
      memory === named.length && underRss ? 'PASS' : 'MISS',
      `gradeSource on grader-batch's first test; the probe's RSS (the grading worker is its thread) sampled every 10 ms, ${p.startRssMb.toFixed(0)} MiB before, ` +
      `max over all ${p.runs.length} bombs; ${say(named)}; ` +
      named.map((r) => `${r.bomb}: "${r.failure.replace(/^malloc\(\d+\) /, '').slice(0, 110)}"`).join('; ')]);
    const moreMemory = more.filter((r) => r.memory).length;
    rows.push(['5', 'memory bombs, two more', `${moreMemory} of ${more.length} memory`, 'same run', more.map((r) => r.bomb).join(', '), 'all memory',
      moreMemory === more.length ? 'PASS' : 'MISS', `${say(more)}` + more.filter((r) => !r.memory).map((r) => `; ${r.bomb}: "${r.failure.slice(0, 160)}"`).join('') +
      '; the meter checks the memory before the units, so a copy charged past the call\'s units that also holds too much ends as memory']);
  } catch (error) {
    crashed('5', 'memory bombs', error);
  }

  // 5f. Scale: the 07 reference and the textbook first-fit in the sandbox on traces of 100k and 1M operations.
  progress(`grader: scale, 07's reference and first-fit.ts on ${SCALE_OPS.join(' and ')} operations`);
  try {
    const runs = runGraderProbe<ScaleRun[]>(['scale', SCALE_OPS.join(',')], pin);
    for (const r of runs) {
      const target = r.operations >= 1e6 ? `finishes, ≤ ${SCALE_TARGET_S} s` : 'finishes';
      const ok = r.ok && (r.operations < 1e6 || r.ms + r.startMs <= SCALE_TARGET_S * 1000);
      rows.push(['5', `scale: ${r.allocator} on ${thousands(r.operations)} operations`, `${seconds(r.ms)}, ${opsPerSecond(r.operations, r.ms)}`,
        `1 run, ${placed}`, r.ok ? `utilization ${percent(r.utilization, 1)}, ${thousands(r.work)} units` : `FAILED: ${r.failure}`, target, ok ? 'PASS' : 'MISS',
        `in a sandbox worker, replay with the checker, ${r.heap} heap; randomSizes seed 42, 2000 live, log-normal sizes; ` +
        `${thousands(r.work / (r.ms / 1000) / 1e6)} M units a second; target start ${ms(r.startMs)}`]);
    }
  } catch (error) {
    crashed('5', 'scale', error);
  }

  // 5g. A batch of BATCH_COUNT copies of the starter on the batch fixture: 1 worker without V8's
  // helper threads, 1 with them (the default below the core count), then 2 (the default here).
  const name = `batch of ${BATCH_COUNT} submissions, 1 vs 2 workers`;
  progress(`grader: ${name} (tests/bench/fixtures/grader-batch, gradeBatch's isolated child processes)`);
  try {
    const before = load();
    const p = runGraderProbe<BatchProbe>(['batch', BATCH_EXERCISE, String(BATCH_COUNT), '1s,1,2'], false);
    const one = p.runs.find((r) => r.workers === 1 && r.singleThreaded)!, helped = p.runs.find((r) => r.workers === 1 && !r.singleThreaded)!;
    const two = p.runs.find((r) => r.workers === 2)!;
    const speedup = one.submissionsMs / two.submissionsMs, whole = one.ms / two.ms;
    const scores = [...new Set(p.runs.flatMap((r) => r.scores))];
    const consistent = scores.length === 1 && p.runs.every((r) => r.allPassed === p.count);
    if (!consistent) errors.push(`${name}: the copies did not all grade alike (scores ${scores.join(', ')}; all passed ${p.runs.map((r) => r.allPassed).join(', ')})`);
    const busy = (r: BatchRun) => (r.cpuMs === null ? '?' : (r.cpuMs / r.ms).toFixed(2));
    const machine = (r: BatchRun) => (r.machineBusy === null ? '?' : r.machineBusy.toFixed(2));
    const loaded = (two.machineBusy ?? 0) - (two.cpuMs ?? 0) / two.ms;
    const threads = (r: BatchRun) => (r.singleThreaded ? 'without' : 'with');
    rows.push(['5', name, `${seconds(one.submissionsMs)} vs ${seconds(two.submissionsMs)} = ${times(speedup)}`,
      '1 run each, gradeBatch (batch.ts), not pinned', consistent ? `all ${p.count} score ${scores[0]}, all tests passed` : `scores ${scores.join(', ')} MISMATCH`,
      `≥ ${BATCH_TARGET} ×`, consistent ? (speedup >= BATCH_TARGET ? 'PASS' : 'MISS') : 'ERROR',
      `${p.cores} cores; starter.ts copies (a comment with the index) on 2 traces, 3 tests, each graded in gradeBatch's isolated child processes; ` +
      `workers ${threads(one)} V8's helper threads on both sides (2 workers fill the cores: the default drops the helpers there); the submissions alone; ` +
      `with measureReference ${seconds(one.ms)} vs ${seconds(two.ms)} = ${times(whole)}; one worker with the helpers (the default below the core count) ` +
      `${seconds(helped.submissionsMs)}, so 2 workers are ${times(helped.submissionsMs / two.submissionsMs)} faster than it; cores busy: ` +
      `${busy(one)} (1 worker, no helpers), ${busy(helped)} (1, helpers), ${busy(two)} (2); the whole machine ${machine(one)}, ${machine(helped)}, ${machine(two)}` +
      `${loaded > 0.2 ? ` (${loaded.toFixed(2)} of them other processes on 2 workers)` : ''}; ${before} before, ${load()} after`]);
  } catch (error) {
    crashed('5', name, error);
  }
}

// 6. The app: the web mode's cold start in Chromium, and the renderer's bundle.
const WEB_RUNS = 5;
/** Opening the page to an interactive workspace (Monaco on screen, typing works) within this. */
const INTERACTIVE_TARGET_MS = 1500;

function app(): void {
  const name = 'web mode cold start in Chromium';
  if (!fs.existsSync(CHROMIUM)) {
    rows.push(['6', name, 'skipped', '', '', `≤ ${INTERACTIVE_TARGET_MS} ms`, 'SKIP', `${CHROMIUM} is missing (apt-get install -y chromium)`]);
  } else {
    progress(`app: ${name}, ${WEB_RUNS} runs, each a fresh browser`);
    try {
      const p = JSON.parse(runTs('webstart-probe.ts', [String(WEB_RUNS)]).trim().split('\n').pop() ?? '') as WebStartProbe;
      const of = (key: keyof WebStartProbe['runs'][number]) => p.runs.map((r) => r[key]);
      if (p.exercises !== 8) errors.push(`${name}: Home listed ${p.exercises} exercises, not 8`);
      const editor = median(of('editorMs'));
      const where = `medians of ${p.runs.length}, Chromium ${p.chromium}, a fresh browser and profile per run`;
      rows.push(['6', `${name}: page → Home lists the exercises`, ms(median(of('homeMs'))), where, `${p.exercises} exercises`, '—', 'INFO',
        `spread ${spread(of('homeMs'))}; host and server in the probe's process, workspace in a temp folder${p.built.length ? `; built first: ${p.built.join(', ')}` : ''}`]);
      rows.push(['6', `${name}: page → workspace interactive (editor on screen)`, ms(editor), where, '01-bit-allocator',
        `≤ ${INTERACTIVE_TARGET_MS} ms`, editor <= INTERACTIVE_TARGET_MS ? 'PASS' : 'MISS',
        `spread ${spread(of('editorMs'))}; #/exercise/01-bit-allocator opened directly in a new context (cold cache): instructions, starter and Monaco's view lines drawn`]);
      rows.push(['6', `${name}: page → TypeScript diagnostics ready`, ms(median(of('typescriptMs'))), where, 'data-ts-ready', '—', 'INFO',
        `spread ${spread(of('typescriptMs'))}; the TypeScript worker (6.9 MB) answering getTypeScriptWorker(), after the editor is usable`]);
    } catch (error) {
      crashed('6', name, error);
    }
  }
  const assets = path.join(root, 'dist', 'renderer', 'assets');
  if (!fs.existsSync(assets)) {
    rows.push(['6', 'renderer bundle', 'not built', '', '', '', 'SKIP', 'npm run build:renderer']);
    return;
  }
  const files = fs.readdirSync(assets).map((f) => ({ f, bytes: fs.readFileSync(path.join(assets, f)) }));
  const js = files.filter((x) => x.f.endsWith('.js'));
  const gz = (list: typeof files) => list.reduce((n, x) => n + gzipSync(x.bytes).length, 0);
  const size = (list: typeof files) => list.reduce((n, x) => n + x.bytes.length, 0);
  const html = fs.readFileSync(path.join(root, 'dist', 'renderer', 'index.html'), 'utf8');
  const first = js.filter((x) => html.includes(x.f));
  const languages = js.filter((x) => /(html|css|json|javascript)\.worker|(^|[^a-z])(python|java|csharp|cpp|go|rust|php|ruby|sql|yaml|markdown)[^a-z]/i.test(x.f)).map((x) => x.f);
  rows.push(['6', 'renderer bundle (dist/renderer)', `${mib(size(js))} JS, ${mib(gz(js))} gzipped`, `${js.length} JS files`,
    languages.length ? `other languages: ${languages.join(', ')}` : 'TypeScript parts of Monaco only', 'Monaco: TypeScript only',
    languages.length ? 'MISS' : 'PASS',
    `Home's first load ${mib(size(first))} (${mib(gz(first))} gzipped: ${first.map((x) => x.f.replace(/-[A-Za-z0-9_-]+\.js$/, '')).join(', ')}); ` +
    `the TypeScript worker ${mib(size(js.filter((x) => x.f.startsWith('ts.worker'))))}; CSS and fonts ${mib(size(files) - size(js))}`]);
}

// 7. The timeline and the charts' data: jumps to random operations of a one-million-operation replay, checkpoints' memory, decimation.
/** A jump anywhere in a million operations within this, at the 95th percentile. */
const JUMP_TARGET_MS = 100;

function timeline(): void {
  const name = 'timeline: jump anywhere in 1 M ops';
  progress('timeline: randomSizes 1 M ops on the 07-malloc reference, replays with and without addresses + series, 200 jumps');
  try {
    const p = JSON.parse(runTs('timeline-probe.ts', []).trim().split('\n').pop() ?? '') as TimelineProbe;
    const setup = `randomSizes seed 1, ${p.operations} ops, ~${p.live} live; 07-malloc reference in-process`;
    rows.push(['7', name, `median ${ms(p.jumpMedianMs)}, p95 ${ms(p.jumpP95Ms)}`, `${p.jumps} seeded random k, after 20 warm-up`,
      `${p.checksum} blocks seen`, `p95 ≤ ${JUMP_TARGET_MS} ms`, p.jumpP95Ms <= JUMP_TARGET_MS ? 'PASS' : 'MISS',
      `${setup}; max ${ms(p.jumpMaxMs)}; checkpoint every ${p.every} ops + replay of the rest, blocks sorted, holes recomputed; ` +
      `Timeline built in ${ms(p.buildMs)}; replay ${seconds(p.replayMs)} without addresses + series, ${seconds(p.replayWithMs)} with ` +
      `(${(p.replayWithMs / p.replayMs).toFixed(2)} ×, medians of 3 interleaved)`]);
    rows.push(['7', 'timeline: checkpoints\' memory', mib(p.bytes), `${p.checkpoints} checkpoints, every ${p.every} ops`, '', '—', 'INFO',
      `${setup}; ids Int32 + addresses and sizes Float64 (20 bytes per live block per checkpoint); ` +
      `the replay's addresses array adds ${mib(p.operations * 8)}, the 7 series ${mib(p.operations * 56)}`]);
    rows.push(['7', 'charts: decimate every series to 1000 points', ms(p.decimateMs), '1 run after a warm-up', `${p.points} points`, '—', 'INFO',
      `${setup}; 7 series × ${p.operations} values → min, max and last per bucket (Timeline.charts)`]);
  } catch (error) {
    crashed('7', name, error);
  }
}

// 8. The live views in Chromium while a million-operation replay streams: frame times, replay speed with and without them, jumps.
const FRAME_TARGET_MS = 1000 / 60;
const SPEED_TARGET = 0.5;

function views(): void {
  const name = 'live views: frame time while 1 M ops stream';
  if (!fs.existsSync(CHROMIUM)) {
    rows.push(['8', name, 'skipped', '', '', `p95 ≤ ${FRAME_TARGET_MS.toFixed(1)} ms`, 'SKIP', `${CHROMIUM} is missing (apt-get install -y chromium)`]);
    return;
  }
  progress('views: randomSizes 1 M ops on the 07-malloc reference, streamed to the timeline page (2 rounds, each with and without the page)');
  try {
    const p = JSON.parse(runTs('views-probe.ts', []).trim().split('\n').pop() ?? '') as ViewsProbe;
    const setup = `randomSizes seed 1, ${p.operations} ops, 07-malloc reference in the host's sandbox worker; Chromium ${p.chromium}`;
    const worst = p.rounds.reduce((a, b) => (b.workP95Ms > a.workP95Ms ? b : a));
    rows.push(['8', name, `median ${ms(worst.workMedianMs)}, p95 ${ms(worst.workP95Ms)}`, `${p.rounds.length} rounds, ${p.rounds.map((r) => r.frames).join(' + ')} frames`, '',
      `p95 ≤ ${FRAME_TARGET_MS.toFixed(1)} ms`, worst.workP95Ms <= FRAME_TARGET_MS ? 'PASS' : 'MISS',
      `${setup}; the worse round shown; a frame's work: rAF callbacks, style, layout and paint; max ${p.rounds.map((r) => ms(r.workMaxMs)).join(', ')}; ` +
      `every view of the timeline open: heap map, six charts, controls, quiz panel`]);
    rows.push(['8', 'live views: intervals between frames', `median ${ms(worst.intervalMedianMs)}, p95 ${ms(worst.intervalP95Ms)}`, 'the same frames', '',
      '—', 'INFO', `headless Chromium paces frames near 60 a second (vsync flags or not), so an interval is never below ~16.7 ms; ` +
      `frames dropped (an interval above 1.5 × the median): ${p.rounds.map((r) => `${r.dropped} of ${r.frames}`).join(', ')}`]);
    const ratios = p.rounds.map((r) => r.withoutMs / r.withMs);
    const ratio = Math.min(...ratios);
    rows.push(['8', 'live views: replay speed with the views / without', `${ratio.toFixed(2)} ×`, `${p.rounds.length} rounds interleaved`, '',
      `≥ ${SPEED_TARGET} ×`, ratio >= SPEED_TARGET ? 'PASS' : 'MISS',
      `${setup}; the worse round shown; without: ${p.rounds.map((r) => seconds(r.withoutMs)).join(', ')} (no page drawing), with: ${p.rounds.map((r) => seconds(r.withMs)).join(', ')}`]);
    rows.push(['8', 'live views: jump to a random op in the page', `median ${ms(p.jumpMedianMs)}, p95 ${ms(p.jumpP95Ms)}`, `${p.jumps} seeded random ops`, '',
      `p95 ≤ ${JUMP_TARGET_MS} ms`, p.jumpP95Ms <= JUMP_TARGET_MS ? 'PASS' : 'MISS',
      `${setup}; in the page, from submitting the op field to the frame after the view shows that op (WebSocket, host's Timeline.at and heap map, drawing)`]);
  } catch (error) {
    crashed('8', name, error);
  }
}

const started = performance.now();
const machine = machineDescription();
/** BENCH_GROUPS=5,6 runs only those groups (default: all). */
const only = new Set((process.env.BENCH_GROUPS ?? '1,2,3,4,5,6,7,8').split(',').map((g) => g.trim()));
const groups: [string, () => void][] = [['1', engineMixes], ['2', baselines], ['3', hostMemory], ['4', translations], ['4', forks], ['5', grader], ['6', app], ['7', timeline], ['8', views]];
for (const [group, runGroup] of groups) if (only.has(group)) runGroup();

console.log('FreeNOS Memory Lab benchmark');
console.log(`Machine: ${machine}`);
console.log('');
console.log(formatTable(['#', 'benchmark', 'result', 'runs', 'checksum', 'target', 'status', 'notes'], rows));
console.log('');
console.log('1: each engine mix and mode runs in its own process; ops/s from the median timed run.');
console.log('2: ratios compare runs of this invocation only (interleaved C, engine, bare JS, loop alone; each JS run a fresh `npx tsx` process).');
console.log('3: growth of heapUsed + arrayBuffers after gc() in a fresh process; RSS for information.');
console.log(`4: kernel.mmu.translate(va, 'read', true) on a booted Kernel (128 MiB) with ${MAPPED_BYTES / 2 ** 20} MiB mapped at UserData; ` +
  'each run from an empty TLB; ns per translation include the loop.');
console.log(`   fork: a fresh ${FORK_RAM / 2 ** 20} MiB Machine per run, the step() that forks timed alone; frames = drop of allocator.available() / 4096.`);
console.log('5: the grader on the SES sandbox (lockdown + a compartment per trace, in a worker thread): gradeSource runs its job in a worker thread, ' +
  'reference work measured first; "sandbox vs V8" replays one compiled allocator in a sandbox worker and in-process on plain V8, a fresh module per trace on both; ' +
  'the malloc-lab-size set is written by tests/bench/malloclab.ts at the start; the batch grades tests/bench/fixtures/grader-batch.');
console.log('6: the web mode (npm run web\'s server and host) with the built renderer, Debian\'s Chromium headless; sizes of dist/renderer/assets.');
console.log('7: tests/bench/timeline-probe.ts: Timeline.at(k) on a replay kept with addresses: true, series: true; decimation by Decimate.ts.');
console.log('8: tests/bench/views-probe.ts: frames timed in the timeline page (each frame\'s work from its first rAF callback to the task after its paint; the intervals between frames); the replay\'s own time from replayDone.');
for (const { label, work } of golden) {
  const total = Object.values(work).reduce<number>((sum, w) => sum + (w ?? 0), 0);
  console.log(`Work units (golden), ${label}: total ${total}; ${Object.entries(work).map(([trace, w]) => `${trace} ${w ?? 'none'}`).join(', ')}`);
}
console.log(`Total ${((performance.now() - started) / 1000).toFixed(1)} s.`);
if (errors.length) {
  console.log('');
  for (const e of errors) console.log(`ERROR: ${e}`);
  process.exitCode = 1;
}
