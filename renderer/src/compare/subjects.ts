// Compare's subjects: which allocators one trace goes through (the student's code, the exercise's
// reference or starter, the engine's TunableAllocator with a fit policy, a policy of the
// fragmentation paper), their labels for legends and tables, the default list and the paper's
// preset, and the rules for adding and removing rows (2 to 4).
import { PAPER_POLICIES, type ReplaySubject } from '../../../electron/contract';

/** A policy of the fragmentation paper as a row: 'paper-' and its id ('paper-best-address'). */
export type PaperKind = `paper-${string}`;
export type SubjectKind = 'submission' | 'reference' | 'starter' | 'engine-first' | 'engine-next' | 'engine-best' | PaperKind;
export const subjectKinds: readonly SubjectKind[] = [
  'submission', 'reference', 'starter', 'engine-first', 'engine-next', 'engine-best', ...PAPER_POLICIES.map((p): PaperKind => `paper-${p.id}`),
];

/** Fewest and most rows a comparison has. */
export const MIN_SUBJECTS = 2;
export const MAX_SUBJECTS = 4;

const labels: Record<string, string> = {
  submission: 'your code',
  reference: 'reference',
  starter: 'starter',
  'engine-first': 'engine (first fit)',
  'engine-next': 'engine (next fit)',
  'engine-best': 'engine (best fit)',
  ...Object.fromEntries(PAPER_POLICIES.map((p) => [`paper-${p.id}`, `paper: ${p.label}`])),
};

/** A subject's words for the picker, legends and tables ('engine (best fit)', 'paper: binary buddy'). */
export function subjectLabel(kind: SubjectKind): string {
  return labels[kind]!;
}

/** The paper's policy id of a row kind, or null for a kind that is not one of the paper's. */
export function paperPolicyOf(kind: SubjectKind): string | null {
  return kind.startsWith('paper-') ? kind.slice('paper-'.length) : null;
}

/**
 * The fragmentation paper's preset (Johnstone & Wilson 1998), within Compare's 4 rows: your code
 * beside the paper's best (best fit, address-ordered), a policy it found poor (next fit, LIFO) and
 * the binary buddy system; the ranking table beside the charts has all eleven.
 */
export const PAPER_PRESET: readonly SubjectKind[] = ['submission', 'paper-best-address', 'paper-next-lifo', 'paper-buddy'];

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
    default: return { code: 'policy', policy: paperPolicyOf(kind)! };
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
