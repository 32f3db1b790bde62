// ARMMMU over short-descriptor tables written by hand into PhysicalMemory (the layout of §6.5):
// small pages through a first-level table entry and a second-level table, 1 MiB sections, the
// faults (NotPresent, KernelOnly, ReadOnly, Fault for a table outside RAM), AP bits at the level
// that mapped the page, ARMv7 and ARMv6 read-only bits, the TLB (hits, flushes, invalidation,
// stale entries) and walk(). Then VirtualMemory on the ARM MMU.
import { describe, expect, it } from 'vitest';
import {
  ARMFirstLevel, ARMLayout, ARMMMU, ARMSecondLevel, ARMTLBFlag, EventLog, Fault, IntelEntry, PageFault, PhysicalMemory,
  VirtualMemory, type ARMVersion,
} from '../../../engine/index';

const MiB = 1024 * 1024;
// first level
const T = ARMFirstLevel.Table;
const S = ARMFirstLevel.Section;
const SYS1 = ARMFirstLevel.AccessSystem;
const USR1 = ARMFirstLevel.AccessUser;
const RO7 = ARMFirstLevel.ReadOnlyV7;
const RO6 = ARMFirstLevel.ReadOnlyV6;
// second level
const P = ARMSecondLevel.Present;
const SYS = ARMSecondLevel.AccessSystem;
const USR = ARMSecondLevel.AccessUser;
const RO = ARMSecondLevel.ReadOnly;
const XN = ARMSecondLevel.NoExecute;
const W = ARMTLBFlag.Writable;
const U = ARMTLBFlag.User;
/** The first-level table (16 KiB aligned) and the default second-level table, in a 1 MiB machine. */
const L1 = 0x10000;
const TABLE = 0x14000;

/** 1 MiB of RAM, an MMU with its first-level table at L1 loaded, and helpers to write entries. */
function machine(options: { tlbEntries?: number; version?: ARMVersion } = {}) {
  const memory = new PhysicalMemory(MiB);
  const mmu = new ARMMMU(memory, options);
  mmu.load(L1);
  const setFirst = (virt: number, value: number) => memory.write32(L1 + (virt >>> 20) * 4, value);
  const setSecond = (virt: number, value: number, table = TABLE) => memory.write32(table + ((virt >>> 12) & 0xff) * 4, value);
  /** A small page: virt's first-level entry points at `table`, its second-level entry is frame | bits. */
  const mapPage = (virt: number, frame: number, bits = P | SYS | USR, table = TABLE) => {
    setFirst(virt, table | T);
    setSecond(virt, frame | bits, table);
  };
  /** A 1 MiB section: virt's first-level entry is base | Section | bits. */
  const mapSection = (virt: number, base: number, bits = SYS1 | USR1) => setFirst(virt, base | S | bits);
  return { memory, mmu, setFirst, setSecond, mapPage, mapSection };
}

describe('ARMMMU', () => {
  it('reports root 0 before the first load, then the loaded first-level table (TTBR0)', () => {
    const mmu = new ARMMMU(new PhysicalMemory(MiB));
    expect(mmu.root()).toBe(0);
    mmu.load(0xc000);
    expect(mmu.root()).toBe(0xc000);
  });

  it('is ARMv7 by default, ARMv6 on request', () => {
    expect(new ARMMMU(new PhysicalMemory(MiB)).version).toBe(7);
    expect(new ARMMMU(new PhysicalMemory(MiB), { version: 6 }).version).toBe(6);
  });

  it('encodes TLB flags as Writable 0x2 and User 0x4, the values of IntelEntry', () => {
    expect([W, U]).toEqual([0x2, 0x4]);
    expect([W, U]).toEqual([IntelEntry.Writable, IntelEntry.User]);
  });

  it('translates a small page through the first level (virt >> 20) and the second level ((virt >> 12) & 0xFF)', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    expect(mmu.translate(0x80005000, 'read', true)).toBe(0x7000);
    mapPage(0x800ff000, 0x9000);
    expect(mmu.translate(0x800ff000, 'write', true)).toBe(0x9000);
    expect(ARMLayout.directoryIndex(0x800ff000)).toBe(0x800);
    expect(ARMLayout.tableIndex(0x800ff000)).toBe(0xff);
  });

  it('keeps the offset within the page', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    expect(mmu.translate(0x80005123, 'read', true)).toBe(0x7123);
    expect(mmu.translate(0x80005fff, 'read', false)).toBe(0x7fff);
    expect(mmu.translate(0x80005001, 'execute', true)).toBe(0x7001);
  });

  it('finds the second-level table at bits 31..10 of the first-level entry: 1 KiB aligned is enough', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80003000, 0x7000, P | SYS | USR, 0x8400);
    const walk = mmu.walk(0x80003010, 'read', true);
    expect(walk.steps[1]!.address).toBe(0x8400 + 3 * 4);
    expect(walk.result).toBe(0x7010);
  });

  it('maps the next 1 MiB through the next first-level entry: 256 pages per second-level table', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x800ff000, 0x7000);
    expect(mmu.translate(0x80100000, 'read', false)).toBe(PageFault.NotPresent);
    mapPage(0x80100000, 0x9000, P | SYS | USR, 0x9000 + 0x400);
    expect(mmu.translate(0x80100000, 'read', false)).toBe(0x9000);
  });

  it('translates a 1 MiB section from the first level alone: base + the low 20 bits', () => {
    const { mmu, mapSection } = machine();
    mapSection(0xc0000000, 0x00300000);
    expect(mmu.translate(0xc0000000, 'read', true)).toBe(0x00300000);
    expect(mmu.translate(0xc0012345, 'write', true)).toBe(0x00312345);
    expect(mmu.translate(0xc00fffff, 'read', false)).toBe(0x003fffff);
  });

  it('takes only bits 31..20 of a section entry as its base: the flag bits below are not address', () => {
    const { mmu, mapSection } = machine();
    mapSection(0x90000000, 0x00500000, SYS1 | USR1 | ARMFirstLevel.TypeExtension | ARMFirstLevel.Cache | ARMFirstLevel.Buffer);
    expect(mmu.translate(0x90001004, 'read', true)).toBe(0x00501004);
  });

  it('gives NotPresent when the first-level entry has neither Table nor Section, whatever else it has', () => {
    const { mmu, setFirst, mapPage } = machine();
    mapPage(0x80000000, 0x7000);
    expect(mmu.translate(0x80100000, 'read', false)).toBe(PageFault.NotPresent);
    setFirst(0x80200000, 0x00500000 | SYS1 | USR1 | ARMFirstLevel.TypeExtension | ARMFirstLevel.Buffer);
    expect(mmu.translate(0x80200000, 'read', false)).toBe(PageFault.NotPresent);
  });

  it('gives NotPresent when the second-level entry lacks Present, whatever else it has', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000);
    expect(mmu.translate(0x80001000, 'read', false)).toBe(PageFault.NotPresent);
    mapPage(0x80002000, 0x7000, SYS | USR | XN | ARMSecondLevel.TypeExtension | ARMSecondLevel.Buffer);
    expect(mmu.translate(0x80002000, 'read', false)).toBe(PageFault.NotPresent);
  });

  it('reads an entry with both Table and Section as a table pointer (Table is tested first)', () => {
    const { mmu, setFirst, setSecond } = machine();
    setFirst(0x80000000, TABLE | T | S);
    setSecond(0x80001000, 0x7000 | P | SYS | USR);
    expect(mmu.translate(0x80001000, 'read', true)).toBe(0x7000);
    expect(mmu.translate(0x80002000, 'read', true)).toBe(PageFault.NotPresent);
  });

  it('gives KernelOnly to a user access of a small page without AP-user; kernel mode passes', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000, P | SYS);
    expect(mmu.translate(0x80000010, 'read', true)).toBe(PageFault.KernelOnly);
    expect(mmu.translate(0x80000010, 'read', false)).toBe(0x7010);
    expect(mmu.translate(0x80000010, 'write', false)).toBe(0x7010);
  });

  it('gives KernelOnly to a user access of a section without AP-user; kernel mode passes', () => {
    const { mmu, mapSection } = machine();
    mapSection(0x00000000, 0x00000000, SYS1); // the kernel's direct map
    expect(mmu.translate(0x1234, 'read', true)).toBe(PageFault.KernelOnly);
    expect(mmu.translate(0x1234, 'write', false)).toBe(0x1234);
  });

  it('gives ReadOnly to a write to a small page with APX (0x200), in user and kernel mode; reads pass', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000, P | SYS | USR | RO);
    expect(mmu.translate(0x80000010, 'write', true)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x80000010, 'write', false)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x80000010, 'read', true)).toBe(0x7010);
    expect(mmu.translate(0x80000010, 'execute', true)).toBe(0x7010);
  });

  it('takes a small page\'s permissions from the second level only: the table entry carries none', () => {
    const { mmu, setFirst, setSecond } = machine();
    setFirst(0x80000000, TABLE | T); // exactly what ARMPaging writes
    setSecond(0x80000000, 0x7000 | P | SYS | USR);
    expect(mmu.translate(0x80000000, 'write', true)).toBe(0x7000);
  });

  it('on ARMv7 makes a section read-only with 0x8000 and ignores 0x200', () => {
    const { mmu, mapSection } = machine();
    mapSection(0x90000000, 0x00300000, SYS1 | USR1 | RO7);
    mapSection(0x90100000, 0x00400000, SYS1 | USR1 | RO6);
    expect(mmu.translate(0x90000000, 'write', true)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x90000000, 'write', false)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x90000000, 'read', true)).toBe(0x00300000);
    expect(mmu.translate(0x90100000, 'write', true)).toBe(0x00400000);
  });

  it('on ARMv6 makes a section read-only with 0x200 and ignores 0x8000; small pages keep 0x200', () => {
    const { mmu, mapSection, mapPage } = machine({ version: 6 });
    mapSection(0x90000000, 0x00300000, SYS1 | USR1 | RO6);
    mapSection(0x90100000, 0x00400000, SYS1 | USR1 | RO7);
    mapPage(0x80000000, 0x7000, P | SYS | USR | RO);
    expect(mmu.translate(0x90000000, 'write', false)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x90100000, 'write', false)).toBe(0x00400000);
    expect(mmu.translate(0x80000000, 'write', false)).toBe(PageFault.ReadOnly);
  });

  it('checks User before Writable: a user write to a kernel read-only page is KernelOnly', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000, P | SYS | RO);
    expect(mmu.translate(0x80000000, 'write', true)).toBe(PageFault.KernelOnly);
  });

  it('does not enforce No-execute (there is no fault value for it)', () => {
    const { mmu, mapPage, mapSection } = machine();
    mapPage(0x80000000, 0x7000, P | SYS | USR | XN);
    mapSection(0x90000000, 0x00300000, SYS1 | USR1 | ARMFirstLevel.NoExecute);
    expect(mmu.translate(0x80000004, 'execute', true)).toBe(0x7004);
    expect(mmu.translate(0x90000004, 'execute', true)).toBe(0x00300004);
  });

  it('does not check AP-system: without it a page still works like a kernel read-write page', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000, P);
    expect(mmu.translate(0x80000000, 'write', false)).toBe(0x7000);
    expect(mmu.translate(0x80000000, 'read', true)).toBe(PageFault.KernelOnly);
  });

  it('caches the effective flags of a small page in the TLB', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000, P | SYS | USR | RO);
    mmu.translate(0x80005000, 'read', true);
    expect(mmu.tlb.contents()).toEqual([{ page: 0x80005, frame: 0x7000, flags: U }]);
  });

  it('caches a section one 4 KiB page at a time, with the section\'s flags', () => {
    const { mmu, mapSection } = machine();
    mapSection(0xc0000000, 0x00300000, SYS1);
    mmu.translate(0xc0000010, 'read', false);
    mmu.translate(0xc0042010, 'write', false);
    expect(mmu.tlb.contents()).toEqual([
      { page: 0xc0000, frame: 0x00300000, flags: W },
      { page: 0xc0042, frame: 0x00342000, flags: W },
    ]);
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
    mapPage(0x80005000, 0x7000, P | SYS | RO);
    expect(mmu.translate(0x80005000, 'read', false)).toBe(0x7000);
    expect(mmu.translate(0x80005000, 'read', true)).toBe(PageFault.KernelOnly);
    expect(mmu.translate(0x80005000, 'write', false)).toBe(PageFault.ReadOnly);
    expect(mmu.tlb.counters.hits).toBe(2);
  });

  it('does not cache a failed walk: an entry written afterwards is seen without invalidation', () => {
    const { mmu, mapPage } = machine();
    expect(mmu.translate(0x80005000, 'read', true)).toBe(PageFault.NotPresent);
    expect(mmu.tlb.contents()).toEqual([]);
    mapPage(0x80005000, 0x7000);
    expect(mmu.translate(0x80005000, 'read', true)).toBe(0x7000);
  });

  it('misses again after load(), even of the same table: switching tables flushes the TLB', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    mmu.translate(0x80005000, 'read', true);
    const flushes = mmu.tlb.counters.flushes;
    mmu.load(L1);
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
    const { mmu, setSecond, mapPage } = machine();
    mapPage(0x80005000, 0x7000);
    expect(mmu.translate(0x80005010, 'read', true)).toBe(0x7010);
    setSecond(0x80005000, 0x8000 | P | SYS | USR);
    expect(mmu.translate(0x80005010, 'read', true)).toBe(0x7010);
    mmu.invalidate(0x80005000);
    expect(mmu.translate(0x80005010, 'read', true)).toBe(0x8010);
  });

  it('keeps a stale section page until flushed', () => {
    const { mmu, setFirst, mapSection } = machine();
    mapSection(0xc0000000, 0x00300000);
    expect(mmu.translate(0xc0000000, 'write', true)).toBe(0x00300000);
    setFirst(0xc0000000, 0);
    expect(mmu.translate(0xc0000000, 'write', true)).toBe(0x00300000);
    expect(mmu.translate(0xc0001000, 'write', true)).toBe(PageFault.NotPresent); // never cached
    mmu.load(L1);
    expect(mmu.translate(0xc0000000, 'write', true)).toBe(PageFault.NotPresent);
  });

  it('with the TLB off (0 entries) sees a changed entry at once', () => {
    const { mmu, setSecond, mapPage } = machine({ tlbEntries: 0 });
    mapPage(0x80005000, 0x7000);
    expect(mmu.translate(0x80005000, 'read', true)).toBe(0x7000);
    setSecond(0x80005000, 0x8000 | P | SYS | USR);
    expect(mmu.translate(0x80005000, 'read', true)).toBe(0x8000);
    expect(mmu.tlb.counters.hits).toBe(0);
    expect(mmu.tlb.counters.misses).toBe(2);
  });

  it('walk() shows the first- and second-level steps with entry addresses and values, and says miss', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80005000, 0x7000, P | SYS | USR | RO);
    expect(mmu.walk(0x80005123, 'read', true)).toEqual({
      virt: 0x80005123,
      steps: [
        { level: 'directory', index: 0x800, address: L1 + 0x800 * 4, entry: TABLE | T },
        { level: 'table', index: 5, address: TABLE + 5 * 4, entry: 0x7000 | P | SYS | USR | RO },
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

  it('walk() of a section has one step', () => {
    const { mmu, mapSection } = machine();
    mapSection(0xc0000000, 0x00300000, SYS1 | RO7);
    const walk = mmu.walk(0xc0001004, 'read', false);
    expect(walk.steps).toEqual([{ level: 'directory', index: 0xc00, address: L1 + 0xc00 * 4, entry: 0x00300000 | S | SYS1 | RO7 }]);
    expect(walk.result).toBe(0x00301004);
    expect(walk.flags).toBe(0);
  });

  it('walk() stops at an empty entry with the fault as result', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000);
    const atFirst = mmu.walk(0x80100000, 'read', true);
    expect(atFirst.steps).toEqual([{ level: 'directory', index: 0x801, address: L1 + 0x801 * 4, entry: 0 }]);
    expect([atFirst.result, atFirst.flags, atFirst.tlb]).toEqual([PageFault.NotPresent, 0, 'miss']);
    const atSecond = mmu.walk(0x80001000, 'read', true);
    expect(atSecond.steps.map((step) => [step.level, step.address, step.entry])).toEqual([
      ['directory', L1 + 0x800 * 4, TABLE | T], ['table', TABLE + 4, 0]]);
    expect(atSecond.result).toBe(PageFault.NotPresent);
  });

  it('walk() reports a permission fault with the flags it found', () => {
    const { mmu, mapPage } = machine();
    mapPage(0x80000000, 0x7000, P | SYS);
    const walk = mmu.walk(0x80000000, 'read', true);
    expect(walk.result).toBe(PageFault.KernelOnly);
    expect(walk.flags).toBe(W);
    expect(walk.steps).toHaveLength(2);
  });

  it('gives Fault (-1) when a second-level table lies outside physical memory', () => {
    const { mmu, setFirst } = machine();
    setFirst(0x80000000, 0x00200000 | T); // 2 MiB, past the 1 MiB of RAM
    expect(mmu.translate(0x80003000, 'read', true)).toBe(Fault);
    const walk = mmu.walk(0x80003000, 'read', true);
    expect(walk.result).toBe(Fault);
    expect(walk.steps[1]).toEqual({ level: 'table', index: 3, address: 0x00200000 + 3 * 4, entry: Fault });
  });

  it('gives Fault (-1) when the first-level table itself lies outside physical memory', () => {
    const { mmu } = machine();
    mmu.load(0x00400000);
    expect(mmu.translate(0x80000000, 'read', false)).toBe(Fault);
    expect(mmu.walk(0x80000000, 'read', false).steps).toEqual([
      { level: 'directory', index: 0x800, address: 0x00400000 + 0x800 * 4, entry: Fault }]);
  });
});

describe('VirtualMemory on the ARM MMU', () => {
  /** The machine above with a user page at 0x80000000 (frame 0x7000) and a user section at 0x90000000 (onto 0). */
  function space(user = true) {
    const m = machine();
    m.mapPage(0x80000000, 0x7000);
    m.mapSection(0x90000000, 0x00000000);
    const log = new EventLog();
    const vm = new VirtualMemory(m.memory, m.mmu, L1, { log, user });
    return { ...m, log, vm };
  }

  it('writes and reads through a small page and a section', () => {
    const { vm, memory } = space();
    expect(vm.write32(0x80000010, 0xdeadbeef)).toBe(0);
    expect(memory.read32(0x7010)).toBe(0xdeadbeef);
    expect(vm.write32(0x900a2340, 0x12345678)).toBe(0);
    expect(memory.read32(0x000a2340)).toBe(0x12345678);
    expect(vm.read32(0x900a2340)).toBe(0x12345678);
  });

  it('returns Fault for a write to a read-only page, with the ReadOnly value, and writes nothing', () => {
    const { vm, memory, mapPage } = space();
    mapPage(0x80002000, 0x6000, P | SYS | USR | RO);
    memory.write32(0x6000, 0x11111111);
    expect(vm.write32(0x80002000, 0x22222222)).toBe(Fault);
    expect(memory.read32(0x6000)).toBe(0x11111111);
    expect(vm.lastFault).toEqual({ operation: 'write32', address: 0x80002000, size: 4, fault: PageFault.ReadOnly });
  });

  it('faults a user read of a kernel section, which kernel mode reads', () => {
    const { vm, mapSection, memory, mmu } = space();
    mapSection(0x00000000, 0x00000000, SYS1);
    memory.write8(0x1234, 7);
    expect(vm.read8(0x1234)).toBe(Fault);
    expect(vm.lastFault?.fault).toBe(PageFault.KernelOnly);
    expect(new VirtualMemory(memory, mmu, L1, { user: false }).read8(0x1234)).toBe(7);
  });
});
