// diffRegrade and its outputs on hand-made records (no grading): a test removed from the rubric and
// one added, a student gone and a new one, a reference changed (an exercise file that is neither
// exercise.yaml nor a trace), and the CSV's and Markdown's shape.
import { describe, expect, it } from 'vitest';
import type { Batch } from '../../../electron/host/grader/batch';
import type { BatchManifest, TestRecord } from '../../../electron/host/grader/manifest';
import { diffRegrade, type OldReport } from '../../../electron/host/grader/regrade';
import { regradeCsv, regradeMarkdown, regradeSummary } from '../../../electron/host/grader/regradeOutput';
import { gradeReport, type TestResult } from '../../../engine/grader/Grade';

const test = (name: string, points: number, kind: TestRecord['kind'] = 'correctness'): TestRecord =>
  ({ name, kind, traces: [name], points, visibility: 'visible', timeLimitSeconds: 3, partialCredit: false, utilization: null });

function manifest(tests: TestRecord[], students: string[], files: Record<string, string>, code = 'c0de'): BatchManifest {
  return {
    manifest: 1, graded: '2026-01-01T00:00:00.000Z', exercise: { id: 'x', dir: '/x', files }, submissions: '/s', tests: null,
    grader: { version: `v-${code}`, code, exercise: Object.values(files).join('') }, seed: null,
    rubric: { thresholds: { utilization: { min: 0.1, max: 0.3 }, throughput: { min: 0.5, max: 1 } }, tests, traces: Object.fromEntries(tests.map((t) => [t.name, 'p'])) },
    students: students.map((student) => ({ student, file: `${student}.ts`, sha256: `sha-${student}`, report: student })),
  };
}

const result = (name: string, score: number, max: number, output = ''): TestResult => ({
  name, number: '1', kind: 'correctness', visibility: 'visible', status: score > 0 ? 'passed' : 'failed', score, maxScore: max,
  output, performance: null, traces: [], notRun: [], ms: 0,
});

const old = (tests: [string, number, number][]): OldReport => ({
  score: tests.reduce((total, [, s]) => total + s, 0),
  tests: new Map(tests.map(([name, score, max]) => [name, { score, max, status: score > 0 ? 'passed' : 'failed', output: '' }])),
});

describe('diffRegrade', () => {
  const before = manifest([test('a', 2), test('gone', 3)], ['ann', 'bob'], { 'exercise.yaml': '1', 'reference.ts': '2' });
  const after = manifest([test('a', 2), test('fresh', 4)], ['ann', 'cy'], { 'exercise.yaml': '3', 'reference.ts': '4' });
  const reports = new Map([['ann', old([['a', 2, 2], ['gone', 3, 3]])], ['bob', old([['a', 2, 2], ['gone', 0, 3]])]]);
  const batch = {
    exercise: { spec: { traces: { a: { generate: 'g', options: {} } } } },
    results: [
      { student: 'ann', report: gradeReport('x', 'ann', [result('a', 0, 2, 'a: FAILED at operation 3 (g: a 1 8): overlap'), result('fresh', 4, 4)], [], 0) },
      { student: 'cy', report: gradeReport('x', 'cy', [result('a', 2, 2), result('fresh', 0, 4, 'fresh: FAILED at operation 0')], [], 0) },
    ],
  } as unknown as Batch;
  const diff = diffRegrade(before, reports, after, batch);

  it('lists the rubric changes and the files, and a row per changed score with its reasons', () => {
    expect(diff.rubric).toEqual(['fresh: added (4 points)', 'gone: removed']);
    expect(diff.files).toEqual(['exercise.yaml', 'reference.ts']);
    // The reference changed for every test; exercise.yaml is named only where no field of the test explains more.
    const changed = 'exercise changed: 12 → 34 (reference.ts)';
    const yaml = 'exercise changed: 12 → 34 (exercise.yaml, reference.ts)';
    expect(diff.rows.map((r) => [r.student, r.test, r.old?.score ?? null, r.now?.score ?? null, r.reasons.join('; ')])).toEqual([
      ['ann', 'a', 2, 0, `${yaml}; now: a: FAILED at operation 3 (g: a 1 8): overlap`],
      ['ann', 'fresh', null, 4, `test added to the rubric; ${changed}`],
      ['ann', 'gone', 3, null, `test removed from the rubric; ${changed}`],
      ['cy', 'a', null, 2, `a new student in the submissions folder; ${yaml}`],
      ['cy', 'fresh', null, 0, `test added to the rubric; a new student in the submissions folder; ${changed}; now: fresh: FAILED at operation 0`],
      ['bob', 'a', 2, null, `no longer in the submissions folder; ${yaml}`],
      ['bob', 'gone', 0, null, `test removed from the rubric; no longer in the submissions folder; ${changed}`],
    ]);
    expect(diff.totals).toEqual([{ student: 'ann', old: 5, now: 4 }, { student: 'cy', old: null, now: 2 }, { student: 'bob', old: 2, now: null }]);
  });

  it('writes the rows as CSV and Markdown, and says when nothing changed', () => {
    const csv = regradeCsv(diff).split('\r\n');
    expect(csv[0]).toBe('student,test,old_score,new_score,old_max,new_max,old_status,new_status,reason');
    expect(csv[2]).toBe('ann,fresh,,4,,4,,passed,"test added to the rubric; exercise changed: 12 → 34 (reference.ts)"'); // ';' is quoted (a separator in some locales)
    expect(csv).toHaveLength(diff.rows.length + 2);
    const md = regradeMarkdown(diff);
    expect(md).toContain('| ann | gone | 3 / 3 passed | — | test removed from the rubric; exercise changed: 12 → 34 (reference.ts) |');
    expect(md).toContain('| bob | 2 | **—** |');
    const short = regradeMarkdown(diff, { rows: 2, totals: false });
    expect(short).toContain('| … | 5 more in regrade.csv | | | |');
    expect(short).not.toContain('## Totals');
    expect(regradeSummary(diff)).toBe('3 of 3 students changed score, in 3 tests (a, fresh, gone); mean 3.5 → 3.');
    const same = diffRegrade(after, new Map([['ann', old([['a', 0, 2], ['fresh', 4, 4]])], ['cy', old([['a', 2, 2], ['fresh', 0, 4]])]]), after, batch);
    expect(same.rows).toEqual([]);
    expect(regradeSummary(same)).toBe('No score changed: 2 students, mean 3 before and now.');
  });
});
