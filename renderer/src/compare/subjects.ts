// Compare's subjects: which allocators one trace goes through (the student's code, the exercise's
// reference or starter, the engine's TunableAllocator with a fit policy), their labels for legends
// and tables, the default list, and the rules for adding and removing rows (2 to 4).
import type { ReplaySubject } from '../../../electron/contract';

export const subjectKinds = ['submission', 'reference', 'starter', 'engine-first', 'engine-next', 'engine-best'] as const;
export type SubjectKind = (typeof subjectKinds)[number];

/** Fewest and most rows a comparison has. */
export const MIN_SUBJECTS = 2;
export const MAX_SUBJECTS = 4;

const labels: Record<SubjectKind, string> = {
  submission: 'your code',
  reference: 'reference',
  starter: 'starter',
  'engine-first': 'engine (first fit)',
  'engine-next': 'engine (next fit)',
  'engine-best': 'engine (best fit)',
};

/** A subject's words for the picker, legends and tables ('engine (best fit)'). */
export function subjectLabel(kind: SubjectKind): string {
  return labels[kind];
}

/** The subjects a comparison starts with: your code, the reference, the engine with first fit. */
export function defaultSubjects(): SubjectKind[] {
  return ['submission', 'reference', 'engine-first'];
}

/** True when `value` names a subject kind. */
export function isSubjectKind(value: unknown): value is SubjectKind {
  return typeof value === 'string' && (subjectKinds as readonly string[]).includes(value);
}

/** The replay API's subject for a kind; `source` is the student's saved code (used by 'submission' only). */
export function subjectRequest(kind: SubjectKind, source: string): ReplaySubject {
  switch (kind) {
    case 'submission': return { code: 'submission', source };
    case 'reference': return { code: 'reference' };
    case 'starter': return { code: 'starter' };
    case 'engine-first': return { code: 'engine', config: { fit: 'first' } };
    case 'engine-next': return { code: 'engine', config: { fit: 'next' } };
    case 'engine-best': return { code: 'engine', config: { fit: 'best' } };
  }
}

/** The kind a new row gets: the first one not in `rows` yet (or null when no row can be added). */
export function nextSubject(rows: readonly SubjectKind[]): SubjectKind | null {
  if (rows.length >= MAX_SUBJECTS) return null;
  return subjectKinds.find((k) => !rows.includes(k)) ?? subjectKinds[0];
}

/**
 * The rows' labels, told apart when a kind appears twice ('reference', 'reference #2'), so legends
 * and table rows are never ambiguous.
 */
export function rowLabels(rows: readonly SubjectKind[]): string[] {
  const seen = new Map<SubjectKind, number>();
  return rows.map((kind) => {
    const n = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, n);
    return n === 1 ? subjectLabel(kind) : `${subjectLabel(kind)} #${n}`;
  });
}
