// Writing a batch's grades: grades.csv (one row per student, one column per rubric test), each
// student's report as text and JSON under reports/, and batch.json (manifest.ts: what a regrade needs). Cells are quoted per RFC 4180 and guarded
// against spreadsheet formulas; student names become safe, distinct file names; every file is
// written to a temporary name in its folder and renamed, so a reader never sees half a file.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { GradeReport } from '../../../engine/grader';
import type { Batch } from './batch';
import { formatJson, formatText } from './formats';
import { MANIFEST, batchManifest, type BatchManifest } from './manifest';

/** A text a spreadsheet may run as a formula: one starting (after any spaces) with =, +, -, @ or their full-width forms, or with a tab or CR. */
const FORMULA = /^[\s\u3000]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r]/;

/**
 * One CSV field: a text a spreadsheet could run as a formula gets a `'` in front; a text holding a
 * comma, semicolon (the separator in many locales), tab, quote or line break is quoted, its quotes
 * doubled, so `x;=1+1` stays one cell that starts with x. Numbers are written as they are.
 */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const text = FORMULA.test(value) ? `'${value}` : value;
  return /[",;\t\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Fields joined into CSV lines (CRLF line ends, RFC 4180). */
export function csvLines(rows: (string | number)[][]): string {
  return rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
}

/**
 * grades.csv for a batch: student, file (relative to `root`, the submissions folder), score,
 * max_score, tests passed and failed, each test's score, and the problem (empty when none).
 */
export function gradesCsv(batch: Batch, root: string): string {
  const header = ['student', 'file', 'score', 'max_score', 'tests_passed', 'tests_failed', ...batch.tests.map((t) => t.name), 'problem'];
  const rows = batch.results.map(({ student, file, problem, report }) => {
    const passed = report.tests.filter((t) => t.status === 'passed').length;
    const score = (name: string) => report.tests.find((t) => t.name === name)?.score ?? '';
    return [
      student, file === null ? '' : relative(resolve(root), resolve(file)).split(sep).join('/'),
      report.score, report.maxScore, passed, report.tests.length - passed,
      ...batch.tests.map((t) => score(t.name)), problem ?? '',
    ];
  });
  return csvLines([header, ...rows]);
}

const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/**
 * A file name for a student's reports: path separators, control and reserved characters become
 * `_`, so do `..` and a leading dot; never empty, at most 100 characters.
 */
export function safeFileName(student: string): string {
  let name = student.replace(/[/\\<>:"|?*\u0000-\u001F\u007F]/g, '_').replace(/\.{2,}/g, '_').replace(/^\./, '_').trim();
  if (name === '') name = '_';
  if (WINDOWS_DEVICES.test(name)) name = `_${name}`;
  return name.length > 100 ? name.slice(0, 100) : name;
}

/** A distinct safe file name per student (compared ignoring case, as macOS and Windows do): `name~2`… on a clash. */
export function reportNames(students: string[]): Map<string, string> {
  const taken = new Set<string>();
  const names = new Map<string, string>();
  for (const student of students) {
    if (names.has(student)) continue;
    const base = safeFileName(student);
    let name = base;
    for (let k = 2; taken.has(name.toLowerCase()); k++) name = `${base}~${k}`;
    taken.add(name.toLowerCase());
    names.set(student, name);
  }
  return names;
}

let tempCounter = 0;
/** Writes `text` to `path` through a temporary file in the same folder and a rename. */
export function writeFileAtomic(path: string, text: string): void {
  const dir = resolve(path, '..');
  const temp = join(dir, `.${process.pid}.${++tempCounter}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Where a batch's files go: out/grades.csv, out/batch.json and out/reports/<student>.txt|.json. */
export class BatchWriter {
  readonly csv: string;
  readonly reports: string;
  readonly manifest: string;
  private readonly names: Map<string, string>;

  /** Creates the folders (throws the file system's error when it cannot). */
  constructor(readonly out: string, students: string[]) {
    this.csv = join(out, 'grades.csv');
    this.reports = join(out, 'reports');
    this.manifest = join(out, MANIFEST);
    this.names = reportNames(students);
    mkdirSync(this.reports, { recursive: true });
  }

  /** The base name of `student`'s report files (safe, distinct: see reportNames). */
  reportName(student: string): string {
    const name = this.names.get(student);
    if (name === undefined) throw new RangeError(`'${student}' is not a student of this batch`);
    return name;
  }

  /** The report files of `student` (without extension). */
  reportBase(student: string): string {
    return join(this.reports, this.reportName(student));
  }

  /** Writes the student's report as text (no color) and as JSON. */
  writeReport(student: string, report: GradeReport): void {
    const base = this.reportBase(student);
    writeFileAtomic(`${base}.txt`, formatText(report, { color: false }));
    writeFileAtomic(`${base}.json`, formatJson(report));
  }

  /** Writes grades.csv for the whole batch (`root`: the submissions folder, for the file column). */
  writeCsv(batch: Batch, root: string): void {
    writeFileAtomic(this.csv, gradesCsv(batch, root));
  }

  /** Writes batch.json for the whole batch, graded from `root` with `tests` asked for (see manifest.ts). */
  writeManifest(batch: Batch, root: string, tests?: string[]): BatchManifest {
    const manifest = batchManifest(batch, root, tests, (student) => this.reportName(student));
    writeFileAtomic(this.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  }

  /** Everything: every student's report, then grades.csv and batch.json. */
  writeAll(batch: Batch, root: string, tests?: string[]): void {
    for (const { student, report } of batch.results) this.writeReport(student, report);
    this.writeCsv(batch, root);
    this.writeManifest(batch, root, tests);
  }
}
