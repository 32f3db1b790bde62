// Which allocator a replay runs, as the Timeline's picker offers it: the student's saved code, the
// exercise's reference or starter, and for malloc and tune exercises the engine's TunableAllocator
// with a fit policy. Pure: the picker's choices and the contract's ReplaySubject of a choice.
import type { ExerciseKind, ReplaySubject } from '../../../electron/contract';

export type SubjectChoice = 'submission' | 'reference' | 'starter' | 'engine';
export type Fit = 'first' | 'next' | 'best';
export const fits: Fit[] = ['first', 'next', 'best'];

/** The picker's choices for an exercise of `kind` (the engine allocator only for malloc and tune). */
export function subjectChoices(kind: ExerciseKind | null): { value: SubjectChoice; label: string }[] {
  const choices: { value: SubjectChoice; label: string }[] = [
    { value: 'submission', label: 'Your code (as saved)' },
    { value: 'reference', label: 'Reference solution' },
    { value: 'starter', label: 'Starter code' },
  ];
  if (kind === 'malloc' || kind === 'tune') choices.push({ value: 'engine', label: 'Engine allocator' });
  return choices;
}

/** The ReplaySubject of a choice: `source` is the student's saved code (used for 'submission' only). */
export function subjectOf(choice: SubjectChoice, fit: Fit, source: string): ReplaySubject {
  switch (choice) {
    case 'submission': return { code: 'submission', source };
    case 'reference': return { code: 'reference' };
    case 'starter': return { code: 'starter' };
    case 'engine': return { code: 'engine', config: { fit } };
  }
}

/** The picker's choice for a route's subject segment ('reference', 'engine-next'); your code for null or anything else. */
export function choiceOfRoute(subject: string | null): { choice: SubjectChoice; fit: Fit } {
  const engine = /^engine-(first|next|best)$/.exec(subject ?? '');
  if (engine) return { choice: 'engine', fit: engine[1] as Fit };
  if (subject === 'reference' || subject === 'starter' || subject === 'submission') return { choice: subject, fit: 'best' };
  return { choice: 'submission', fit: 'best' };
}

/** The route's subject segment of a choice (null for your code, the default). */
export function routeOfChoice(choice: SubjectChoice, fit: Fit): string | null {
  return choice === 'submission' ? null : choice === 'engine' ? `engine-${fit}` : choice;
}
