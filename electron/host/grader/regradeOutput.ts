// Writing a regrade's diff (regrade.ts): regrade.csv, one row per student and test whose score or
// status changed (old and new score, maximum and status, and why), and regrade.md, the same for a
// person: which grader graded before and now, what changed in the exercise and its rubric, the
// changed scores with their reasons, and every student's total before and now.
import type { RegradeDiff, RegradeRow } from './regrade';
import { csvLines } from './batchOutput';

const REASONS = '; ';

/** regrade.csv: student, test, old_score, new_score, old_max, new_max, old_status, new_status, reason (empty cells where a side has none). */
export function regradeCsv(diff: RegradeDiff): string {
  const header = ['student', 'test', 'old_score', 'new_score', 'old_max', 'new_max', 'old_status', 'new_status', 'reason'];
  const rows = diff.rows.map((r) => [
    r.student, r.test, r.old?.score ?? '', r.now?.score ?? '', r.old?.max ?? '', r.now?.max ?? '', r.old?.status ?? '', r.now?.status ?? '', r.reasons.join(REASONS),
  ]);
  return csvLines([header, ...rows]);
}

/** A table cell: pipes escaped, line breaks as spaces. */
const cell = (s: string | number): string => String(s).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const side = (c: RegradeRow['old']): string => (c === null ? '—' : `${c.score} / ${c.max} ${c.status}`);
const mean = (xs: number[]): number => (xs.length === 0 ? 0 : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The one-paragraph summary: how many students and tests changed, and the mean before and now. */
export function regradeSummary(diff: RegradeDiff): string {
  const students = [...new Set(diff.rows.map((r) => r.student))];
  const tests = [...new Set(diff.rows.map((r) => r.test))];
  const before = mean(diff.totals.flatMap((t) => (t.old === null ? [] : [t.old])));
  const now = mean(diff.totals.flatMap((t) => (t.now === null ? [] : [t.now])));
  if (diff.rows.length === 0) return `No score changed: ${plural(diff.totals.length, 'student')}, mean ${before} before and now.`;
  return `${students.length} of ${plural(diff.totals.length, 'student')} changed score, in ${plural(tests.length, 'test')} (${tests.join(', ')}); mean ${before} → ${now}.`;
}

/**
 * regrade.md: the grader before and now, the exercise's and rubric's changes, the changed scores and
 * why, and the totals. For a terminal: `rows` caps the changed scores listed, `totals: false` leaves the totals out.
 */
export function regradeMarkdown(diff: RegradeDiff, options: { rows?: number; totals?: boolean } = {}): string {
  const same = (a: string, b: string) => (a === b ? `${b} (unchanged)` : b);
  const lines = [
    `# Regrade of ${diff.exercise}`,
    '',
    `Graded ${diff.graded}, graded again with the current grader.`,
    '',
    '| | before | now |',
    '| --- | --- | --- |',
    `| grader | ${diff.old.version} | ${same(diff.old.version, diff.now.version)} |`,
    `| code | ${diff.old.code} | ${same(diff.old.code, diff.now.code)} |`,
    `| exercise | ${diff.old.exercise} | ${same(diff.old.exercise, diff.now.exercise)} |`,
    '',
    `Exercise files changed: ${diff.files.length === 0 ? 'none' : diff.files.join(', ')}.`,
    '',
    ...(diff.rubric.length === 0 ? ['Rubric changes: none.'] : ['Rubric changes:', ...diff.rubric.map((c) => `- ${cell(c)}`)]),
    '',
    regradeSummary(diff),
  ];
  if (diff.rows.length > 0) {
    lines.push('', '| student | test | before | now | why |', '| --- | --- | --- | --- | --- |');
    const shown = diff.rows.slice(0, options.rows ?? diff.rows.length);
    for (const r of shown) lines.push(`| ${cell(r.student)} | ${cell(r.test)} | ${side(r.old)} | ${side(r.now)} | ${cell(r.reasons.join(REASONS))} |`);
    if (shown.length < diff.rows.length) lines.push(`| … | ${diff.rows.length - shown.length} more in regrade.csv | | | |`);
  }
  if (options.totals !== false) {
    lines.push('', '## Totals', '', '| student | before | now |', '| --- | --- | --- |');
    for (const t of diff.totals) lines.push(`| ${cell(t.student)} | ${t.old ?? '—'} | ${t.old === t.now ? `${t.now ?? '—'}` : `**${t.now ?? '—'}**`} |`);
  }
  return `${lines.join('\n')}\n`;
}
