// loadExercise reads exercise.yaml once while it is unchanged (the app lists every exercise often:
// 2,000 lists took 17 s when each parsed every YAML again), and again as soon as it changes; the
// files it names are checked on every load, since they change without exercise.yaml changing.
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExerciseError, loadExercise } from '../../../electron/host/grader/exercise';

const TINY = path.join(import.meta.dirname, 'fixtures', 'tiny');

describe('loadExercise', () => {
  it('reuses the parsed rubric while exercise.yaml is unchanged, and reads a changed one', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'lab-cache-')), 'tiny');
    cpSync(TINY, dir, { recursive: true });
    const first = loadExercise(dir);
    expect(loadExercise(dir).spec).toBe(first.spec);
    const yaml = path.join(dir, 'exercise.yaml');
    writeFileSync(`${yaml}.new`, readFileSync(yaml, 'utf8').replace('title: A tiny malloc (grader test fixture)', 'title: Renamed'));
    renameSync(`${yaml}.new`, yaml);
    const second = loadExercise(dir);
    expect(second.spec).not.toBe(first.spec);
    expect(second.spec.title).toBe('Renamed');
    expect(loadExercise(dir).spec).toBe(second.spec);
    rmSync(path.join(dir, 'starter.ts'));
    expect(() => loadExercise(dir)).toThrow(ExerciseError);
    expect(() => loadExercise(dir)).toThrow(/starter: starter\.ts does not exist/);
  });
});
