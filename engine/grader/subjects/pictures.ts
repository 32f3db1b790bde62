// The api timeline's pictures of the engine's own objects, per subject: the BitAllocator's bitmap and
// next-fit cursor, the BubbleAllocator's watermark, the PoolAllocator's pools (headers and bitmaps
// read back from emulated memory), the SplitAllocator's page frames, the page directory and tables
// (read from emulated memory), and the fork machine's frames per process. Each machine answers the
// scenario's calls as the subject's oracle does. Addresses are bytes; pictures are plain data.
import { hex32 } from '../../format';
import { IntelEntry, PageMask, PageSize, SectionSize } from '../../hw/IntelLayout';
import type { BitAllocator } from '../../kernel/BitAllocator';
import { PoolHeaderSize } from '../../kernel/Pool';
import type { ApiPicture, PictureBitmap, PictureTable, SubjectMachine } from '../ApiTimeline';
import type { Scenario } from '../Conformance';
import * as bit from './bitAllocator';
import * as bubble from './bubbleAllocator';
import { ForkLab } from './forkLab';
import { labOptions } from './forkCow';
import * as pages from './pageTables';
import * as pool from './poolAllocator';
import * as split from './splitAllocator';

/** The most cells a bitmap is drawn in; more units share a cell. */
export const MAX_CELLS = 2048;
/** The most rows a table lists. */
const MAX_ROWS = 64;

const bytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`;

/** Units [0, units) as cells ('0' free, '1' used, '2' partly), `isSet(i)` telling unit i; the cursor's unit or -1. */
export function bitmapOf(label: string, units: number, isSet: (i: number) => boolean, first: number, unitSize: number, cursor = -1): PictureBitmap {
  const per = Math.max(1, Math.ceil(units / MAX_CELLS));
  let cells = '';
  for (let c = 0; c * per < units; c++) {
    let set = 0;
    const end = Math.min(units, (c + 1) * per);
    for (let i = c * per; i < end; i++) if (isSet(i)) set++;
    cells += set === 0 ? '0' : set === end - c * per ? '1' : '2';
  }
  return { label, units, unitsPerCell: per, cells, cursor: cursor < 0 ? -1 : Math.floor(cursor / per), first, step: unitSize * per };
}

function table(title: string, columns: string[], rows: string[][]): PictureTable {
  return { title, columns, rows: rows.slice(0, MAX_ROWS), more: Math.max(0, rows.length - MAX_ROWS) };
}

/** A BitAllocator's bitmap with its cursor, and its facts. */
function bitAllocatorParts(allocator: BitAllocator, unit: string): Pick<ApiPicture, 'facts' | 'bitmaps'> {
  const bits = allocator.bitmap();
  const size = allocator.chunkSize();
  const next = allocator.nextFit();
  return {
    facts: [
      { label: `${unit}s`, value: `${bits.size()} of ${bytes(size)} from ${hex32(allocator.base())}` },
      { label: 'used', value: `${bits.count(true)} ${unit}s` },
      { label: 'available()', value: bytes(allocator.available()) },
      { label: 'next-fit cursor', value: `${unit} ${next} (${hex32(allocator.base() + next * size)}): the next search starts here` },
    ],
    bitmaps: [bitmapOf(`${unit}s (1 = used), the cursor marked`, bits.size(), (i) => bits.isSet(i), allocator.base(), size, next)],
  };
}

function bitAllocatorMachine(s: Scenario): SubjectMachine {
  const allocator = bit.engineAllocator(s.args);
  return {
    apply: (call) => bit.answer(allocator, call),
    picture: () => ({ title: "FreeNOS's BitAllocator", bars: [], tables: [], ...bitAllocatorParts(allocator, 'chunk') }),
  };
}

function bubbleAllocatorMachine(s: Scenario): SubjectMachine {
  const allocator = bubble.engineAllocator(s.args);
  return {
    apply: (call) => bubble.answer(allocator, call),
    picture: () => {
      const used = allocator.allocatedBytes();
      return {
        title: "FreeNOS's BubbleAllocator",
        facts: [
          { label: 'range', value: `${hex32(allocator.base())} – ${hex32(allocator.base() + allocator.size())} (${bytes(allocator.size())})` },
          { label: 'alignment', value: `${allocator.alignment()} (sizes are rounded up to it)` },
          { label: 'watermark', value: `${bytes(used)} handed out: the next block starts at ${hex32(allocator.base() + used)}` },
          { label: 'available()', value: bytes(allocator.available()) },
        ],
        bars: [{ label: 'handed out (below the watermark)', base: allocator.base(), size: allocator.size(), used }],
        bitmaps: [],
        tables: [],
      };
    },
  };
}

function poolAllocatorMachine(s: Scenario): SubjectMachine {
  const { memory, allocator } = pool.engine(s);
  const limit = s.heapLimit ?? pool.poolAllocatorSubject.heapLimit!;
  return {
    apply: (call) => pool.answer(allocator, call),
    picture: () => {
      const rows: string[][] = [];
      const bitmaps: PictureBitmap[] = [];
      let end = pool.PoolHeapBase;
      let live = 0;
      for (const p of allocator.pools()) {
        // The header as the kernel wrote it (Pool.ts's word layout), read back from emulated memory.
        const word = (i: number) => memory.read32(p.block + 4 * i);
        const [base, , , , , , count, set, map, , chunk, lastBit, , next] = Array.from({ length: 14 }, (_, i) => word(i)) as number[];
        end = Math.max(end, p.block + PoolHeaderSize + p.bitmapSize + count! * chunk!);
        live += set!;
        rows.push([`${chunk}`, hex32(p.block), hex32(base!), `${set} of ${count}`, `${lastBit}`, next ? hex32(next) : '—']);
        if (bitmaps.length < 24) {
          bitmaps.push(bitmapOf(`${chunk}-byte pool at ${hex32(p.block)}: ${set} of ${count} used`, count!, (i) => (memory.read8(map! + (i >>> 3)) & (1 << (i & 7))) !== 0, base!, chunk!, lastBit));
        }
      }
      return {
        title: "FreeNOS's PoolAllocator",
        facts: [
          { label: 'pools', value: `${rows.length}${rows.length > bitmaps.length ? ` (the first ${bitmaps.length} drawn)` : ''}` },
          { label: 'live objects', value: `${live}` },
          { label: 'available()', value: bytes(allocator.available()) },
          { label: 'heap', value: `${bytes(end - pool.PoolHeapBase)} of ${bytes(limit)} grown from ${hex32(pool.PoolHeapBase)}` },
        ],
        bars: [{ label: 'heap grown (pools are never given back)', base: pool.PoolHeapBase, size: limit, used: end - pool.PoolHeapBase }],
        bitmaps,
        tables: [table('Pool headers, read from the heap', ['object size', 'header at', 'objects at', 'used', 'lastBit', 'next pool'], rows)],
      };
    },
  };
}

function splitAllocatorMachine(s: Scenario): SubjectMachine {
  const allocator = split.engineAllocator(s.args);
  const [, , virtualBase] = s.args as number[];
  return {
    apply: (call) => split.answer(allocator, call),
    picture: () => {
      const parts = bitAllocatorParts(allocator.pageAllocator(), 'page');
      return {
        title: "FreeNOS's SplitAllocator: physical page frames",
        facts: [...parts.facts, { label: 'virtual base', value: `${hex32(virtualBase!)} (toVirtual adds ${hex32((virtualBase! - allocator.base()) >>> 0)} mod 2^32)` }],
        bars: [],
        bitmaps: parts.bitmaps,
        tables: [],
      };
    },
  };
}

function pageTablesMachine(s: Scenario): SubjectMachine {
  const { memory, paging } = pages.engine(s);
  return {
    apply: (call) => pages.answer(paging, call),
    picture: () => {
      const directory = Array.from({ length: 1024 }, (_, i) => memory.read32(pages.DirectoryBase + 4 * i));
      const bitmaps = [bitmapOf('page directory entries (1 = present), 4 MiB each', 1024, (i) => (directory[i]! & IntelEntry.Present) !== 0, 0, SectionSize)];
      const rows: string[][] = [];
      let tables = 0;
      for (const [d, pde] of directory.entries()) {
        if ((pde & IntelEntry.Present) === 0) continue;
        tables++;
        const at = (pde & PageMask) >>> 0;
        const entries = Array.from({ length: 1024 }, (_, i) => memory.read32(at + 4 * i));
        const mapped = entries.filter((e) => (e & IntelEntry.Present) !== 0).length;
        bitmaps.push(bitmapOf(`table at ${hex32(at)} for ${hex32(d * SectionSize)}: ${mapped} page${mapped === 1 ? '' : 's'} mapped`, 1024, (i) => (entries[i]! & IntelEntry.Present) !== 0, d * SectionSize, PageSize));
        for (const [t, pte] of entries.entries()) {
          if ((pte & IntelEntry.Present) === 0) continue;
          const flags = [(pte & IntelEntry.Writable) ? 'writable' : 'read-only', (pte & IntelEntry.User) ? 'user' : 'kernel'].join(', ');
          rows.push([hex32(d * SectionSize + t * PageSize), hex32(pte & PageMask), flags, hex32(pte)]);
        }
      }
      return {
        title: "FreeNOS's IntelPaging: page directory and tables",
        facts: [
          { label: 'page directory', value: `at ${hex32(pages.DirectoryBase)}` },
          { label: 'page tables', value: `${tables}` },
          { label: 'pages mapped', value: `${rows.length}` },
        ],
        bars: [],
        bitmaps,
        tables: [table('Mapped pages, read from the tables', ['virtual', 'physical', 'access', 'entry'], rows)],
      };
    },
  };
}

function forkCowMachine(s: Scenario): SubjectMachine {
  const lab = new ForkLab(labOptions(s), false);
  return {
    apply: (call) => lab.apply(call),
    picture: () => {
      const live = lab.machine.processes.all().filter((p) => lab.process(p.id) !== null);
      const mapped = new Map(live.map((p) => [p.id, lab.pages(p.id)]));
      const users = new Map<number, number>();
      for (const list of mapped.values()) for (const page of list) users.set(page.phys, (users.get(page.phys) ?? 0) + 1);
      const rows = live.map((p) => {
        const list = mapped.get(p.id)!;
        const shared = list.filter((page) => users.get(page.phys)! > 1).length;
        const cow = list.filter((page) => page.copyOnWrite).length;
        return [`${p.id}`, `${list.length}`, `${list.length - shared}`, `${shared}`, `${cow}`];
      });
      return {
        title: "The engine's copy-on-write fork: frames per process",
        facts: [
          { label: 'processes alive', value: `${live.length}` },
          { label: 'frames in use since boot', value: `${lab.frames()} (user pages, page tables and stacks)` },
          { label: 'distinct user frames', value: `${users.size}` },
        ],
        bars: [],
        bitmaps: [],
        tables: [table('User pages per process', ['pid', 'pages', 'own frames', 'shared frames', 'copy-on-write'], rows)],
      };
    },
  };
}

/** Each subject's machine, by the subject's name. */
export const subjectMachines: Record<string, (scenario: Scenario) => SubjectMachine> = {
  'bit-allocator': bitAllocatorMachine,
  'bubble-allocator': bubbleAllocatorMachine,
  'pool-allocator': poolAllocatorMachine,
  'split-allocator': splitAllocatorMachine,
  'page-tables': pageTablesMachine,
  'fork-cow': forkCowMachine,
};
