// gradeSource on the tiny fixture exercise (tests/host/grader/fixtures/tiny): the reference earns
// every correctness point, the starter passes, grading is deterministic apart from the times, tests
// can be selected by name, and a bad request or a broken exercise is an ExerciseError naming why.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExerciseError } from '../../../electron/host/grader/exercise';
import { formatJson, withoutTiming } from '../../../electron/host/grader/formats';
import { gradeSource, measureReference } from '../../../electron/host/grader/grade';
import type { GradeReport } from '../../../engine/grader/Grade';

const TINY = path.join(import.meta.dirname, 'fixtures', 'tiny');
const read = (file: string) => readFileSync(path.join(TINY, file), 'utf8');

/** The report's score is the sum of its tests', and no test earns more than its maximum. */
function expectHonest(report: GradeReport): void {
  const sum = report.tests.reduce((total, t) => total + t.score, 0);
  expect(report.score).toBeCloseTo(sum, 9);
  for (const t of report.tests) {
    expect(t.score).toBeGreaterThanOrEqual(0);
    expect(t.score).toBeLessThanOrEqual(t.maxScore);
    if (t.status === 'failed') expect(t.score).toBe(0);
  }
}

/** A copy of the fixture in a temp folder, with `edit` applied to its exercise.yaml text. */
function brokenCopy(edit: (yaml: string) => string): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'lab-grade-')), 'tiny');
  cpSync(TINY, dir, { recursive: true });
  const file = path.join(dir, 'exercise.yaml');
  writeFileSync(file, edit(readFileSync(file, 'utf8')));
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<ExerciseError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ExerciseError) return error;
    throw error;
  }
  throw new Error('expected an ExerciseError');
}

describe('gradeSource on the tiny exercise', () => {
  let referenceWork: Record<string, number>;

  beforeAll(async () => {
    referenceWork = await measureReference(TINY);
  });

  it('measures the reference on the performance test\'s traces', () => {
    expect(Object.keys(referenceWork).sort()).toEqual(['random', 'realloc']);
    for (const work of Object.values(referenceWork)) expect(Number.isInteger(work) && work >= 0).toBe(true);
  });

  it('gives the reference every correctness point (and its own throughput ratio of 1)', async () => {
    const { report, referenceWork: measured } = await gradeSource(TINY, read('reference.ts'), path.join(TINY, 'reference.ts'));
    expect(report.exercise).toBe('tiny');
    expect(report.submission).toBe('reference.ts');
    expect(report.notes).toEqual([]);
    expect(report.tests.map((t) => [t.name, t.number, t.kind, t.visibility, t.status])).toEqual([
      ['random', '1', 'correctness', 'visible', 'passed'],
      ['realloc', '2', 'correctness', 'visible', 'passed'],
      ['performance', '3', 'performance', 'after_due_date', 'passed'],
    ]);
    for (const t of report.tests.filter((t) => t.kind === 'correctness')) expect(t.score).toBe(t.maxScore);
    const perf = report.tests[2]!;
    expect(perf.performance!.throughput).toBe(1);
    expect(perf.output).toMatch(/^random: passed \(300 operations, utilization \d+\.\d %, \d+ work units\)$/m);
    expect(perf.output).toMatch(/^performance index \d+\.\d \/ 100: /m);
    expect(report.maxScore).toBe(10);
    expectHonest(report);
    // Measured in the same sandbox, the reference's work is what measureReference found.
    expect(measured).toEqual(referenceWork);
  });

  it('passes the starter (a bump allocator) on every test', async () => {
    const { report } = await gradeSource(TINY, read('starter.ts'), 'starter.ts', { referenceWork });
    expect(report.tests.map((t) => t.status)).toEqual(['passed', 'passed', 'passed']);
    expect(report.tests.slice(0, 2).map((t) => t.score)).toEqual([3, 2]);
    expect(report.tests[2]!.score).toBeLessThanOrEqual(5);
    expectHonest(report);
  });

  it('is deterministic: the same submission twice gives the same report apart from the times', async () => {
    const source = read('starter.ts').replace('free(_address: number): void {}', "free(address: number): void { if (address % 64 === 0) console.log('free', address); }");
    const first = await gradeSource(TINY, source, 'logger.ts');
    const second = await gradeSource(TINY, source, 'logger.ts');
    expect(first.report.tests[0]!.output).toMatch(/^log on random:$/m);
    expect(withoutTiming(second.report)).toEqual(withoutTiming(first.report));
    expect(formatJson(withoutTiming(second.report))).toBe(formatJson(withoutTiming(first.report)));
    expect(second.referenceWork).toEqual(first.referenceWork);
    expect(first.referenceWork).toEqual(referenceWork);
    expect(first.report.ms).toBeGreaterThan(0);
  });

  it('runs only the selected tests, in rubric order', async () => {
    const { report, referenceWork: measured } = await gradeSource(TINY, read('starter.ts'), 'starter.ts', { tests: ['realloc'] });
    expect(report.tests.map((t) => t.name)).toEqual(['realloc']);
    expect([report.score, report.maxScore]).toEqual([2, 2]);
    expect(measured).toEqual({}); // no performance test: the reference never ran
    const both = await gradeSource(TINY, read('starter.ts'), 'starter.ts', { tests: ['performance', 'random'], referenceWork });
    expect(both.report.tests.map((t) => t.name)).toEqual(['random', 'performance']);
    expect(both.report.maxScore).toBe(8);
  });

  it('throws ExerciseError for an unknown test name, naming it and the known ones', async () => {
    const e = await rejection(gradeSource(TINY, read('starter.ts'), 'starter.ts', { tests: ['random', 'nope'] }));
    expect(e.message).toContain("no test named 'nope' (tests: random, realloc, performance)");
    expect(e.message).toContain(path.join(TINY, 'exercise.yaml'));
  });
});

describe('gradeSource on a submission stuck where no work unit counts', () => {
  // A backreference keeps V8 from its linear-time engine: this match backtracks in one built-in call
  // the meter never sees (natively 8 s for 26 characters, doubling with each more: 40 takes days).
  const STUCK = read('starter.ts').replace(/(\n {2}malloc\(size: number\): number \{)/, "$1\n    if (size === 243 && /^(a+)+\\1b/.test('a'.repeat(40) + 'c')) return 0;");

  it('fails the one test stuck in a backtracking regex with \'stopped answering\', and grades the others in a fresh worker', async () => {
    expect(STUCK).not.toBe(read('starter.ts'));
    // Limits of 0.5 s: the watch on a trace (3 x 0.5 s + 5 s of backstop, and 5 s more) fires after 11.5 s.
    const dir = brokenCopy((yaml) => yaml.replaceAll('timeLimitSeconds: 3', 'timeLimitSeconds: 0.5'));
    const started = performance.now();
    const { report } = await gradeSource(dir, STUCK, 'stuck.ts');
    expect(performance.now() - started).toBeLessThan(60_000);
    expect(report.tests.map((t) => [t.name, t.status])).toEqual([['random', 'failed'], ['realloc', 'passed'], ['performance', 'failed']]);
    const [random, realloc, perf] = report.tests;
    const why = "the submission stopped answering: it ran past the test's time limit and its wall-clock backstop in code no work unit counts";
    expect(random!.output).toContain(why);
    expect(random!.traces.map((o) => [o.trace, o.ok, o.failure?.kind])).toEqual([['random', false, 'timeout']]);
    expect([random!.score, realloc!.score, perf!.score]).toEqual([0, 2, 0]);
    expect(realloc!.output).toMatch(/^realloc: passed \(\d+ operations, /m);
    // The performance test runs random too: it reuses that trace's verdict rather than getting stuck again, and runs realloc.
    expect(perf!.traces.map((o) => [o.trace, o.ok])).toEqual([['random', false], ['realloc', true]]);
    expect(perf!.output).toContain(why);
    expect(report.notes).toHaveLength(1);
    expect(report.notes[0]).toMatch(/^random: the submission stopped answering: /);
    expectHonest(report);
  }, 120_000);
});

describe('gradeSource on a broken exercise', () => {
  it('names the bad field of exercise.yaml', async () => {
    const dir = brokenCopy((yaml) => yaml.replace('{ name: realloc, trace: realloc, points: 2,', '{ name: realloc, trace: realloc, points: -2,'));
    const e = await rejection(gradeSource(dir, read('starter.ts'), 'starter.ts'));
    expect(e.message).toBe(`${path.join(dir, 'exercise.yaml')}: grading.tests[1].points: must be a number from 0 up`);
  });

  it('names an unknown trace, an unknown key and a missing file', async () => {
    const unknownTrace = brokenCopy((yaml) => yaml.replace('traces: [random, realloc]', 'traces: [random, realloc, hidden]'));
    expect((await rejection(gradeSource(unknownTrace, '', 's.ts'))).message).toMatch(/grading\.tests\[2\]\.traces\[2\]: 'hidden' is not in the exercise's traces \(random, realloc\)$/);
    const unknownKey = brokenCopy((yaml) => yaml.replace('  parent: sbrk', '  parent: sbrk\n  base: 4096'));
    expect((await rejection(gradeSource(unknownKey, '', 's.ts'))).message).toMatch(/: heap\.base: unknown field \(expected one of limit, parent\)$/);
    const missing = brokenCopy((yaml) => yaml.replace('reference: reference.ts', 'reference: solution.ts'));
    expect((await rejection(gradeSource(missing, '', 's.ts'))).message).toMatch(/: reference: solution\.ts does not exist in /);
  });

  it('says where YAML that does not parse is', async () => {
    const dir = brokenCopy((yaml) => yaml.replace('grading:', 'grading: [oops'));
    expect((await rejection(gradeSource(dir, '', 's.ts'))).message).toMatch(/exercise\.yaml: not valid YAML: /);
  });
});
