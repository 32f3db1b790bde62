// checkTraces: every trace a grade will use, loaded once in the host before any worker starts. A
// malformed trace file in a pack is the pack's fault: it must stop the grade (or the batch) with the
// file and line, not fail every student's every test as a crashed worker. Loads are remembered per
// file version, so a batch or an app session parses each trace here once.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { RubricTest } from '../../../engine/grader';
import { loadTrace, type Exercise } from './exercise';
import { loadScenario } from './scenario';

/** Keys of traces already loaded without error: exercise file, trace, and the file's size and time (or the generator's options). */
const loaded = new Set<string>();

/**
 * Loads each trace `tests` use, and `extra` ones (the reference's measured traces), except those the
 * pack withholds. Throws the ExerciseError of the first that does not load (its file and line).
 */
export function checkTraces(exercise: Exercise, tests: RubricTest[], extra: string[] = []): void {
  const names = [...new Set([...tests.flatMap((t) => t.traces), ...extra])].filter((name) => !exercise.withheld.includes(name));
  for (const name of names) {
    const key = versionKey(exercise, name);
    if (key !== null && loaded.has(key)) continue;
    if (exercise.spec.kind === 'api') loadScenario(exercise, name);
    else loadTrace(exercise, name);
    if (key !== null) {
      if (loaded.size >= 4096) loaded.clear();
      loaded.add(key);
    }
  }
}

/** What identifies this version of the trace `name` (null: not a trace the exercise names, or its file cannot be read: load it to say why). */
function versionKey(exercise: Exercise, name: string): string | null {
  const source = exercise.spec.traces[name];
  if (!source) return null;
  if (!('file' in source)) return `${exercise.file}\0${name}\0${JSON.stringify(source)}`;
  try {
    const stat = statSync(join(exercise.dir, source.file));
    return `${exercise.file}\0${name}\0${stat.size}\0${stat.mtimeMs}`;
  } catch {
    return null;
  }
}
