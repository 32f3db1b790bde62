// IntelMMU over page tables written by hand into PhysicalMemory (the layout of §6.4): 4 KiB
// pages through directory + table, 4 MiB pages, the faults (NotPresent, KernelOnly, ReadOnly,
// Fault for a table outside RAM), the TLB (hits, CR3 flush, invlpg, stale entries) and walk().
// Then VirtualMemory: accesses through the tables, faults recorded, straddling accesses, onFault.
import { describe, expect, it } from 'vitest';
import {
  EventLog, Fault, IntelEntry, IntelMMU, PageFault, PhysicalMemory, VirtualMemory, type AccessKind,
} from '../../../engine/index';

const MiB = 1024 * 1024;
const P = IntelEntry.Present;
const W = IntelEntry.Writable;
const U = IntelEntry.User;
const L = IntelEntry.Large;
/** The page directory and the default page table, in a 1 MiB machine. */
const DIR = 0x1000;
const TABLE = 0x2000;

/** 1 MiB of RAM, an MMU with its directory at DIR loaded, and helpers to write entries. */
function machine(tlbEntries?: number) {
  const memory = new PhysicalMemory(MiB);
  const mmu = new IntelMMU(memory, { tlbEntries });
  mmu.load(DIR);
  const setPde = (virt: number, value: number) => memory.write32(DIR + (virt >>> 22) * 4, value);
  const setPte = (virt: number, value: number, table = TABLE) => memory.write32(table + ((virt >>> 12) & 0x3ff) * 4, value);
  /** A 4 KiB mapping of virt's page to `frame`, with the given bits at each level. */
  const mapPage = (virt: number, frame: number, pdeBits = P | W | U, pteBits = P | W | U, table = TABLE) => {
    setPde(virt, table | pdeBits);
    setPte(virt, frame | pteBits, table);
  };
  return { memory, mmu, setPde, setPte, mapPage };
}

describe('IntelMMU', () => {
  it('has PageFault values that are negative and distinct from Fault (-1)', () => {
    expect([Fault, PageFault.NotPresent, PageFault.ReadOnly, PageFault.KernelOnly]).toEqual([-1, -2, -3, -4]);
  });

  it('reports root 0 before the first load, then the loaded directory', () => {
    const mmu = new IntelMMU(new PhysicalMemory(MiB));
    expect(mmu.root()).toBe(0);
    mmu.load(0x5000);
    expect(mmu.root()).toBe(0x5000);
  });

  it('translates a 4 KiB page through the directory (virt >> 22) and the table ((virt >> 12) & 0x3FF)', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    expect(mmu.translate(0x80005000, 'read', true)).toBe(0x7000);
    mapPage(0x80006000, 0x9000);
    expect(mmu.translate(0x80006000, 'write', true)).toBe(0x9000);
  });

  it('keeps the offset within the page', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    expect(mmu.translate(0x80005123, 'read', true)).toBe(0x7123);
    expect(mmu.translate(0x80005fff, 'read', false)).toBe(0x7fff);
    expect(mmu.translate(0x80005001, 'execute', true)).toBe(0x7001);
  });

  it('translates a 4 MiB (Large) page from the directory alone', () => {
    const { mmu, setPde } = machine();
    setPde(0xc0000000, 0x00c00000 | P | W | U | L);
    expect(mmu.translate(0xc0000000, 'read', true)).toBe(0x00c00000);
    expect(mmu.translate(0xc0312345, 'write', true)).toBe(0x00f12345);
    expect(mmu.translate(0xc03fffff, 'read', false)).toBe(0x00ffffff);
  });

  it('applies the directory entry\'s User and Writable bits to a 4 MiB page', () => {
    const { mmu, setPde } = machine();
    setPde(0x00000000, 0x00000000 | P | W | L); // the kernel's direct map: no User
    setPde(0x00400000, 0x00400000 | P | U | L); // user, read-only
    expect(mmu.translate(0x1234, 'read', true)).toBe(PageFault.KernelOnly);
    expect(mmu.translate(0x1234, 'write', false)).toBe(0x1234);
    expect(mmu.translate(0x401234, 'read', true)).toBe(0x401234);
    expect(mmu.translate(0x401234, 'write', true)).toBe(PageFault.ReadOnly);
  });

  it('gives NotPresent when the directory entry is not present', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000);
    expect(mmu.translate(0x80400000, 'read', true)).toBe(PageFault.NotPresent);
    expect(mmu.translate(0x80400000, 'read', false)).toBe(PageFault.NotPresent);
  });

  it('gives NotPresent when the directory entry is there but the table entry is not', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000);
    expect(mmu.translate(0x80001000, 'read', true)).toBe(PageFault.NotPresent);
    expect(mmu.translate(0x80001000, 'write', false)).toBe(PageFault.NotPresent);
  });

  it('gives NotPresent when an entry has every bit but Present', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000, W | U, P | W | U);
    mapPage(0x80400000, 0x8000, P | W | U, W | U, 0x3000);
    expect(mmu.translate(0x80000000, 'read', false)).toBe(PageFault.NotPresent);
    expect(mmu.translate(0x80400000, 'read', false)).toBe(PageFault.NotPresent);
  });

  it('gives KernelOnly to a user access when the table entry lacks User; kernel mode passes', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000, P | W | U, P | W);
    expect(mmu.translate(0x80000010, 'read', true)).toBe(PageFault.KernelOnly);
    expect(mmu.translate(0x80000010, 'read', false)).toBe(0x7010);
  });

  it('gives KernelOnly to a user access when the directory entry lacks User, even if the table entry has it', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000, P | W, P | W | U);
    expect(mmu.translate(0x80000010, 'read', true)).toBe(PageFault.KernelOnly);
    expect(mmu.translate(0x80000010, 'write', false)).toBe(0x7010);
  });

  it('gives ReadOnly to a write when the table entry lacks Writable, in user and kernel mode; reads pass', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000, P | W | U, P | U);
    expect(mmu.translate(0x80000010, 'write', true)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x80000010, 'write', false)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x80000010, 'read', true)).toBe(0x7010);
    expect(mmu.translate(0x80000010, 'execute', true)).toBe(0x7010);
  });

  it('gives ReadOnly to a write when the directory entry lacks Writable, even if the table entry has it', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000, P | U, P | W | U);
    expect(mmu.translate(0x80000010, 'write', true)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x80000010, 'write', false)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x80000010, 'read', true)).toBe(0x7010);
  });

  it('caches the effective bits (directory AND table) in the TLB', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000, P | W | U, P | U);
    mmu.translate(0x80005000, 'read', true);
    expect(mmu.tlb.contents()).toEqual([{ page: 0x80005, frame: 0x7000, flags: U }]);
  });

  it('misses the TLB on the first translation and hits on the second', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    const before = { ...mmu.tlb.counters };
    expect(mmu.translate(0x80005004, 'read', true)).toBe(0x7004);
    expect(mmu.tlb.counters.misses - before.misses).toBe(1);
    expect(mmu.tlb.counters.hits - before.hits).toBe(0);
    expect(mmu.translate(0x80005008, 'write', true)).toBe(0x7008);
    expect(mmu.tlb.counters.misses - before.misses).toBe(1);
    expect(mmu.tlb.counters.hits - before.hits).toBe(1);
  });

  it('checks permissions on a TLB hit too', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000, P | W, P | W);
    expect(mmu.translate(0x80005000, 'read', false)).toBe(0x7000);
    expect(mmu.translate(0x80005000, 'read', true)).toBe(PageFault.KernelOnly);
    expect(mmu.tlb.counters.hits).toBe(1);
  });

  it('does not cache a failed walk: an entry written afterwards is seen without invalidation', () => {
    const { mmu, mapPage } = machine();
    expect(mmu.translate(0x80005000, 'read', true)).toBe(PageFault.NotPresent);
    expect(mmu.tlb.contents()).toEqual([]);
    mapPage(0x80005000, 0x7000);
    expect(mmu.translate(0x80005000, 'read', true)).toBe(0x7000);
  });

  it('misses again after load() (a CR3 reload flushes the TLB), even of the same directory', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    mmu.translate(0x80005000, 'read', true);
    const flushes = mmu.tlb.counters.flushes;
    mmu.load(DIR);
    expect(mmu.tlb.counters.flushes).toBe(flushes + 1);
    expect(mmu.tlb.contents()).toEqual([]);
    const misses = mmu.tlb.counters.misses;
    expect(mmu.translate(0x80005000, 'read', true)).toBe(0x7000);
    expect(mmu.tlb.counters.misses).toBe(misses + 1);
  });

  it('misses again after invalidate() of that page; other pages stay cached', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    mapPage(0x80006000, 0x8000);
    mmu.translate(0x80005000, 'read', true);
    mmu.translate(0x80006000, 'read', true);
    mmu.invalidate(0x80005abc);
    expect(mmu.tlb.counters.invalidations).toBe(1);
    const { hits, misses } = mmu.tlb.counters;
    mmu.translate(0x80005000, 'read', true);
    mmu.translate(0x80006000, 'read', true);
    expect(mmu.tlb.counters.misses - misses).toBe(1);
    expect(mmu.tlb.counters.hits - hits).toBe(1);
  });

  it('keeps translating through a stale TLB entry until the page is invalidated', () => {
    const { mmu, setPte, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    expect(mmu.translate(0x80005010, 'read', true)).toBe(0x7010);
    setPte(0x80005000, 0x8000 | P | W | U); // the table now says 0x8000, no invlpg
    expect(mmu.translate(0x80005010, 'read', true)).toBe(0x7010);
    mmu.invalidate(0x80005000);
    expect(mmu.translate(0x80005010, 'read', true)).toBe(0x8010);
  });

  it('keeps a stale entry\'s old permissions and old presence until invalidated', () => {
    const { mmu, setPte, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    mmu.translate(0x80005000, 'write', true);
    setPte(0x80005000, 0); // unmapped in the table
    expect(mmu.translate(0x80005000, 'write', true)).toBe(0x7000);
    mmu.invalidate(0x80005000);
    expect(mmu.translate(0x80005000, 'write', true)).toBe(PageFault.NotPresent);
  });

  it('with the TLB off (0 entries) sees a changed entry at once', () => {
    const { mmu, setPte, mapPage } = machine(0);
    mapPage(0x80005000, 0x7000);
    expect(mmu.translate(0x80005000, 'read', true)).toBe(0x7000);
    setPte(0x80005000, 0x8000 | P | W | U);
    expect(mmu.translate(0x80005000, 'read', true)).toBe(0x8000);
    expect(mmu.tlb.counters.hits).toBe(0);
    expect(mmu.tlb.counters.misses).toBe(2);
  });

  it('walk() shows the directory and table steps with entry addresses and values, and says miss', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000, P | W | U, P | U);
    expect(mmu.walk(0x80005123, 'read', true)).toEqual({
      virt: 0x80005123,
      steps: [
        { level: 'directory', index: 0x200, address: DIR + 0x200 * 4, entry: TABLE | P | W | U },
        { level: 'table', index: 5, address: TABLE + 5 * 4, entry: 0x7000 | P | U },
      ],
      result: 0x7123,
      flags: U,
      tlb: 'miss',
    });
  });

  it('walk() fills the TLB: a second walk (or translate) hits and shows no steps', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    mmu.walk(0x80005000, 'read', true);
    expect(mmu.walk(0x80005004, 'write', true)).toEqual({ virt: 0x80005004, steps: [], result: 0x7004, flags: W | U, tlb: 'hit' });
    const hits = mmu.tlb.counters.hits;
    expect(mmu.translate(0x80005008, 'read', true)).toBe(0x7008);
    expect(mmu.tlb.counters.hits).toBe(hits + 1);
  });

  it('walk() of a 4 MiB page has one step', () => {
    const { mmu, setPde } = machine();
    setPde(0xc0000000, 0x00c00000 | P | W | L);
    const walk = mmu.walk(0xc0001004, 'read', false);
    expect(walk.steps).toEqual([{ level: 'directory', index: 0x300, address: DIR + 0x300 * 4, entry: 0x00c00000 | P | W | L }]);
    expect(walk.result).toBe(0x00c01004);
    expect(walk.flags).toBe(W);
  });

  it('walk() stops at a non-present entry with the fault as result', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000);
    const atDirectory = mmu.walk(0x80400000, 'read', true);
    expect(atDirectory.steps).toEqual([{ level: 'directory', index: 0x201, address: DIR + 0x201 * 4, entry: 0 }]);
    expect([atDirectory.result, atDirectory.flags, atDirectory.tlb]).toEqual([PageFault.NotPresent, 0, 'miss']);
    const atTable = mmu.walk(0x80001000, 'read', true);
    expect(atTable.steps.map((step) => [step.level, step.address, step.entry])).toEqual([
      ['directory', DIR + 0x200 * 4, TABLE | P | W | U], ['table', TABLE + 4, 0]]);
    expect(atTable.result).toBe(PageFault.NotPresent);
  });

  it('walk() reports a permission fault with the flags it found', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000, P | W | U, P | W);
    const walk = mmu.walk(0x80000000, 'read', true);
    expect(walk.result).toBe(PageFault.KernelOnly);
    expect(walk.flags).toBe(W);
    expect(walk.steps).toHaveLength(2);
  });

  it('gives Fault (-1) when a table lies outside physical memory', () => {
    const { mmu, setPde } = machine();
    setPde(0x80000000, 0x00200000 | P | W | U); // 2 MiB, past the 1 MiB of RAM
    expect(mmu.translate(0x80003000, 'read', true)).toBe(Fault);
    const walk = mmu.walk(0x80003000, 'read', true);
    expect(walk.result).toBe(Fault);
    expect(walk.steps[1]).toEqual({ level: 'table', index: 3, address: 0x00200000 + 3 * 4, entry: Fault });
  });

  it('gives Fault (-1) when the directory itself lies outside physical memory', () => {
    const { mmu } = machine();
    mmu.load(0x00400000);
    expect(mmu.translate(0x80000000, 'read', false)).toBe(Fault);
    expect(mmu.walk(0x80000000, 'read', false).steps).toEqual([
      { level: 'directory', index: 0x200, address: 0x00400000 + 0x200 * 4, entry: Fault }]);
  });
});

describe('VirtualMemory', () => {
  /** The machine above with two user pages mapped at 0x80000000 (frame 0x7000) and 0x80001000 (frame 0x5000). */
  function space(options: { user?: boolean; onFault?: (virt: number, kind: AccessKind, fault: number) => boolean } = {}) {
    const m = machine();
    m.mapPage(0x80000000, 0x7000);
    m.mapPage(0x80001000, 0x5000);
    const log = new EventLog();
    const vm = new VirtualMemory(m.memory, m.mmu, DIR, { log, ...options });
    return { ...m, log, vm };
  }

  it('writes through the tables: the value lands in physical memory at the translated address', () => {
    const { vm, memory } = space();
    expect(vm.write32(0x80000010, 0xdeadbeef)).toBe(0);
    expect(memory.read32(0x7010)).toBe(0xdeadbeef);
    vm.write8(0x80001003, 0x5a);
    expect(memory.read8(0x5003)).toBe(0x5a);
    vm.write16(0x80001008, 0xbeef);
    expect(memory.read16(0x5008)).toBe(0xbeef);
  });

  it('reads through the tables what is in physical memory at the translated address', () => {
    const { vm, memory } = space();
    memory.write32(0x5020, 0x12345678);
    expect(vm.read32(0x80001020)).toBe(0x12345678);
    expect(vm.read16(0x80001022)).toBe(0x1234);
    expect(vm.read8(0x80001020)).toBe(0x78);
  });

  it('copies byte ranges through the tables (write, read, fill)', () => {
    const { vm, memory } = space();
    expect(vm.write(0x80000100, Uint8Array.of(1, 2, 3))).toBe(3);
    expect(memory.read(0x7100, 3)).toEqual(Uint8Array.of(1, 2, 3));
    expect(vm.fill(0x80001000, 0xee, 4)).toBe(4);
    expect(memory.read32(0x5000)).toBe(0xeeeeeeee);
    expect(vm.read(0x80000100, 3)).toEqual(Uint8Array.of(1, 2, 3));
  });

  it('returns Fault for an unmapped access and records lastFault and a pagefault event', () => {
    const { vm, log } = space();
    expect(vm.read32(0x90000000)).toBe(Fault);
    expect(vm.lastFault).toEqual({ operation: 'read32', address: 0x90000000, size: 4, fault: PageFault.NotPresent });
    expect(vm.counters.faults).toBe(1);
    expect(log.events).toEqual([{ type: 'pagefault', root: DIR, virt: 0x90000000, access: 'read', fault: PageFault.NotPresent }]);
  });

  it('returns Fault for a write to a read-only page, with the ReadOnly value, and writes nothing', () => {
    const { vm, log, memory, mapPage } = space();
    mapPage(0x80002000, 0x6000, P | W | U, P | U);
    memory.write32(0x6000, 0x11111111);
    expect(vm.write32(0x80002000, 0x22222222)).toBe(Fault);
    expect(memory.read32(0x6000)).toBe(0x11111111);
    expect(vm.lastFault).toEqual({ operation: 'write32', address: 0x80002000, size: 4, fault: PageFault.ReadOnly });
    expect(log.events.at(-1)).toEqual({ type: 'pagefault', root: DIR, virt: 0x80002000, access: 'write', fault: PageFault.ReadOnly });
  });

  it('is in user mode by default (kernel-only pages fault) and in kernel mode with user: false', () => {
    const user = space();
    user.mapPage(0x80002000, 0x6000, P | W | U, P | W);
    user.memory.write8(0x6000, 7);
    expect(user.vm.read8(0x80002000)).toBe(Fault);
    expect(user.vm.lastFault?.fault).toBe(PageFault.KernelOnly);
    const kernel = new VirtualMemory(user.memory, user.mmu, DIR, { user: false });
    expect(kernel.read8(0x80002000)).toBe(7);
  });

  it('loads its own directory into the MMU before translating', () => {
    const { vm, mmu, memory } = space();
    mmu.load(0x9000);
    memory.write32(0x7000, 42);
    expect(vm.read32(0x80000000)).toBe(42);
    expect(mmu.root()).toBe(DIR);
  });

  it('reads and writes a word straddling two mapped pages onto their two frames', () => {
    const { vm, memory } = space();
    expect(vm.write32(0x80000ffe, 0x11223344)).toBe(0);
    expect([memory.read8(0x7ffe), memory.read8(0x7fff), memory.read8(0x5000), memory.read8(0x5001)])
      .toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(vm.read32(0x80000ffe)).toBe(0x11223344);
    expect(vm.read16(0x80000fff)).toBe(0x2233);
  });

  it('reads and writes byte ranges straddling two mapped pages', () => {
    const { vm, memory } = space();
    expect(vm.write(0x80000ffc, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))).toBe(8);
    expect(memory.read(0x7ffc, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(memory.read(0x5000, 4)).toEqual(Uint8Array.of(5, 6, 7, 8));
    expect(vm.read(0x80000ffc, 8)).toEqual(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
  });

  it('faults a straddling write whose second page is unmapped and writes none of it', () => {
    const { vm, memory } = space();
    memory.write16(0x5ffe, 0xaaaa);
    expect(vm.write32(0x80001ffe, 0x11223344)).toBe(Fault);
    expect(memory.read16(0x5ffe)).toBe(0xaaaa);
    expect(vm.lastFault?.address).toBe(0x80002000);
    expect(vm.write(0x80001ffe, Uint8Array.of(9, 9, 9, 9))).toBe(Fault);
    expect(memory.read16(0x5ffe)).toBe(0xaaaa);
  });

  it('lets onFault map the page, then the access succeeds with no fault recorded', () => {
    const calls: [number, AccessKind, number][] = [];
    const s = space({
      onFault: (virt, kind, fault) => {
        calls.push([virt, kind, fault]);
        s.mapPage(virt, 0x6000);
        return true;
      },
    });
    s.memory.write32(0x6010, 0xcafe);
    expect(s.vm.read32(0x80002010)).toBe(0xcafe);
    expect(calls).toEqual([[0x80002010, 'read', PageFault.NotPresent]]);
    expect(s.vm.counters.faults).toBe(0);
    expect(s.vm.lastFault).toBeNull();
    expect(s.log.events).toEqual([]);
  });

  it('records the fault when onFault fixes nothing', () => {
    let called = 0;
    const { vm, log } = space({ onFault: () => { called++; return false; } });
    expect(vm.write8(0x90000000, 1)).toBe(Fault);
    expect(called).toBe(1);
    expect(vm.lastFault?.fault).toBe(PageFault.NotPresent);
    expect(log.events).toHaveLength(1);
  });
});
