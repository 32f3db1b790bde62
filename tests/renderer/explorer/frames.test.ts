// @vitest-environment happy-dom
// The frame map's shaping: runs into cells (one frame each, or groups whose cell shows the owner of
// most used frames), a cell in words, the legend in palette order, a process's cells (its runs,
// mapped frames, tables, directory), the pointer and keyboard geometry, and the painting.
import { describe, expect, it } from 'vitest';
import type { MachineFrameRun, MachineProcess } from '../../../electron/contract';
import {
  cellAtPoint, describeCell, frameGrid, legend, moveCell, processCells, runsIn, swatchOf,
} from '../../../renderer/src/explorer/frames';
import { inkFor, paintFrames } from '../../../renderer/src/explorer/paint';
import { frameSwatches } from '../../../renderer/src/palette';

const run = (first: number, count: number, owner: string, pid: number | null = null, region: string | null = null): MachineFrameRun =>
  ({ first, count, owner, pid, region });
const RUNS = [run(0, 3, 'Firmware'), run(3, 2, 'Process', 0, 'UserData'), run(5, 1, 'PageTable', 0), run(6, 4, 'Free')];

function proc(extra: Partial<MachineProcess> = {}): MachineProcess {
  return {
    pid: 1, parent: 0, state: 'Ready', program: 'sh', root: 0x9000, regions: [], directory: [], sections: [], mappings: [], pages: 0, truncated: false,
    ...extra,
  };
}

describe('frameGrid', () => {
  it('gives one cell per frame when the frames fit', () => {
    const grid = frameGrid(RUNS, 10, 100, 4);
    expect(grid).toMatchObject({ perCell: 1, columns: 4, rows: 3, total: 10 });
    expect(grid.cells.map((c) => c.owner)).toEqual(['Firmware', 'Firmware', 'Firmware', 'Process', 'Process', 'PageTable', 'Free', 'Free', 'Free', 'Free']);
    expect(grid.cells[3]).toEqual({ first: 3, count: 1, owner: 'Process', pid: 0, region: 'UserData', mixed: false });
  });

  it('groups frames when there are more than maxCells, the used owner with most frames winning over free', () => {
    const grid = frameGrid(RUNS, 10, 4, 4);
    expect(grid.perCell).toBe(3);
    expect(grid.cells.map((c) => [c.first, c.count, c.owner, c.mixed])).toEqual([
      [0, 3, 'Firmware', false], [3, 3, 'Process', true], [6, 3, 'Free', false], [9, 1, 'Free', false],
    ]);
    // One page table and two free frames: the cell shows the page table.
    const sparse = frameGrid([run(0, 1, 'PageTable', 2), run(1, 2, 'Free')], 3, 1);
    expect(sparse.cells).toEqual([{ first: 0, count: 3, owner: 'PageTable', pid: 2, region: null, mixed: true }]);
  });

  it('marks frames after the last run (the host cut the list) as Unknown', () => {
    const grid = frameGrid([run(0, 2, 'Firmware')], 4, 100);
    expect(grid.cells.map((c) => c.owner)).toEqual(['Firmware', 'Firmware', 'Unknown', 'Unknown']);
  });

  it('keeps at most maxCells cells for a large RAM (896 MiB: 229376 frames)', () => {
    const grid = frameGrid([run(0, 229376, 'Free')], 229376);
    expect(grid.perCell).toBe(28);
    expect(grid.cells.length).toBe(8192);
    expect(grid.rows).toBe(64);
  });
});

describe('cells in words', () => {
  it('names a single frame, its physical address and its holder', () => {
    const grid = frameGrid(RUNS, 10, 100);
    expect(describeCell(RUNS, grid.cells[4]!)).toBe('Frame 4 at 0x00004000: process page, pid 0, UserData');
    expect(describeCell(RUNS, grid.cells[0]!)).toBe('Frame 0 at 0x00000000: firmware');
  });
  it('lists the runs of a group with their counts', () => {
    const grid = frameGrid(RUNS, 10, 4);
    expect(describeCell(RUNS, grid.cells[1]!)).toBe('Frames 3–5 at 0x00003000–0x00005FFF: 2 × process page, pid 0, UserData; 1 × page table, pid 0');
    expect(runsIn(RUNS, 4, 3)).toEqual([run(4, 1, 'Process', 0, 'UserData'), run(5, 1, 'PageTable', 0), run(6, 1, 'Free')]);
  });
});

describe('legend', () => {
  it('lists owners with frames in palette order, unknown names last with the Unknown swatch', () => {
    const entries = legend({ Free: 10, Process: 3, Firmware: 2, Directory: 0, Mystery: 1 });
    expect(entries.map((e) => [e.owner, e.count])).toEqual([['Free', 10], ['Firmware', 2], ['Process', 3], ['Mystery', 1]]);
    expect(entries[3]!.swatch).toBe(frameSwatches.Unknown);
    expect(swatchOf('Process').label).toBe('process page');
  });
});

describe('processCells', () => {
  it('holds the frames of its runs, its mapped pages, its own tables and its directory, not the kernel\'s tables', () => {
    const runs = [run(0, 2, 'Firmware'), run(2, 2, 'Process', 1, 'UserData'), run(4, 12, 'Free')];
    const p = proc({
      root: 9 * 4096,
      mappings: [{ virt: 0x80000000, phys: 6 * 4096, pages: 2, access: ['Readable'], flags: 5, copyOnWrite: true }],
      directory: [
        { index: 512, virt: 0x80000000, value: 0, table: 12 * 4096, kernel: false, pages: 2 },
        { index: 0, virt: 0, value: 0, table: 14 * 4096, kernel: true, pages: 0 },
      ],
    });
    const grid = frameGrid(runs, 16, 100);
    expect([...processCells(grid, runs, p)].sort((a, b) => a - b)).toEqual([2, 3, 6, 7, 9, 12]);
    const grouped = frameGrid(runs, 16, 4);
    expect([...processCells(grouped, runs, p)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
  });
});

describe('geometry', () => {
  const grid = frameGrid([run(0, 10, 'Free')], 10, 100, 4);
  it('finds the cell under a point, null outside the cells', () => {
    expect(cellAtPoint(grid, 8, 0, 0)).toBe(0);
    expect(cellAtPoint(grid, 8, 17, 9)).toBe(6);
    expect(cellAtPoint(grid, 8, 8, 16)).toBe(9);
    expect(cellAtPoint(grid, 8, 16, 16)).toBeNull();
    expect(cellAtPoint(grid, 8, 40, 0)).toBeNull();
    expect(cellAtPoint(grid, 8, -1, 0)).toBeNull();
  });
  it('moves by the arrow keys, clamped, and jumps with Home and End', () => {
    expect(moveCell(grid, 5, 'ArrowRight')).toBe(6);
    expect(moveCell(grid, 5, 'ArrowUp')).toBe(1);
    expect(moveCell(grid, 8, 'ArrowDown')).toBe(9);
    expect(moveCell(grid, 0, 'ArrowLeft')).toBe(0);
    expect(moveCell(grid, 3, 'End')).toBe(9);
    expect(moveCell(grid, 3, 'Home')).toBe(0);
    expect(moveCell(grid, 3, 'a')).toBeNull();
  });
});

describe('painting', () => {
  /** A 2D context that records its fills: [fillStyle, x, y, w, h]. */
  function recorder() {
    const fills: [unknown, number, number, number, number][] = [];
    const ctx = {
      fillStyle: '' as unknown, strokeStyle: '' as unknown, lineWidth: 1,
      clearRect() {}, strokeRect() {}, beginPath() {}, moveTo() {}, lineTo() {}, stroke() {},
      createPattern: () => null,
      fillRect(x: number, y: number, w: number, h: number) { fills.push([this.fillStyle, x, y, w, h]); },
    };
    return { ctx: ctx as unknown as CanvasRenderingContext2D, fills };
  }

  it('fills each cell with its owner\'s colour and outlines the highlighted block on its outer sides only', () => {
    const runs = [run(0, 1, 'Firmware'), run(1, 2, 'Process', 0), run(3, 1, 'Free')];
    const grid = frameGrid(runs, 4, 100, 4);
    const { ctx, fills } = recorder();
    paintFrames(ctx, grid, { cellSize: 8, background: '#eeeeee', outline: '#111111', focusColour: '#0000ff', highlight: new Set([1, 2]), focus: null });
    expect(fills.slice(0, 4)).toEqual([
      [frameSwatches.Firmware!.colour, 0, 0, 8, 8], [frameSwatches.Process!.colour, 8, 0, 8, 8],
      [frameSwatches.Process!.colour, 16, 0, 8, 8], ['#eeeeee', 24, 0, 8, 8],
    ]);
    const outline = fills.slice(4);
    expect(outline.every(([style]) => style === '#111111')).toBe(true);
    // Cell 1: top, bottom, left (cell 0 is not highlighted); cell 2: top, bottom, right. No line between them.
    expect(outline.map(([, x, y, w, h]) => [x, y, w, h])).toEqual([
      [8, 0, 8, 2], [8, 6, 8, 2], [8, 0, 2, 8],
      [16, 0, 8, 2], [16, 6, 8, 2], [22, 0, 2, 8],
    ]);
  });

  it('draws patterns in ink that contrasts with the colour', () => {
    expect(inkFor('#000000')).toMatch(/255/);
    expect(inkFor('#F0E442')).toMatch(/^rgba\(0,0,0/);
  });
});
