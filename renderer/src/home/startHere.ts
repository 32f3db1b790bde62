// Home's "start here", pure: what each exercise kind asks of a student, and which exercise to open
// next (the first in Home's order not at full marks: 01-bit-allocator for a new student).
import type { ExerciseKind, ExerciseSummary } from '../../../electron/contract';

/** What an exercise of each kind asks, in a line (Home's legend and each card's kind badge). */
export const kindMeanings: Record<ExerciseKind, string> = {
  api: 're-implement a FreeNOS class; it is checked call by call against the real one',
  malloc: 'write malloc, free and realloc; graded on traces for correctness, utilization and throughput',
  tune: "configure the engine's allocator and predict what its policies do",
};

/** The kinds in the order Home explains them (the order of the built-in exercises). */
export const kindOrder: ExerciseKind[] = ['api', 'malloc', 'tune'];

/** The meaning of `kind`, or '' for a kind this renderer does not know (a newer pack). */
export function kindMeaning(kind: string): string {
  return (kindMeanings as Record<string, string | undefined>)[kind] ?? '';
}

/**
 * The exercise to open next: the first of `list` (Home's order) without a full score, else the
 * first; null for an empty list. `fresh` is true when no exercise has an attempt yet.
 */
export function startExercise(list: readonly ExerciseSummary[]): { exercise: ExerciseSummary; fresh: boolean } | null {
  if (list.length === 0) return null;
  const fresh = list.every((e) => e.attempts === 0);
  const open = list.find((e) => e.best === null || e.best < e.maxScore);
  return { exercise: open ?? list[0]!, fresh };
}
