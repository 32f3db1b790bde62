// Exercise packs: an instructor pack stands alone and grades like the original; a student pack
// has no reference (its work per trace instead), no hidden traces (not even a generated one's seed),
// and grades the tests it has, saying which hidden ones the instructor runs. Every built-in
// exercise's student pack holds no hidden test's file and runs no hidden test.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_PACK, ExerciseError, listExerciseDirs, loadExercise } from '../../../electron/host/grader/exercise';
import { formatText, withoutTiming } from '../../../electron/host/grader/formats';
import { gradeSource, selectTests } from '../../../electron/host/grader/grade';
import { writePack } from '../../../electron/host/grader/pack';

const TINY = path.join(import.meta.dirname, 'fixtures', 'tiny');
let source: string;
let student: string;
let instructor: string;
const starter = readFileSync(path.join(TINY, 'starter.ts'), 'utf8');

beforeAll(async () => {
  // The tiny fixture plus a hidden test on a generated trace of its own and one on a trace file.
  source = path.join(mkdtempSync(path.join(tmpdir(), 'lab-pack-src-')), 'tiny');
  cpSync(TINY, source, { recursive: true });
  cpSync(path.join(import.meta.dirname, '../../../exercises/traces/coalescing.trace'), path.join(source, 'secret.trace'));
  const yaml = readFileSync(path.join(source, 'exercise.yaml'), 'utf8')
    .replace('traces:\n', 'traces:\n  secret-gen: { generate: randomSizes, options: { seed: 4242, ops: 200 } }\n  secret-file: { file: secret.trace }\n')
    .concat('    - { name: hidden-gen, trace: secret-gen, points: 4, visibility: hidden, timeLimitSeconds: 5 }\n')
    .concat('    - { name: hidden-file, trace: secret-file, points: 1, visibility: after_due_date, timeLimitSeconds: 5 }\n');
  writeFileSync(path.join(source, 'exercise.yaml'), yaml);
  const out = mkdtempSync(path.join(tmpdir(), 'lab-packs-'));
  student = (await writePack([source], path.join(out, 'student'), { student: true }))[0]!.dir;
  instructor = (await writePack([source], path.join(out, 'instructor'), { student: false }))[0]!.dir;
}, 60_000);

describe('a student pack', () => {
  it('leaves out the reference and the hidden traces, seeds included, and keeps the reference work', () => {
    expect(existsSync(path.join(student, 'reference.ts'))).toBe(false);
    expect(existsSync(path.join(student, 'secret.trace'))).toBe(false);
    expect(existsSync(path.join(student, 'starter.ts'))).toBe(true);
    expect(existsSync(path.join(student, 'hidden'))).toBe(false); // no empty folder left behind
    const yaml = readFileSync(path.join(student, 'exercise.yaml'), 'utf8');
    expect(yaml).not.toContain('4242');
    expect(yaml).toContain('secret-gen: { file: hidden/secret-gen.trace }');
    const work = JSON.parse(readFileSync(path.join(student, 'reference-work.json'), 'utf8')) as Record<string, number>;
    expect(Object.keys(work).sort()).toEqual(['random', 'realloc']);
    expect(loadExercise(student).withheld.sort()).toEqual(['secret-file', 'secret-gen']);
  });

  it('grades the tests it has and names the hidden ones the instructor grades', async () => {
    const { report } = await gradeSource(student, starter, 'starter.ts');
    expect(report.tests.map((t) => t.name)).toEqual(['random', 'realloc', 'performance']);
    expect(report.maxScore).toBe(10);
    expect(report.notes).toEqual(['2 hidden tests (hidden-gen, hidden-file; 5 points) are not in this pack: your instructor grades them']);
    const full = await gradeSource(instructor, starter, 'starter.ts');
    expect(full.report.maxScore).toBe(15);
    // The same scores on the tests both have: the shipped reference work gives the same throughput.
    expect(report.tests.map((t) => t.score)).toEqual(full.report.tests.slice(0, 3).map((t) => t.score));
  }, 60_000);

  it('refuses a hidden test asked for by name', async () => {
    await expect(gradeSource(student, starter, 'starter.ts', { tests: ['hidden-gen'] })).rejects.toThrow(ExerciseError);
    await expect(gradeSource(student, starter, 'starter.ts', { tests: ['hidden-gen'] })).rejects.toThrow("test 'hidden-gen' needs traces this pack leaves out");
  });

  it('a missing trace file that a visible test uses is still an error', () => {
    const broken = path.join(mkdtempSync(path.join(tmpdir(), 'lab-pack-bad-')), 'tiny');
    cpSync(source, broken, { recursive: true });
    const yaml = path.join(broken, 'exercise.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('secret-file: { file: secret.trace }', 'secret-file: { file: gone.trace }'));
    expect(loadExercise(broken).withheld).toEqual(['secret-file']); // only a hidden test uses it
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('name: random, trace: random', 'name: random, trace: secret-file'));
    expect(() => loadExercise(broken)).toThrow(/traces\.secret-file\.file: gone\.trace does not exist/);
  });
});

describe('an instructor pack', () => {
  it('stands alone and grades exactly like the original', async () => {
    expect(existsSync(path.join(instructor, 'reference.ts'))).toBe(true);
    expect(existsSync(path.join(instructor, 'reference-work.json'))).toBe(false);
    const [a, b] = await Promise.all([gradeSource(source, starter, 'starter.ts'), gradeSource(instructor, starter, 'starter.ts')]);
    // The same grades by the same code; the pack's own files (its exercise.yaml names traces/ files) hash as another exercise.
    const graded = (r: typeof a.report) => ({ ...withoutTiming(r), grader: undefined });
    expect(graded(b.report)).toEqual(graded(a.report));
    expect(b.report.grader!.code).toBe(a.report.grader!.code);
    expect(b.report.grader!.exercise).not.toBe(a.report.grader!.exercise);
  }, 60_000);

  it('will not pack over an existing exercise folder', async () => {
    await expect(writePack([source], path.dirname(instructor), { student: false })).rejects.toThrow('already exists');
  });
});

/** Every file under `dir`, relative paths. */
function filesUnder(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesUnder(path.join(dir, e.name), base) : [path.relative(base, path.join(dir, e.name))]);
}

describe("the built-in exercises' student packs", () => {
  let packs: string;
  beforeAll(async () => {
    packs = path.join(mkdtempSync(path.join(tmpdir(), 'lab-student-packs-')), 'student');
    await writePack(listExerciseDirs(BUILT_IN_PACK), packs, { student: true });
  }, 120_000);

  it('hold no hidden test file, no copy of one, no reference, and no hidden trace in reference-work.json', () => {
    const dirs = listExerciseDirs(BUILT_IN_PACK);
    expect(dirs).toHaveLength(8);
    for (const source of dirs) {
      const id = path.basename(source);
      const pack = path.join(packs, id);
      const hiddenFiles = filesUnder(path.join(source, 'hidden'));
      expect(hiddenFiles.length, `${id} has hidden tests in the checkout`).toBeGreaterThan(0);
      const shipped = filesUnder(pack);
      expect(shipped.filter((f) => f.startsWith('hidden') || f === 'reference.ts'), id).toEqual([]);
      const secrets = new Set(hiddenFiles.map((f) => readFileSync(path.join(source, 'hidden', f), 'utf8')));
      for (const file of shipped) expect(secrets.has(readFileSync(path.join(pack, file), 'utf8')), `${id}/${file} is a hidden file's copy`).toBe(false);
      const exercise = loadExercise(pack);
      const work = Object.keys(JSON.parse(readFileSync(path.join(pack, 'reference-work.json'), 'utf8')) as Record<string, number>);
      expect(work.filter((name) => exercise.withheld.includes(name)), id).toEqual([]);
      // Every hidden test is listed in the rubric but cannot run from the pack.
      const hidden = exercise.spec.tests.filter((t) => t.visibility !== 'visible');
      expect(hidden.length, id).toBeGreaterThan(0);
      const runnable = selectTests(exercise).map((t) => t.name);
      for (const t of hidden) expect(runnable, `${id}: ${t.name}`).not.toContain(t.name);
    }
  });

  it('grade without the hidden tests: no points for them, their points out of the maximum, and a note saying the instructor grades them', async () => {
    const pack = path.join(packs, '01-bit-allocator');
    const reference = readFileSync(path.join(BUILT_IN_PACK, '01-bit-allocator', 'reference.ts'), 'utf8');
    const { report } = await gradeSource(pack, reference, 'reference.ts');
    expect(report.tests.map((t) => t.name)).toEqual(['small', 'fill-and-wrap', 'unaligned-base', 'odd-requests']);
    expect([report.score, report.maxScore]).toEqual([8, 8]);
    expect(report.notes).toEqual(['1 hidden test (hidden; 2 points) is not in this pack: your instructor grades it']);
    expect(formatText(report)).toContain('1 hidden test (hidden; 2 points) is not in this pack: your instructor grades it');
    // The checkout's copy runs it, with points.
    const full = (await gradeSource(path.join(BUILT_IN_PACK, '01-bit-allocator'), reference, 'reference.ts')).report;
    expect(full.tests.find((t) => t.name === 'hidden')).toMatchObject({ visibility: 'after_due_date', status: 'passed', score: 2 });
  }, 60_000);
});
