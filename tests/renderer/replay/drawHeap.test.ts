// Drawing the heap map on a recording context: one rectangle per run per row, beyond not drawn,
// payload shaded by fill, the cursor outlined; the pattern tiles' marks and the colour parsing.
import { describe, expect, it } from 'vitest';
import { drawHeap, GRID_PX, patternMask, rgbOf, TILE, type HeapContext, type KindFills } from '../../../renderer/src/replay/drawHeap';

/** A context recording each fillRect with the fill style and alpha it used, and each strokeRect. */
function recorder() {
  const rects: [string, number, number, number, number, number][] = [];
  const strokes: [string, number, number, number, number][] = [];
  const ctx: HeapContext & { cleared: number } = {
    fillStyle: '', strokeStyle: '', globalAlpha: 1, lineWidth: 1, cleared: 0,
    clearRect() { ctx.cleared++; },
    fillRect(x, y, w, h) { rects.push([String(ctx.fillStyle), ctx.globalAlpha, x, y, w, h]); },
    strokeRect(x, y, w, h) { strokes.push([String(ctx.strokeStyle), x, y, w, h]); },
  };
  return { ctx, rects, strokes };
}

const fills: KindFills = [null, 'free', 'payload', 'overhead', 'metadata', 'padding'];

describe('drawHeap', () => {
  it('fills one rectangle per run per row, wrapping runs at the row end, and skips beyond', () => {
    const { ctx, rects, strokes } = recorder();
    // 4 columns of 10 px: runs 11 | 2222 2 | 3 | 00 (the payload run wraps from row 0 to row 1).
    const runs = new Int32Array(4 * 10);
    const count = drawHeap(ctx, '112222300', 'aaaaaaaaa', { cols: 4, rows: 3, size: 10 }, fills, runs, 40, 30);
    expect(count).toBe(4);
    expect(ctx.cleared).toBe(1);
    expect(rects).toEqual([
      ['free', 1, 0, 0, 20, 10],
      ['payload', 1, 20, 0, 20, 10],
      ['payload', 1, 0, 10, 20, 10],
      ['overhead', 1, 20, 10, 10, 10],
    ]);
    expect(strokes).toEqual([]);
  });

  it('shades payload by its fill tenths, leaves other kinds opaque, and outlines the cursor', () => {
    const { ctx, rects, strokes } = recorder();
    drawHeap(ctx, '2223', '0a50', { cols: 8, rows: 1, size: 5 }, fills, new Int32Array(16), 40, 5, 2, '#123456');
    expect(rects.map(([style, alpha]) => [style, Number(alpha.toFixed(3))])).toEqual([['payload', 0.35], ['payload', 1], ['payload', 0.675], ['overhead', 1]]);
    expect(strokes).toEqual([['#123456', 9, -1, 7, 7]]);
    expect(ctx.globalAlpha).toBe(1);
  });

  it('parts cells of GRID_PX or more with 1-pixel gaps, and not smaller ones', () => {
    const big = recorder();
    drawHeap(big.ctx, '2222222', 'aaaaaaa', { cols: 3, rows: 3, size: GRID_PX }, fills, new Int32Array(28), 24, 24, -1, '#000', 'gap');
    // 7 cells in 3 columns: 3 rows; 2 column gaps and 2 row gaps.
    expect(big.rects.filter(([style]) => style === 'gap').map(([, , x, y, w, h]) => [x, y, w, h])).toEqual([
      [GRID_PX, 0, 1, 3 * GRID_PX], [2 * GRID_PX, 0, 1, 3 * GRID_PX], [0, GRID_PX, 3 * GRID_PX, 1], [0, 2 * GRID_PX, 3 * GRID_PX, 1],
    ]);
    const small = recorder();
    drawHeap(small.ctx, '2222222', 'aaaaaaa', { cols: 3, rows: 3, size: GRID_PX - 1 }, fills, new Int32Array(28), 24, 24, -1, '#000', 'gap');
    expect(small.rects.some(([style]) => style === 'gap')).toBe(false);
  });
});

describe('pattern tiles', () => {
  it('marks a diagonal for hatch, both for cross, one dot for dots, nothing for solid', () => {
    const on = (m: Uint8Array) => [...m].reduce((a, b) => a + b, 0);
    const hatch = patternMask('hatch');
    expect(on(hatch)).toBe(TILE);
    expect(hatch[0]).toBe(1);
    expect(hatch[TILE - 1]).toBe(0);
    expect(hatch[(TILE - 1) * TILE + 1]).toBe(1); // x 1, y TILE-1: x + y = TILE
    expect(on(patternMask('cross'))).toBeGreaterThan(TILE);
    expect(on(patternMask('dots'))).toBe(1);
    expect(on(patternMask('solid'))).toBe(0);
    // The patterns differ from one another, so kinds differ without colour.
    const masks = (['hatch', 'cross', 'dots', 'solid'] as const).map((p) => patternMask(p).join(''));
    expect(new Set(masks).size).toBe(4);
  });

  it('parses #RRGGBB and falls back to grey', () => {
    expect(rgbOf('#0072B2')).toEqual([0, 114, 178]);
    expect(rgbOf('transparent')).toEqual([153, 153, 153]);
  });
});
