// The heap map's geometry, pure: how many cells fit a canvas and how they wrap into rows, which
// cell is under a point, the address of a cell, runs of equal cells (one fillRect each), and the
// byte windows that zooming and panning ask replayFrame for (whole bytes per cell, within the heap).
import { MAX_HEAP_CELLS, type HeapCells, type HeapWindow } from '../../../electron/contract';

/** A grid of `cols` columns and `rows` rows of `size`-pixel square cells. */
export interface Grid {
  cols: number;
  rows: number;
  size: number;
}

/** A byte range [from, to) of the heap. */
export interface ByteRange {
  from: number;
  to: number;
}

/** The smallest cell the map draws when it asks for cells (in CSS pixels), and the largest. */
export const MIN_CELL_PX = 4;
export const MAX_CELL_PX = 32;
/** The narrowest window zooming in reaches (bytes): one byte per cell by then. */
export const MIN_WINDOW_BYTES = 16;

/**
 * The grid for `cells` cells in a `width` × `height` pixel area: the largest whole cell size
 * (MAX_CELL_PX at most, 1 at least) whose rows fit the height; at size 1 the rows may overflow it.
 * Assumes width ≥ 1.
 */
export function gridFor(cells: number, width: number, height: number): Grid {
  const w = Math.max(1, Math.floor(width));
  for (let size = MAX_CELL_PX; size >= 1; size--) {
    const cols = Math.max(1, Math.floor(w / size));
    const rows = Math.max(1, Math.ceil(cells / cols));
    if (rows * size <= height || size === 1) return { cols, rows, size };
  }
  return { cols: w, rows: Math.max(1, Math.ceil(cells / w)), size: 1 };
}

/** How many cells of MIN_CELL_PX fill a `width` × `height` area (what the map asks for), within 1..MAX_HEAP_CELLS. */
export function capacityFor(width: number, height: number): number {
  const cells = Math.floor(width / MIN_CELL_PX) * Math.floor(height / MIN_CELL_PX);
  return Math.max(1, Math.min(MAX_HEAP_CELLS, cells));
}

/** The index of the cell at pixel (x, y) of a grid showing `count` cells, or -1 outside them. */
export function cellAt(x: number, y: number, grid: Grid, count: number): number {
  if (x < 0 || y < 0) return -1;
  const col = Math.floor(x / grid.size);
  const row = Math.floor(y / grid.size);
  if (col >= grid.cols) return -1;
  const index = row * grid.cols + col;
  return index < count ? index : -1;
}

/** The first address of cell `index`. */
export function addressOfCell(heap: HeapCells, index: number): number {
  return heap.from + index * heap.bytesPerCell;
}

/** The cell holding `address`, or -1 outside the map's window. */
export function cellOfAddress(heap: HeapCells, address: number): number {
  if (address < heap.from || address >= heap.to) return -1;
  const index = Math.floor((address - heap.from) / heap.bytesPerCell);
  return index < heap.cells.length ? index : -1;
}

/**
 * Runs of equal cells, flat in `out` as [start, length, kind, shade] per run (kind: the cell's
 * digit; shade: its fill tenths 0..10 for payload cells, 10 for any other kind, whose fill is not
 * drawn). Returns the number of runs. `out` must hold 4 × cells.length numbers (reused between
 * frames, so drawing allocates nothing per cell).
 */
export function runsOf(cells: string, fill: string, out: Int32Array): number {
  let count = 0;
  let i = 0;
  const n = cells.length;
  while (i < n) {
    const kind = cells.charCodeAt(i) - 48;
    const shade = kind === 2 ? shadeAt(fill, i) : 10;
    let j = i + 1;
    while (j < n && cells.charCodeAt(j) - 48 === kind && (kind !== 2 || shadeAt(fill, j) === shade)) j++;
    const k = count * 4;
    out[k] = i;
    out[k + 1] = j - i;
    out[k + 2] = kind;
    out[k + 3] = shade;
    count++;
    i = j;
  }
  return count;
}

/** A cell's payload tenths from its fill character ('0'..'9', 'a' = 10); 10 when missing. */
export function shadeAt(fill: string, index: number): number {
  const code = fill.charCodeAt(index);
  if (code >= 48 && code <= 57) return code - 48;
  return 10;
}

/**
 * The window to ask replayFrame for to show bytes [range.from, range.to) in at most `capacity`
 * cells: a whole number of bytes per cell (1 when the range is narrow: byte granularity), the range
 * rounded out to a whole number of cells. `range` null: the whole heap, in `capacity` cells.
 */
export function windowRequest(range: ByteRange | null, capacity: number): HeapWindow {
  const cap = Math.max(1, Math.min(MAX_HEAP_CELLS, Math.floor(capacity)));
  if (!range) return { cells: cap };
  const width = Math.max(1, range.to - range.from);
  const perCell = Math.max(1, Math.ceil(width / cap));
  const cells = Math.max(1, Math.ceil(width / perCell));
  return { from: range.from, to: range.from + cells * perCell, cells };
}

/**
 * `view` zoomed by `factor` (< 1 zooms in, > 1 out) around `center`, keeping the center's place in
 * the window, clamped inside `full` and no narrower than MIN_WINDOW_BYTES. Returns null when the
 * result covers all of `full` (the whole heap: no zoom).
 */
export function zoomWindow(view: ByteRange, full: ByteRange, center: number, factor: number): ByteRange | null {
  const width = view.to - view.from;
  const fullWidth = full.to - full.from;
  const next = Math.round(Math.min(fullWidth, Math.max(MIN_WINDOW_BYTES, width * factor)));
  if (next >= fullWidth) return null;
  const c = Math.min(view.to, Math.max(view.from, center));
  const share = width > 0 ? (c - view.from) / width : 0.5;
  return clampRange(Math.round(c - share * next), next, full);
}

/** `view` moved by `delta` bytes, kept inside `full` (null when it covers all of it). */
export function panWindow(view: ByteRange, full: ByteRange, delta: number): ByteRange | null {
  const width = view.to - view.from;
  if (width >= full.to - full.from) return null;
  return clampRange(Math.round(view.from + delta), width, full);
}

/** The range of `width` bytes starting near `from`, moved inside `full`. */
function clampRange(from: number, width: number, full: ByteRange): ByteRange {
  const start = Math.min(full.to - width, Math.max(full.from, from));
  return { from: start, to: start + width };
}
