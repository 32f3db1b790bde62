// `npm run bench`: engine allocator throughput, BitAllocator vs plain C and bare JS, PhysicalMemory host memory,
// MMU translations with and without the TLB, eager vs copy-on-write fork; prints one table.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MixTiming } from './mix-worker';
import type { MemoryProbe } from './memory-probe';
import { FORK_RAM, type ForkProbe } from './fork-probe';
import { formatTable, machineDescription, median, mib, ms, nsPerOp, opsPerSecond, percent, spread } from './report';
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

const started = performance.now();
const machine = machineDescription();
engineMixes();
baselines();
hostMemory();
translations();
forks();

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
console.log(`Total ${((performance.now() - started) / 1000).toFixed(1)} s.`);
if (errors.length) {
  console.log('');
  for (const e of errors) console.log(`ERROR: ${e}`);
  process.exitCode = 1;
}
