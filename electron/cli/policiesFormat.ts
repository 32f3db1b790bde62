// The fragmentation paper's table (PolicyRanking) as `freenos-lab policies` prints it: text (policies
// by rank, one column per trace, numbered with a legend), JSON (the ranking as data, with what each
// measure is) or CSV (one line per policy and trace, plus each policy's means).
import type { PolicyRanking, RankingRow } from '../../engine/grader';

export const POLICY_FORMATS = ['text', 'json', 'csv'] as const;
export type PolicyFormat = (typeof POLICY_FORMATS)[number];

/** What the measures are, in every format's words. */
export const MEASURES = {
  frag4: 'measure #4: heap high-water mark / peak live payload - 1 (the paper\'s ranking measure)',
  frag3: 'measure #3: heap high-water mark / live payload when the heap first reached it - 1',
  frag2: 'measure #2: heap size when the live payload first peaked / peak live payload - 1',
};

/** A fraction as a percentage with one decimal ('12.5 %'), or '—' for none. */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`;
}

/** The ranking in `format`. */
export function formatRanking(ranking: PolicyRanking, format: PolicyFormat): string {
  if (format === 'json') return `${JSON.stringify({ measures: MEASURES, ...ranking }, null, 2)}\n`;
  if (format === 'csv') return rankingCsv(ranking);
  return rankingText(ranking);
}

function heapWords(heap: PolicyRanking['heap']): string {
  const mib = `${+(heap.limit / 2 ** 20).toFixed(2)} MiB`;
  return heap.parent === 'sbrk' ? `an sbrk heap (grown by exactly what is asked, at most ${mib})` : `a PageAllocator heap (grown in 128 KiB steps, at most ${mib})`;
}

function rankingText(ranking: PolicyRanking): string {
  const { traces, rows } = ranking;
  const head = ['rank', 'policy', ...traces.map((_, k) => `[${k + 1}]`), 'mean #4', 'mean #3'];
  const body = rows.map((row) => [
    row.rank === null ? '—' : String(row.rank), row.extra ? `${row.label} (yours)` : row.label,
    ...row.cells.map((c) => (c.ok ? percent(c.measures?.frag4) : 'FAILED')), percent(row.mean4), percent(row.mean3),
  ]);
  const widths = head.map((h, k) => Math.max(h.length, ...body.map((r) => r[k]!.length)));
  const line = (cells: string[]) => cells.map((c, k) => (k === 1 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ').trimEnd();
  const out = [
    'Fragmentation by policy, lowest first (Johnstone & Wilson, ISMM 1998):',
    `  ${MEASURES.frag4}, per trace and as the mean over the traces.`,
    `  ${traces.length} trace${traces.length === 1 ? '' : 's'}, each replayed under the checker on ${heapWords(ranking.heap)}.`,
    '',
    line(head),
    ...body.map(line),
    '',
    ...traces.map((t, k) => `[${k + 1}] ${t.name}: ${t.file}, ${t.operations.toLocaleString('en-US')} operations`),
  ];
  const failures = rows.flatMap((row) => row.cells.flatMap((c, k) => (c.ok ? [] : [`  ${row.label} on [${k + 1}] ${c.trace}: ${c.failure}`])));
  if (failures.length > 0) out.push('', 'Failed (a row that failed a trace is not ranked; its means are over the traces it finished):', ...failures);
  return `${out.join('\n')}\n`;
}

const csvField = (value: string | number | null): string => {
  const text = value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

function rankingCsv(ranking: PolicyRanking): string {
  const lines = [['rank', 'policy', 'label', 'extra', 'trace', 'ok', 'frag4', 'frag3', 'frag2', 'peak_payload', 'heap_high_water', 'failure']];
  const of = (row: RankingRow) => [row.rank, row.id, row.label, row.extra ? 1 : 0];
  for (const row of ranking.rows) {
    for (const c of row.cells) {
      lines.push([...of(row), c.trace, c.ok ? 1 : 0, c.measures?.frag4 ?? null, c.measures?.frag3 ?? null, c.measures?.frag2 ?? null, c.peakPayload, c.heapHighWater, c.failure].map(csvField));
    }
    lines.push([...of(row), '(mean)', row.cells.every((c) => c.ok) ? 1 : 0, row.mean4, row.mean3, row.mean2, null, null, null].map(csvField));
  }
  return `${lines.map((l) => l.join(',')).join('\n')}\n`;
}
