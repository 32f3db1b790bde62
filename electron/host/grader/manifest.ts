// A batch's manifest, batch.json beside grades.csv: what `regrade` needs to grade the class again
// and to say why a score changed. The exercise folder and the submissions folder, the tests asked
// for, the grader's version and seeds, the rubric as graded (each test's fields, the thresholds,
// a fingerprint per trace, each exercise file's hash), and per student the file graded, its sha256
// and the name of its reports. Reading one checks every field and names the one that is wrong.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { Band, GraderVersion, RubricTest, Thresholds } from '../../../engine/grader';
import type { Batch } from './batch';
import type { Exercise } from './exercise';
import { exerciseFileHashes, fileHash } from './version';

export const MANIFEST = 'batch.json';
const FORMAT = 1;

/** One rubric test as graded, in exercise.yaml's terms. */
export interface TestRecord {
  name: string;
  kind: RubricTest['kind'];
  traces: string[];
  points: number;
  visibility: RubricTest['visibility'];
  timeLimitSeconds: number;
  partialCredit: boolean;
  /** A tune exercise's own band for the test; null when it has none. */
  utilization: Band | null;
}

export interface StudentRecord {
  student: string;
  /** The file graded, relative to the submissions folder (`/` separators); null when there was none. */
  file: string | null;
  /** sha256 of the source graded; null when none was read. */
  sha256: string | null;
  /** The base name of the student's reports in reports/ (without .txt or .json). */
  report: string;
}

export interface BatchManifest {
  manifest: number;
  /** When the batch was graded (ISO 8601). */
  graded: string;
  exercise: { id: string; dir: string; files: Record<string, string> };
  /** The submissions folder (absolute). */
  submissions: string;
  /** The tests asked for with --test; null for every test. */
  tests: string[] | null;
  grader: GraderVersion;
  seed: Record<string, number> | null;
  rubric: { thresholds: Thresholds; tests: TestRecord[]; traces: Record<string, string> };
  students: StudentRecord[];
}

/** A batch.json that is missing, unreadable or malformed. */
export class ManifestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManifestError';
  }
}

/** The rubric test as a record. */
export function testRecord(t: RubricTest): TestRecord {
  return {
    name: t.name, kind: t.kind, traces: [...t.traces], points: t.points, visibility: t.visibility,
    timeLimitSeconds: t.timeLimitMs / 1000, partialCredit: t.partialCredit === true, utilization: t.utilization ?? null,
  };
}

/** A short fingerprint of each trace's definition: its source in exercise.yaml, and its file's contents when it has one. */
export function traceFingerprints(exercise: Exercise): Record<string, string> {
  const prints: Record<string, string> = {};
  for (const [name, source] of Object.entries(exercise.spec.traces)) {
    const path = 'file' in source ? resolve(exercise.dir, source.file) : null;
    const contents = path !== null && existsSync(path) ? fileHash(path) : '';
    prints[name] = createHash('sha256').update(`${JSON.stringify(source)}\n${contents}`).digest('hex').slice(0, 12);
  }
  return prints;
}

/** The manifest of `batch`, graded from `folder` with `tests` asked for; `reports` maps a student to its reports' base name. */
export function batchManifest(batch: Batch, folder: string, tests: string[] | undefined, reports: (student: string) => string): BatchManifest {
  const { exercise } = batch;
  const root = resolve(folder);
  return {
    manifest: FORMAT,
    graded: new Date().toISOString(),
    exercise: { id: exercise.spec.id, dir: exercise.dir, files: exerciseFileHashes(exercise) },
    submissions: root,
    tests: tests && tests.length > 0 ? tests : null,
    grader: batch.stamp.grader,
    seed: batch.stamp.seed,
    rubric: { thresholds: exercise.spec.thresholds, tests: exercise.spec.tests.map(testRecord), traces: traceFingerprints(exercise) },
    students: batch.results.map((r) => ({
      student: r.student,
      file: r.file === null ? null : relative(root, resolve(r.file)).split(sep).join('/'),
      sha256: r.sha256,
      report: reports(r.student),
    })),
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks `<dir>/batch.json`; ManifestError naming the file, the field and why. */
export function readManifest(dir: string): BatchManifest {
  const file = resolve(dir, MANIFEST);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ManifestError(why === 'ENOENT'
      ? `${file}: no such file: ${dir} is not a grade-batch output folder, or was graded before grade-batch wrote its manifest (grade the class again)`
      : `${file}: cannot be read (${why})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ManifestError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const fail = (field: string, reason: string): never => {
    throw new ManifestError(`${file}: ${field}: ${reason}`);
  };
  const obj = (v: unknown, field: string): Obj => (isObj(v) ? v : fail(field, 'must be an object'));
  const str = (v: unknown, field: string): string => (typeof v === 'string' ? v : fail(field, 'must be a string'));
  const strOrNull = (v: unknown, field: string): string | null => (v === null ? null : str(v, field));
  const m = obj(data, 'the file');
  if (m.manifest !== FORMAT) fail('manifest', `must be ${FORMAT} (this lab reads manifests of format ${FORMAT}), not ${JSON.stringify(m.manifest)}`);
  str(m.graded, 'graded');
  const exercise = obj(m.exercise, 'exercise');
  str(exercise.id, 'exercise.id');
  str(exercise.dir, 'exercise.dir');
  for (const [name, hash] of Object.entries(obj(exercise.files, 'exercise.files'))) str(hash, `exercise.files.${name}`);
  str(m.submissions, 'submissions');
  if (m.tests !== null && !(Array.isArray(m.tests) && m.tests.every((t) => typeof t === 'string'))) fail('tests', 'must be a list of test names, or null');
  const grader = obj(m.grader, 'grader');
  for (const key of ['version', 'code', 'exercise']) str(grader[key], `grader.${key}`);
  if (m.seed !== null) for (const [name, seed] of Object.entries(obj(m.seed, 'seed'))) if (typeof seed !== 'number') fail(`seed.${name}`, 'must be a number');
  const rubric = obj(m.rubric, 'rubric');
  obj(rubric.thresholds, 'rubric.thresholds');
  for (const [name, print] of Object.entries(obj(rubric.traces, 'rubric.traces'))) str(print, `rubric.traces.${name}`);
  if (!Array.isArray(rubric.tests)) fail('rubric.tests', 'must be a list');
  (rubric.tests as unknown[]).forEach((t, k) => {
    const test = obj(t, `rubric.tests[${k}]`);
    str(test.name, `rubric.tests[${k}].name`);
    if (typeof test.points !== 'number') fail(`rubric.tests[${k}].points`, 'must be a number');
    if (!Array.isArray(test.traces)) fail(`rubric.tests[${k}].traces`, 'must be a list');
  });
  if (!Array.isArray(m.students)) fail('students', 'must be a list');
  (m.students as unknown[]).forEach((s, k) => {
    const student = obj(s, `students[${k}]`);
    str(student.student, `students[${k}].student`);
    strOrNull(student.file, `students[${k}].file`);
    strOrNull(student.sha256, `students[${k}].sha256`);
    str(student.report, `students[${k}].report`);
  });
  return data as BatchManifest;
}
