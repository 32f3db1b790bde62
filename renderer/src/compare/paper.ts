// Compare's ranking table for the fragmentation paper (Johnstone & Wilson 1998) as data: the host's
// ranking of the paper's eleven policies on the trace, merged with Compare's other rows (your code,
// the reference...), whose measure #4 comes from their replay's end (heap high-water mark / peak
// live payload - 1; #3 and #2 need the whole series, which only the policies' ranking keeps).
// Ranked again over the merged rows, lowest #4 first; equal values share a rank.
import type { PolicyRankingView, ReplayEnd } from '../../../electron/contract';
import { paperPolicyOf, type SubjectKind } from './subjects';

export interface PaperRow {
  label: string;
  /** 1 for the least fragmentation; null for a row that failed or has no measure. */
  rank: number | null;
  frag4: number | null;
  frag3: number | null;
  frag2: number | null;
  /** It is one of Compare's rows (charted above). */
  charted: boolean;
  /** Not a policy of the paper: a row of Compare's (your code, the reference, the starter, the engine's default). */
  extra: boolean;
  /** Why it has no measure (its failure), or null. */
  note: string | null;
}

/** A fraction as a percentage with one decimal ('12.5 %'), or '—'. */
export function percent(value: number | null): string {
  return value === null ? '—' : `${(value * 100).toFixed(1)} %`;
}

/** Measure #4 of a replay that finished: heap high-water mark / peak live payload - 1 (null when nothing was live). */
export function frag4Of(end: ReplayEnd | null): number | null {
  const m = end?.metrics;
  if (!end || !end.ok || !m || m.peakPayload <= 0) return null;
  return m.heapHighWater / m.peakPayload - 1;
}

/** The merged table: the ranking's policies (when it came) and Compare's rows that are not the paper's, ranked by #4. */
export function paperTable(ranking: PolicyRankingView | null, compared: readonly { kind: SubjectKind; label: string; end: ReplayEnd | null }[]): PaperRow[] {
  const charted = new Set(compared.flatMap((c) => paperPolicyOf(c.kind) ?? []));
  const rows: PaperRow[] = (ranking?.rows ?? []).map((r) => ({
    label: r.label, rank: null, frag4: r.frag4, frag3: r.frag3, frag2: r.frag2, charted: charted.has(r.id), extra: false, note: r.failure,
  }));
  for (const c of compared) {
    if (paperPolicyOf(c.kind) !== null || !c.end) continue;
    const frag4 = frag4Of(c.end);
    const note = frag4 !== null ? null : c.end.stopped ? 'stopped' : c.end.error ?? (c.end.failure ? `failed at operation ${c.end.failure.op}` : 'nothing was live');
    rows.push({ label: c.label, rank: null, frag4, frag3: null, frag2: null, charted: true, extra: true, note });
  }
  const order = (v: number | null) => v ?? Infinity;
  rows.sort((a, b) => order(a.frag4) - order(b.frag4));
  rows.forEach((row, k) => {
    if (row.frag4 === null) return;
    const before = rows[k - 1];
    row.rank = before && before.frag4 !== null && Math.abs(before.frag4 - row.frag4) <= 1e-9 ? before.rank : k + 1;
  });
  return rows;
}
