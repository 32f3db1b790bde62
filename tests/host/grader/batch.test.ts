// Grading a class on the mini fixture exercise (tests/host/grader/fixtures/mini): which file of a
// folder is whose submission, every student gets a report whatever their code does (compile error,
// infinite loop, empty, unreadable, ambiguous), results in student order whatever the pool's
// finishing order, the same grades with one worker or two, and grades.csv quoted and guarded.
// Every batch here runs on the default pool: child processes (isolatedGradePool).
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE_COPY, findSubmissions, gradeBatch, type Batch, type Submission } from '../../../electron/host/grader/batch';
import { BatchWriter, csvField, gradesCsv, reportNames, safeFileName } from '../../../electron/host/grader/batchOutput';
import { ExerciseError } from '../../../electron/host/grader/exercise';
import type { BatchManifest } from '../../../electron/host/grader/manifest';
import { formatJson, withoutTiming } from '../../../electron/host/grader/formats';

const MINI = path.join(import.meta.dirname, 'fixtures', 'mini');
/** A student's correct submission: the reference with a line of their own (an exact copy is flagged). */
const REFERENCE = `${readFileSync(path.join(MINI, 'reference.ts'), 'utf8')}// my own work\n`;
const STARTER = readFileSync(path.join(MINI, 'starter.ts'), 'utf8');
const LOOP = `import type { Heap, MallocAllocator } from 'freenos-lab';
export default class Loop implements MallocAllocator {
  constructor(private readonly heap: Heap) {}
  malloc(size: number): number {
    for (;;) if (size < 0) return this.heap.grow(size);
  }
  free(_address: number): void {}
}
`;

/** Writes `files` (path inside the folder → text) into a new temp folder. */
function folderWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'lab-batch-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** A class: one of each kind of submission. */
function classFolder(): string {
  const dir = folderWith({
    'good.ts': REFERENCE,
    'bump.ts': STARTER,
    'broken.ts': 'export default class Broken {\n  malloc(size: number { return 0; }\n}\n',
    'loop.ts': LOOP,
    'empty.ts': '  \n',
    'sub/src/alloc.ts': REFERENCE,
    'named/starter.ts': REFERENCE,
    'named/lib/helper.ts': 'export const x = 1;\n',
    'named/types.d.ts': 'declare const y: number;\n',
    'two/a.ts': REFERENCE,
    'two/lib/b.ts': STARTER,
    'nothing/README.md': 'no code here\n',
    'modules/node_modules/dep/index.ts': REFERENCE,
    '.hidden.ts': REFERENCE,
    'notes.txt': 'not a submission\n',
    'o"brien, pat.ts': STARTER,
    '=HYPERLINK(1).ts': REFERENCE,
  });
  symlinkSync(path.join(dir, 'no-such-file.ts'), path.join(dir, 'gone.ts'));
  return dir;
}

const STUDENTS = ['=HYPERLINK(1)', 'broken', 'bump', 'empty', 'gone', 'good', 'loop', 'modules', 'named', 'nothing', 'o"brien, pat', 'sub', 'two'];

describe('findSubmissions', () => {
  it('takes each .ts file and each subfolder as one student, sorted, and says why a folder has nothing to grade', () => {
    const dir = classFolder();
    const found = findSubmissions(dir, 'starter.ts');
    expect(found.map((s) => s.student)).toEqual(STUDENTS);
    const of = (student: string): Submission => found.find((s) => s.student === student)!;
    const inside = (s: Submission) => (s.file === null ? null : path.relative(dir, s.file).split(path.sep).join('/'));
    expect(inside(of('good'))).toBe('good.ts');
    expect(inside(of('sub'))).toBe('sub/src/alloc.ts');
    expect(inside(of('named'))).toBe('named/starter.ts'); // the starter's name wins over other .ts files
    expect(of('gone')).toEqual({ student: 'gone', file: null, problem: 'gone.ts is a symbolic link: a submission must be a plain file or folder, not a link' });
    expect(of('two')).toMatchObject({ file: null, problem: 'several .ts files: a.ts, lib/b.ts — name one starter.ts' });
    expect(of('nothing')).toMatchObject({ file: null, problem: 'no .ts file' });
    expect(of('modules')).toMatchObject({ file: null, problem: 'no .ts file' }); // node_modules is not searched
    for (const s of found) if (s.file !== null) expect(s.problem).toBeNull();
  });

  it('flags a student who is both a file and a folder, skips ignored paths, and rejects a missing folder', () => {
    const dir = folderWith({ 'ann.ts': REFERENCE, 'ann/starter.ts': REFERENCE, 'out/grades.csv': '', 'bob/b.ts': REFERENCE });
    const found = findSubmissions(dir, 'starter.ts', [path.join(dir, 'out')]);
    expect(found).toEqual([
      { student: 'ann', file: null, problem: 'both ann.ts and a folder ann are there — keep one' },
      { student: 'bob', file: path.join(dir, 'bob', 'b.ts'), problem: null },
    ]);
    expect(() => findSubmissions(path.join(dir, 'nope'), 'starter.ts')).toThrow(/no such folder/);
    expect(() => findSubmissions(path.join(dir, 'ann.ts'), 'starter.ts')).toThrow(/not a folder/);
  });
});

describe('batch output', () => {
  it('quotes CSV fields per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvField('alice')).toBe('alice');
    expect(csvField(43.5)).toBe('43.5');
    expect(csvField('smith, jo')).toBe('"smith, jo"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2')).toBe("'-2");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('=HYPERLINK("x","y")')).toBe(`"'=HYPERLINK(""x"",""y"")"`);
    // A ';' locale splits unquoted fields at ';': the folder name stays one cell starting with x.
    expect(csvField("x;=1+1;=cmd|' /C calc'!A0")).toBe(`"x;=1+1;=cmd|' /C calc'!A0"`);
    expect(csvField('  =1+1')).toBe("'  =1+1");
    expect(csvField('\u3000=1+1')).toBe("'\u3000=1+1");
    expect(csvField('\uFF1D1+1')).toBe("'\uFF1D1+1");
    expect(csvField('\uFF20SUM(A1)')).toBe("'\uFF20SUM(A1)");
    expect(csvField('\tx')).toBe(`"'\tx"`);
    expect(csvField(-2)).toBe('-2');
  });

  it('makes student names safe, distinct file names', () => {
    expect(safeFileName('alice')).toBe('alice');
    expect(safeFileName('../../etc/passwd')).toBe('____etc_passwd');
    expect(safeFileName('..')).toBe('_');
    expect(safeFileName('.profile')).toBe('_profile');
    expect(safeFileName('a\\b:c\u0007')).toBe('a_b_c_');
    expect(safeFileName('con')).toBe('_con');
    expect(safeFileName('')).toBe('_');
    for (const name of ['../x', 'a/../../b', '....', 'x/..']) {
      expect(safeFileName(name)).not.toMatch(/[/\\]|\.\./);
    }
    expect([...reportNames(['Ann', 'ann', 'a:b', 'a_b']).values()]).toEqual(['Ann', 'ann~2', 'a_b', 'a_b~2']);
  });
});

describe('gradeBatch', () => {
  let dir: string;
  let batch: Batch;
  const progress: [number, number, string][] = [];

  beforeAll(async () => {
    dir = classFolder();
    batch = await gradeBatch(MINI, findSubmissions(dir, 'starter.ts'), {
      workers: 2,
      onProgress: (done, total, student) => progress.push([done, total, student]),
    });
  }, 120_000); // the loop spends 3 s of work units on each of its 4 tests

  const result = (student: string) => batch.results.find((r) => r.student === student)!;

  it('grades every student once, reports progress for each, and returns them in student order', () => {
    expect(batch.results.map((r) => r.student)).toEqual(STUDENTS);
    expect(progress.map(([done]) => done)).toEqual(STUDENTS.map((_, k) => k + 1));
    expect(progress.every(([, total]) => total === STUDENTS.length)).toBe(true);
    expect(progress.map(([, , student]) => student).sort()).toEqual([...STUDENTS].sort());
    expect(batch.tests.map((t) => t.name)).toEqual(['uniform', 'ramp', 'peak', 'performance']);
    for (const r of batch.results) expect(r.report.submission).toBe(r.student);
  });

  it('gives good code full marks, and every broken submission a report with the reason', () => {
    for (const student of ['good', 'sub', 'named', '=HYPERLINK(1)']) expect(result(student)).toMatchObject({ problem: null, report: { score: 50, maxScore: 50 } });
    const bump = result('bump');
    expect(bump.problem).toBeNull();
    expect(bump.report.tests.map((t) => t.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
    expect(bump.report.score).toBeGreaterThan(30);
    expect(bump.report.score).toBeLessThan(50);

    const failedAll = (student: string) => {
      const r = result(student);
      expect(r.report.score).toBe(0);
      expect(r.report.tests.every((t) => t.status === 'failed')).toBe(true);
      return r;
    };
    expect(failedAll('broken').problem).toMatch(/^broken does not compile: broken\.ts:2:\d+: /);
    expect(failedAll('empty').problem).toBe('empty.ts is empty');
    expect(failedAll('gone').problem).toBe('gone.ts is a symbolic link: a submission must be a plain file or folder, not a link');
    expect(failedAll('two').problem).toMatch(/^several \.ts files/);
    expect(failedAll('nothing').problem).toBe('no .ts file');
    expect(failedAll('two').report.tests[0]!.output).toMatch(/^several \.ts files/);
    const loop = failedAll('loop');
    expect(loop.problem).toBeNull(); // it compiled and ran; each test says it ran out of work units
    const units = (trace: string) => new RegExp(`^${trace}: TIMED OUT at operation 0 \\(.*\\): malloc\\(\\d+\\) did not finish within the test's time limit \\(3 s: 300,000,000 units\\)$`, 'm');
    // Each test's own trace; the performance test's budget goes to its first (uniform).
    for (const [k, trace] of ['uniform', 'ramp', 'peak', 'uniform'].entries()) expect(loop.report.tests[k]!.output).toMatch(units(trace));
  });

  it('writes grades.csv with one quoted, guarded row per student and both reports of each', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'lab-batch-out-')), 'grades');
    const writer = new BatchWriter(out, batch.results.map((r) => r.student));
    writer.writeAll(batch, dir);
    const csv = readFileSync(path.join(out, 'grades.csv'), 'utf8');
    expect(csv).toBe(gradesCsv(batch, dir));
    const lines = csv.split('\r\n');
    expect(lines.at(-1)).toBe('');
    expect(lines[0]).toBe('student,file,score,max_score,tests_passed,tests_failed,uniform,ramp,peak,performance,problem');
    const row = (student: string) => lines.find((line) => line.startsWith(`${student},`))!;
    expect(row('good')).toBe('good,good.ts,50,50,4,0,10,10,10,20,');
    expect(row('sub')).toBe('sub,sub/src/alloc.ts,50,50,4,0,10,10,10,20,');
    expect(row('two')).toBe('two,,0,50,0,4,0,0,0,0,"several .ts files: a.ts, lib/b.ts — name one starter.ts"');
    expect(row('nothing')).toBe('nothing,,0,50,0,4,0,0,0,0,no .ts file');
    expect(row('gone')).toBe('gone,,0,50,0,4,0,0,0,0,"gone.ts is a symbolic link: a submission must be a plain file or folder, not a link"');
    expect(row('loop')).toBe('loop,loop.ts,0,50,0,4,0,0,0,0,');
    const bump = result('bump').report;
    expect(row('bump')).toBe(`bump,bump.ts,${bump.score},50,4,0,10,10,10,${bump.tests[3]!.score},`);
    expect(lines).toContain(`"o""brien, pat","o""brien, pat.ts",${bump.score},50,4,0,10,10,10,${bump.tests[3]!.score},`);
    expect(lines).toContain("'=HYPERLINK(1),'=HYPERLINK(1).ts,50,50,4,0,10,10,10,20,");
    expect(lines.filter((line) => line !== '')).toHaveLength(STUDENTS.length + 1);

    const files = readdirSync(path.join(out, 'reports')).sort();
    expect(files).toHaveLength(2 * STUDENTS.length); // no temporary files left behind
    for (const name of ['good', 'o_brien, pat', '=HYPERLINK(1)', 'loop']) {
      expect(files).toContain(`${name}.txt`);
      expect(files).toContain(`${name}.json`);
    }
    expect(readFileSync(path.join(out, 'reports', 'good.txt'), 'utf8')).toMatch(/^mini: good, score 50 \/ 50\n/);
    expect(readFileSync(path.join(out, 'reports', 'two.txt'), 'utf8')).toContain('several .ts files');
    expect(JSON.parse(readFileSync(path.join(out, 'reports', 'bump.json'), 'utf8'))).toMatchObject({ score: bump.score });
    expect(readdirSync(out).sort()).toEqual(['batch.json', 'grades.csv', 'reports']);
    // The manifest a regrade reads: each student's file, the sha256 of what was graded, and its reports' name.
    const manifest = JSON.parse(readFileSync(path.join(out, 'batch.json'), 'utf8')) as BatchManifest;
    const entry = (student: string) => manifest.students.find((s) => s.student === student);
    expect(entry('good')).toEqual({ student: 'good', file: 'good.ts', sha256: createHash('sha256').update(REFERENCE).digest('hex'), report: 'good' });
    expect(entry('nothing')).toEqual({ student: 'nothing', file: null, sha256: null, report: 'nothing' });
    expect(entry('o"brien, pat')!.report).toBe('o_brien, pat');
    expect(manifest.submissions).toBe(path.resolve(dir));
    expect(manifest.grader).toEqual(batch.stamp.grader);
    expect(manifest.rubric.tests.map((t) => [t.name, t.points])).toEqual([['uniform', 10], ['ramp', 10], ['peak', 10], ['performance', 20]]);
  });

  it('gives the same grades with one worker as with two', async () => {
    const names = ['broken', 'bump', 'good', 'two'];
    const some = findSubmissions(dir, 'starter.ts').filter((s) => names.includes(s.student));
    const alone = await gradeBatch(MINI, some, { workers: 1 });
    expect(alone.results.map((r) => r.student)).toEqual(names);
    for (const r of alone.results) {
      const before = result(r.student);
      expect(r.problem).toBe(before.problem);
      expect(formatJson(withoutTiming(r.report))).toBe(formatJson(withoutTiming(before.report)));
    }
  }, 60_000);
});

describe('gradeBatch and links or copies of the reference', () => {
  it('grades no symbolic link (a file, a folder, or the file chosen inside a folder) and flags an exact copy of the reference', async () => {
    const outside = mkdtempSync(path.join(tmpdir(), 'lab-outside-'));
    writeFileSync(path.join(outside, 'mine.ts'), REFERENCE);
    const dir = folderWith({ 'copy.ts': `${readFileSync(path.join(MINI, 'reference.ts'), 'utf8').replace(/\n/g, '\n\n  ')}\n`, 'own.ts': REFERENCE, 'yan/notes.md': '' });
    symlinkSync(path.join(MINI, 'reference.ts'), path.join(dir, 'zed.ts'));
    symlinkSync(path.relative(path.join(dir, 'yan'), path.join(MINI, 'reference.ts')), path.join(dir, 'yan', 'starter.ts'));
    symlinkSync(outside, path.join(dir, 'xia'));
    const found = findSubmissions(dir, 'starter.ts');
    expect(found).toEqual([
      { student: 'copy', file: path.join(dir, 'copy.ts'), problem: null },
      { student: 'own', file: path.join(dir, 'own.ts'), problem: null },
      { student: 'xia', file: null, problem: 'xia is a symbolic link: a submission must be a plain file or folder, not a link' },
      { student: 'yan', file: null, problem: 'yan/starter.ts is a symbolic link: a submission must be a plain file or folder, not a link' },
      { student: 'zed', file: null, problem: 'zed.ts is a symbolic link: a submission must be a plain file or folder, not a link' },
    ]);
    const batch = await gradeBatch(MINI, found, { workers: 1, tests: ['uniform'] });
    const of = (student: string) => batch.results.find((r) => r.student === student)!;
    expect(of('copy')).toMatchObject({ problem: REFERENCE_COPY, report: { score: 10, notes: [REFERENCE_COPY] } });
    expect(of('own')).toMatchObject({ problem: null, report: { score: 10, notes: [] } });
    for (const student of ['xia', 'yan', 'zed']) expect(of(student).report.score).toBe(0);
  }, 60_000);
});

describe('gradeBatch and a broken exercise', () => {
  it('stops with an ExerciseError when the reference fails its own trace or a test name is unknown', async () => {
    const exercise = path.join(mkdtempSync(path.join(tmpdir(), 'lab-batch-ex-')), 'mini');
    cpSync(MINI, exercise, { recursive: true });
    writeFileSync(path.join(exercise, 'reference.ts'), STARTER.replace('return this.heap.grow(bytes);', 'return 0;'));
    const submissions = findSubmissions(folderWith({ 'a.ts': REFERENCE, 'b.ts': REFERENCE }), 'starter.ts');
    await expect(gradeBatch(exercise, submissions)).rejects.toThrow(ExerciseError);
    await expect(gradeBatch(MINI, submissions, { tests: ['nope'] })).rejects.toThrow(/no test named 'nope'/);
    expect(existsSync(path.join(exercise, 'grades.csv'))).toBe(false);
  }, 30_000);
});
