// PolicyRanking: the paper's three measures on series worked out by hand; a small trace whose
// every policy result is computed by hand from the allocators' layouts (below); the ranking's rules
// (ties share a rank, a row that failed a trace comes after every complete row, extra rows); and
// the whole table on two lab traces, deterministic.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jwMeasures, policyCell, rankPolicies, rankRows, runPolicy, type PolicyCell } from '../../../engine/grader/PolicyRanking';
import { OpKind, traceOf } from '../../../engine/workload/Trace';
import { parseTrace } from '../../../engine/workload/TraceFormat';
import { PAPER_POLICY_IDS, isPaperPolicyId, paperPolicy } from '../../../engine/workload/paperPolicies';

const HEAP = { limit: 1024 * 1024, parent: 'sbrk' as const };

/**
 * a0 200, a1 24, f0, a2 40, a3 40, a4 40: peak live 224 after op 1.
 * - buddy: a0 in 256 at 0 (heap 256); a1 in 32 at 256 (288; 288..512 split into 32, 64, 128 free);
 *   f0; a2 in the 64 at 320 (384); a3 splits the 128 at 384 (448); a4 takes 448 (512, live 144).
 * - segregated: a0 opens class 256 (4096), a1 class 32 (8192), a2 class 64 (12288, live 64); a3, a4 share it.
 * - first fit, address-ordered: a 16-byte prologue, a0's 208-byte block (224), a1's 32 (256); f0
 *   leaves a 208-byte hole that a2, a3, a4 (48 bytes each) are cut from: the heap stays 256.
 */
const small = traceOf('small', [
  [OpKind.Alloc, 0, 200], [OpKind.Alloc, 1, 24], [OpKind.Free, 0], [OpKind.Alloc, 2, 40], [OpKind.Alloc, 3, 40], [OpKind.Alloc, 4, 40],
]);

describe('jwMeasures', () => {
  it('takes #4 from the two maxima, #3 and #2 at the operation each maximum was first reached', () => {
    // live 100, 300, 150, 250; heap 128, 512, 512, 1024 (live 250 when it first reaches 1024).
    expect(jwMeasures([100, 300, 150, 250], [128, 512, 512, 1024], 4)).toEqual({ frag4: 1024 / 300 - 1, frag3: 1024 / 250 - 1, frag2: 512 / 300 - 1 });
    expect(jwMeasures([100, 300, 150, 250], [128, 512, 512, 1024], 2)).toEqual({ frag4: 512 / 300 - 1, frag3: 512 / 300 - 1, frag2: 512 / 300 - 1 });
  });

  it('has no measure when nothing was ever live', () => {
    expect(jwMeasures([0, 0], [16, 16], 2)).toBeNull();
    expect(jwMeasures([], [], 0)).toBeNull();
  });
});

describe('runPolicy on a trace worked out by hand', () => {
  it.each([
    ['buddy', 512, { frag4: 512 / 224 - 1, frag3: 512 / 144 - 1, frag2: 288 / 224 - 1 }],
    ['segregated', 12288, { frag4: 12288 / 224 - 1, frag3: 12288 / 64 - 1, frag2: 8192 / 224 - 1 }],
    ['first-address', 256, { frag4: 256 / 224 - 1, frag3: 256 / 224 - 1, frag2: 256 / 224 - 1 }],
  ] as const)('%s: heap high-water %d bytes', (id, highWater, measures) => {
    const cell = runPolicy(small, id, HEAP);
    expect(cell).toEqual({ trace: 'small', ok: true, failure: null, measures, peakPayload: 224, heapHighWater: highWater });
  });

  it('ranks the three by mean #4: first fit, buddy, segregated storage', () => {
    const ranking = rankPolicies([small], { heap: HEAP, policies: ['segregated', 'buddy', 'first-address'] });
    expect(ranking.traces).toEqual([{ name: 'small', file: 'generator:small', operations: 6 }]);
    expect(ranking.rows.map((r) => [r.rank, r.id, r.label])).toEqual([[1, 'first-address', 'first fit, address-ordered'], [2, 'buddy', 'binary buddy'], [3, 'segregated', 'simple segregated storage']]);
    expect(ranking.rows[1]!.mean4).toBeCloseTo(512 / 224 - 1, 12);
  });
});

describe('rankRows', () => {
  const cell = (frag4: number | null, ok = true): PolicyCell => ({
    trace: 't', ok, failure: ok ? null : 't.trace:3: a 1 8: malloc(8) returned 0 (no memory)', measures: frag4 === null ? null : { frag4, frag3: frag4, frag2: frag4 }, peakPayload: 1, heapHighWater: 1,
  });
  const row = (id: string, ...cells: PolicyCell[]) => ({ id, label: id, extra: false, cells });

  it('orders by mean #4, shares a rank on a tie, and puts rows that failed a trace last, unranked', () => {
    const ranked = rankRows([row('c', cell(0.3), cell(0.1)), row('x', cell(0.01), cell(null, false)), row('a', cell(0.1), cell(0.1)), row('b', cell(0.2), cell(0.0))]);
    expect(ranked.map((r) => [r.id, r.rank])).toEqual([['a', 1], ['b', 1], ['c', 3], ['x', null]]);
    expect(ranked.map((r) => r.mean4)).toEqual([0.1, 0.1, 0.2, 0.01]);
  });

  it('leaves a trace without a measure out of the mean', () => {
    expect(rankRows([row('a', cell(0.2), cell(null))])[0]!.mean4).toBe(0.2);
    expect(rankRows([row('a', cell(null))])[0]).toMatchObject({ mean4: null, rank: 1 });
  });

  it('ranks an extra row among the policies, and refuses one whose cells do not match the traces', () => {
    const student = { id: 'submission', label: 'mine.ts', cells: [policyCell('small', null, [100, 224], [200, 230], 2)] };
    const ranking = rankPolicies([small], { heap: HEAP, policies: ['first-address', 'buddy'], extra: [student] });
    expect(ranking.rows.map((r) => [r.id, r.rank, r.extra])).toEqual([['submission', 1, true], ['first-address', 2, false], ['buddy', 3, false]]);
    expect(ranking.rows[0]!.mean4).toBeCloseTo(230 / 224 - 1, 12);
    expect(() => rankPolicies([small], { heap: HEAP, policies: [], extra: [{ ...student, cells: [] }] })).toThrow("row 'submission' has 0 cells for 1 traces");
  });
});

describe('paperPolicies', () => {
  it('names eleven policies, each runnable, the free-list ones with one list, immediate coalescing and exact growth', () => {
    expect(PAPER_POLICY_IDS).toHaveLength(11);
    expect(isPaperPolicyId('best-address')).toBe(true);
    expect(isPaperPolicyId('worst-lifo')).toBe(false);
    expect(paperPolicy('next-fifo')).toMatchObject({ label: 'next fit, FIFO', config: { fit: 'next', order: 'fifo', sizeClasses: [], coalesce: 'immediate', splitThreshold: 16, growBy: 8 } });
    expect(paperPolicy('buddy').config).toBeNull();
  });
});

describe('rankPolicies on lab traces', () => {
  it('ranks every policy on two traces, the same table on every run', () => {
    const dir = path.resolve(import.meta.dirname, '../../../exercises/traces');
    const traces = ['peak.trace', 'ramp-random.trace'].map((f) => parseTrace(readFileSync(path.join(dir, f), 'latin1'), f));
    const heap = { limit: 32 * 1024 * 1024, parent: 'sbrk' as const };
    const ranking = rankPolicies(traces, { heap });
    expect(ranking.rows).toHaveLength(11);
    expect(ranking.rows.every((r) => r.cells.every((c) => c.ok && c.measures !== null && c.measures.frag4 >= 0))).toBe(true);
    const means = ranking.rows.map((r) => r.mean4!);
    expect([...means].sort((a, b) => a - b)).toEqual(means);
    // Power-of-two rounding costs the buddy system and segregated storage more than any free list loses to holes.
    expect(ranking.rows.slice(-2).map((r) => r.id).sort()).toEqual(['buddy', 'segregated']);
    expect(rankPolicies(traces, { heap, policies: ['buddy', 'best-address'] }).rows.map((r) => r.mean4))
      .toEqual(['best-address', 'buddy'].map((id) => ranking.rows.find((r) => r.id === id)!.mean4));
  });
});
