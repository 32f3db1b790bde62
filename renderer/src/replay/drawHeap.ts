// Drawing the heap map on a canvas: each kind's fill (palette.ts's colour with its pattern as a
// tile, so kinds differ without hue), then one fillRect per run of equal cells per grid row (payload
// runs shaded by how full their cells are), and an outline around the cursor cell. The context is an
// interface, so tests draw on a recorder; nothing is allocated per cell.
import { heapCellKinds } from '../../../electron/contract';
import { heapSwatches, type Pattern } from '../palette';
import { runsOf, type Grid } from './heapGrid';

/** The parts of CanvasRenderingContext2D the map uses. */
export interface HeapContext {
  fillStyle: string | CanvasGradient | CanvasPattern;
  strokeStyle: string | CanvasGradient | CanvasPattern;
  globalAlpha: number;
  lineWidth: number;
  clearRect(x: number, y: number, w: number, h: number): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  strokeRect(x: number, y: number, w: number, h: number): void;
}

/** One fill per kind, in heapCellKinds' order (null: not drawn, as 'beyond'). */
export type KindFills = (string | CanvasPattern | null)[];

export const TILE = 6;
/** The smallest cell (px) drawn with gaps between cells. */
export const GRID_PX = 8;

/**
 * Which pixels of a TILE × TILE tile carry the pattern's mark (1) over the kind's colour (0):
 * hatch a diagonal line, dots one dot, cross both diagonals; solid and none mark nothing.
 */
export function patternMask(pattern: Pattern, size = TILE): Uint8Array {
  const mask = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const diagonal = (x + y) % size === 0;
      const anti = x === y;
      const on = pattern === 'hatch' ? diagonal
        : pattern === 'cross' ? diagonal || anti
          : pattern === 'dots' ? x === size >> 1 && y === size >> 1 : false;
      mask[y * size + x] = on ? 1 : 0;
    }
  }
  return mask;
}

/** '#RRGGBB' as [r, g, b]; grey for anything else. */
export function rgbOf(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : [153, 153, 153];
}

/**
 * The kinds' fills for a document: a pattern tile per patterned kind (its colour, marks in dark
 * ink), the plain colour for solid ones, null for 'beyond'. Needs a canvas 2D context (the browser).
 */
export function makeFills(doc: Document, ctx: CanvasRenderingContext2D): KindFills {
  return heapCellKinds.map((kind) => {
    const swatch = heapSwatches[kind]!;
    if (swatch.pattern === 'none' || swatch.colour === 'transparent') return null;
    if (swatch.pattern === 'solid') return swatch.colour;
    const tile = doc.createElement('canvas');
    tile.width = TILE;
    tile.height = TILE;
    const t = tile.getContext('2d');
    if (!t) return swatch.colour;
    const image = t.createImageData(TILE, TILE);
    const mask = patternMask(swatch.pattern);
    const [r, g, b] = rgbOf(swatch.colour);
    for (let i = 0; i < mask.length; i++) {
      const ink = mask[i] === 1;
      image.data[i * 4] = ink ? 20 : r;
      image.data[i * 4 + 1] = ink ? 20 : g;
      image.data[i * 4 + 2] = ink ? 20 : b;
      image.data[i * 4 + 3] = 255;
    }
    t.putImageData(image, 0, 0);
    return ctx.createPattern(tile, 'repeat') ?? swatch.colour;
  });
}

/**
 * Draws `cells`/`fill` on `ctx` in `grid` (clearing `width` × `height` first), one fillRect per
 * run per row; payload runs with alpha 0.35..1 by their fill tenths. `runs` is the reused buffer
 * (4 × cells.length). With `gapColour`, cells of GRID_PX or more are parted by 1-pixel lines of it.
 * Outlines cell `cursor` (-1: none) in `cursorColour`. Returns the runs drawn.
 */
export function drawHeap(
  ctx: HeapContext, cells: string, fill: string, grid: Grid, fills: KindFills, runs: Int32Array,
  width: number, height: number, cursor = -1, cursorColour = '#000000', gapColour: string | null = null,
): number {
  ctx.clearRect(0, 0, width, height);
  const count = runsOf(cells, fill, runs);
  const { cols, size } = grid;
  for (let r = 0; r < count; r++) {
    const k = r * 4;
    const style = fills[runs[k + 2]!];
    if (!style) continue;
    ctx.fillStyle = style;
    ctx.globalAlpha = runs[k + 2] === 2 ? 0.35 + (0.65 * runs[k + 3]!) / 10 : 1;
    let start = runs[k]!;
    const end = start + runs[k + 1]!;
    while (start < end) {
      const row = Math.floor(start / cols);
      const col = start - row * cols;
      const length = Math.min(end - start, cols - col);
      ctx.fillRect(col * size, row * size, length * size, size);
      start += length;
    }
  }
  ctx.globalAlpha = 1;
  // Cells of GRID_PX or more get 1-pixel gaps between them, so single bytes can be counted.
  if (gapColour && size >= GRID_PX) {
    const rows = Math.ceil(cells.length / cols);
    ctx.fillStyle = gapColour;
    for (let c = 1; c < cols; c++) ctx.fillRect(c * size, 0, 1, rows * size);
    for (let r = 1; r < rows; r++) ctx.fillRect(0, r * size, cols * size, 1);
  }
  if (cursor >= 0 && cursor < cells.length) {
    const row = Math.floor(cursor / cols);
    ctx.strokeStyle = cursorColour;
    ctx.lineWidth = 2;
    // Around the cell, 1 px outside it, so even a 1-pixel cell shows.
    ctx.strokeRect((cursor - row * cols) * size - 1, row * size - 1, size + 2, size + 2);
  }
  return count;
}
