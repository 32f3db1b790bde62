// ARMPaging (§6): the ARM MemoryContext on a small machine built here: PhysicalMemory with 16 MiB
// of RAM at 0 (Raspberry Pi) or at 0x40000000 (Sunxi-H3), a SplitAllocator over that RAM with page
// 0 taken (the exception vectors, §7.1), an ARMMMU and an ARMMap. The layout and entry bits (§6.5),
// initialize (16 KiB aligned table, KernelData sections, the I/O window), map with the flag
// computation at both levels, mapLarge, unmap (a section goes whole), lookup, access (the Device
// quirk), releaseRange and releaseSection on 1 MiB sections, destroy (4 pages), the TLB, what the
// ARMMMU makes of the entries, and what is freed by what (§6.6). Traps of §10.10, 10.13, 10.14, 10.16.
import { describe, expect, it } from 'vitest';
import {
  ARMDefaultIOBase, ARMDefaultIOSize, ARMFirstLevel, ARMLayout, ARMMap, ARMMMU, ARMPaging, ARMSecondLevel, Allocator,
  EventLog, Fault, Memory, MemoryContext, PageFault, PhysicalMemory, Region, SplitAllocator, VirtualMemory, hex,
  type ARMPagingOptions, type ARMVersion,
} from '../../../engine/index';

const MiB = 1024 * 1024;
const PAGE = 4096;
const SECTION = MiB;
const { Success, InvalidAddress, InvalidSize, AlreadyExists, OutOfMemory } = MemoryContext.Result;
const R = Memory.Readable;
const RW = Memory.Readable | Memory.Writable;
const RWX = RW | Memory.Executable;
const URW = Memory.User | RW;
const RWD = RW | Memory.Device;
// second level: Present, and the entry bits map() gives R|W|User (write-back): AP-system | No-execute | AP-user | TEX|C|B
const P = ARMSecondLevel.Present;
const USER_PAGE = P | 0x7d;
// first level: what initialize() writes for KernelData (R|W|X) and the I/O window (R|W|Device)
const KERNEL_SECTION = ARMFirstLevel.Section | 0x140c;
const DEVICE_SECTION = ARMFirstLevel.Section | 0x414;

interface SetupOptions extends Partial<ARMPagingOptions> {
  /** Where RAM starts: 0 (Raspberry Pi, the default) or 0x40000000 (Sunxi-H3). */
  ram?: number;
  /** An EventLog for the SplitAllocator (allocate and release events). */
  allocatorLog?: EventLog;
}

/** 16 MiB of RAM at `ram`, its SplitAllocator (page 0 taken), an ARMMMU and an ARMMap; no context yet. */
function machine(options: SetupOptions = {}) {
  const { ram = 0, allocatorLog, ...paging } = options;
  const ramSize = 16 * MiB;
  const memory = new PhysicalMemory(ram + ramSize);
  const mmu = new ARMMMU(memory, { version: options.version });
  const map = new ARMMap(ram);
  const allocator = new SplitAllocator({ address: ram, size: ramSize, alignment: PAGE },
    { address: map.range(Region.KernelData).virt, size: ramSize, alignment: PAGE }, PAGE, { log: allocatorLog ?? null });
  allocator.allocateAt(ram); // the exception vectors
  /** A context on this machine, not yet initialized. */
  const context = (name: string, more: Partial<ARMPagingOptions> = {}) =>
    new ARMPaging(map, allocator, { memory, mmu, name, ...paging, ...more });
  return { ram, memory, mmu, map, allocator, context };
}

/** The machine with the kernel's context initialized and active, and a user context 'p' initialized (not active). */
function boot(options: SetupOptions = {}) {
  const m = machine(options);
  const kernel = m.context('kernel');
  expect(kernel.initialize()).toBe(Success);
  kernel.activate();
  const log = new EventLog();
  const ctx = m.context('p', { log });
  expect(ctx.initialize()).toBe(Success);
  return { ...m, kernel, ctx, log };
}

/** The first-level entry covering `virt`. */
const firstOf = (ctx: ARMPaging, virt: number) => ctx.memory.read32(ctx.root() + (virt >>> 20) * 4);
/** The second-level table behind `virt`'s first-level entry. */
const tableOf = (ctx: ARMPaging, virt: number) => (firstOf(ctx, virt) & 0xfffffc00) >>> 0;
/** The second-level entry for `virt` (its table must exist). */
const secondOf = (ctx: ARMPaging, virt: number) => ctx.memory.read32(tableOf(ctx, virt) + ((virt >>> 12) & 0xff) * 4);

/** Takes one free page from the allocator (next fit) and returns it. */
function takePage(allocator: SplitAllocator): number {
  const range: Allocator.Range = { address: 0, size: PAGE, alignment: PAGE };
  expect(allocator.allocate(range)).toBe(Allocator.Result.Success);
  return range.address;
}

/** Takes every free page. */
function exhaust(allocator: SplitAllocator): void {
  while (allocator.available() > 0) takePage(allocator);
}

const range = (virt: number, size: number, phys = 0, access: number = URW): Memory.Range => ({ virt, phys, size, access });

describe('ARMPaging: layout (§6.5)', () => {
  it('uses the constants of §6.5: 1 MiB per first-level entry, 4096 of them (16 KiB), 256 second-level entries (1 KiB)', () => {
    expect([ARMLayout.PageShift, ARMLayout.DirectoryShift, ARMLayout.DirectoryEntries, ARMLayout.TableEntries])
      .toEqual([12, 20, 4096, 256]);
    expect([ARMLayout.DirectorySize, ARMLayout.TableSize, ARMLayout.SectionSize]).toEqual([16384, 1024, SECTION]);
    expect([ARMLayout.PageMask, ARMLayout.SectionMask]).toEqual([0xfffff000, 0xfff00000]);
  });

  it('has the first-level bits of §6.5, read-only 0x8000 on ARMv7 and 0x200 on ARMv6', () => {
    const F = ARMFirstLevel;
    expect([F.Table, F.Section, F.Buffer, F.Cache, F.NoExecute, F.AccessSystem, F.AccessUser, F.TypeExtension])
      .toEqual([0x1, 0x2, 0x4, 0x8, 0x10, 0x400, 0x800, 0x1000]);
    expect([ARMLayout.firstLevelReadOnly(7), ARMLayout.firstLevelReadOnly(6)]).toEqual([0x8000, 0x200]);
  });

  it('has the second-level (small page) bits of §6.5', () => {
    const S = ARMSecondLevel;
    expect([S.NoExecute, S.Present, S.Buffer, S.Cache, S.AccessSystem, S.AccessUser, S.TypeExtension, S.ReadOnly])
      .toEqual([0x1, 0x2, 0x4, 0x8, 0x10, 0x20, 0x40, 0x200]);
  });

  it('indexes a virtual address as first level = virt >> 20, second level = (virt >> 12) & 0xFF', () => {
    expect(ARMLayout.directoryIndex(0xc0003ffc)).toBe(0xc00);
    expect(ARMLayout.tableIndex(0xc0003ffc)).toBe(3);
    expect(ARMLayout.tableIndex(0xc00ff000)).toBe(0xff);
    expect(ARMLayout.directoryIndex(0xffffffff)).toBe(4095);
    expect(ARMLayout.tableIndex(0xffffffff)).toBe(255);
  });

  it('defaults to ARMv7 and the Raspberry Pi 2/3 I/O window (0x3F000000, 128 MiB)', () => {
    const { context } = machine();
    const ctx = context('p');
    expect(ctx.version).toBe(7);
    expect([ARMDefaultIOBase, ARMDefaultIOSize]).toEqual([0x3f000000, 128 * MiB]);
    expect([ctx.ioBase, ctx.ioSize]).toEqual([0x3f000000, 128 * MiB]);
  });
});

describe('ARMPaging: versions', () => {
  it('takes its version from the ARMMMU unless told otherwise', () => {
    const memory = new PhysicalMemory(16 * MiB);
    const allocator = new SplitAllocator({ address: 0, size: 16 * MiB, alignment: PAGE }, { address: 0, size: 16 * MiB, alignment: PAGE }, PAGE);
    const v6 = new ARMMMU(memory, { version: 6 });
    expect(new ARMPaging(new ARMMap(), allocator, { memory, mmu: v6 }).version).toBe(6);
    expect(new ARMPaging(new ARMMap(), allocator, { memory, mmu: v6, version: 7 }).version).toBe(7);
    expect(new ARMPaging(new ARMMap(), allocator, { memory, mmu: new ARMMMU(memory) }).version).toBe(7);
  });

  it.each([6, 7] as ARMVersion[])('boots on ARMv%i with the same KernelData and device entries (both writable)', (version) => {
    const { ctx } = boot({ version });
    expect(firstOf(ctx, 0x00100000)).toBe(0x00100000 | KERNEL_SECTION);
    expect(firstOf(ctx, 0x3f000000)).toBe(0x3f000000 | DEVICE_SECTION);
  });
});

describe('ARMPaging.initialize and destroy (§6.5)', () => {
  it('allocates the first-level table as 4 pages (16 KiB) from the SplitAllocator', () => {
    const { context, allocator } = machine();
    const before = allocator.available();
    const ctx = context('p');
    expect(ctx.initialize()).toBe(Success);
    expect(allocator.available()).toBe(before - 4 * PAGE);
    for (let i = 0; i < 4; i++) expect(allocator.isAllocated(ctx.root() + i * PAGE)).toBe(true);
  });

  it('asks for 16 KiB with 16 KiB alignment', () => {
    const allocatorLog = new EventLog();
    const { context } = machine({ allocatorLog });
    const mark = allocatorLog.mark();
    const ctx = context('p');
    ctx.initialize();
    expect(allocatorLog.since(mark).filter((event) => event.type === 'allocate'))
      .toEqual([{ type: 'allocate', allocator: 'SplitAllocator', size: 16384, alignment: 16384, result: 0, address: ctx.root() }]);
  });

  it('places the table on a 16 KiB boundary, skipping free pages before it', () => {
    const { context, allocator } = machine();
    const taken = takePage(allocator); // next fit: page 1
    expect(taken).toBe(0x1000);
    const ctx = context('p');
    ctx.initialize();
    expect(ctx.root()).toBe(0x4000);
    expect([allocator.isAllocated(0x2000), allocator.isAllocated(0x3000)]).toEqual([false, false]);
  });

  it('zeroes the table: entries outside the kernel mappings read 0 even over old junk', () => {
    const { context, allocator, memory } = machine();
    memory.fill(0x4000, 0xab, 4 * PAGE); // next fit hands out 0x4000..0x7FFF
    expect(allocator.available()).toBeGreaterThan(0);
    const ctx = context('p');
    ctx.initialize();
    expect(ctx.root()).toBe(0x4000);
    for (let i = 0x380; i < 0x3f0; i++) expect(memory.read32(ctx.root() + i * 4)).toBe(0);
    for (let i = 0x470; i < 4096; i++) expect(memory.read32(ctx.root() + i * 4)).toBe(0);
  });

  it('maps KernelData (896 MiB from RAM_ADDR 0) as R|W|X sections onto the RAM: entry i = i MiB | 0x140E', () => {
    const { ctx } = boot();
    expect(KERNEL_SECTION).toBe(0x140e); // Section | AP-system | TEX|Cache|Buffer; no No-execute, no AP-user, no APX
    for (let i = 0; i < 0x380; i++) expect(firstOf(ctx, i * SECTION)).toBe(((i * SECTION) | KERNEL_SECTION) >>> 0);
    expect(firstOf(ctx, 0x38000000)).toBe(0); // KernelPrivate: not mapped
  });

  it('on Sunxi-H3 (RAM_ADDR 0x40000000) maps KernelData from virt 0x40000000 onto phys 0x40000000', () => {
    const { ctx } = boot({ ram: 0x40000000, ioBase: 0x01c00000 });
    expect(firstOf(ctx, 0x40000000)).toBe((0x40000000 | KERNEL_SECTION) >>> 0);
    expect(firstOf(ctx, 0x77f00000)).toBe((0x77f00000 | KERNEL_SECTION) >>> 0);
    expect(firstOf(ctx, 0x78000000)).toBe(0);
    expect(firstOf(ctx, 0x3ff00000)).toBe(0);
    expect(firstOf(ctx, 0x01c00000)).toBe((0x01c00000 | DEVICE_SECTION) >>> 0);
  });

  it('maps KernelData onto the core\'s physical base: the allocator\'s base, or physicalBase when given', () => {
    const { context } = machine();
    const ctx = context('core1', { physicalBase: 0x00800000 });
    ctx.initialize();
    expect(firstOf(ctx, 0)).toBe((0x00800000 | KERNEL_SECTION) >>> 0);
    expect(ctx.lookup(0x00012345)).toEqual({ result: Success, phys: 0x00812000 });
  });

  it('maps the I/O window (0x3F000000, 128 MiB) one to one as R|W|Device sections: entry = address | 0x416', () => {
    const { ctx } = boot();
    expect(DEVICE_SECTION).toBe(0x416); // Section | Buffer | No-execute | AP-system
    for (let i = 0x3f0; i < 0x470; i++) expect(firstOf(ctx, i * SECTION)).toBe(((i * SECTION) | DEVICE_SECTION) >>> 0);
    expect(firstOf(ctx, 0x3ef00000)).toBe(0);
    expect(firstOf(ctx, 0x47000000)).toBe(0);
  });

  it('on a Raspberry Pi 1 (I/O at 0x20000000, inside KernelData) unmaps those kernel sections and maps device ones', () => {
    const { ctx } = boot({ ioBase: 0x20000000 });
    expect(firstOf(ctx, 0x1ff00000)).toBe((0x1ff00000 | KERNEL_SECTION) >>> 0);
    for (let i = 0x200; i < 0x280; i++) expect(firstOf(ctx, i * SECTION)).toBe(((i * SECTION) | DEVICE_SECTION) >>> 0);
    expect(firstOf(ctx, 0x28000000)).toBe((0x28000000 | KERNEL_SECTION) >>> 0);
  });

  it('maps no I/O window with ioSize 0', () => {
    const { ctx } = boot({ ioSize: 0 });
    expect(ctx.directoryEntries()).toHaveLength(0x380);
    expect(firstOf(ctx, 0x3f000000)).toBe(0);
  });

  it('writes one entry event per section: 896 kernel sections, then 128 device sections', () => {
    const { context } = machine();
    const log = new EventLog();
    const ctx = context('p', { log });
    ctx.initialize();
    expect(log.events).toHaveLength(896 + 128);
    expect(log.events[0]).toEqual({ type: 'entry', context: 'p', level: 'directory', address: ctx.root(), value: KERNEL_SECTION, virt: 0 });
    expect(log.events[896]).toEqual({
      type: 'entry', context: 'p', level: 'directory', address: ctx.root() + 0x3f0 * 4, value: (0x3f000000 | DEVICE_SECTION) >>> 0, virt: 0x3f000000,
    });
  });

  it('on the Raspberry Pi 1 also records the 128 kernel sections it clears before the device ones', () => {
    const { context } = machine({ ioBase: 0x20000000 });
    const log = new EventLog();
    context('p', { log }).initialize();
    expect(log.events).toHaveLength(896 + 128 + 128);
    expect(log.events[896]).toMatchObject({ level: 'directory', value: 0, virt: 0x20000000 });
  });

  it('allocates no second-level table: a fresh context costs exactly 4 pages', () => {
    const { context, allocator } = machine();
    const before = allocator.available();
    const ctx = context('p');
    ctx.initialize();
    expect(allocator.available()).toBe(before - 4 * PAGE);
    expect(ctx.directoryEntries().every(({ value }) => (value & ARMFirstLevel.Table) === 0)).toBe(true);
  });

  it('makes a process-like context cost 4 + 1 pages after one user mapping', () => {
    const { context, allocator } = machine();
    const phys = takePage(allocator);
    const before = allocator.available();
    const ctx = context('p');
    ctx.initialize();
    expect(ctx.map(0x80000000, phys, URW)).toBe(Success);
    expect(allocator.available()).toBe(before - 5 * PAGE);
  });

  it('returns OutOfMemory when no 16 KiB aligned run is free, even with 4 free pages', () => {
    const { context, allocator } = machine();
    exhaust(allocator);
    for (const page of [0x6000, 0x7000, 0x8000, 0x9000]) allocator.release(page); // 4 pages across a 16 KiB boundary
    const ctx = context('p');
    expect(ctx.initialize()).toBe(OutOfMemory);
    expect(allocator.available()).toBe(4 * PAGE);
  });

  it('does nothing when called again, even with its table at physical address 0', () => {
    const { context, allocator } = machine();
    allocator.release(0); // no exception vectors: the first 16 KiB are free
    const ctx = context('p');
    expect(ctx.initialize()).toBe(Success);
    expect(ctx.root()).toBe(0);
    const before = allocator.available();
    expect(ctx.initialize()).toBe(Success);
    expect(allocator.available()).toBe(before);
    expect(ctx.root()).toBe(0);
  });

  it('does nothing when given an existing table: no pages, no zeroing, no mapping', () => {
    const { context, allocator, memory } = machine();
    const directory = 0x00100000;
    memory.write32(directory + 0x800 * 4, 0x12345002);
    const before = allocator.available();
    const ctx = context('p', { directory });
    expect(ctx.initialize()).toBe(Success);
    expect(ctx.root()).toBe(directory);
    expect(allocator.available()).toBe(before);
    expect(memory.read32(directory + 0x800 * 4)).toBe(0x12345002);
    expect(memory.read32(directory)).toBe(0);
  });

  it('destroy frees the 4 table pages one by one, and no second-level table', () => {
    const allocatorLog = new EventLog();
    const { context, allocator } = machine({ allocatorLog });
    const ctx = context('p');
    ctx.initialize();
    ctx.map(0x80000000, 0x00700000, URW);
    const table = tableOf(ctx, 0x80000000);
    const mark = allocatorLog.mark();
    ctx.destroy();
    expect(allocatorLog.since(mark).filter((event) => event.type === 'release').map((event) => event.type === 'release' && event.address))
      .toEqual([ctx.root(), ctx.root() + PAGE, ctx.root() + 2 * PAGE, ctx.root() + 3 * PAGE]);
    expect(allocator.isAllocated(table)).toBe(true);
  });

  it('destroy frees nothing for a context given an existing table', () => {
    const { context, allocator } = machine();
    const directory = takePage(allocator);
    const before = allocator.available();
    const ctx = context('p', { directory });
    ctx.initialize();
    ctx.destroy();
    expect(allocator.available()).toBe(before);
    expect(allocator.isAllocated(directory)).toBe(true);
  });
});

describe('ARMPaging.map (§6.2, §6.5)', () => {
  it('creates the second-level table on demand: one page, entered as tablePhys | Table with no permission bits', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    expect(firstOf(ctx, 0x80000000)).toBe(0);
    expect(ctx.map(0x80000000, 0x00400000, URW)).toBe(Success);
    expect(allocator.available()).toBe(before - PAGE);
    const table = tableOf(ctx, 0x80000000);
    expect(firstOf(ctx, 0x80000000)).toBe(table | ARMFirstLevel.Table);
    expect(table % PAGE).toBe(0);
    expect(allocator.isAllocated(table)).toBe(true);
  });

  it('asks for the table as 1 KiB with page alignment, which takes one whole page', () => {
    const allocatorLog = new EventLog();
    const { ctx, allocator } = boot({ allocatorLog });
    const before = allocator.available();
    const mark = allocatorLog.mark();
    ctx.map(0x80000000, 0x00400000, URW);
    expect(allocatorLog.since(mark).filter((event) => event.type === 'allocate'))
      .toEqual([{ type: 'allocate', allocator: 'SplitAllocator', size: 1024, alignment: 4096, result: 0, address: tableOf(ctx, 0x80000000) }]);
    expect(allocator.available()).toBe(before - PAGE);
  });

  it('zeroes the whole table page, not only its first 1 KiB', () => {
    const { ctx, memory } = boot();
    const next = ctx.root() + 4 * PAGE; // next fit hands this page out next
    memory.fill(next, 0xcd, PAGE);
    ctx.map(0x80005000, 0x00400000, URW);
    expect(tableOf(ctx, 0x80005000)).toBe(next);
    for (let i = 0; i < 1024; i++) if (i !== 5) expect(memory.read32(next + i * 4)).toBe(0);
  });

  it('reuses the table within the same 1 MiB, and makes another for the next 1 MiB', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80000000, 0x00400000, URW);
    const before = allocator.available();
    expect(ctx.map(0x800ff000, 0x00401000, URW)).toBe(Success);
    expect(allocator.available()).toBe(before);
    expect(ctx.map(0x80100000, 0x00402000, URW)).toBe(Success);
    expect(allocator.available()).toBe(before - PAGE);
    expect(tableOf(ctx, 0x80100000)).not.toBe(tableOf(ctx, 0x80000000));
  });

  it('does not allocate the target page', () => {
    const { ctx, allocator } = boot();
    expect(allocator.isAllocated(0x00400000)).toBe(false);
    ctx.map(0x80000000, 0x00400000, URW);
    expect(allocator.isAllocated(0x00400000)).toBe(false);
  });

  it('returns OutOfMemory when no page is left for a new table, and writes no first-level entry', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80100000, 0x00400000, URW);
    exhaust(allocator);
    expect(ctx.map(0x80000000, 0x00500000, URW)).toBe(OutOfMemory);
    expect(firstOf(ctx, 0x80000000)).toBe(0);
    expect(ctx.map(0x80101000, 0x00501000, URW)).toBe(Success); // its table already exists
  });

  it('returns AlreadyExists (3) for a present page and overwrites nothing (§10.13)', () => {
    const { ctx } = boot();
    ctx.map(0x80001000, 0x00400000, URW);
    expect(ctx.map(0x80001000, 0x00500000, R)).toBe(AlreadyExists);
    expect(secondOf(ctx, 0x80001000)).toBe(0x00400000 | USER_PAGE);
  });

  it('returns AlreadyExists inside a section, and allocates no table', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    expect(ctx.map(0x00123000, 0x00700000, RW)).toBe(AlreadyExists);
    expect(ctx.map(0x3f200000, 0x00700000, RW)).toBe(AlreadyExists);
    expect(firstOf(ctx, 0x00123000)).toBe(0x00100000 | KERNEL_SECTION);
    expect(allocator.available()).toBe(before);
  });

  it.each([
    { name: 'R|W|U', access: URW, bits: 0x7d }, // AP-system 0x10 | No-execute 0x1 | AP-user 0x20 | TEX|C|B 0x4C
    { name: 'R|W|X|U', access: URW | Memory.Executable, bits: 0x7c },
    { name: 'R|U', access: R | Memory.User, bits: 0x27d }, // + read-only 0x200
    { name: 'R|W', access: RW, bits: 0x5d },
    { name: 'R|W|X', access: RWX, bits: 0x5c },
    { name: 'R', access: R, bits: 0x25d },
    { name: 'None (Readable has no bit)', access: Memory.None, bits: 0x25d },
    { name: 'R|W|Device', access: RWD, bits: 0x15 }, // Buffer 0x4 only
    { name: 'R|W|Uncached', access: RW | Memory.Uncached, bits: 0x51 }, // TEX 0x40 only
    { name: 'R|W|Uncached|Device (Device wins)', access: RW | Memory.Uncached | Memory.Device, bits: 0x15 },
    { name: 'R|W|InnerCached|OuterCached (write-back)', access: RW | Memory.InnerCached | Memory.OuterCached, bits: 0x5d },
  ])('writes the small-page entry phys | Present | flags for $name', ({ access, bits }) => {
    const { ctx } = boot();
    expect(ctx.map(0x80005000, 0x00abc000, access)).toBe(Success);
    expect(secondOf(ctx, 0x80005000)).toBe(0x00abc000 | P | bits);
  });

  it('masks phys with the page mask: an unaligned phys does not leak into the flags', () => {
    const { ctx } = boot();
    expect(ctx.map(0x80000000, 0x00400fff, R)).toBe(Success);
    expect(secondOf(ctx, 0x80000000)).toBe(0x00400000 | P | 0x25d);
    expect(ctx.lookup(0x80000000)).toEqual({ result: Success, phys: 0x00400000 });
  });

  it('never gives the first-level entry permission bits: a kernel first mapping does not restrict a later user one (unlike Intel, §10.16)', () => {
    const { ctx, mmu } = boot();
    ctx.map(0x80000000, 0x00400000, RW);
    ctx.map(0x80001000, 0x00401000, URW);
    expect(firstOf(ctx, 0x80000000)).toBe(tableOf(ctx, 0x80000000) | ARMFirstLevel.Table);
    ctx.activate();
    expect(mmu.translate(0x80001004, 'write', true)).toBe(0x00401004);
    expect(mmu.translate(0x80000004, 'read', true)).toBe(PageFault.KernelOnly);
  });
});

describe('ARMPaging.mapLarge (§6.5)', () => {
  it.each([
    { name: 'R|W|X', access: RWX, bits: 0x140c }, // AP-system 0x400 | TEX|C|B 0x100C
    { name: 'R|W', access: RW, bits: 0x141c }, // + No-execute 0x10
    { name: 'R', access: R, bits: 0x941c }, // + read-only 0x8000 (ARMv7)
    { name: 'R|W|U', access: URW, bits: 0x1c1c }, // + AP-user 0x800
    { name: 'R|W|X|U', access: URW | Memory.Executable, bits: 0x1c0c },
    { name: 'R|U', access: R | Memory.User, bits: 0x9c1c },
    { name: 'R|W|Device', access: RWD, bits: 0x414 }, // Buffer 0x4 only
    { name: 'R|W|Uncached', access: RW | Memory.Uncached, bits: 0x1410 }, // TEX 0x1000 only
  ])('writes section entries phys | Section | flags for $name (ARMv7)', ({ access, bits }) => {
    const { ctx } = boot();
    expect(ctx.mapLarge(range(0x90000000, 2 * SECTION, 0x00600000, access))).toBe(Success);
    expect(firstOf(ctx, 0x90000000)).toBe(0x00600000 | ARMFirstLevel.Section | bits);
    expect(firstOf(ctx, 0x90100000)).toBe(0x00700000 | ARMFirstLevel.Section | bits);
  });

  it.each([
    { name: 'R', access: R, bits: 0x161c }, // read-only 0x200 on ARMv6
    { name: 'R|U', access: R | Memory.User, bits: 0x1e1c },
    { name: 'R|W', access: RW, bits: 0x141c },
  ])('uses read-only 0x200 in section entries on ARMv6 for $name', ({ access, bits }) => {
    const { ctx } = boot({ version: 6 });
    expect(ctx.version).toBe(6);
    expect(ctx.mapLarge(range(0x90000000, SECTION, 0x00600000, access))).toBe(Success);
    expect(firstOf(ctx, 0x90000000)).toBe(0x00600000 | ARMFirstLevel.Section | bits);
  });

  it('keeps read-only 0x200 in small-page entries on ARMv6', () => {
    const { ctx } = boot({ version: 6 });
    ctx.map(0x80000000, 0x00400000, R);
    expect(secondOf(ctx, 0x80000000)).toBe(0x00400000 | P | 0x25d);
  });

  it.each([PAGE, SECTION + PAGE, SECTION / 2, 1])('returns InvalidSize for size %i (not a multiple of 1 MiB), writing nothing', (size) => {
    const { ctx, log } = boot();
    const mark = log.mark();
    expect(ctx.mapLarge(range(0x90000000, size, 0x00600000, RW))).toBe(InvalidSize);
    expect(log.since(mark)).toEqual([]);
  });

  it('checks the size before the addresses', () => {
    const { ctx } = boot();
    expect(ctx.mapLarge(range(0x90000004, PAGE, 0x00600004, RW))).toBe(InvalidSize);
  });

  it.each([
    { virt: 0x90000004, phys: 0x00600000 },
    { virt: 0x90000000, phys: 0x00600800 },
  ].map((r) => ({ ...r, at: `${hex(r.virt)} -> ${hex(r.phys)}` })))('returns InvalidAddress for $at (not page aligned), writing nothing', ({ virt, phys }) => {
    const { ctx, log } = boot();
    const mark = log.mark();
    expect(ctx.mapLarge(range(virt, SECTION, phys, RW))).toBe(InvalidAddress);
    expect(log.since(mark)).toEqual([]);
  });

  it('with a page- but not section-aligned virt fills the entries its 1 MiB steps fall in', () => {
    const { ctx } = boot();
    expect(ctx.mapLarge(range(0x90080000, 2 * SECTION, 0x00600000, RW))).toBe(Success);
    expect(firstOf(ctx, 0x90000000)).toBe(0x00600000 | ARMFirstLevel.Section | 0x141c);
    expect(firstOf(ctx, 0x90100000)).toBe(0x00700000 | ARMFirstLevel.Section | 0x141c);
    expect(firstOf(ctx, 0x90200000)).toBe(0);
  });

  it('does not mask phys: page-aligned bits 12..19 of phys land in the section entry (here bit 15, APX)', () => {
    const { ctx, mmu } = boot();
    expect(ctx.mapLarge(range(0x90000000, SECTION, 0x00608000, RW))).toBe(Success);
    expect(firstOf(ctx, 0x90000000)).toBe(0x00608000 | ARMFirstLevel.Section | 0x141c);
    ctx.activate();
    expect(mmu.translate(0x90000010, 'write', false)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x90000010, 'read', false)).toBe(0x00600010);
  });

  it('returns AlreadyExists on an existing section and leaves it as it was', () => {
    const { ctx } = boot();
    expect(ctx.mapLarge(range(0x00100000, SECTION, 0x00600000, RW))).toBe(AlreadyExists);
    expect(firstOf(ctx, 0x00100000)).toBe(0x00100000 | KERNEL_SECTION);
  });

  it('returns AlreadyExists on an entry pointing at a second-level table', () => {
    const { ctx } = boot();
    ctx.map(0x90000000, 0x00400000, URW);
    const first = firstOf(ctx, 0x90000000);
    expect(ctx.mapLarge(range(0x90000000, SECTION, 0x00600000, RW))).toBe(AlreadyExists);
    expect(firstOf(ctx, 0x90000000)).toBe(first);
  });

  it('stops at the first existing entry: the sections before it stay written (§10.14)', () => {
    const { ctx } = boot();
    ctx.map(0x90200000, 0x00400000, URW);
    expect(ctx.mapLarge(range(0x90000000, 4 * SECTION, 0x00600000, RW))).toBe(AlreadyExists);
    expect(firstOf(ctx, 0x90000000)).toBe(0x00600000 | ARMFirstLevel.Section | 0x141c);
    expect(firstOf(ctx, 0x90100000)).toBe(0x00700000 | ARMFirstLevel.Section | 0x141c);
    expect(firstOf(ctx, 0x90200000) & ARMFirstLevel.Table).toBe(ARMFirstLevel.Table);
    expect(firstOf(ctx, 0x90300000)).toBe(0);
  });

  it('with size 0 writes nothing and returns Success', () => {
    const { ctx, log } = boot();
    const mark = log.mark();
    expect(ctx.mapLarge(range(0x90000000, 0, 0x00600000, RW))).toBe(Success);
    expect(log.since(mark)).toEqual([]);
  });

  it('allocates nothing', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    ctx.mapLarge(range(0x90000000, 8 * SECTION, 0x00600000, RW));
    expect(allocator.available()).toBe(before);
  });
});

describe('ARMPaging.unmap (§6.2, §6.5, §10.10)', () => {
  it('clears the small-page entry and frees nothing: not the page, not the table', () => {
    const { ctx, allocator } = boot();
    const phys = takePage(allocator);
    ctx.map(0x80000000, phys, URW);
    const table = tableOf(ctx, 0x80000000);
    const first = firstOf(ctx, 0x80000000);
    const before = allocator.available();
    expect(ctx.unmap(0x80000000)).toBe(Success);
    expect(secondOf(ctx, 0x80000000)).toBe(0);
    expect(allocator.available()).toBe(before);
    expect(allocator.isAllocated(phys)).toBe(true);
    expect(allocator.isAllocated(table)).toBe(true);
    expect(firstOf(ctx, 0x80000000)).toBe(first);
  });

  it('returns Success for an unmapped page when the table exists', () => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x00400000, URW);
    expect(ctx.unmap(0x80005000)).toBe(Success);
    expect(ctx.unmap(0x80005000)).toBe(Success);
    expect(ctx.lookup(0x80000000).result).toBe(Success);
  });

  it('returns InvalidAddress with neither a table nor a section, and writes nothing', () => {
    const { ctx, log } = boot();
    ctx.map(0x80000000, 0x00400000, URW);
    const mark = log.mark();
    expect(ctx.unmap(0x80100000)).toBe(InvalidAddress);
    expect(log.since(mark)).toEqual([]);
  });

  it('clears a whole 1 MiB section when asked for one page of it, and returns Success', () => {
    const { ctx } = boot();
    expect(ctx.unmap(0x00345000)).toBe(Success);
    expect(firstOf(ctx, 0x00300000)).toBe(0);
    expect(ctx.lookup(0x00300000).result).toBe(InvalidAddress);
    expect(ctx.lookup(0x003ff000).result).toBe(InvalidAddress);
    expect(firstOf(ctx, 0x00400000)).toBe(0x00400000 | KERNEL_SECTION);
  });

  it('returns InvalidAddress for a second page of a section already cleared', () => {
    const { ctx } = boot();
    ctx.unmap(0x00300000);
    expect(ctx.unmap(0x00301000)).toBe(InvalidAddress);
  });

  it('so unmapRange over two pages of a section clears the section, then stops with InvalidAddress', () => {
    const { ctx } = boot();
    expect(ctx.unmapRange(range(0x00300000, 2 * PAGE))).toBe(InvalidAddress);
    expect(firstOf(ctx, 0x00300000)).toBe(0);
  });
});

describe('ARMPaging.lookup (§6.2, §6.5, §10.11)', () => {
  it('returns the page base of a small page: the offset within the page is dropped', () => {
    const { ctx } = boot();
    ctx.map(0x80003000, 0x00456000, URW);
    expect(ctx.lookup(0x80003abc)).toEqual({ result: Success, phys: 0x00456000 });
    expect(ctx.lookup(0x80003fff)).toEqual({ result: Success, phys: 0x00456000 });
  });

  it('returns InvalidAddress for an unmapped page, with or without a table', () => {
    const { ctx } = boot();
    ctx.map(0x80003000, 0x00456000, URW);
    expect(ctx.lookup(0x80004000)).toEqual({ result: InvalidAddress, phys: 0 });
    expect(ctx.lookup(0x90000000)).toEqual({ result: InvalidAddress, phys: 0 });
  });

  it('returns section base + the page offset within the section (kernel direct map)', () => {
    const { ctx } = boot();
    expect(ctx.lookup(0x00312345)).toEqual({ result: Success, phys: 0x00312000 });
    expect(ctx.lookup(0x37ffffff)).toEqual({ result: Success, phys: 0x37fff000 });
  });

  it('returns section base + page offset on Sunxi-H3 (RAM at 0x40000000)', () => {
    const { ctx } = boot({ ram: 0x40000000, ioBase: 0x01c00000 });
    expect(ctx.lookup(0x40312345)).toEqual({ result: Success, phys: 0x40312000 });
  });

  it('looks up the device window as its own physical address', () => {
    const { ctx } = boot();
    expect(ctx.lookup(0x3f201abc)).toEqual({ result: Success, phys: 0x3f201000 });
  });
});

describe('ARMPaging.access (§6.2, §6.5)', () => {
  it.each([
    { name: 'R|W|U (write-back: reported as Device, the quirk)', mapped: URW, reported: URW | Memory.Device },
    { name: 'R|W (write-back)', mapped: RW, reported: RW | Memory.Device },
    { name: 'R (write-back)', mapped: R, reported: R | Memory.Device },
    { name: 'R|U|X (no Executable reported)', mapped: R | Memory.User | Memory.Executable, reported: R | Memory.User | Memory.Device },
    { name: 'None', mapped: Memory.None, reported: R | Memory.Device },
    { name: 'R|W|Device', mapped: RWD, reported: RWD },
    { name: 'R|W|Uncached', mapped: RW | Memory.Uncached, reported: RW | Memory.Uncached },
    { name: 'R|U|Uncached', mapped: R | Memory.User | Memory.Uncached, reported: R | Memory.User | Memory.Uncached },
  ])('reports Readable, User if AP-user, Writable unless read-only, and the caching for $name', ({ mapped, reported }) => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x00400000, mapped);
    expect(ctx.access(0x80000123)).toEqual({ result: Success, access: reported });
  });

  it('reports normal cached pages as Device (§10.16): a write-back entry has the Buffer bit', () => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x00400000, URW | Memory.InnerCached | Memory.OuterCached);
    expect(secondOf(ctx, 0x80000000) & ARMSecondLevel.Buffer).toBe(ARMSecondLevel.Buffer);
    expect(ctx.access(0x80000000).access & Memory.Device).toBe(Memory.Device);
    expect(ctx.access(0x80000000).access & (Memory.InnerCached | Memory.OuterCached)).toBe(0);
  });

  it('reports InnerCached|OuterCached only for an entry with neither Buffer nor TEX (map() writes none)', () => {
    const { ctx, memory } = boot();
    ctx.map(0x80000000, 0x00400000, URW);
    memory.write32(tableOf(ctx, 0x80000000) + 4, 0x00401000 | P | ARMSecondLevel.AccessSystem | ARMSecondLevel.Cache);
    expect(ctx.access(0x80001000)).toEqual({ result: Success, access: RW | Memory.InnerCached | Memory.OuterCached });
  });

  it('returns InvalidAddress for a section: the kernel direct map and the device window', () => {
    const { ctx } = boot();
    expect(ctx.lookup(0x00100000).result).toBe(Success);
    expect(ctx.access(0x00100000)).toEqual({ result: InvalidAddress, access: 0 });
    expect(ctx.access(0x3f200000)).toEqual({ result: InvalidAddress, access: 0 });
  });

  it('returns InvalidAddress for an unmapped page, with or without a table', () => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x00400000, URW);
    expect(ctx.access(0x80001000).result).toBe(InvalidAddress);
    expect(ctx.access(0x90000000).result).toBe(InvalidAddress);
  });
});

describe('ARMPaging: the generic range methods on ARM tables (§6.3)', () => {
  it('mapRangeContiguous allocates the pages, then the table, and maps page i to phys + i', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    const r = range(0x80000000, 3 * PAGE);
    expect(ctx.mapRangeContiguous(r)).toBe(Success);
    expect(r.phys).toBe(ctx.root() + 4 * PAGE); // next fit: right after the 4 table pages
    for (let i = 0; i < 3; i++) expect(ctx.lookup(0x80000000 + i * PAGE)).toEqual({ result: Success, phys: r.phys + i * PAGE });
    expect(tableOf(ctx, 0x80000000)).toBe(r.phys + 3 * PAGE);
    expect(allocator.available()).toBe(before - 4 * PAGE);
  });

  it('mapRangeSparse interleaves a new table between 8-page runs when the range enters a new 1 MiB (§10.9)', () => {
    const { ctx } = boot();
    const virt = 0x80100000 - 8 * PAGE;
    expect(ctx.mapRangeSparse(range(virt, 16 * PAGE))).toBe(Success);
    const base = ctx.root() + 4 * PAGE;
    // physical layout, in pages from base: run 0-7, table 8, run 9-16, table 17
    expect(tableOf(ctx, virt)).toBe(base + 8 * PAGE);
    expect(tableOf(ctx, 0x80100000)).toBe(base + 17 * PAGE);
    for (let page = 0; page < 8; page++) {
      expect(ctx.lookup(virt + page * PAGE).phys).toBe(base + page * PAGE);
      expect(ctx.lookup(0x80100000 + page * PAGE).phys).toBe(base + (9 + page) * PAGE);
    }
  });

  it('findFree counts section-mapped pages as used', () => {
    const { ctx } = boot();
    ctx.unmap(0x00300000); // a hole of 1 MiB in the kernel's direct map
    expect(ctx.findFree(2 * PAGE, Region.KernelData)).toEqual({ result: Success, virt: 0x00300000 });
    expect(ctx.findFree(SECTION + PAGE, Region.UserStack).result).toBe(OutOfMemory);
  });

  it('release(virt) frees the one page behind a small page and keeps the mapping', () => {
    const { ctx, allocator } = boot();
    const r = range(0x80000000, 2 * PAGE);
    ctx.mapRangeContiguous(r);
    expect(ctx.release(0x80001010)).toBe(Success);
    expect(allocator.isAllocated(r.phys + PAGE)).toBe(false);
    expect(allocator.isAllocated(r.phys)).toBe(true);
    expect(ctx.lookup(0x80001000)).toEqual({ result: Success, phys: r.phys + PAGE });
  });
});

describe('ARMPaging.releaseRange (§6.2, §10.10)', () => {
  it('frees and unmaps every page and keeps the table', () => {
    const { ctx, allocator } = boot();
    const r = range(0x80000000, 3 * PAGE);
    ctx.mapRangeContiguous(r);
    const table = tableOf(ctx, 0x80000000);
    const first = firstOf(ctx, 0x80000000);
    const before = allocator.available();
    expect(ctx.releaseRange(r)).toBe(Success);
    expect(allocator.available()).toBe(before + 3 * PAGE);
    for (let i = 0; i < 3; i++) {
      expect(allocator.isAllocated(r.phys + i * PAGE)).toBe(false);
      expect(secondOf(ctx, 0x80000000 + i * PAGE)).toBe(0);
    }
    expect(allocator.isAllocated(table)).toBe(true);
    expect(firstOf(ctx, 0x80000000)).toBe(first);
  });

  it('stops with InvalidAddress at the first unmapped page; earlier pages stay released (§10.14)', () => {
    const { ctx, allocator } = boot();
    const r = range(0x80000000, 4 * PAGE);
    ctx.mapRangeContiguous(r);
    ctx.unmap(0x80002000);
    expect(ctx.releaseRange(r)).toBe(InvalidAddress);
    expect(allocator.isAllocated(r.phys)).toBe(false);
    expect(allocator.isAllocated(r.phys + PAGE)).toBe(false);
    expect(allocator.isAllocated(r.phys + 2 * PAGE)).toBe(true);
    expect(ctx.lookup(0x80003000)).toEqual({ result: Success, phys: r.phys + 3 * PAGE });
    expect(allocator.isAllocated(r.phys + 3 * PAGE)).toBe(true);
  });

  it('returns InvalidAddress when the first page has no table', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    expect(ctx.releaseRange(range(0x80000000, PAGE))).toBe(InvalidAddress);
    expect(allocator.available()).toBe(before);
  });

  it('returns InvalidAddress on a section: it needs a second-level table, and the section stays', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    expect(ctx.releaseRange(range(0x00100000, PAGE))).toBe(InvalidAddress);
    expect(firstOf(ctx, 0x00100000)).toBe(0x00100000 | KERNEL_SECTION);
    expect(allocator.available()).toBe(before);
  });

  it('frees a page mapped twice only once', () => {
    const { ctx, allocator } = boot();
    const phys = takePage(allocator);
    ctx.map(0x80000000, phys, URW);
    ctx.map(0x80001000, phys, URW);
    const before = allocator.available();
    expect(ctx.releaseRange(range(0x80000000, 2 * PAGE))).toBe(Success); // debug build: no assertion
    expect(allocator.available()).toBe(before + PAGE);
  });

  it('does not free a physical page outside the allocator\'s range, but unmaps it', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80000000, 0x02000000, URW); // 32 MiB: past the 16 MiB of RAM
    const before = allocator.available();
    expect(ctx.releaseRange(range(0x80000000, PAGE))).toBe(Success);
    expect(allocator.available()).toBe(before);
    expect(ctx.lookup(0x80000000).result).toBe(InvalidAddress);
  });
});

describe('ARMPaging.releaseSection (§6.2, §10.10)', () => {
  it.each([0x80001000, 0x80080000, 0x80000004].map((virt) => ({ virt, at: hex(virt) })))(
    'returns InvalidAddress for virt $at, not 1 MiB aligned, freeing nothing', ({ virt }) => {
      const { ctx, allocator } = boot();
      ctx.mapRangeContiguous(range(0x80000000, PAGE));
      const first = firstOf(ctx, 0x80000000);
      const before = allocator.available();
      expect(ctx.releaseSection(range(virt, SECTION))).toBe(InvalidAddress);
      expect(allocator.available()).toBe(before);
      expect(firstOf(ctx, 0x80000000)).toBe(first);
    });

  it('frees the mapped pages and the table page and clears the first-level entry', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    const r = range(0x80000000, 3 * PAGE);
    ctx.mapRangeContiguous(r);
    const table = tableOf(ctx, 0x80000000);
    expect(ctx.releaseSection(range(0x80000000, SECTION))).toBe(Success);
    expect(allocator.available()).toBe(before);
    expect(allocator.isAllocated(table)).toBe(false);
    for (let i = 0; i < 3; i++) expect(allocator.isAllocated(r.phys + i * PAGE)).toBe(false);
    expect(firstOf(ctx, 0x80000000)).toBe(0);
  });

  it('works in 1 MiB sections: one page of size covers its whole 1 MiB, the next 1 MiB stays', () => {
    const { ctx, allocator } = boot();
    const far = takePage(allocator);
    ctx.mapRangeContiguous(range(0x80000000, PAGE));
    ctx.map(0x800ff000, far, URW);
    ctx.map(0x80100000, 0x00700000, URW);
    expect(ctx.releaseSection(range(0x80000000, PAGE))).toBe(Success);
    expect(allocator.isAllocated(far)).toBe(false);
    expect(firstOf(ctx, 0x80000000)).toBe(0);
    expect(firstOf(ctx, 0x80100000) & ARMFirstLevel.Table).toBe(ARMFirstLevel.Table);
  });

  it('with tablesOnly keeps the pages allocated, but frees the table and clears the entry', () => {
    const { ctx, allocator } = boot();
    const r = range(0x80000000, 3 * PAGE);
    ctx.mapRangeContiguous(r);
    const table = tableOf(ctx, 0x80000000);
    const before = allocator.available();
    expect(ctx.releaseSection(range(0x80000000, SECTION), true)).toBe(Success);
    expect(allocator.available()).toBe(before + PAGE);
    expect(allocator.isAllocated(table)).toBe(false);
    for (let i = 0; i < 3; i++) expect(allocator.isAllocated(r.phys + i * PAGE)).toBe(true);
    expect(firstOf(ctx, 0x80000000)).toBe(0);
  });

  it('skips 1 MiB without a table and releases the others', () => {
    const { ctx, allocator } = boot();
    ctx.mapRangeContiguous(range(0x80000000, PAGE));
    ctx.mapRangeContiguous(range(0x80200000, PAGE)); // 0x801 has no table
    const tables = [tableOf(ctx, 0x80000000), tableOf(ctx, 0x80200000)];
    const before = allocator.available();
    expect(ctx.releaseSection(range(0x80000000, 2 * SECTION + 1))).toBe(Success);
    expect(allocator.available()).toBe(before + 4 * PAGE);
    expect(tables.map((table) => allocator.isAllocated(table))).toEqual([false, false]);
  });

  it('skips sections: the kernel direct map and the device window stay, nothing is freed', () => {
    const { ctx, allocator } = boot();
    const before = allocator.available();
    expect(ctx.releaseSection(range(0, 2 * SECTION))).toBe(Success);
    expect(ctx.releaseSection(range(0x3f000000, SECTION))).toBe(Success);
    expect(firstOf(ctx, 0)).toBe(KERNEL_SECTION);
    expect(firstOf(ctx, SECTION)).toBe(SECTION | KERNEL_SECTION);
    expect(firstOf(ctx, 0x3f000000)).toBe(0x3f000000 | DEVICE_SECTION);
    expect(allocator.available()).toBe(before);
  });

  it('frees only pages in the allocator\'s range that are marked used', () => {
    const { ctx, allocator } = boot();
    ctx.map(0x80000000, 0x02000000, URW); // outside RAM (and the table comes first)
    const freed = takePage(allocator);
    allocator.release(freed);
    ctx.map(0x80001000, freed, URW);
    const owned = takePage(allocator);
    ctx.map(0x80002000, owned, URW);
    ctx.map(0x80003000, owned, URW);
    const before = allocator.available();
    expect(ctx.releaseSection(range(0x80000000, SECTION))).toBe(Success);
    expect(allocator.available()).toBe(before + 2 * PAGE); // `owned` once, and the table
  });
});

describe('ARMPaging: activation and the TLB (§6.2, §6.5)', () => {
  it('activate loads the first-level table into the MMU, flushing the TLB, and makes the context current', () => {
    const { ctx, kernel, mmu } = boot();
    const flushes = mmu.tlb.counters.flushes;
    expect(ctx.isActive()).toBe(false);
    expect(ctx.activate()).toBe(Success);
    expect(mmu.root()).toBe(ctx.root());
    expect(mmu.tlb.counters.flushes).toBe(flushes + 1);
    expect(MemoryContext.getCurrent()).toBe(ctx);
    kernel.activate();
    expect(MemoryContext.getCurrent()).toBe(kernel);
  });

  it('activate(initMMU = true) does the same: loads, flushes, current', () => {
    const { ctx, mmu } = boot();
    const flushes = mmu.tlb.counters.flushes;
    expect(ctx.activate(true)).toBe(Success);
    expect(mmu.root()).toBe(ctx.root());
    expect(mmu.tlb.counters.flushes).toBe(flushes + 1);
    expect(MemoryContext.getCurrent()).toBe(ctx);
  });

  it('map and unmap of a small page on the active context invalidate that TLB page', () => {
    const { ctx, mmu } = boot();
    ctx.activate();
    const before = mmu.tlb.counters.invalidations;
    ctx.map(0x80000000, 0x00700000, URW);
    expect(mmu.tlb.counters.invalidations).toBe(before + 1);
    expect(mmu.translate(0x80000000, 'read', true)).toBe(0x00700000);
    ctx.unmap(0x80000000);
    expect(mmu.tlb.counters.invalidations).toBe(before + 2);
    expect(mmu.translate(0x80000000, 'read', true)).toBe(PageFault.NotPresent);
  });

  it('unmap of a section on the active context flushes the TLB: no stale page of that 1 MiB', () => {
    const { ctx, mmu } = boot();
    ctx.activate();
    expect(mmu.translate(0x00345000, 'read', false)).toBe(0x00345000);
    const flushes = mmu.tlb.counters.flushes;
    ctx.unmap(0x00300000);
    expect(mmu.tlb.counters.flushes).toBe(flushes + 1);
    expect(mmu.translate(0x00345000, 'read', false)).toBe(PageFault.NotPresent);
  });

  it('mapLarge on the active context touches no TLB entry: it fills empty entries only, and failed walks are not cached', () => {
    const { ctx, mmu } = boot();
    ctx.activate();
    expect(mmu.translate(0x90000000, 'read', false)).toBe(PageFault.NotPresent);
    const before = { ...mmu.tlb.counters };
    ctx.mapLarge(range(0x90000000, 4 * SECTION, 0x00600000, RW));
    expect([mmu.tlb.counters.flushes, mmu.tlb.counters.invalidations]).toEqual([before.flushes, before.invalidations]);
    expect(mmu.translate(0x90000000, 'read', false)).toBe(0x00600000);
  });

  it('releaseRange and releaseSection on the active context leave no stale translation', () => {
    const { ctx, mmu } = boot();
    ctx.activate();
    ctx.mapRangeContiguous(range(0x80000000, 2 * PAGE));
    mmu.translate(0x80000000, 'read', true);
    mmu.translate(0x80001000, 'read', true);
    ctx.releaseRange(range(0x80000000, PAGE));
    expect(mmu.translate(0x80000000, 'read', true)).toBe(PageFault.NotPresent);
    ctx.releaseSection(range(0x80000000, SECTION));
    expect(mmu.translate(0x80001000, 'read', true)).toBe(PageFault.NotPresent);
  });

  it('map, mapLarge and unmap on an inactive context leave the TLB alone', () => {
    const { ctx, mmu } = boot();
    const before = { ...mmu.tlb.counters };
    ctx.map(0x80000000, 0x00700000, URW);
    ctx.unmap(0x80000000);
    ctx.mapLarge(range(0x90000000, SECTION, 0x00600000, RW));
    ctx.unmap(0x90000000);
    expect(mmu.tlb.counters).toEqual(before);
  });
});

describe('ARMPaging: what the ARMMMU makes of the entries', () => {
  it('lets user mode read and write a user R|W page', () => {
    const { ctx, mmu } = boot();
    ctx.map(0x80000000, 0x00700000, URW);
    ctx.activate();
    expect(mmu.translate(0x80000010, 'write', true)).toBe(0x00700010);
    expect(mmu.translate(0x80000010, 'read', true)).toBe(0x00700010);
  });

  it('makes a user R page read-only in both modes', () => {
    const { ctx, mmu } = boot();
    ctx.map(0x80000000, 0x00700000, R | Memory.User);
    ctx.activate();
    expect(mmu.translate(0x80000010, 'read', true)).toBe(0x00700010);
    expect(mmu.translate(0x80000010, 'write', true)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x80000010, 'write', false)).toBe(PageFault.ReadOnly);
  });

  it('makes a kernel R|W page KernelOnly for user mode', () => {
    const { ctx, mmu } = boot();
    ctx.map(0x80000000, 0x00700000, RW);
    ctx.activate();
    expect(mmu.translate(0x80000010, 'read', true)).toBe(PageFault.KernelOnly);
    expect(mmu.translate(0x80000010, 'write', false)).toBe(0x00700010);
  });

  it('translates the kernel direct map through its sections, in kernel mode only', () => {
    const { ctx, mmu } = boot();
    ctx.activate();
    expect(mmu.translate(0x00123456, 'write', false)).toBe(0x00123456);
    expect(mmu.translate(0x00123456, 'read', true)).toBe(PageFault.KernelOnly);
  });

  it('translates the kernel direct map on Sunxi-H3 (RAM at 0x40000000)', () => {
    const { ctx, mmu } = boot({ ram: 0x40000000, ioBase: 0x01c00000 });
    ctx.activate();
    expect(mmu.translate(0x40123456, 'write', false)).toBe(0x40123456);
    expect(mmu.translate(0x00123456, 'read', false)).toBe(PageFault.NotPresent);
  });

  it('translates the device window one to one, writable in kernel mode only', () => {
    const { ctx, mmu } = boot();
    ctx.activate();
    expect(mmu.translate(0x3f200004, 'write', false)).toBe(0x3f200004);
    expect(mmu.translate(0x46ffffff, 'read', false)).toBe(0x46ffffff);
    expect(mmu.translate(0x3f200004, 'read', true)).toBe(PageFault.KernelOnly);
  });

  it('makes an R section read-only on ARMv6 when the MMU is ARMv6 too', () => {
    const { ctx, mmu } = boot({ version: 6 });
    ctx.mapLarge(range(0x90000000, SECTION, 0x00600000, R));
    ctx.activate();
    expect(mmu.version).toBe(6);
    expect(mmu.translate(0x90000000, 'write', false)).toBe(PageFault.ReadOnly);
    expect(mmu.translate(0x90000000, 'read', false)).toBe(0x00600000);
  });

  it('lets a process write its memory through VirtualMemory, landing in the mapped frame', () => {
    const { ctx, mmu, memory, allocator } = boot();
    const r = range(0x80000000, 2 * PAGE);
    ctx.mapRangeContiguous(r);
    const vm = new VirtualMemory(memory, mmu, ctx.root());
    expect(vm.write32(0x80000ffe, 0x11223344)).toBe(0); // straddles the two pages
    expect(memory.read16(r.phys + 0xffe)).toBe(0x3344);
    expect(memory.read16(r.phys + PAGE)).toBe(0x1122);
    expect(allocator.isAllocated(r.phys + PAGE)).toBe(true);
    expect(vm.read32(0x00100000)).toBe(Fault); // the kernel's sections are not for user mode
    expect(vm.lastFault?.fault).toBe(PageFault.KernelOnly);
  });
});

describe('ARMPaging: entries in physical memory (§6.5)', () => {
  it('writes the first- and second-level entries as words in physical memory', () => {
    const { ctx, memory } = boot();
    ctx.map(0x80005000, 0x00700000, URW);
    const first = memory.read32(ctx.root() + 0x800 * 4);
    const table = (first & 0xfffffc00) >>> 0;
    expect(first).toBe(table | ARMFirstLevel.Table);
    expect(memory.read32(table + 5 * 4)).toBe(0x00700000 | USER_PAGE);
    for (let i = 0; i < 256; i++) if (i !== 5) expect(memory.read32(table + i * 4)).toBe(0);
  });

  it('records each entry written as an \'entry\' event', () => {
    const { ctx, log } = boot();
    const mark = log.mark();
    ctx.map(0x80005000, 0x00700000, URW);
    const table = tableOf(ctx, 0x80005000);
    expect(log.since(mark)).toEqual([
      { type: 'entry', context: 'p', level: 'directory', address: ctx.root() + 0x800 * 4, value: table | ARMFirstLevel.Table, virt: 0x80005000 },
      { type: 'entry', context: 'p', level: 'table', address: table + 5 * 4, value: 0x00700000 | USER_PAGE, virt: 0x80005000 },
    ]);
  });

  it('lists the present small pages of a range with mappings()', () => {
    const { ctx } = boot();
    ctx.map(0x800ff000, 0x00700000, URW);
    ctx.map(0x80100000, 0x00701000, R);
    ctx.map(0x80300000, 0x00702000, URW);
    const cached = Memory.InnerCached | Memory.OuterCached;
    expect(ctx.mappings({ virt: 0x800f0000, size: 0x200000 })).toEqual([
      { virt: 0x800ff000, phys: 0x00700000, entry: 0x00700000 | USER_PAGE, access: URW | cached, copyOnWrite: false },
      { virt: 0x80100000, phys: 0x00701000, entry: 0x00701000 | P | 0x25d, access: R | cached, copyOnWrite: false },
    ]);
  });

  it('decodes every access FreeNOS can write back to the same entry bits (mappings().access, remap)', () => {
    const { ctx } = boot();
    const caching = [0, Memory.Uncached, Memory.Device];
    let virt = 0x80000000;
    for (const base of [R, RW, RWX, URW, URW | Memory.Executable]) {
      for (const cache of caching) {
        ctx.map(virt, 0x00700000, base | cache);
        const [m] = ctx.mappings({ virt, size: PAGE });
        const before = m!.entry;
        expect(m!.access & (RWX | Memory.User | Memory.Device | Memory.Uncached)).toBe(base | cache);
        expect(ctx.remap(virt, { access: m!.access })).toBe(Success);
        expect(secondOf(ctx, virt)).toBe(before);
        virt += PAGE;
      }
    }
  });

  it('keeps the copy-on-write mark in a shadow word after the 1 KiB table, cleared by unmap and map (remap)', () => {
    const { ctx } = boot();
    ctx.map(0x80003000, 0x00700000, URW);
    const shadow = tableOf(ctx, 0x80003000) + 1024 + 3 * 4;
    expect(ctx.remap(0x80003000, { access: Memory.User | R, copyOnWrite: true })).toBe(Success);
    expect(ctx.memory.read32(shadow)).toBe(1);
    expect(secondOf(ctx, 0x80003000) & ARMSecondLevel.ReadOnly).toBe(ARMSecondLevel.ReadOnly);
    expect(ctx.mappings({ virt: 0x80003000, size: PAGE })[0]).toMatchObject({ phys: 0x00700000, copyOnWrite: true });
    expect(ctx.remap(0x80003000, { phys: 0x00705000, copyOnWrite: false, access: URW })).toBe(Success);
    expect(ctx.memory.read32(shadow)).toBe(0);
    expect(secondOf(ctx, 0x80003000)).toBe(0x00705000 | USER_PAGE);
    ctx.remap(0x80003000, { copyOnWrite: true });
    expect(ctx.unmap(0x80003000)).toBe(Success);
    expect(ctx.memory.read32(shadow)).toBe(0);
    expect(ctx.remap(0x80003000, { copyOnWrite: true })).toBe(InvalidAddress);
    expect(ctx.remap(0x90000000, { copyOnWrite: true })).toBe(InvalidAddress);
  });

  it('lists the first-level entries that are a table or a section with directoryEntries()', () => {
    const { ctx } = boot();
    ctx.map(0x80000000, 0x00700000, URW);
    const entries = ctx.directoryEntries();
    expect(entries).toHaveLength(0x380 + 0x80 + 1);
    expect(entries[0]).toEqual({ index: 0, value: KERNEL_SECTION, table: null });
    expect(entries.at(-1)).toEqual({ index: 0x800, value: tableOf(ctx, 0x80000000) | ARMFirstLevel.Table, table: tableOf(ctx, 0x80000000) });
  });
});

describe('ARMPaging: what is freed by what (§6.6)', () => {
  const virt = 0x80000000;
  const rows: {
    operation: string;
    run: (ctx: ARMPaging, r: Memory.Range) => void;
    /** Physical pages (of the 2 mapped) freed; table page freed; first-level entry cleared; first-level table pages freed. */
    pages: number; table: boolean; entryCleared: boolean; directoryPages: number;
    /** Whether virt is still mapped afterwards; null: not asked (the first-level table itself is gone). */
    mapped: boolean | null;
  }[] = [
    { operation: 'unmap', run: (ctx) => ctx.unmap(virt), pages: 0, table: false, entryCleared: false, directoryPages: 0, mapped: false },
    { operation: 'unmapRange', run: (ctx, r) => ctx.unmapRange(r), pages: 0, table: false, entryCleared: false, directoryPages: 0, mapped: false },
    { operation: 'release(virt)', run: (ctx) => ctx.release(virt), pages: 1, table: false, entryCleared: false, directoryPages: 0, mapped: true },
    { operation: 'releaseRange', run: (ctx, r) => ctx.releaseRange(r), pages: 2, table: false, entryCleared: false, directoryPages: 0, mapped: false },
    { operation: 'releaseSection', run: (ctx, r) => ctx.releaseSection(r), pages: 2, table: true, entryCleared: true, directoryPages: 0, mapped: false },
    { operation: 'releaseSection tablesOnly', run: (ctx, r) => ctx.releaseSection(r, true), pages: 0, table: true, entryCleared: true, directoryPages: 0, mapped: false },
    { operation: 'destroy', run: (ctx) => ctx.destroy(), pages: 0, table: false, entryCleared: false, directoryPages: 4, mapped: null },
  ];

  it('matches the table row by row (ARM: the destructor frees 4 pages)', () => {
    for (const { operation, run, ...expected } of rows) {
      const { ctx, allocator } = boot();
      const r = range(virt, 2 * PAGE);
      expect(ctx.mapRangeContiguous(r)).toBe(Success);
      const table = tableOf(ctx, virt);
      const directory = ctx.root();
      run(ctx, { ...r });
      const observed = {
        pages: [r.phys, r.phys + PAGE].filter((page) => !allocator.isAllocated(page)).length,
        table: !allocator.isAllocated(table),
        entryCleared: firstOf(ctx, virt) === 0,
        directoryPages: [0, 1, 2, 3].filter((i) => !allocator.isAllocated(directory + i * PAGE)).length,
        mapped: expected.mapped === null ? null : ctx.lookup(virt).result === Success,
      };
      expect({ operation, ...observed }).toEqual({ operation, ...expected });
    }
  });
});
