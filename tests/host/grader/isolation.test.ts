// Batch grading's isolation (ProcessPool, isolatedGradePool): a job in a pool's child process may
// read the lab and the folders it is given and nothing else, write nothing, start no process or
// thread; a child that dies (an exit, its V8 heap) fails its job as 'crashed' and the next job gets a
// fresh one; the watchdog stops a child stuck in a watched step. Then a whole batch on the default
// (isolated) pool: a correct allocator passes, a memory hoarder and an endless loop fail each trace
// with their reason, and every submission gets a report.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSubmissions, gradeBatch, type Batch } from '../../../electron/host/grader/batch';
import { LAB_ROOT, ProcessPool, bundleJob } from '../../../electron/host/sandbox/ProcessPool';
import { stuckMessage } from '../../../electron/host/sandbox/runInWorker';
import type { Attempt, ProbeInput, ProbeOutput } from './fixtures/isolation/probeJob';

const MINI = path.join(import.meta.dirname, 'fixtures', 'mini');
/** The mini exercise with one-second tests (two traces and a performance test). */
const SHORT = path.join(import.meta.dirname, 'fixtures', 'isolation', 'exercise');
const PROBE = new URL('./fixtures/isolation/probeJob.ts', import.meta.url);
/** The probe's bundle, under the lab's dist/jobs/: a name of this run's own, removed afterwards. */
const BUNDLE_NAME = `test-isolation-probe-${process.pid}`;

type Probe = ProcessPool<ProbeInput, ProbeOutput | { pid: number }>;

const denied = (attempt: Attempt | undefined, what: string) => expect(attempt, what).toMatchObject({ ok: false, code: 'ERR_ACCESS_DENIED' });
const pidOf = (result: { ok: boolean; value?: unknown }): number => {
  expect(result.ok, JSON.stringify(result)).toBe(true);
  return (result.value as { pid: number }).pid;
};

describe('a ProcessPool child', () => {
  let bundle: string;
  /** A copy of the mini exercise outside the lab (readable only because the pool names it), and a folder it does not name. */
  let exercise: string;
  let other: string;
  const pools: Probe[] = [];
  const pool = (heapMb = 256): Probe => {
    const made: Probe = new ProcessPool(bundle, 1, { readable: [exercise], heapMb, dataMb: 2048 });
    pools.push(made);
    return made;
  };

  beforeAll(async () => {
    bundle = await bundleJob(PROBE, BUNDLE_NAME);
    exercise = path.join(mkdtempSync(path.join(tmpdir(), 'lab-isolation-ex-')), 'mini');
    cpSync(MINI, exercise, { recursive: true });
    other = mkdtempSync(path.join(tmpdir(), 'lab-isolation-other-'));
    writeFileSync(path.join(other, 'secret.txt'), 'not for the child');
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    rmSync(bundle, { force: true });
  });

  it('writes no file anywhere, reads only the lab and its exercise, and starts no process or worker thread', async () => {
    const writeTo = [
      path.join(tmpdir(), `lab-isolation-${process.pid}.txt`),
      path.join(exercise, 'escaped.ts'),
      path.join(exercise, 'reference.ts'), // a file it may read
      path.join(other, 'escaped.txt'),
      path.join(LAB_ROOT, 'escaped.txt'),
      bundle, // its own job module
    ];
    const outside = ['/etc/passwd', path.join(other, 'secret.txt'), path.join(exercise, '..', '..', '..', 'etc', 'passwd')];
    const inside = [path.join(exercise, 'exercise.yaml'), path.join(MINI, 'reference.ts')];
    const result = await pool().run({ kind: 'probe', writeTo, read: [...outside, ...inside] }, { timeoutMs: 60_000 });
    expect(result.ok, JSON.stringify(result)).toBe(true);
    const out = (result as { value: ProbeOutput }).value;
    expect(out.pid).not.toBe(process.pid);

    for (const target of writeTo) {
      expect(out.writes[target], target).toHaveLength(3);
      for (const write of out.writes[target]!) denied(write, `writing ${target}`);
    }
    for (const target of writeTo.slice(0, 5)) if (target !== path.join(exercise, 'reference.ts')) expect(existsSync(target), target).toBe(false);
    expect(readFileSync(path.join(exercise, 'reference.ts'), 'utf8')).toBe(readFileSync(path.join(MINI, 'reference.ts'), 'utf8'));

    for (const file of outside) denied(out.reads[file], `reading ${file}`);
    for (const file of inside) expect(out.reads[file], file).toEqual({ ok: true, value: readFileSync(file, 'utf8') });

    denied(out.spawnSync, 'spawnSync');
    denied(out.execFileSync, 'execFileSync');
    denied(out.fork, 'fork');
    denied(out.worker, 'new Worker');
  });

  it('that exits or outgrows its heap fails its job as crashed, and the next job runs in a fresh child', async () => {
    const probes = pool(64);
    const pids = [pidOf(await probes.run({ kind: 'pid' }, { timeoutMs: 60_000 }))];
    expect(pidOf(await probes.run({ kind: 'pid' }, { timeoutMs: 60_000 }))).toBe(pids[0]); // a child that lives runs the next job too

    const exited = await probes.run({ kind: 'exit', code: 3 }, { timeoutMs: 60_000 });
    expect(exited).toEqual({ ok: false, reason: 'crashed', message: 'the worker exited (code 3) without a result' });
    pids.push(pidOf(await probes.run({ kind: 'pid' }, { timeoutMs: 60_000 })));

    // V8 aborts the process at --max-old-space-size (64 MiB here); its last words are on stderr.
    const outgrown = await probes.run({ kind: 'oom' }, { timeoutMs: 60_000 });
    expect(outgrown).toMatchObject({ ok: false, reason: 'crashed', message: expect.stringMatching(/^the worker exited \(code SIGABRT\b.*\) without a result$/s) });
    pids.push(pidOf(await probes.run({ kind: 'pid' }, { timeoutMs: 60_000 })));

    expect(new Set([...pids, process.pid]).size).toBe(4);
  });

  it('stuck in a watched step is stopped as stuck, with the step it was in', async () => {
    const probes = pool();
    const stuck = await probes.run({ kind: 'block', ms: 200, what: { x: 1 } }, { timeoutMs: 60_000 });
    expect(stuck).toEqual({ ok: false, reason: 'stuck', message: stuckMessage(200), watched: { x: 1 } });
    pidOf(await probes.run({ kind: 'pid' }, { timeoutMs: 60_000 }));
  });
});

const HOARDER = `import type { Heap, MallocAllocator } from 'freenos-lab';
const hoard: ArrayBuffer[] = [];
export default class Hoarder implements MallocAllocator {
  constructor(private readonly heap: Heap) {}
  malloc(size: number): number {
    hoard.push(new ArrayBuffer(16 * 1024 * 1024)); // kept forever
    return size <= 0 ? 0 : this.heap.grow(Math.ceil(size / 8) * 8);
  }
  free(_address: number): void {}
}
`;

const LOOPER = `import type { Heap, MallocAllocator } from 'freenos-lab';
export default class Looper implements MallocAllocator {
  constructor(private readonly heap: Heap) {}
  malloc(size: number): number {
    for (;;) if (size < 0) return this.heap.grow(size);
  }
  free(_address: number): void {}
}
`;

/** The first line of a trace's failure in a test's output: where it stopped, then `reason`. */
const stoppedAt = (trace: string, verdict: 'FAILED' | 'TIMED OUT', reason: string) =>
  new RegExp(`^${trace}: ${verdict} at operation \\d+ \\(generator:\\S+ op \\d+: a \\d+ \\d+\\): ${reason}$`, 'm');

describe('gradeBatch on the default (isolated) pool', () => {
  let batch: Batch;

  beforeAll(async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'lab-isolation-batch-'));
    writeFileSync(path.join(folder, 'good.ts'), `${readFileSync(path.join(MINI, 'reference.ts'), 'utf8')}// a student's own line: an exact copy of the reference is flagged\n`);
    writeFileSync(path.join(folder, 'hoarder.ts'), HOARDER);
    writeFileSync(path.join(folder, 'looper.ts'), LOOPER);
    batch = await gradeBatch(SHORT, findSubmissions(folder, 'starter.ts'), { workers: 2 });
  }, 120_000);

  const result = (student: string) => batch.results.find((r) => r.student === student)!;

  it('gives every submission a report, and the correct one full marks', () => {
    expect(batch.results.map((r) => r.student)).toEqual(['good', 'hoarder', 'looper']);
    expect(batch.tests.map((t) => t.name)).toEqual(['uniform', 'ramp', 'performance']);
    for (const r of batch.results) expect(r.report).toMatchObject({ submission: r.student, maxScore: 40 });
    expect(result('good')).toMatchObject({ problem: null, report: { score: 40 } });
    expect(result('good').report.tests.map((t) => t.status)).toEqual(['passed', 'passed', 'passed']);
  });

  it("fails each trace of the hoarder with the sandbox's memory reason", () => {
    const { problem, report } = result('hoarder');
    expect(problem).toBeNull(); // it compiled and ran; each trace says why it failed
    expect(report.score).toBe(0);
    expect(report.tests.map((t) => t.status)).toEqual(['failed', 'failed', 'failed']);
    const memory = "malloc\\(\\d+\\) ran out of memory: it would hold \\d+ MiB of JavaScript memory, more than the sandbox's 192 MiB";
    expect(report.tests[0]!.output).toMatch(stoppedAt('uniform', 'FAILED', memory));
    expect(report.tests[1]!.output).toMatch(stoppedAt('ramp', 'FAILED', memory));
    expect(report.tests[2]!.output).toMatch(stoppedAt('uniform', 'FAILED', memory));
    expect(report.tests[2]!.output).toMatch(stoppedAt('ramp', 'FAILED', memory));
  });

  it('fails each trace of the endless loop on its work units', () => {
    const { problem, report } = result('looper');
    expect(problem).toBeNull();
    expect(report.score).toBe(0);
    expect(report.tests.map((t) => t.status)).toEqual(['failed', 'failed', 'failed']);
    const units = (limit: string) => `malloc\\(\\d+\\) did not finish within the test's time limit \\(${limit}\\)`;
    expect(report.tests[0]!.output).toMatch(stoppedAt('uniform', 'TIMED OUT', units('1 s: 100,000,000 units')));
    expect(report.tests[1]!.output).toMatch(stoppedAt('ramp', 'TIMED OUT', units('1 s: 100,000,000 units')));
    // The performance test's one budget goes to its first trace: the second is not run.
    expect(report.tests[2]!.output).toMatch(stoppedAt('uniform', 'TIMED OUT', units('1 s: 100,000,000 units')));
    expect(report.tests[2]!.output).toContain('ramp: not run (an earlier trace of this test used up its time limit)');
  });
});
