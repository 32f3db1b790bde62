// `npm run bench`: engine allocator throughput, BitAllocator vs plain C and bare JS, PhysicalMemory host memory,
// MMU translations with and without the TLB, eager vs copy-on-write fork, the grader (one submission, QuickJS
// vs V8, a batch on 1 and 2 workers), the app (web-mode cold start in Chromium, the renderer's bundle); prints one table.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { MixTiming } from './mix-worker';
import type { MemoryProbe } from './memory-probe';
import { FORK_RAM, type ForkProbe } from './fork-probe';
import type { BatchProbe, EngineProbe, EngineRun, SubmissionProbe } from './grader-probe';
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

/** The grader: one submission's whole rubric within GRADE_TARGET_S on one core; QuickJS at most QUICKJS_TARGET × V8;
 * a batch of BATCH_COUNT at least BATCH_TARGET × faster on 2 workers than on 1. */
const GRADE_TARGET_S = 10, QUICKJS_TARGET = 30, BATCH_TARGET = 1.8, BATCH_COUNT = 50;
const ENGINE_RUNS = { reference: 5, starter: 3 } as const;
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

// 5. The grader. Each probe is a child process; the single-submission and engine probes are pinned to one CPU when
// taskset exists (grading is one worker thread per submission: one core), the batch gets the whole machine.
function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** grader-probe.ts in a child of this Node, on CPU 0 when `pin`; parsed JSON. Longer limit than runTs (a starter's rubric is slow). */
function runGraderProbe<T>(args: string[], pin: boolean): T {
  const node = [process.execPath, '--expose-gc', '--import', 'tsx', path.join(root, 'tests/bench/grader-probe.ts'), ...args];
  const [command, ...rest] = pin ? ['taskset', '-c', '0', ...node] : node;
  try {
    const out = execFileSync(command!, rest, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 400_000, maxBuffer: 16 * 2 ** 20 });
    return JSON.parse(out.trim().split('\n').pop() ?? '') as T;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    const tail = (e.stderr ?? '').split('\n').filter((l) => l.trim() && !l.includes('Unknown user config')).slice(-3).join(' | ');
    throw new Error(`grader-probe.ts ${args.join(' ')} failed: ${tail || e.message}`);
  }
}

const seconds = (milliseconds: number): string => `${(milliseconds / 1000).toFixed(2)} s`;
const times = (ratio: number): string => `${ratio.toFixed(1)} ×`;
const load = (): string => `load average ${os.loadavg()[0]!.toFixed(2)}`;

function grader(): void {
  const pin = hasTaskset();
  const where = pin ? 'pinned to CPU 0 (taskset)' : 'not pinned (no taskset)';

  // 5a. One submission on 07-malloc's whole rubric, the reference's work measured beforehand.
  progress('grader: measureReference, then gradeSource of reference.ts and starter.ts on 07-malloc\'s whole rubric');
  try {
    const p = runGraderProbe<SubmissionProbe>(['submission', MALLOC_EXERCISE, 'reference,starter'], pin);
    for (const r of p.runs) {
      const broken = r.tests === 0 || r.passed < r.tests;
      if (r.tests === 0) errors.push(`grader, ${r.who}.ts: no tests ran`);
      const status = r.tests === 0 ? 'ERROR' : r.ms <= GRADE_TARGET_S * 1000 ? 'PASS' : 'MISS';
      rows.push(['5', `gradeSource 07-malloc, ${r.who}.ts as the submission`, seconds(r.ms), `1 run, ${where}`,
        `score ${r.score} / ${r.maxScore}, ${r.passed}/${r.tests} tests passed`, `≤ ${GRADE_TARGET_S} s on one core`, status,
        `whole rubric; referenceWork given (measureReference ${seconds(p.referenceMs)} beforehand, ${p.referenceTraces} traces, not counted); ` +
        `its traces' own times (sandbox start + replay) ${seconds(r.traceMs)}, the rest worker start-up and compile` +
        (broken && r.failed.length ? `; failed: ${r.failed.join(', ')}` : '')]);
    }
  } catch (error) {
    crashed('5', 'gradeSource 07-malloc', error);
  }

  // 5b. QuickJS sandbox vs in-process V8, the same compiled allocator, on the performance test's traces.
  for (const who of ['reference', 'starter'] as const) {
    const runs = ENGINE_RUNS[who];
    const name = `QuickJS vs V8, ${who}.ts`;
    progress(`grader: ${name}, V8 warm-up + ${runs} interleaved rounds (V8, then a fresh sandbox per trace)`);
    try {
      const p = runGraderProbe<EngineProbe>(['engines', MALLOC_EXERCISE, who, String(runs)], pin);
      const mid = (side: EngineRun[], key: keyof EngineRun) => median(side.map((r) => r[key]));
      const q = { replay: mid(p.quickjs.runs, 'replayMs'), call: mid(p.quickjs.runs, 'callMs'), access: mid(p.quickjs.runs, 'accessMs'), start: mid(p.quickjs.runs, 'startMs') };
      const v = { replay: mid(p.v8.runs, 'replayMs'), call: mid(p.v8.runs, 'callMs'), access: mid(p.v8.runs, 'accessMs'), start: mid(p.v8.runs, 'startMs') };
      const problems = [
        ...(p.quickjs.hash !== p.v8.hash ? [`the engines returned different addresses (hash ${p.quickjs.hash} vs ${p.v8.hash})`] : []),
        ...p.quickjs.failures.map((f) => `QuickJS ${f}`), ...p.v8.failures.map((f) => `V8 ${f}`),
      ];
      for (const problem of problems) errors.push(`${name}: ${problem}`);
      const checksum = p.quickjs.hash === p.v8.hash ? `addresses ${p.v8.hash} (equal)` : `${p.quickjs.hash} vs ${p.v8.hash} MISMATCH`;
      const status = (ratio: number) => (problems.length ? 'ERROR' : ratio <= QUICKJS_TARGET ? 'PASS' : 'MISS');
      const replayRatio = q.replay / v.replay, callRatio = q.call / v.call;
      const spreads = `QuickJS ${spread(p.quickjs.runs.map((r) => r.replayMs))}, V8 ${spread(p.v8.runs.map((r) => r.replayMs))}`;
      rows.push(['5', `${name}: replay with the checker`, `${ms(q.replay)} vs ${ms(v.replay)} = ${times(replayRatio)}`,
        `medians of ${runs}, interleaved (${spreads}), ${where}`, checksum, `QuickJS ≤ ${QUICKJS_TARGET} × V8`, status(replayRatio),
        `${p.traces} traces, ${p.operations} ops, a fresh target per trace as in grading; starting them not counted ` +
        `(QuickJS ${ms(q.start)} for ${p.traces} sandboxes, V8 ${ms(v.start)}); ` +
        `QuickJS time: allocator ${percent(q.call / q.replay, 0)}, checker's peek/poke ${percent(q.access / q.replay, 0)} ` +
        `(${p.quickjs.accesses} calls, ${(q.access / p.quickjs.accesses * 1000).toFixed(2)} µs each: the cost of one host→sandbox call), ` +
        `the replay's own JS ${percent(1 - (q.call + q.access) / q.replay, 0)}; the timing wrapper's cost taken off`]);
      rows.push(['5', `${name}: allocator calls only`, `${ms(q.call)} vs ${ms(v.call)} = ${times(callRatio)}`,
        `medians of ${runs}, same runs`, checksum, `QuickJS ≤ ${QUICKJS_TARGET} × V8`, status(callRatio),
        `time inside ${p.v8.calls} malloc/free/realloc calls (a timing wrapper around the target; its own ` +
        `${(p.biasMs * 1e6).toFixed(0)} ns per call taken off): ${(q.call / p.quickjs.calls * 1000).toFixed(2)} vs ` +
        `${(v.call / p.v8.calls * 1000).toFixed(3)} µs per call; the compiled bundle both run is the same text`]);
    } catch (error) {
      crashed('5', name, error);
    }
  }

  // 5c. A batch of BATCH_COUNT copies of the starter on the batch fixture, 1 then 2 workers.
  const name = `batch of ${BATCH_COUNT} submissions, 1 vs 2 workers`;
  progress(`grader: ${name} (tests/bench/fixtures/grader-batch)`);
  try {
    const before = load();
    const p = runGraderProbe<BatchProbe>(['batch', BATCH_EXERCISE, String(BATCH_COUNT), '1,2'], false);
    const one = p.runs.find((r) => r.workers === 1)!, two = p.runs.find((r) => r.workers === 2)!;
    const speedup = one.submissionsMs / two.submissionsMs, whole = one.ms / two.ms;
    const cores = os.availableParallelism(), busyOne = one.cpuMs / one.ms, busyTwo = two.cpuMs / two.ms;
    const scores = [...new Set([...one.scores, ...two.scores])];
    const consistent = scores.length === 1 && one.allPassed === p.count && two.allPassed === p.count;
    if (!consistent) errors.push(`${name}: the copies did not all grade alike (scores ${scores.join(', ')}; all passed ${one.allPassed}, ${two.allPassed})`);
    rows.push(['5', name, `${seconds(one.submissionsMs)} vs ${seconds(two.submissionsMs)} = ${speedup.toFixed(2)} ×`,
      `1 run each, ${p.via === 'gradeBatch' ? 'gradeBatch (batch.ts)' : 'a pool of gradeSource calls'}`,
      consistent ? `all ${p.count} score ${scores[0]}, all tests passed` : `scores ${scores.join(', ')} MISMATCH`,
      `≥ ${BATCH_TARGET} ×`, consistent ? (speedup >= BATCH_TARGET ? 'PASS' : 'MISS') : 'ERROR',
      `${cores} cores (os.availableParallelism()); starter.ts copies (a comment with the index) on 2 traces, ` +
      `3 tests; the submissions alone; with measureReference: ${seconds(one.ms)} vs ${seconds(two.ms)} = ${whole.toFixed(2)} ×; ` +
      `the process kept ${busyOne.toFixed(2)} cores busy on 1 worker, ${busyTwo.toFixed(2)} on 2 (V8's garbage-collector ` +
      `helper threads run beside each worker), so ${cores} cores allow about ${(cores / busyOne).toFixed(2)} ×; ${before} before, ${load()} after`]);
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
    const setup = `randomSizes seed 1, ${p.operations} ops, 07-malloc reference in the host's QuickJS worker; Chromium ${p.chromium}`;
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
console.log('5: the grader on exercises/07-malloc: gradeSource in its worker thread, reference work measured first; QuickJS vs V8 runs the ' +
  'same compiled bundle (compileSubmission) through replay() with the checker; the batch grades tests/bench/fixtures/grader-batch.');
console.log('6: the web mode (npm run web\'s server and host) with the built renderer, Debian\'s Chromium headless; sizes of dist/renderer/assets.');
console.log('7: tests/bench/timeline-probe.ts: Timeline.at(k) on a replay kept with addresses: true, series: true; decimation by Decimate.ts.');
console.log('8: tests/bench/views-probe.ts: frames timed in the timeline page (each frame\'s work from its first rAF callback to the task after its paint; the intervals between frames); the replay\'s own time from replayDone.');
console.log(`Total ${((performance.now() - started) / 1000).toFixed(1)} s.`);
if (errors.length) {
  console.log('');
  for (const e of errors) console.log(`ERROR: ${e}`);
  process.exitCode = 1;
}
