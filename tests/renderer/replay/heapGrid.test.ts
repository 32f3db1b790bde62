// The heap map's geometry: grids that fit the area, the cell under a point and the address of a
// cell, runs of equal cells (payload split by shade), and the byte windows of zoom and pan.
import { describe, expect, it } from 'vitest';
import { MAX_HEAP_CELLS, type HeapCells } from '../../../electron/contract';
import {
  addressOfCell, capacityFor, cellAt, cellOfAddress, gridFor, MAX_CELL_PX, MIN_WINDOW_BYTES, panWindow, runsOf, shadeAt, windowRequest, zoomWindow,
} from '../../../renderer/src/replay/heapGrid';

const heap = (cells: string, from = 0x1000, bytesPerCell = 16): HeapCells => ({ from, to: from + cells.length * bytesPerCell, bytesPerCell, cells, fill: 'a'.repeat(cells.length) });

describe('gridFor', () => {
  it('picks the largest cell whose rows fit the height', () => {
    // 100 cells in 400 × 400: the largest cell (MAX_CELL_PX) fits.
    expect(gridFor(100, 400, 400)).toEqual({ cols: 12, rows: 9, size: MAX_CELL_PX });
    const g = gridFor(4096, 600, 280);
    expect(g.rows * g.size).toBeLessThanOrEqual(280);
    expect(g.cols * g.size).toBeLessThanOrEqual(600);
    expect(g.cols * g.rows).toBeGreaterThanOrEqual(4096);
    // One size up would not fit.
    const bigger = g.size + 1;
    expect(Math.ceil(4096 / Math.floor(600 / bigger)) * bigger).toBeGreaterThan(280);
  });

  it('falls back to 1-pixel cells whose rows overflow when nothing fits', () => {
    const g = gridFor(10_000, 50, 10);
    expect(g).toEqual({ cols: 50, rows: 200, size: 1 });
  });

  it('asks for as many MIN_CELL_PX cells as fill the area, within the contract\'s cap', () => {
    expect(capacityFor(400, 200)).toBe(100 * 50);
    expect(capacityFor(10_000, 10_000)).toBe(MAX_HEAP_CELLS);
    expect(capacityFor(0, 0)).toBe(1);
  });
});

describe('cells and addresses', () => {
  it('finds the cell under a point and nothing outside the cells', () => {
    const g = { cols: 10, rows: 3, size: 8 };
    expect(cellAt(0, 0, g, 25)).toBe(0);
    expect(cellAt(17, 9, g, 25)).toBe(12);
    expect(cellAt(79, 23, g, 25)).toBe(-1); // row 2, col 9: index 29 ≥ 25
    expect(cellAt(80, 0, g, 25)).toBe(-1);
    expect(cellAt(-1, 0, g, 25)).toBe(-1);
  });

  it('maps cells to addresses and back', () => {
    const h = heap('0123', 0xb0001000, 32);
    expect(addressOfCell(h, 2)).toBe(0xb0001040);
    expect(cellOfAddress(h, 0xb0001040)).toBe(2);
    expect(cellOfAddress(h, 0xb000105f)).toBe(2);
    expect(cellOfAddress(h, 0xb0000fff)).toBe(-1);
    expect(cellOfAddress(h, 0xb0001080)).toBe(-1);
  });
});

describe('runsOf', () => {
  it('cuts cells into runs of one kind, payload also by shade', () => {
    const out = new Int32Array(4 * 8);
    const n = runsOf('11222203', '00aa5a00', out);
    expect([...out.slice(0, n * 4)]).toEqual([
      0, 2, 1, 10, // free (shade not used)
      2, 2, 2, 10, // payload, full
      4, 1, 2, 5, // payload, half
      5, 1, 2, 10,
      6, 1, 0, 10, // beyond
      7, 1, 3, 10, // overhead
    ]);
    expect(n).toBe(6);
  });

  it('reads shades 0..9 and a, and treats a missing fill as full', () => {
    expect(shadeAt('09a', 0)).toBe(0);
    expect(shadeAt('09a', 1)).toBe(9);
    expect(shadeAt('09a', 2)).toBe(10);
    expect(shadeAt('', 3)).toBe(10);
  });

  it('gives one run for uniform cells, and nothing for none', () => {
    const out = new Int32Array(4 * 1000);
    expect(runsOf('2'.repeat(1000), 'a'.repeat(1000), out)).toBe(1);
    expect(out[1]).toBe(1000);
    expect(runsOf('', '', out)).toBe(0);
  });
});

describe('windows', () => {
  it('asks for the whole heap with no range, and whole bytes per cell with one', () => {
    expect(windowRequest(null, 5000)).toEqual({ cells: 5000 });
    expect(windowRequest(null, 10 ** 9)).toEqual({ cells: MAX_HEAP_CELLS });
    // 1000 bytes in at most 300 cells: 4 bytes per cell, 250 cells.
    expect(windowRequest({ from: 100, to: 1100 }, 300)).toEqual({ from: 100, to: 1100, cells: 250 });
    // 1001 bytes: 4 per cell, 251 cells reaching 1104.
    expect(windowRequest({ from: 100, to: 1101 }, 300)).toEqual({ from: 100, to: 1104, cells: 251 });
    // Narrower than the capacity: byte granularity.
    expect(windowRequest({ from: 0, to: 64 }, 4096)).toEqual({ from: 0, to: 64, cells: 64 });
  });

  it('zooms around a center, keeping its place, inside the heap', () => {
    const full = { from: 0, to: 4096 };
    expect(zoomWindow(full, full, 1024, 0.5)).toEqual({ from: 512, to: 2560 });
    expect(zoomWindow({ from: 512, to: 2560 }, full, 1024, 2)).toBeNull();
    // The center keeps its share of the window; at the end, the window stays inside the heap.
    expect(zoomWindow(full, full, 4000, 0.25)).toEqual({ from: 3000, to: 4024 });
    expect(zoomWindow({ from: 3072, to: 4096 }, full, 4095, 0.5)).toEqual({ from: 3584, to: 4096 });
    // Never narrower than MIN_WINDOW_BYTES.
    expect(zoomWindow({ from: 100, to: 120 }, full, 110, 0.1)).toEqual({ from: 102, to: 102 + MIN_WINDOW_BYTES });
  });

  it('pans inside the heap, and not at all when the view is the whole heap', () => {
    const full = { from: 1000, to: 2000 };
    expect(panWindow({ from: 1200, to: 1300 }, full, 50)).toEqual({ from: 1250, to: 1350 });
    expect(panWindow({ from: 1200, to: 1300 }, full, -500)).toEqual({ from: 1000, to: 1100 });
    expect(panWindow({ from: 1200, to: 1300 }, full, 5000)).toEqual({ from: 1900, to: 2000 });
    expect(panWindow(full, full, 10)).toBeNull();
  });
});
