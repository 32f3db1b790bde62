// The exercises the lab knows: the built-in pack plus the packs the student opened, by id. A pack is
// a folder of exercise folders (or one exercise folder). When two packs hold the same id, the pack
// opened last wins (an instructor's updated exercise replaces the built-in one). Exercises are read
// with the grader's loadExercise, so the app and `freenos-lab grade` agree on what an exercise is;
// a broken exercise is left out of the list with a warning, never a crash.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { ExerciseDetail, ExerciseSummary, ExerciseTest } from '../../contract';
import { ExerciseError, listExerciseDirs, loadExercise, readExerciseFile, type Exercise } from '../grader/exercise';
import { labTypings } from './typings';
import { hiddenStanding, notInPack } from './views';

export interface Entry {
  exercise: Exercise;
  /** 'built-in' or the pack's folder. */
  pack: string;
}

/** The exercise folders of a pack folder (itself, when it holds an exercise.yaml); ExerciseError when none. */
export function packDirs(folder: string): string[] {
  if (existsSync(join(folder, 'exercise.yaml'))) return [resolve(folder)];
  const dirs = listExerciseDirs(folder);
  if (dirs.length === 0) throw new ExerciseError(`${folder}: no exercises there (no folder with an exercise.yaml)`);
  return dirs;
}

/**
 * Reads every pack, in order (later packs win on an id), and returns the exercises by id. A pack
 * that is gone is skipped; a broken exercise is reported through `warn` and skipped.
 */
export function readCatalog(builtIn: string, packs: string[], warn: (message: string) => void): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const [pack, label] of [[builtIn, 'built-in'] as const, ...packs.map((p) => [p, p] as const)]) {
    let dirs: string[];
    try {
      dirs = packDirs(pack);
    } catch (error) {
      warn(`exercise pack ${pack} skipped: ${(error as Error).message}`);
      continue;
    }
    for (const dir of dirs) {
      try {
        const exercise = loadExercise(dir);
        entries.set(exercise.spec.id, { exercise, pack: label });
      } catch (error) {
        warn(`exercise ${dir} skipped: ${(error as Error).message}`);
      }
    }
  }
  return entries;
}

/** A test is runnable by the student when it is visible and its traces are in the pack. */
export function isRunnable(exercise: Exercise, test: { visibility: string; traces: string[] }): boolean {
  return test.visibility === 'visible' && !test.traces.some((t) => exercise.withheld.includes(t));
}

/** The traces of the runnable tests, each once, in rubric order. */
export function runnableTraces(exercise: Exercise): string[] {
  return [...new Set(exercise.spec.tests.filter((t) => isRunnable(exercise, t)).flatMap((t) => t.traces))];
}

/** Home's line for an exercise; `best` and `attempts` come from the history. */
export function summarize(entry: Entry, best: number | null, attempts: number): ExerciseSummary {
  const { spec } = entry.exercise;
  return {
    id: spec.id,
    title: spec.title,
    summary: spec.summary ?? '',
    kind: spec.kind,
    pack: entry.pack,
    goals: [...spec.goals],
    views: [...spec.views],
    // What a grade here can earn: a student pack's hidden tests are the instructor's to grade.
    maxScore: spec.tests.filter((t) => !notInPack(entry.exercise, t)).reduce((total, t) => total + t.points, 0),
    best,
    attempts,
  };
}

/** Everything the workspace shows for an exercise: instructions, starter, tests, traces, typings. */
export async function detail(summary: ExerciseSummary, exercise: Exercise): Promise<ExerciseDetail> {
  const { spec } = exercise;
  const instructions = spec.instructions ? await readFile(join(exercise.dir, spec.instructions), 'utf8') : `# ${spec.title}\n\n${spec.summary ?? ''}\n`;
  const tests: ExerciseTest[] = spec.tests.map((t) => {
    const hidden = hiddenStanding(exercise, t);
    return { name: t.name, points: t.points, kind: t.kind, visibility: t.visibility, traces: [...t.traces], ...(hidden ? { hidden } : {}) };
  });
  return {
    ...summary,
    instructions,
    starter: readExerciseFile(exercise, spec.starter),
    tests,
    traces: runnableTraces(exercise),
    typings: labTypings(),
  };
}
