// HeapMap: the heap after one operation as the heap-map view draws it, in bytes and in cells. The
// heap [base, end) is cut into segments: live payloads, holes (gaps of at least minHole bytes) and
// overhead (smaller gaps: headers, footers, padding, not told apart from outside). An allocator whose
// block layout is declared (BlockLayout: boundary tags, as the engine's TunableAllocator) also gets
// its headers and footers as metadata and the rounding after each payload as padding.
// Cell kinds are the contract's heapCellKinds' indexes: 0 beyond, 1 free, 2 payload, 3 overhead, 4 metadata, 5 padding.
import type { TimelineBlock } from './Timeline';

export enum CellKind { Beyond = 0, Free = 1, Payload = 2, Overhead = 3, Metadata = 4, Padding = 5 }

/** A boundary-tag layout: `header` bytes before each payload, `footer` bytes closing a block of max(minBlock, ⌈(size + header + footer) / align⌉ · align) bytes. */
export interface BlockLayout {
  header: number;
  footer: number;
  align: number;
  minBlock: number;
}

/** The engine's TunableAllocator (engine/workload/TunableAllocator.ts): 4-byte header and footer, 8-byte blocks of at least 16. */
export const TUNABLE_LAYOUT: BlockLayout = { header: 4, footer: 4, align: 8, minBlock: 16 };

export interface HeapSegment {
  kind: CellKind;
  address: number;
  size: number;
  /** The payload's block id, else -1. */
  id: number;
}

export interface HeapPicture {
  from: number;
  to: number;
  bytesPerCell: number;
  /** One digit per cell: its CellKind holding the most bytes (ties: the lower kind after payload, payload first). */
  cells: string;
  /** Payload bytes per cell in tenths: '0'..'9', 'a' for a full cell. */
  fill: string;
}

/**
 * The segments covering [base, end) in address order, from live blocks sorted by address (Timeline.at's order).
 * Overlapping payloads (a broken allocator's) are clipped to where the previous one ends.
 */
export function heapSegments(blocks: readonly TimelineBlock[], base: number, end: number, minHole: number, layout: BlockLayout | null = null): HeapSegment[] {
  const out: HeapSegment[] = [];
  const push = (kind: CellKind, address: number, size: number, id = -1) => {
    if (size > 0) out.push({ kind, address, size, id });
  };
  // A gap [from, to) between payloads: with a layout, the footer and padding of the block before it and the header of
  // the block after it are carved out first; what is left is a hole or overhead.
  const gap = (from: number, to: number, before: TimelineBlock | null, after: TimelineBlock | null) => {
    if (to <= from) return;
    let lo = from, hi = to;
    const tail: HeapSegment[] = [];
    if (layout && before) {
      const block = Math.max(layout.minBlock, Math.ceil((before.size + layout.header + layout.footer) / layout.align) * layout.align);
      const blockEnd = before.address - layout.header + block;
      const padEnd = Math.min(hi, blockEnd - layout.footer);
      push(CellKind.Padding, lo, padEnd - lo);
      lo = Math.max(lo, padEnd);
      const footEnd = Math.min(hi, blockEnd);
      push(CellKind.Metadata, lo, footEnd - lo);
      lo = Math.max(lo, footEnd);
    }
    if (layout && after) {
      const headStart = Math.max(lo, after.address - layout.header);
      tail.push({ kind: CellKind.Metadata, address: headStart, size: hi - headStart, id: -1 });
      hi = headStart;
    }
    if (hi > lo) push(hi - lo >= minHole ? CellKind.Free : CellKind.Overhead, lo, hi - lo);
    for (const segment of tail) push(segment.kind, segment.address, segment.size);
  };
  let at = base;
  let previous: TimelineBlock | null = null;
  for (const block of blocks) {
    if (block.size === 0) continue;
    const start = Math.max(block.address, at);
    gap(at, start, previous, block);
    push(CellKind.Payload, start, block.address + block.size - start, block.id);
    at = Math.max(at, block.address + block.size);
    previous = block;
  }
  gap(at, Math.max(at, end), previous, null);
  return out;
}

/** The kinds a cell's majority is checked against after payload, which wins ties. */
const OTHER_KINDS = [CellKind.Beyond, CellKind.Free, CellKind.Overhead, CellKind.Metadata, CellKind.Padding] as const;

/**
 * The segments drawn into `cells` cells over [from, to) (bytesPerCell = ⌈(to - from) / cells⌉, at least 1; the last
 * cell may reach past `to`). Bytes outside every segment are Beyond. Throws a RangeError for cells < 1 or to ≤ from.
 */
export function heapPicture(segments: readonly HeapSegment[], from: number, to: number, cells: number): HeapPicture {
  if (!Number.isInteger(cells) || cells < 1) throw new RangeError(`heapPicture: cells must be an integer ≥ 1, not ${cells}`);
  if (!(to > from)) throw new RangeError(`heapPicture: the window [${from}, ${to}) is empty`);
  const bytesPerCell = Math.max(1, Math.ceil((to - from) / cells));
  const count = Math.ceil((to - from) / bytesPerCell);
  const kinds: string[] = new Array<string>(count);
  const fills: string[] = new Array<string>(count);
  const bytes = new Float64Array(6);
  // First segment that may reach the window (segments are sorted and disjoint).
  let s = lowerBound(segments, from);
  for (let c = 0; c < count; c++) {
    const lo = from + c * bytesPerCell, hi = lo + bytesPerCell;
    bytes.fill(0);
    let covered = 0;
    while (s < segments.length && segments[s]!.address + segments[s]!.size <= lo) s++;
    for (let t = s; t < segments.length && segments[t]!.address < hi; t++) {
      const seg = segments[t]!;
      const n = Math.min(hi, seg.address + seg.size) - Math.max(lo, seg.address);
      if (n > 0) {
        bytes[seg.kind] += n;
        covered += n;
      }
    }
    bytes[CellKind.Beyond] += bytesPerCell - covered;
    let best = CellKind.Payload;
    for (const kind of OTHER_KINDS) {
      if (bytes[kind]! > bytes[best]!) best = kind;
    }
    kinds[c] = String(best);
    fills[c] = Math.round((bytes[CellKind.Payload]! / bytesPerCell) * 10).toString(11);
  }
  return { from, to, bytesPerCell, cells: kinds.join(''), fill: fills.join('') };
}

/** The segment holding `address`, or null when no segment does (outside [base, end)). */
export function segmentAt(segments: readonly HeapSegment[], address: number): HeapSegment | null {
  const s = lowerBound(segments, address);
  const seg = segments[s];
  return seg && seg.address <= address && address < seg.address + seg.size ? seg : null;
}

/** Index of the first segment ending after `address`. */
function lowerBound(segments: readonly HeapSegment[], address: number): number {
  let lo = 0, hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const seg = segments[mid]!;
    if (seg.address + seg.size <= address) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
