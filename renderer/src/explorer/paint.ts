// Painting the frame map on a canvas: each cell filled with its owner's swatch (palette.ts: colour
// plus a pattern tiled across the canvas, so runs of one owner read as one block), the selected
// process's cells outlined, the keyboard's cell framed. Needs a 2D context; shapes nothing itself.
import type { Pattern, Swatch } from '../palette';
import { swatchOf, type FrameGrid } from './frames';

export interface PaintOptions {
  cellSize: number;
  /** Free cells' colour (the theme's panel colour) and the outline's and focus frame's. */
  background: string;
  outline: string;
  focusColour: string;
  highlight: ReadonlySet<number>;
  focus: number | null;
}

/** Black or white ink for a pattern drawn over `colour` (by its luminance; '#RRGGBB' assumed). */
export function inkFor(colour: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(colour);
  if (!m) return 'rgba(0,0,0,0.6)';
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h!, 16) / 255) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 ? 'rgba(0,0,0,0.65)' : 'rgba(255,255,255,0.75)';
}

/** Draws one pattern tile of `size` pixels: the colour, then the pattern's marks in contrasting ink. */
export function drawTile(ctx: CanvasRenderingContext2D, size: number, colour: string, pattern: Pattern, background: string): void {
  ctx.fillStyle = pattern === 'none' ? background : colour;
  ctx.fillRect(0, 0, size, size);
  if (pattern === 'none' || pattern === 'solid') return;
  ctx.strokeStyle = ctx.fillStyle = inkFor(colour);
  ctx.lineWidth = 1;
  ctx.beginPath();
  if (pattern === 'hatch' || pattern === 'cross') {
    ctx.moveTo(0, size);
    ctx.lineTo(size, 0);
  }
  if (pattern === 'cross') {
    ctx.moveTo(0, 0);
    ctx.lineTo(size, size);
  }
  ctx.stroke();
  if (pattern === 'dots') ctx.fillRect(Math.floor(size / 2) - 1, Math.floor(size / 2) - 1, 2, 2);
}

/** A repeating pattern (or the plain colour when the pattern cannot be made) for a swatch. */
function fillFor(ctx: CanvasRenderingContext2D, swatch: Swatch, size: number, background: string): CanvasPattern | string {
  if (swatch.pattern === 'solid') return swatch.colour;
  if (swatch.pattern === 'none') return background;
  const tile = document.createElement('canvas');
  tile.width = tile.height = size;
  const t = tile.getContext('2d');
  if (!t) return swatch.colour;
  drawTile(t, size, swatch.colour, swatch.pattern, background);
  return ctx.createPattern(tile, 'repeat') ?? swatch.colour;
}

/** Paints `grid` on `ctx` (the canvas already sized columns × rows cells). */
export function paintFrames(ctx: CanvasRenderingContext2D, grid: FrameGrid, o: PaintOptions): void {
  const s = o.cellSize;
  ctx.clearRect(0, 0, grid.columns * s, grid.rows * s);
  const fills = new Map<string, CanvasPattern | string>();
  grid.cells.forEach((cell, i) => {
    if (!fills.has(cell.owner)) fills.set(cell.owner, fillFor(ctx, swatchOf(cell.owner), s, o.background));
    ctx.fillStyle = fills.get(cell.owner)!;
    ctx.fillRect((i % grid.columns) * s, Math.floor(i / grid.columns) * s, s, s);
  });
  // The selected process: a line on each side of its cells that borders a cell not its own.
  ctx.fillStyle = o.outline;
  const w = Math.max(1, Math.floor(s / 4));
  const has = (i: number) => i >= 0 && i < grid.cells.length && o.highlight.has(i);
  for (const i of o.highlight) {
    const x = (i % grid.columns) * s;
    const y = Math.floor(i / grid.columns) * s;
    const column = i % grid.columns;
    if (!has(i - grid.columns)) ctx.fillRect(x, y, s, w);
    if (!has(i + grid.columns)) ctx.fillRect(x, y + s - w, s, w);
    if (column === 0 || !has(i - 1)) ctx.fillRect(x, y, w, s);
    if (column === grid.columns - 1 || !has(i + 1)) ctx.fillRect(x + s - w, y, w, s);
  }
  if (o.focus !== null && o.focus < grid.cells.length) {
    ctx.strokeStyle = o.focusColour;
    ctx.lineWidth = 2;
    ctx.strokeRect((o.focus % grid.columns) * s - 1, Math.floor(o.focus / grid.columns) * s - 1, s + 2, s + 2);
  }
}
