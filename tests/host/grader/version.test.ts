// The grader's version and seeds (electron/host/grader/version.ts) and where reports carry them:
// the code hash is the same every time, an exercise's hash changes with any of its files (those it
// names outside its folder too) but not with line ends, the seeds are those of the generated traces
// the graded tests use, and every format shows the stamp (Gradescope in its documented extra_data).
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadExercise } from '../../../electron/host/grader/exercise';
import { formatGradescope, formatJson, formatJunit, formatText } from '../../../electron/host/grader/formats';
import { gradeSource } from '../../../electron/host/grader/grade';
import { codeHash, exerciseFileHashes, exerciseFiles, graderVersion, traceSeeds } from '../../../electron/host/grader/version';
import { gradeReport } from '../../../engine/grader/Grade';

const root = path.resolve(import.meta.dirname, '../../..');
const TINY = path.join(import.meta.dirname, 'fixtures', 'tiny');
const MALLOC = path.join(root, 'exercises', '07-malloc');
const BITS = path.join(root, 'exercises', '01-bit-allocator');

function copyOf(dir: string): string {
  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'lab-version-')), path.basename(dir));
  cpSync(dir, copy, { recursive: true });
  return copy;
}

describe('graderVersion', () => {
  it('hashes the code once per process and the exercise by its files', () => {
    expect(codeHash()).toMatch(/^[0-9a-f]{64}$/);
    expect(codeHash()).toBe(codeHash());
    const v = graderVersion(loadExercise(TINY));
    expect(v.code).toBe(codeHash().slice(0, 12));
    expect(v.version).toMatch(/^[0-9a-f]{12}$/);
    expect(v.exercise).toMatch(/^[0-9a-f]{12}$/);
    expect(new Set([v.version, v.code, v.exercise]).size).toBe(3);
  });

  it('changes the exercise hash and the version, not the code, when any file changes; line ends do not count', () => {
    const copy = copyOf(TINY);
    const before = graderVersion(loadExercise(copy));
    expect(before).toEqual(graderVersion(loadExercise(TINY))); // where the folder is does not count
    const readme = path.join(copy, 'README.md');
    writeFileSync(readme, readFileSync(readme, 'utf8').replace(/\n/g, '\r\n'));
    expect(graderVersion(loadExercise(copy))).toEqual(before);
    writeFileSync(readme, `${readFileSync(readme, 'utf8')}one more line\n`);
    const after = graderVersion(loadExercise(copy));
    expect(after.code).toBe(before.code);
    expect(after.exercise).not.toBe(before.exercise);
    expect(after.version).not.toBe(before.version);
  });

  it("counts the trace files an exercise names outside its folder, and names each file's hash", () => {
    const files = [...exerciseFiles(loadExercise(MALLOC)).keys()];
    expect(files).toEqual(expect.arrayContaining(['exercise.yaml', 'starter.ts', 'reference.ts', 'README.md', 'hidden/random.trace', '../traces/ramp-random.trace', '../traces/peak.trace']));
    expect(files).toHaveLength(4 + 3 + 11);
    const hashes = exerciseFileHashes(loadExercise(TINY));
    expect(Object.keys(hashes)).toEqual(['README.md', 'exercise.yaml', 'reference.ts', 'starter.ts']);
    expect(Object.values(hashes).every((h) => /^[0-9a-f]{12}$/.test(h))).toBe(true);
  });
});

describe('traceSeeds', () => {
  it("gives the seeds of the graded tests' generated traces and scenarios, null when all are files", () => {
    const tiny = loadExercise(TINY);
    expect(traceSeeds(tiny, tiny.spec.tests)).toEqual({ random: 11, realloc: 12 });
    expect(traceSeeds(tiny, tiny.spec.tests.filter((t) => t.name === 'realloc'))).toEqual({ realloc: 12 });
    const malloc = loadExercise(MALLOC);
    expect(traceSeeds(malloc, malloc.spec.tests)).toBeNull();
    const bits = loadExercise(BITS);
    expect(traceSeeds(bits, bits.spec.tests)).toEqual({ small: 1, 'fill-and-wrap': 2, 'unaligned-base': 3, 'odd-requests': 4 });
  });

  it("gives a scenario that names no seed its subject's default", () => {
    const bits = loadExercise(BITS);
    const spec = { ...bits.spec, traces: { ...bits.spec.traces, small: { scenario: { ops: 40 } } } };
    expect(traceSeeds({ ...bits, spec }, spec.tests.slice(0, 1))).toEqual({ small: 1 });
  });
});

describe('the stamp in every format', () => {
  const grader = { version: 'aaaaaaaaaaaa', code: 'bbbbbbbbbbbb', exercise: 'cccccccccccc' };
  const report = { ...gradeReport('tiny', 'ann.ts', [], [], 10), grader, seed: { random: 11, realloc: 12 } };

  it('text: a line under the header', () => {
    expect(formatText(report).split('\n').slice(0, 2)).toEqual(['tiny: ann.ts, score 0 / 0', 'grader aaaaaaaaaaaa (code bbbbbbbbbbbb, exercise cccccccccccc); seeds: random 11, realloc 12']);
    expect(formatText({ ...report, seed: null }).split('\n')[1]).toBe('grader aaaaaaaaaaaa (code bbbbbbbbbbbb, exercise cccccccccccc); seeds: none (every trace is a file)');
    expect(formatText(gradeReport('tiny', 'ann.ts', [], [], 10)).split('\n')[1]).toBe('');
  });

  it('JSON and Gradescope: extra_data; JUnit: suite properties', () => {
    expect(JSON.parse(formatJson(report)).extra_data).toEqual({ exercise: 'tiny', submission: 'ann.ts', grader, seed: { random: 11, realloc: 12 } });
    const results = JSON.parse(formatGradescope(report));
    expect(results.extra_data).toEqual({ grader, seed: { random: 11, realloc: 12 } });
    expect(results.output).toBe('');
    expect(JSON.parse(formatGradescope(gradeReport('tiny', 'ann.ts', [], [], 10))).extra_data).toBeUndefined();
    const junit = formatJunit({ ...report, seed: null });
    expect(junit).toContain('<property name="grader" value="aaaaaaaaaaaa"/>');
    expect(junit).toContain('<property name="grader_code" value="bbbbbbbbbbbb"/>');
    expect(junit).toContain('<property name="grader_exercise" value="cccccccccccc"/>');
    expect(junit).toContain('<property name="seed" value="none"/>');
    expect(formatJunit(report)).toContain('<property name="seed" value="random=11,realloc=12"/>');
  });

  it('a real grade carries the stamp of the tests it ran', async () => {
    const { report: graded } = await gradeSource(TINY, readFileSync(path.join(TINY, 'reference.ts'), 'utf8'), 'reference.ts', { tests: ['realloc'] });
    expect(graded.grader).toEqual(graderVersion(loadExercise(TINY)));
    expect(graded.seed).toEqual({ realloc: 12 });
    expect(graded.tests.map((t) => [t.name, t.status])).toEqual([['realloc', 'passed']]);
  }, 60_000);
});
