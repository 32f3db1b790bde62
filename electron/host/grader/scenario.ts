// Scenarios of an api exercise (the student re-implements a FreeNOS class): made from the subject's
// seeded options in exercise.yaml, or read from a JSON file (what a student pack's hidden scenarios
// become, so their seeds stay private). A malformed one is an ExerciseError naming the trace.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Scenario, type Subject, subjects } from '../../../engine/grader';
import { ExerciseError, type Exercise } from './exercise';

/** The exercise's subject; ExerciseError for a malloc exercise. */
export function subjectOf(exercise: Exercise): Subject {
  const name = exercise.spec.subject;
  const subject = name === null ? undefined : subjects[name];
  if (!subject) throw new ExerciseError(`${exercise.file}: not an api exercise with a known subject`);
  return subject;
}

/** The scenario `name` of an api exercise. */
export function loadScenario(exercise: Exercise, name: string): Scenario {
  const source = exercise.spec.traces[name];
  const where = `${exercise.file}: traces.${name}`;
  if (!source) throw new ExerciseError(`${exercise.file}: no scenario named '${name}'`);
  const subject = subjectOf(exercise);
  if ('scenario' in source) {
    try {
      return subject.scenario({ ...subject.defaults, ...(source.scenario as Record<string, number | string>) });
    } catch (error) {
      throw new ExerciseError(`${where}.scenario: ${(error as Error).message}`);
    }
  }
  if (!('file' in source)) throw new ExerciseError(`${where}: a generated malloc trace in an api exercise`);
  const path = join(exercise.dir, source.file);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ExerciseError(`${path}: not a scenario (JSON): ${(error as Error).message}`);
  }
  const d = data as Partial<Scenario>;
  const names = subject.calls ?? subject.methods;
  const callsOk = Array.isArray(d.calls) && d.calls.every((c) => typeof c?.method === 'string' && names.includes(c.method)
    && Array.isArray(c.args) && c.args.every((a) => typeof a === 'number' && Number.isFinite(a)));
  if (!Array.isArray(d.args) || !callsOk) throw new ExerciseError(`${path}: a scenario is { args: [...], calls: [{ method, args: [numbers] }] } with calls of ${subject.name} (${names.join(', ')})`);
  if (d.heapLimit !== undefined && !(Number.isInteger(d.heapLimit) && d.heapLimit >= 16)) throw new ExerciseError(`${path}: heapLimit must be a whole number of bytes from 16 up`);
  return d.heapLimit === undefined ? { args: d.args, calls: d.calls! } : { args: d.args, calls: d.calls!, heapLimit: d.heapLimit };
}
