// 07-malloc's starter and reference: both pass every lab trace under the checker; the reference's
// utilization is at least the starter's; and in the QuickJS sandbox, where submissions are graded,
// the reference does far less work than the starter (its segregated lists against a walk of every block).
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { localTarget } from '../../engine/grader/LocalTarget';
import { replay, type ReplayResult } from '../../engine/grader/Replay';
import type { MallocAllocatorClass } from '../../engine/workload/Heap';
import { parseTrace } from '../../engine/workload/TraceFormat';
import type { Trace } from '../../engine/workload/Trace';
import { compileSubmission } from '../../electron/host/sandbox/compile';
import { createSandboxTarget } from '../../electron/host/sandbox/QuickJSTarget';
import Reference from '../../exercises/07-malloc/reference';
import Starter from '../../exercises/07-malloc/starter';

const root = path.resolve(import.meta.dirname, '../..');
const exercise = path.join(root, 'exercises', '07-malloc');
const traceDir = path.join(root, 'exercises', 'traces');
const traces: Trace[] = readdirSync(traceDir).filter((f) => f.endsWith('.trace')).sort()
  .map((f) => parseTrace(readFileSync(path.join(traceDir, f), 'latin1'), f));

const runAll = (Allocator: MallocAllocatorClass): ReplayResult[] => traces.map((trace) => replay(trace, localTarget(Allocator)));
const meanUtilization = (results: ReplayResult[]) => results.reduce((sum, r) => sum + r.metrics.utilization, 0) / results.length;

describe('07-malloc starter and reference, in-process', () => {
  let starter: ReplayResult[] = [];
  let reference: ReplayResult[] = [];
  beforeAll(() => {
    starter = runAll(Starter);
    reference = runAll(Reference);
  }, 60_000);

  it('finds the lab traces', () => {
    expect(traces.length).toBeGreaterThanOrEqual(11);
  });

  it.each(traces.map((trace, k) => [trace.file, k] as const))('both pass every check on %s', (_file, k) => {
    expect(starter[k]!.failure).toBeNull();
    expect(reference[k]!.failure).toBeNull();
    expect(reference[k]!.metrics.operations).toBe(traces[k]!.length);
  });

  it("the reference's mean utilization is at least the starter's", () => {
    const s = meanUtilization(starter);
    const r = meanUtilization(reference);
    expect(s).toBeGreaterThan(0.5);
    expect(r).toBeGreaterThan(0.8);
    expect(r).toBeGreaterThanOrEqual(s - 0.01);
  });

  it('the reference does less work on every trace (heap calls)', () => {
    for (let k = 0; k < traces.length; k++) {
      if (traces[k]!.name === 'reallocHeavy') continue; // copying grown blocks dominates there, for both
      expect(reference[k]!.metrics.work, traces[k]!.file).toBeLessThan(starter[k]!.metrics.work / 2);
    }
  });
});

describe('07-malloc in the QuickJS sandbox', () => {
  const picked = ['coalescing', 'adversarialNextFit', 'peak'].map((name) => traces.find((t) => t.name === name)!);

  /** Sandbox work of `file` on each picked trace; every replay must pass. */
  async function sandboxWork(file: string): Promise<number[]> {
    const compiled = await compileSubmission(readFileSync(path.join(exercise, file), 'utf8'), file);
    if (!compiled.ok) throw new Error(compiled.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.message}`).join('\n'));
    const work: number[] = [];
    for (const trace of picked) {
      const target = await createSandboxTarget(compiled.code);
      try {
        const result = replay(trace, target);
        expect(result.failure, `${file} on ${trace.file}`).toBeNull();
        work.push(result.metrics.work);
      } finally {
        target.dispose();
      }
    }
    return work;
  }

  it("the reference's work in the sandbox is under half the starter's", async () => {
    expect(picked.every(Boolean)).toBe(true);
    const starter = await sandboxWork('starter.ts');
    const reference = await sandboxWork('reference.ts');
    for (let k = 0; k < picked.length; k++) {
      expect(reference[k], picked[k]!.file).toBeGreaterThan(0);
      expect(reference[k]!, picked[k]!.file).toBeLessThan(starter[k]! / 2);
    }
  });
});
