// A regrade's diff: the scores a batch recorded (its manifest and its students' JSON reports) against
// a new grading of the same class, per student and test, with why each changed: the rubric's own
// change (points, time limit, thresholds, a trace's definition), the submission's (its sha256), the
// grader code's, another exercise file's, and what the test says now. A score that changed with
// nothing recorded to explain it is said to be so: that grade did not reproduce.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GraderVersion, Thresholds } from '../../../engine/grader';
import type { Batch } from './batch';
import { ManifestError, type BatchManifest, type TestRecord } from './manifest';

/** One test of one student's report, as the diff compares it. */
export interface Cell {
  score: number;
  max: number;
  status: 'passed' | 'failed';
  output: string;
}

/** What a student's recorded report holds: the total and each test by name. */
export interface OldReport {
  score: number;
  tests: Map<string, Cell>;
}

export interface RegradeRow {
  student: string;
  test: string;
  /** Null when the test (or the student) was not graded before, or is not now. */
  old: Cell | null;
  now: Cell | null;
  reasons: string[];
}

export interface RegradeDiff {
  exercise: string;
  graded: string;
  old: GraderVersion;
  now: GraderVersion;
  /** Exercise files whose hash changed, with `+` for a new file and `-` for one gone. */
  files: string[];
  /** Every change of the rubric: `ramp: points 10 → 5`, `thresholds.utilization 0.4–0.8 → 0.4–0.6`. */
  rubric: string[];
  /** Per student, in student order: the total before and now (null when not graded then or now). */
  totals: { student: string; old: number | null; now: number | null }[];
  /** The (student, test) pairs whose score or status changed, in student then rubric order. */
  rows: RegradeRow[];
}

/** Reads each student's JSON report of the batch in `dir`; ManifestError naming a report that is missing or malformed. */
export function readOldReports(dir: string, manifest: BatchManifest): Map<string, OldReport> {
  const reports = new Map<string, OldReport>();
  for (const { student, report } of manifest.students) {
    const file = join(dir, 'reports', `${report}.json`);
    let data: { score?: unknown; tests?: { name: string; score: number; max_score: number; status: 'passed' | 'failed'; output: string }[] };
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ManifestError(`${file}: the report of '${student}' cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    const ok = typeof data.score === 'number' && Array.isArray(data.tests)
      && data.tests.every((t) => typeof t?.name === 'string' && typeof t.score === 'number' && typeof t.max_score === 'number' && typeof t.output === 'string');
    if (!ok) throw new ManifestError(`${file}: not a report of freenos-lab grade (score and tests[] with name, score, max_score, status, output)`);
    const tests = new Map(data.tests!.map((t) => [t.name, { score: t.score, max: t.max_score, status: t.status, output: t.output }] as const));
    reports.set(student, { score: data.score as number, tests });
  }
  return reports;
}

const band = (b: { min: number; max: number } | null | undefined): string => (b ? `${b.min}–${b.max}` : 'none');
const weights = (t: Thresholds): string => `${t.weights?.utilization ?? 0.6}/${t.weights?.throughput ?? 0.4}`;

/** The thresholds' changes: `thresholds.utilization 0.4–0.8 → 0.4–0.6`, ... */
function thresholdChanges(old: Thresholds, now: Thresholds): string[] {
  const changes: string[] = [];
  for (const key of ['utilization', 'throughput'] as const) {
    if (band(old[key]) !== band(now[key])) changes.push(`thresholds.${key} ${band(old[key])} → ${band(now[key])}`);
  }
  if (weights(old) !== weights(now)) changes.push(`thresholds.weights ${weights(old)} → ${weights(now)}`);
  return changes;
}

/** What changed in one test's definition: its fields, its traces' definitions, and for a performance test the thresholds. */
function testChanges(old: TestRecord, now: TestRecord, before: BatchManifest['rubric'], after: BatchManifest['rubric']): string[] {
  const changes: string[] = [];
  for (const key of ['kind', 'points', 'timeLimitSeconds', 'visibility', 'partialCredit'] as const) {
    if (old[key] !== now[key]) changes.push(`${key} ${String(old[key])} → ${String(now[key])}`);
  }
  if (old.traces.join(',') !== now.traces.join(',')) changes.push(`traces ${old.traces.join(', ')} → ${now.traces.join(', ')}`);
  if (band(old.utilization) !== band(now.utilization)) changes.push(`utilization ${band(old.utilization)} → ${band(now.utilization)}`);
  for (const trace of now.traces) {
    if (old.traces.includes(trace) && before.traces[trace] !== after.traces[trace]) changes.push(`trace '${trace}' changed`);
  }
  if (now.kind === 'performance') changes.push(...thresholdChanges(before.thresholds, after.thresholds));
  return changes;
}

/** The exercise files whose hash changed: the name, `+name` for a new one, `-name` for one gone. */
function changedFiles(old: Record<string, string>, now: Record<string, string>): string[] {
  const names = [...new Set([...Object.keys(old), ...Object.keys(now)])].sort();
  return names.filter((n) => old[n] !== now[n]).map((n) => (!(n in old) ? `+${n}` : !(n in now) ? `-${n}` : n));
}

/** The first line of a failed test's output that says why (a FAILED or TIMED OUT verdict), else its first line; cut to 200 characters. */
function failureLine(output: string): string {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const line = lines.find((l) => /FAILED|TIMED OUT|does not compile/.test(l)) ?? lines[0] ?? 'failed';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/** 'index 61.3 → 55.0' when both outputs carry a performance index line; else null. */
function indexChange(old: string, now: string): string | null {
  const index = (s: string) => /performance index ([\d.]+) \/ 100/.exec(s)?.[1];
  const [a, b] = [index(old), index(now)];
  return a !== undefined && b !== undefined && a !== b ? `performance index ${a} → ${b}` : null;
}

/**
 * The diff between the batch `old` recorded (`reports`: its students' reports) and the new grading
 * `batch` (whose manifest is `now`). A row for every student and test whose score or status changed.
 */
export function diffRegrade(old: BatchManifest, reports: Map<string, OldReport>, now: BatchManifest, batch: Batch): RegradeDiff {
  const files = changedFiles(old.exercise.files, now.exercise.files);
  const traceFiles = new Set(Object.values(batch.exercise.spec.traces).flatMap((s) => ('file' in s ? [s.file] : [])));
  const otherFiles = files.filter((f) => f.replace(/^[+-]/, '') !== 'exercise.yaml' && !traceFiles.has(f.replace(/^[+-]/, '')));
  const oldTests = new Map(old.rubric.tests.map((t) => [t.name, t]));
  const newTests = new Map(now.rubric.tests.map((t) => [t.name, t]));
  const graded = (m: BatchManifest) => (m.tests === null ? m.rubric.tests.map((t) => t.name) : m.tests);
  const testOrder = [...new Set([...graded(now), ...graded(old)])];

  const rubric: string[] = [];
  for (const name of testOrder) {
    const [a, b] = [oldTests.get(name), newTests.get(name)];
    if (a && !b) rubric.push(`${name}: removed`);
    else if (!a && b) rubric.push(`${name}: added (${b.points} points)`);
    else if (a && b) rubric.push(...testChanges(a, b, { ...old.rubric, thresholds: now.rubric.thresholds }, now.rubric).map((c) => `${name}: ${c}`));
  }
  rubric.push(...thresholdChanges(old.rubric.thresholds, now.rubric.thresholds));

  const oldStudents = new Map(old.students.map((s) => [s.student, s]));
  const newStudents = new Map(now.students.map((s) => [s.student, s]));
  const results = new Map(batch.results.map((r) => [r.student, r]));
  const students = [...new Set([...now.students.map((s) => s.student), ...old.students.map((s) => s.student)])];
  const rows: RegradeRow[] = [];
  const totals: RegradeDiff['totals'] = [];
  for (const student of students) {
    const before = reports.get(student);
    const result = results.get(student);
    totals.push({ student, old: before?.score ?? null, now: result?.report.score ?? null });
    const common: string[] = [];
    const [was, is] = [oldStudents.get(student), newStudents.get(student)];
    if (!was) common.push('a new student in the submissions folder');
    else if (!is) common.push('no longer in the submissions folder');
    else if (was.sha256 !== is.sha256) common.push(was.sha256 === null ? 'submission added' : is.sha256 === null ? 'submission gone' : 'submission changed');
    if (old.grader.code !== now.grader.code) common.push(`grader changed: ${old.grader.code} → ${now.grader.code}`);
    for (const test of testOrder) {
      const a = before?.tests.get(test) ?? null;
      const b = result?.report.tests.find((t) => t.name === test);
      const cell: Cell | null = b ? { score: b.score, max: b.maxScore, status: b.status, output: b.output } : null;
      if (a?.score === cell?.score && a?.status === cell?.status) continue;
      const [ra, rb] = [oldTests.get(test), newTests.get(test)];
      const reasons: string[] = [];
      if (!ra || !rb) reasons.push(!rb ? 'test removed from the rubric' : 'test added to the rubric');
      else reasons.push(...testChanges(ra, rb, old.rubric, now.rubric));
      // Other exercise files (a reference, a heap limit in exercise.yaml when no field of the test says more).
      const exerciseFiles = reasons.length === 0 && files.includes('exercise.yaml') ? ['exercise.yaml', ...otherFiles] : otherFiles;
      reasons.push(...common);
      if (exerciseFiles.length > 0) reasons.push(`exercise changed: ${old.grader.exercise} → ${now.grader.exercise} (${exerciseFiles.join(', ')})`);
      if (reasons.length === 0) reasons.push('no recorded change explains it: this grade did not reproduce');
      if (cell?.status === 'failed') reasons.push(`now: ${failureLine(cell.output)}`);
      else if (a?.status === 'failed' && cell?.status === 'passed') reasons.push('now passes');
      const index = a && cell ? indexChange(a.output, cell.output) : null;
      if (index) reasons.push(index);
      rows.push({ student, test, old: a, now: cell, reasons });
    }
  }
  return { exercise: now.exercise.id, graded: old.graded, old: old.grader, now: now.grader, files, rubric, totals, rows };
}
