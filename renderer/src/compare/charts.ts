// Compare's charts as data: which series each overlaid chart shows and in what unit ('utilization'
// is ReplayChart's live payload / heap size), and the zoom window over operations (zoom in or out
// around the cursor, clamped to the trace).
import type { ReplaySeriesName } from '../../../electron/contract';

export interface CompareChart {
  /** Stable id (for keys and test hooks). */
  id: string;
  title: string;
  series: ReplaySeriesName | 'utilization';
  unit: 'bytes' | 'ratio' | 'count' | 'work';
}

export const compareCharts: CompareChart[] = [
  { id: 'utilization', title: 'Utilization (payload / heap)', series: 'utilization', unit: 'ratio' },
  { id: 'external', title: 'External fragmentation', series: 'external', unit: 'ratio' },
  { id: 'heap', title: 'Heap size', series: 'heap', unit: 'bytes' },
  { id: 'holes', title: 'Free blocks (holes)', series: 'holes', unit: 'count' },
  { id: 'work', title: 'Search cost: work units per operation', series: 'work', unit: 'work' },
];

export interface Zoom {
  from: number;
  to: number;
}

/** The window [from, to) of `width` operations centred on `centre`, inside [0, total) (the whole trace when it is wider). */
export function windowAround(centre: number, width: number, total: number): Zoom {
  const w = Math.max(2, Math.min(Math.round(width), total));
  const from = Math.min(Math.max(0, Math.round(centre - w / 2)), Math.max(0, total - w));
  return { from, to: from + w };
}

/** The window after zooming in (factor < 1) or out (> 1) around `centre` (the window's middle when null); null = the whole trace. */
export function zoomed(current: Zoom | null, centre: number | null, factor: number, total: number): Zoom | null {
  const now = current ?? { from: 0, to: total };
  const width = (now.to - now.from) * factor;
  if (width >= total) return null;
  return windowAround(centre ?? (now.from + now.to) / 2, width, total);
}
