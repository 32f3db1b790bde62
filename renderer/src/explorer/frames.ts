// The physical frame map's data: MachineState's frame runs shaped into a grid of cells (one frame
// per cell, or a group of frames when RAM is large), the words for a cell, the legend's counts and
// the cells holding a process's frames (its pages, tables and directory) to highlight.
import type { MachineFrameRun, MachineProcess } from '../../../electron/contract';
import { frameSwatches, type Swatch } from '../palette';
import { hex, pidName } from './numbers';

export const PAGE_SIZE = 4096;
/** The grid's width in cells, and the most cells it draws (more frames than this are grouped). */
export const FRAME_COLUMNS = 128;
export const MAX_FRAME_CELLS = 8192;

/** One cell: frames [first, first + count); what most of its used frames hold (free only when all are). */
export interface FrameCell {
  first: number;
  count: number;
  owner: string;
  pid: number | null;
  region: string | null;
  /** The frames hold more than one kind (owner, pid, region). */
  mixed: boolean;
}

export interface FrameGrid {
  perCell: number;
  columns: number;
  rows: number;
  total: number;
  cells: FrameCell[];
}

/** The swatch of an owner (the Unknown one for names palette.ts does not know). */
export function swatchOf(owner: string): Swatch {
  return frameSwatches[owner] ?? frameSwatches.Unknown!;
}

/** The frames not covered by any run (runs cut at the host's cap) count as this owner. */
const UNLISTED = 'Unknown';

/**
 * The cells of `total` frames: ceil(total / maxCells) frames per cell. Assumes `runs` are sorted by
 * first frame and do not overlap (as the host sends them); frames no run covers are Unknown.
 */
export function frameGrid(runs: readonly MachineFrameRun[], total: number, maxCells = MAX_FRAME_CELLS, columns = FRAME_COLUMNS): FrameGrid {
  const perCell = Math.max(1, Math.ceil(total / maxCells));
  const count = Math.ceil(total / perCell);
  const cells: FrameCell[] = [];
  let r = 0;
  for (let c = 0; c < count; c++) {
    const first = c * perCell;
    const end = Math.min(total, first + perCell);
    const tally = new Map<string, { frames: number; owner: string; pid: number | null; region: string | null }>();
    const add = (owner: string, pid: number | null, region: string | null, frames: number) => {
      const key = `${owner}/${pid}/${region}`;
      const t = tally.get(key) ?? { frames: 0, owner, pid, region };
      t.frames += frames;
      tally.set(key, t);
    };
    while (r < runs.length && runs[r]!.first + runs[r]!.count <= first) r++;
    let covered = 0;
    for (let k = r; k < runs.length && runs[k]!.first < end; k++) {
      const run = runs[k]!;
      const frames = Math.min(end, run.first + run.count) - Math.max(first, run.first);
      if (frames > 0) {
        add(run.owner, run.pid, run.region, frames);
        covered += frames;
      }
    }
    if (covered < end - first) add(UNLISTED, null, null, end - first - covered);
    const kinds = [...tally.values()];
    const used = kinds.filter((k) => k.owner !== 'Free');
    const best = (used.length ? used : kinds).reduce((a, b) => (b.frames > a.frames ? b : a));
    cells.push({ first, count: end - first, owner: best.owner, pid: best.pid, region: best.region, mixed: kinds.length > 1 });
  }
  return { perCell, columns, rows: Math.ceil(count / columns), total, cells };
}

/** The runs that hold frames of [first, first + count), clipped to it. */
export function runsIn(runs: readonly MachineFrameRun[], first: number, count: number): MachineFrameRun[] {
  const end = first + count;
  return runs
    .filter((r) => r.first < end && r.first + r.count > first)
    .map((r) => ({ ...r, first: Math.max(first, r.first), count: Math.min(end, r.first + r.count) - Math.max(first, r.first) }));
}

/** '0x002A7000' and what holds it: 'process page, pid 0, UserData'. */
function holder(run: Pick<MachineFrameRun, 'owner' | 'pid' | 'region'>): string {
  return [swatchOf(run.owner).label, ...(run.pid !== null ? [`pid ${pidName(run.pid)}`] : []), ...(run.region ? [run.region] : [])].join(', ');
}

/** A cell in words, for the hover line and screen readers: its frames, physical addresses and owners. */
export function describeCell(runs: readonly MachineFrameRun[], cell: FrameCell): string {
  if (cell.count === 1) {
    const run = runsIn(runs, cell.first, 1)[0] ?? { owner: UNLISTED, pid: null, region: null };
    return `Frame ${cell.first} at ${hex(cell.first * PAGE_SIZE)}: ${holder(run)}`;
  }
  const last = cell.first + cell.count - 1;
  const parts = runsIn(runs, cell.first, cell.count).map((r) => `${r.count} × ${holder(r)}`);
  const listed = runsIn(runs, cell.first, cell.count).reduce((n, r) => n + r.count, 0);
  if (listed < cell.count) parts.push(`${cell.count - listed} × ${swatchOf(UNLISTED).label} (not listed)`);
  return `Frames ${cell.first}–${last} at ${hex(cell.first * PAGE_SIZE)}–${hex((last + 1) * PAGE_SIZE - 1)}: ${parts.join('; ')}`;
}

export interface LegendEntry {
  owner: string;
  swatch: Swatch;
  count: number;
}

/** The legend: every owner with frames, in palette order (names palette.ts lacks at the end). */
export function legend(owners: Readonly<Record<string, number>>): LegendEntry[] {
  const order = Object.keys(frameSwatches);
  return Object.entries(owners)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => (order.indexOf(a) + 1 || order.length + 1) - (order.indexOf(b) + 1 || order.length + 1))
    .map(([owner, count]) => ({ owner, swatch: swatchOf(owner), count }));
}

/**
 * The cells with a frame of `process`: the frames the host says it owns (runs with its pid), the
 * frames its pages map to (shared copy-on-write ones too), its second-level tables and its directory.
 */
export function processCells(grid: FrameGrid, runs: readonly MachineFrameRun[], process: MachineProcess): Set<number> {
  const cells = new Set<number>();
  const mark = (firstFrame: number, frames: number) => {
    const from = Math.max(0, firstFrame);
    const to = Math.min(grid.total, firstFrame + frames) - 1;
    if (to < from) return;
    for (let c = Math.floor(from / grid.perCell); c <= Math.floor(to / grid.perCell); c++) cells.add(c);
  };
  for (const run of runs) if (run.pid === process.pid) mark(run.first, run.count);
  for (const m of process.mappings) mark(Math.floor(m.phys / PAGE_SIZE), m.pages);
  for (const d of process.directory) if (!d.kernel) mark(Math.floor(d.table / PAGE_SIZE), 1);
  if (process.root) mark(Math.floor(process.root / PAGE_SIZE), 1);
  return cells;
}

/** The cell under a point of the canvas (canvas pixels), or null outside the cells. */
export function cellAtPoint(grid: FrameGrid, cellSize: number, x: number, y: number): number | null {
  const column = Math.floor(x / cellSize);
  const row = Math.floor(y / cellSize);
  if (x < 0 || y < 0 || column >= grid.columns) return null;
  const index = row * grid.columns + column;
  return index < grid.cells.length ? index : null;
}

/** The cell a key moves the focus to (arrows, Home, End, PageUp/PageDown by 8 rows), or null for other keys. */
export function moveCell(grid: FrameGrid, from: number, key: string): number | null {
  const last = grid.cells.length - 1;
  const step: Record<string, number> = {
    ArrowLeft: -1, ArrowRight: 1, ArrowUp: -grid.columns, ArrowDown: grid.columns, PageUp: -8 * grid.columns, PageDown: 8 * grid.columns,
  };
  if (key === 'Home') return 0;
  if (key === 'End') return last;
  if (!(key in step)) return null;
  return Math.min(last, Math.max(0, from + step[key]!));
}
