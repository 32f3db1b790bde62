// Grading an api exercise (01-bit-allocator): the student's class is checked call by call against
// the engine's BitAllocator. The reference earns full marks; the starter fails with the call, the
// expected and the returned values; a class that loops, throws or lacks a method fails cleanly; a
// student pack keeps the hidden scenarios (and their seeds) out.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatJson } from '../../../electron/host/grader/formats';
import { gradeSource } from '../../../electron/host/grader/grade';
import { writePack } from '../../../electron/host/grader/pack';

const EXERCISE = path.resolve(import.meta.dirname, '../../../exercises/01-bit-allocator');
const read = (file: string) => readFileSync(path.join(EXERCISE, file), 'utf8');
const reference = read('reference.ts');

describe('grading 01-bit-allocator', { timeout: 60_000 }, () => {
  it('gives the reference full marks, every scenario answered as FreeNOS does', async () => {
    const { report } = await gradeSource(EXERCISE, reference, 'reference.ts');
    expect([report.score, report.maxScore]).toEqual([10, 10]);
    for (const test of report.tests) for (const o of test.traces) expect(o.calls).toBeGreaterThan(0);
    expect(report.tests[0]!.output).toMatch(/^small: passed \(40 calls answered as FreeNOS does\)$/m);
    const json = JSON.parse(formatJson(report)) as { tests: { extra_data: { traces: { calls?: number; metrics: unknown }[] } }[] };
    expect(json.tests[0]!.extra_data.traces[0]).toMatchObject({ calls: 40, metrics: null });
  });

  it('fails the starter at a call, with what FreeNOS returns and what came back', async () => {
    const { report } = await gradeSource(EXERCISE, read('starter.ts'), 'starter.ts');
    expect(report.score).toBeLessThan(report.maxScore);
    const failed = report.tests.find((t) => t.status === 'failed')!;
    expect(failed.output).toMatch(/FAILED at call \d+ of \d+ \(\w+\([^)]*\)\): \w+\([^)]*\) returned .+, FreeNOS returns .+/);
    // One numbering for the student: the call counted from 1; the 0-based index stays in the failure for tools.
    const call = Number(/FAILED at call (\d+) of/.exec(failed.output)![1]);
    expect(failed.traces[0]!.failure!.op).toBe(call - 1);
    expect(failed.output).not.toMatch(/operation \d+/);
    expect(failed.traces[0]!.failure!.kind).toBe('mismatch');
  });

  it('fails a class that loops, throws or lacks a method, with the reason', async () => {
    const looping = reference.replace(/\n {2}allocate\(size: number, alignment: number\): BitAllocation \{/, '$& for (;;) {}');
    expect(looping).not.toBe(reference);
    const loop = (await gradeSource(EXERCISE, looping, 'mine.ts', { tests: ['small'] })).report.tests[0]!;
    expect(loop.output).toMatch(/^small: TIMED OUT at call \d+ of \d+ .*: allocate\(\d+, \d+\) did not finish within 500,000,000 units, the most one call may use \(an endless loop\?\)$/m);
    // Where it stopped: call k of n (the student's call that ran out) and the k - 1 calls answered before it.
    const [, k, n] = /^small: TIMED OUT at call (\d+) of (\d+) /m.exec(loop.output)!;
    const stopped = new RegExp(`^  stopped by its time limit at call ${k} of ${n} \\(allocate\\(\\d+, \\d+\\)\\): ${Number(k) - 1} calls? answered as FreeNOS does$`, 'm');
    expect(loop.output).toMatch(stopped);
    expect(loop.traces[0]).toMatchObject({ calls: Number(k) - 1, total: Number(n) });
    const throwing = reference.replace(/\n {2}available\(\): number \{/, "$& throw new Error('not yet');");
    expect(throwing).not.toBe(reference);
    const threw = (await gradeSource(EXERCISE, throwing, 'mine.ts', { tests: ['small'] })).report.tests[0]!;
    // The position is the `new Error` the throw added to reference.ts's line 44; the method is named with its class.
    expect(threw.output).toMatch(/available\(\) threw Error: not yet \(at mine\.ts:44:31 in BitAllocator\.available\)$/m);
    const missing = reference.replace(/\n {2}bitmap\(\)/, '\n  bitmapNot()');
    expect(missing).not.toBe(reference);
    const lacks = (await gradeSource(EXERCISE, missing, 'mine.ts', { tests: ['small'] })).report.tests[0]!;
    expect(lacks.output).toMatch(/the class has no bitmap method \(it needs allocate, release, available, bitmap\)/);
    for (const t of [loop, threw, lacks]) expect([t.status, t.score]).toEqual(['failed', 0]);
  });

  it('packs for students without the hidden scenarios', async () => {
    const [packed] = await writePack([EXERCISE], mkdtempSync(path.join(tmpdir(), 'lab-api-pack-')), { student: true });
    expect(packed!.withheld.sort()).toEqual(['hidden-1', 'hidden-2']);
    const { report } = await gradeSource(packed!.dir, reference, 'reference.ts');
    expect([report.score, report.maxScore]).toEqual([8, 8]);
    expect(report.notes).toEqual(['1 hidden test (hidden; 2 points) is not in this pack: your instructor grades it']);
  });
});
