// HeapMap: heapSegments cuts [base, end) into payloads, holes and overhead (and, with a declared block
// layout, headers/footers as metadata and rounding as padding) that tile the range exactly; heapPicture
// draws them into cells (majority kind, payload fill, Beyond past the heap, byte granularity, range
// errors); segmentAt finds the segment under an address.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CellKind, heapPicture, heapSegments, segmentAt, TUNABLE_LAYOUT, type BlockLayout, type HeapSegment } from '../../../engine/grader/HeapMap';
import type { TimelineBlock } from '../../../engine/grader/Timeline';

const { Beyond, Free, Payload, Overhead, Metadata, Padding } = CellKind;
const seg = (kind: CellKind, address: number, size: number, id = -1): HeapSegment => ({ kind, address, size, id });
const block = (id: number, address: number, size: number): TimelineBlock => ({ id, address, size });

/** Segments sorted, disjoint, contiguous, non-empty, from `from` to `to` exactly. */
function expectTiling(segments: readonly HeapSegment[], from: number, to: number): void {
  let at = from;
  for (const s of segments) {
    expect(s.size).toBeGreaterThan(0);
    expect(s.address).toBe(at);
    at = s.address + s.size;
  }
  expect(at).toBe(Math.max(from, to));
}

describe('heapSegments without a layout', () => {
  it('gives payloads, holes of at least minHole bytes and smaller gaps as overhead', () => {
    const blocks = [block(0, 1000, 100), block(1, 1150, 10), block(2, 1170, 30), block(3, 1400, 50)];
    expect(heapSegments(blocks, 1000, 1600, 32)).toEqual([
      seg(Payload, 1000, 100, 0), seg(Free, 1100, 50), seg(Payload, 1150, 10, 1), seg(Overhead, 1160, 10), seg(Payload, 1170, 30, 2),
      seg(Free, 1200, 200), seg(Payload, 1400, 50, 3), seg(Free, 1450, 150),
    ]);
  });

  it('treats a gap of exactly minHole bytes as a hole and one byte less as overhead', () => {
    expect(heapSegments([block(0, 32, 8), block(1, 71, 1)], 0, 72, 32).map((s) => s.kind)).toEqual([Free, Payload, Overhead, Payload]);
    expect(heapSegments([block(0, 31, 8)], 0, 39, 32)).toEqual([seg(Overhead, 0, 31), seg(Payload, 31, 8, 0)]);
  });

  it('has gaps at the base and at the end', () => {
    expect(heapSegments([block(7, 1040, 16)], 1000, 1060, 32)).toEqual([seg(Free, 1000, 40), seg(Payload, 1040, 16, 7), seg(Overhead, 1056, 4)]);
    expect(heapSegments([block(7, 1008, 16)], 1000, 1100, 32)).toEqual([seg(Overhead, 1000, 8), seg(Payload, 1008, 16, 7), seg(Free, 1024, 76)]);
  });

  it('gives one hole for an empty heap and nothing for an empty range', () => {
    expect(heapSegments([], 4096, 8192, 32)).toEqual([seg(Free, 4096, 4096)]);
    expect(heapSegments([], 4096, 4100, 32)).toEqual([seg(Overhead, 4096, 4)]);
    expect(heapSegments([], 4096, 4096, 32)).toEqual([]);
  });

  it('clips overlapping payloads (a broken allocator\'s) to where the previous one ends', () => {
    // 1 overlaps 0's tail; 2 lies inside 0 and 1 entirely and disappears; 3 starts at 1's end.
    const blocks = [block(0, 1000, 100), block(1, 1050, 100), block(2, 1060, 20), block(3, 1150, 10)];
    expect(heapSegments(blocks, 1000, 1200, 32)).toEqual([
      seg(Payload, 1000, 100, 0), seg(Payload, 1100, 50, 1), seg(Payload, 1150, 10, 3), seg(Free, 1160, 40),
    ]);
  });

  it('skips zero-size blocks: the gap around one stays a single hole', () => {
    const blocks = [block(0, 1000, 8), block(1, 1020, 0), block(2, 1060, 8)];
    expect(heapSegments(blocks, 1000, 1068, 32)).toEqual([seg(Payload, 1000, 8, 0), seg(Free, 1008, 52), seg(Payload, 1060, 8, 2)]);
    expect(heapSegments([block(5, 1000, 0)], 1000, 1010, 32)).toEqual([seg(Overhead, 1000, 10)]);
  });
});

describe('heapSegments with TUNABLE_LAYOUT', () => {
  it('is the engine\'s TunableAllocator layout: 4-byte header and footer, 8-byte blocks of at least 16', () => {
    expect(TUNABLE_LAYOUT).toEqual({ header: 4, footer: 4, align: 8, minBlock: 16 });
  });

  it('puts the header before each payload, padding up to the rounded block, then the footer', () => {
    // id 0: block [1000, 1024) (10 + 8 rounded to 24); id 1: block [1024, 1040) (8 + 8 = 16); free [1040, 1096) (56 bytes);
    // id 2: 1-byte payload in a 16-byte block [1096, 1112); a 12-byte gap; id 3: 30 bytes in a 40-byte block [1124, 1164).
    const blocks = [block(0, 1004, 10), block(1, 1028, 8), block(2, 1100, 1), block(3, 1128, 30)];
    expect(heapSegments(blocks, 1000, 1200, 32, TUNABLE_LAYOUT)).toEqual([
      seg(Metadata, 1000, 4), seg(Payload, 1004, 10, 0), seg(Padding, 1014, 6), seg(Metadata, 1020, 4),
      seg(Metadata, 1024, 4), seg(Payload, 1028, 8, 1), seg(Metadata, 1036, 4),
      seg(Free, 1040, 56),
      seg(Metadata, 1096, 4), seg(Payload, 1100, 1, 2), seg(Padding, 1101, 7), seg(Metadata, 1108, 4),
      seg(Overhead, 1112, 12),
      seg(Metadata, 1124, 4), seg(Payload, 1128, 30, 3), seg(Padding, 1158, 2), seg(Metadata, 1160, 4),
      seg(Free, 1164, 36),
    ]);
  });

  it('uses a minimum block: a 2-byte payload gets 6 bytes of padding', () => {
    expect(heapSegments([block(0, 1004, 2)], 1000, 1016, 32, TUNABLE_LAYOUT)).toEqual([
      seg(Metadata, 1000, 4), seg(Payload, 1004, 2, 0), seg(Padding, 1006, 6), seg(Metadata, 1012, 4),
    ]);
  });

  it('clips the padding and footer at the heap end and the header at the base', () => {
    expect(heapSegments([block(0, 1000, 10)], 1000, 1016, 32, TUNABLE_LAYOUT)).toEqual([seg(Payload, 1000, 10, 0), seg(Padding, 1010, 6)]);
    expect(heapSegments([block(0, 1002, 10)], 1000, 1018, 32, TUNABLE_LAYOUT)).toEqual([
      seg(Metadata, 1000, 2), seg(Payload, 1002, 10, 0), seg(Padding, 1012, 6),
    ]);
  });

  it('leaves a layout-free heap as without a layout', () => {
    expect(heapSegments([], 0, 100, 32, TUNABLE_LAYOUT)).toEqual(heapSegments([], 0, 100, 32));
  });
});

describe('heapSegments: a property', () => {
  const layouts: (BlockLayout | null)[] = [null, TUNABLE_LAYOUT, { header: 8, footer: 0, align: 16, minBlock: 32 }];

  it('tiles [base, end) exactly, sorted and disjoint, payload bytes exactly the blocks\' and no other byte in one', () => {
    const blockArb = fc.tuple(fc.nat({ max: 400 }), fc.nat({ max: 80 }));
    fc.assert(fc.property(fc.integer({ min: 0, max: 64 }), fc.array(blockArb, { maxLength: 20 }), fc.nat({ max: 60 }), fc.integer({ min: 1, max: 64 }),
      fc.constantFrom(...layouts), fc.boolean(), (base, raw, tail, minHole, layout, overlapping) => {
        // Blocks inside [base, end), sorted by address; without `overlapping`, laid out one after another.
        let at = base;
        const blocks: TimelineBlock[] = [];
        for (const [i, [offset, size]] of raw.entries()) {
          const address = overlapping ? base + offset : at + (offset % 50);
          blocks.push(block(i, address, size));
          at = Math.max(at, address + size);
        }
        blocks.sort((a, b) => a.address - b.address || a.id - b.id);
        const end = Math.max(at, ...blocks.map((b) => b.address + b.size)) + tail;
        const segments = heapSegments(blocks, base, end, minHole, layout);
        expectTiling(segments, base, end);
        const inBlock = (x: number) => blocks.some((b) => b.address <= x && x < b.address + b.size);
        for (const s of segments) {
          for (let x = s.address; x < s.address + s.size; x++) expect(inBlock(x)).toBe(s.kind === Payload);
          if (s.kind === Payload) {
            const owner = blocks.find((b) => b.id === s.id)!;
            expect(owner.address).toBeLessThanOrEqual(s.address);
            expect(s.address + s.size).toBe(owner.address + owner.size);
          } else {
            expect(s.id).toBe(-1);
          }
          if (s.kind === Free) expect(s.size).toBeGreaterThanOrEqual(minHole);
          if (s.kind === Metadata || s.kind === Padding) expect(layout).not.toBeNull();
        }
        if (!layout) {
          for (const s of segments) if (s.kind === Overhead) expect(s.size).toBeLessThan(minHole);
        }
      }), { numRuns: 300 });
  });

  it('with a layout and blocks laid out as the layout says, marks each header and footer as metadata', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.integer({ min: 1, max: 100 }), fc.nat({ max: 6 })), { minLength: 1, maxLength: 15 }), (raw) => {
      const L = TUNABLE_LAYOUT;
      const base = 4096;
      let at = base;
      const blocks: TimelineBlock[] = [];
      const spans: [number, number][] = [];
      for (const [i, [size, gapWords]] of raw.entries()) {
        const start = at + gapWords * 8;
        const total = Math.max(L.minBlock, Math.ceil((size + L.header + L.footer) / L.align) * L.align);
        blocks.push(block(i, start + L.header, size));
        spans.push([start, start + total]);
        at = start + total;
      }
      const segments = heapSegments(blocks, base, at, 32, L);
      expectTiling(segments, base, at);
      for (const [i, [start, stop]] of spans.entries()) {
        const b = blocks[i]!;
        expect(segmentAt(segments, start)).toEqual(seg(Metadata, start, L.header));
        expect(segmentAt(segments, b.address)).toEqual(seg(Payload, b.address, b.size, b.id));
        expect(segmentAt(segments, stop - 1)).toEqual(seg(Metadata, stop - L.footer, L.footer));
        const padding = stop - L.footer - (b.address + b.size);
        if (padding > 0) expect(segmentAt(segments, b.address + b.size)).toEqual(seg(Padding, b.address + b.size, padding));
      }
    }), { numRuns: 200 });
  });
});

describe('heapPicture', () => {
  // [0, 40) payload, [40, 100) free, [100, 104) metadata, [104, 110) padding, [110, 120) overhead; the heap ends at 120.
  const segments = [seg(Payload, 0, 40, 1), seg(Free, 40, 60), seg(Metadata, 100, 4), seg(Padding, 104, 6), seg(Overhead, 110, 10)];

  it('cuts the window into ⌈(to - from) / cells⌉-byte cells, at most `cells` of them', () => {
    const p = heapPicture(segments, 0, 120, 12);
    expect(p).toMatchObject({ from: 0, to: 120, bytesPerCell: 10 });
    expect(p.cells.length).toBe(12);
    expect(p.fill.length).toBe(12);
    for (const [cells, per, count] of [[7, 18, 7], [50, 3, 40], [120, 1, 120], [1, 120, 1], [119, 2, 60]] as const) {
      const q = heapPicture(segments, 0, 120, cells);
      expect([q.bytesPerCell, q.cells.length, q.fill.length]).toEqual([per, count, count]);
      expect(q.cells.length).toBeLessThanOrEqual(cells);
    }
  });

  it('gives each cell its majority kind and its payload fill in tenths', () => {
    expect(heapPicture(segments, 0, 120, 12)).toEqual({ from: 0, to: 120, bytesPerCell: 10, cells: '222211111153', fill: 'aaaa00000000' });
    // 25-byte cells: [0,25) payload; [25,50) 15 payload + 10 free; [50,75) free; [75,100) free; [100,125) 4 meta, 6 pad, 10 overhead, 5 beyond.
    expect(heapPicture(segments, 0, 125, 5)).toEqual({ from: 0, to: 125, bytesPerCell: 25, cells: '22113', fill: 'a6000' });
  });

  it('breaks ties: payload first, then the lower kind', () => {
    const tie = [seg(Payload, 0, 5, 1), seg(Free, 5, 5), seg(Free, 10, 5), seg(Overhead, 15, 5), seg(Metadata, 20, 5), seg(Padding, 25, 5), seg(Overhead, 30, 5)];
    // Cells of 10: payload|free, free|overhead, metadata|padding, overhead|beyond.
    expect(heapPicture(tie, 0, 40, 4)).toEqual({ from: 0, to: 40, bytesPerCell: 10, cells: '2140', fill: '5000' });
  });

  it('shows Beyond past the heap\'s end and before its base, and in the last cell\'s overhang', () => {
    // [100, 110): 6 padding bytes beat 4 of metadata; [110, 120) overhead; then past the end.
    expect(heapPicture(segments, 100, 140, 4).cells).toBe('5300');
    expect(heapPicture([seg(Free, 50, 50)], 0, 100, 4).cells).toBe('0011');
    // 3 cells of 34 bytes over 100: the last reaches to 102, past `to` and the heap.
    const over = heapPicture([seg(Payload, 0, 100, 0)], 0, 100, 3);
    expect(over).toEqual({ from: 0, to: 100, bytesPerCell: 34, cells: '222', fill: 'aa9' });
  });

  it('draws byte by byte when the window is smaller than the cells', () => {
    const p = heapPicture(segments, 98, 112, 64);
    expect(p).toEqual({ from: 98, to: 112, bytesPerCell: 1, cells: '11444455555533', fill: '00000000000000' });
    expect(heapPicture(segments, 38, 42, 1000)).toEqual({ from: 38, to: 42, bytesPerCell: 1, cells: '2211', fill: 'aa00' });
  });

  it('writes fill digits 0..9 and a, rounded', () => {
    // 10-byte cells with 0..10 payload bytes each.
    const mixed: HeapSegment[] = [];
    for (let c = 0; c <= 10; c++) {
      if (c > 0) mixed.push(seg(Payload, c * 10, c, c));
      if (c < 10) mixed.push(seg(Overhead, c * 10 + c, 10 - c));
    }
    const p = heapPicture(mixed, 0, 110, 11);
    expect(p.fill).toBe('0123456789a');
    expect(p.cells).toBe('33333222222');
    // 3 payload bytes of 7 are 4.29 tenths → '4'; 2 of 3 → 6.67 → '7'.
    expect(heapPicture([seg(Payload, 0, 3, 0)], 0, 7, 1).fill).toBe('4');
    expect(heapPicture([seg(Payload, 0, 2, 0)], 0, 3, 1).fill).toBe('7');
  });

  it('works on an empty segment list and a window far from the heap', () => {
    expect(heapPicture([], 0, 8, 4)).toEqual({ from: 0, to: 8, bytesPerCell: 2, cells: '0000', fill: '0000' });
    expect(heapPicture(segments, 10_000, 10_010, 2).cells).toBe('00');
  });

  it('throws RangeErrors for fewer than one cell, a fractional count or an empty window', () => {
    for (const cells of [0, -3, 1.5, Number.NaN]) expect(() => heapPicture(segments, 0, 100, cells)).toThrow(RangeError);
    expect(() => heapPicture(segments, 0, 100, 0)).toThrow(/cells must be an integer ≥ 1/);
    for (const [from, to] of [[10, 10], [10, 5], [0, Number.NaN]]) expect(() => heapPicture(segments, from!, to!, 10)).toThrow(RangeError);
    expect(() => heapPicture(segments, 10, 10, 10)).toThrow(/\[10, 10\) is empty/);
  });

  it('agrees with a byte-by-byte count on random segments and windows', () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.constantFrom(Free, Payload, Overhead, Metadata, Padding), fc.integer({ min: 1, max: 40 })), { maxLength: 15 }),
      fc.nat({ max: 300 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 64 }), (raw, from, width, cells) => {
        let at = 20;
        const list = raw.map(([kind, size], i) => {
          const s = seg(kind, at, size, kind === Payload ? i : -1);
          at += size;
          return s;
        });
        const to = from + width;
        const p = heapPicture(list, from, to, cells);
        const per = Math.max(1, Math.ceil(width / cells));
        expect(p.bytesPerCell).toBe(per);
        expect(p.cells.length).toBe(Math.ceil(width / per));
        const kindAt = (x: number) => segmentAt(list, x)?.kind ?? Beyond;
        for (let c = 0; c < p.cells.length; c++) {
          const bytes = [0, 0, 0, 0, 0, 0];
          for (let x = from + c * per; x < from + (c + 1) * per; x++) bytes[kindAt(x)]!++;
          const most = Math.max(...bytes);
          const want = bytes[Payload] === most ? Payload : bytes.indexOf(most);
          expect(p.cells[c]).toBe(String(want));
          expect(p.fill[c]).toBe(Math.round((bytes[Payload]! / per) * 10).toString(11));
        }
      }), { numRuns: 300 });
  });
});

describe('segmentAt', () => {
  const segments = heapSegments([block(0, 1000, 100), block(1, 1150, 10)], 1000, 1200, 32);

  it('finds the segment holding an address, inside or on its first byte', () => {
    expect(segmentAt(segments, 1000)).toEqual(seg(Payload, 1000, 100, 0));
    expect(segmentAt(segments, 1050)).toEqual(seg(Payload, 1000, 100, 0));
    expect(segmentAt(segments, 1099)).toEqual(seg(Payload, 1000, 100, 0));
    expect(segmentAt(segments, 1100)).toEqual(seg(Free, 1100, 50));
    expect(segmentAt(segments, 1155)).toEqual(seg(Payload, 1150, 10, 1));
    expect(segmentAt(segments, 1160)).toEqual(seg(Free, 1160, 40));
    expect(segmentAt(segments, 1199)).toEqual(seg(Free, 1160, 40));
  });

  it('gives null outside [base, end) and for no segments', () => {
    expect(segmentAt(segments, 999)).toBeNull();
    expect(segmentAt(segments, 0)).toBeNull();
    expect(segmentAt(segments, 1200)).toBeNull();
    expect(segmentAt(segments, 1e9)).toBeNull();
    expect(segmentAt([], 1000)).toBeNull();
  });

  it('agrees with a linear search at every address of random tilings', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 20 }), fc.nat({ max: 50 }), (sizes, base) => {
      let at = base;
      const list = sizes.map((size, i) => {
        const s = seg(i % 2 ? Free : Payload, at, size, i % 2 ? -1 : i);
        at += size;
        return s;
      });
      for (let x = 0; x < at + 5; x++) expect(segmentAt(list, x)).toBe(list.find((s) => s.address <= x && x < s.address + s.size) ?? null);
    }));
  });
});
