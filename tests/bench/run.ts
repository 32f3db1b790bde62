// `npm run bench`: engine allocator throughput, BitAllocator vs plain C and bare JS, PhysicalMemory host memory; prints one table.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MixTiming } from './mix-worker';
import type { MemoryProbe } from './memory-probe';
import { formatTable, machineDescription, median, mib, ms, opsPerSecond, spread } from './report';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The C and bitalloc-mix.mts baselines; BENCH_SHARED_DIR overrides it (e.g. to see the skip rows). */
const shared = path.resolve(root, process.env.BENCH_SHARED_DIR ?? '../shared/bench');
const MIX_OPS = 1_000_000, MIX_RUNS = 5;
const BASELINE_OPS = 2_000_000, BASELINE_RUNS = 5;
const BIT_TARGET = 2, HOST_TARGET_1G = 64 * 2 ** 20, HOST_TARGET_4G = 1.5 * 2 ** 20;

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

const started = performance.now();
const machine = machineDescription();
engineMixes();
baselines();
hostMemory();

console.log('FreeNOS Memory Lab benchmark');
console.log(`Machine: ${machine}`);
console.log('');
console.log(formatTable(['#', 'benchmark', 'result', 'runs', 'checksum', 'target', 'status', 'notes'], rows));
console.log('');
console.log('1: each engine mix and mode runs in its own process; ops/s from the median timed run.');
console.log('2: ratios compare runs of this invocation only (interleaved C, engine, bare JS, loop alone; each JS run a fresh `npx tsx` process).');
console.log('3: growth of heapUsed + arrayBuffers after gc() in a fresh process; RSS for information.');
console.log(`Total ${((performance.now() - started) / 1000).toFixed(1)} s.`);
if (errors.length) {
  console.log('');
  for (const e of errors) console.log(`ERROR: ${e}`);
  process.exitCode = 1;
}
