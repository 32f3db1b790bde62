// The machine on ARM (a Raspberry Pi 2: RAM from 0, ARMv7 short descriptors): boot layout of
// sections 6.5 and 7.1 (page 0 and the 4-page temporary stack at 32 MiB reserved, a 16 KiB
// first-level table), processes costing 12 frames (4-page table, no kernel stack, stack pointer
// top - 8), the built-in programs, spawn, and fork in both modes with the copy-on-write mark kept in
// the tables' shadow words. The arch-neutral Mapping and snapshot fields read alike on both.
import { describe, expect, it } from 'vitest';
import {
  ARMBootStack, ARMFirstLevel, ARMMMU, ARMPaging, ARMSecondLevel, ARMShadowOffset, EventLog, IntelPaging, Kernel,
  Machine, Memory, PageFault, Region, frameMap, ownTables, ownerCounts, pageTable, type Process, type Step,
} from '../../../engine/index';

const PAGE = 4096;
const MiB = 1024 * 1024;
const IDLE: Step[] = [{ op: 'sleep', steps: 1_000_000 }];

function arm(options: ConstructorParameters<typeof Machine>[0] = {}): Machine {
  return new Machine({ arch: 'arm', builtins: false, ...options });
}

function boot(m: Machine, path: string): Process {
  const result = m.boot(path);
  if (!result.ok) throw new Error(`boot ${path}: ${result.error} ${result.reason}`);
  return m.processes.get(result.pid)!;
}

describe('ARM kernel boot (§6.5, §7.1)', () => {
  it('reserves page 0 and the 4-page temporary stack at 32 MiB; the kernel image starts at 0x8000', () => {
    const kernel = new Kernel({ arch: 'arm' });
    expect(kernel.layout.firmware).toEqual([{ address: 0, size: PAGE }, { address: 32 * MiB, size: 4 * PAGE }]);
    expect(ARMBootStack).toEqual({ address: 32 * MiB, size: 4 * PAGE });
    expect(kernel.layout.kernelImage).toEqual({ address: 0x8000, size: 384 * 1024 });
    expect(kernel.layout.bootImage.address).toBe(0x68000);
    expect(kernel.layout.heap.address).toBe(0xa5000);
    for (const page of [0, 32 * MiB, 32 * MiB + 3 * PAGE]) expect(kernel.allocator.isAllocated(page)).toBe(true);
    expect(kernel.allocator.isAllocated(PAGE)).toBe(false);
    expect(kernel.allocator.isAllocated(32 * MiB + 4 * PAGE)).toBe(false);
    expect(kernel.allocator.isAllocated(32 * MiB - PAGE)).toBe(false);
  });

  it('gives the kernel a 16 KiB-aligned first-level table of 4 allocated pages, loaded in an ARMv7 MMU', () => {
    const kernel = new Kernel({ arch: 'arm' });
    const { directory, directorySize } = kernel.layout;
    expect(kernel.context).toBeInstanceOf(ARMPaging);
    expect(kernel.mmu).toBeInstanceOf(ARMMMU);
    expect((kernel.mmu as ARMMMU).version).toBe(7);
    expect(directorySize).toBe(16 * 1024);
    expect(directory % (16 * 1024)).toBe(0);
    // Next fit from 0 finds pages 1..7 free below the kernel image: the first 16 KiB-aligned run is 0x4000.
    expect(directory).toBe(0x4000);
    for (let page = 0; page < 4; page++) expect(kernel.allocator.isAllocated(directory + page * PAGE)).toBe(true);
    expect(kernel.mmu.root()).toBe(directory);
  });

  it('maps KernelData as R|W|X sections onto RAM: kernel reads pass, user reads are KernelOnly', () => {
    const kernel = new Kernel({ arch: 'arm' });
    expect(kernel.memory.read32(kernel.layout.directory) & ARMFirstLevel.Section).toBe(ARMFirstLevel.Section);
    expect(kernel.mmu.translate(0x000a5123, 'write', false)).toBe(0x000a5123);
    expect(kernel.mmu.translate(0x07fffffc, 'read', false)).toBe(0x07fffffc);
    expect(kernel.mmu.translate(0x000a5123, 'read', true)).toBe(PageFault.KernelOnly);
    expect(kernel.mmu.translate(0x80000000, 'read', false)).toBe(PageFault.NotPresent);
  });

  it('takes armVersion 6: the MMU and the kernel context read the read-only bit at 0x200', () => {
    const kernel = new Kernel({ arch: 'arm', armVersion: 6 });
    expect((kernel.mmu as ARMMMU).version).toBe(6);
    expect((kernel.context as ARMPaging).version).toBe(6);
  });

  it('refuses an unknown architecture and ARM RAM below 64 MiB, naming the option', () => {
    expect(() => new Kernel({ arch: 'mips' as never })).toThrow(/arch must be 'intel' or 'arm', got mips/);
    expect(() => new Kernel({ arch: 'arm', ramSize: 32 * MiB })).toThrow(/ramSize must be a multiple of 1 MiB from 64 MiB to 896 MiB/);
    expect(new Kernel({ arch: 'arm', ramSize: 64 * MiB }).memory.size).toBe(64 * MiB);
  });

  it('creates IntelPaging contexts on Intel and ARMPaging on ARM', () => {
    expect(new Kernel().createContext(new Kernel().memoryMap, 'x')).toBeInstanceOf(IntelPaging);
    const kernel = new Kernel({ arch: 'arm' });
    expect(kernel.createContext(kernel.memoryMap, 'x')).toBeInstanceOf(ARMPaging);
  });
});

describe('ARM processes (§9.1)', () => {
  it('a fresh process costs 12 frames: first-level table 4, stack 4, its table 1, channel 2, UserShare table 1', () => {
    const m = arm();
    const before = m.kernel.allocator.available() / PAGE;
    const process = m.processes.create(0x80000000, m.kernel.memoryMap)!;
    expect(before - m.kernel.allocator.available() / PAGE).toBe(12);
    expect(process.kernelStack).toBe(0);
    expect(process.registers.esp).toBe(0xc0003ff8);
    expect(process.context.root() % (16 * 1024)).toBe(0);
    expect(ownTables(m.kernel, process)).toHaveLength(2);
    m.processes.remove(process.id, 0);
    expect(m.kernel.allocator.available() / PAGE).toBe(before);
  });

  it('maps the user stack as small pages that users may write, not execute', () => {
    const m = arm();
    const process = m.processes.create(0x80000000, m.kernel.memoryMap)!;
    const [stack] = process.context.mappings(process.memoryMap.range(Region.UserStack));
    expect(stack!.entry & (ARMSecondLevel.AccessUser | ARMSecondLevel.ReadOnly | ARMSecondLevel.NoExecute))
      .toBe(ARMSecondLevel.AccessUser | ARMSecondLevel.NoExecute);
    expect(stack!.access & (Memory.User | Memory.Writable | Memory.Executable)).toBe(Memory.User | Memory.Writable);
  });

  it('the frame map shows 4 Directory frames per table and no Unknown frame', () => {
    const m = new Machine({ arch: 'arm' });
    boot(m, 'sh');
    const counts = ownerCounts(frameMap(m.kernel, m.processes));
    expect(counts.Directory).toBe(8);
    expect(counts.KernelStack).toBeUndefined();
    expect(counts.Unknown).toBeUndefined();
    expect(counts.Firmware).toBe(5);
  });
});

describe('ARM machine: programs, spawn and fork', () => {
  it.each([false, true])('runs the built-in shell as on Intel and gives every frame back (copyOnWrite %s)', (copyOnWrite) => {
    const run = (machine: Machine) => {
      const free = machine.kernel.allocator.available();
      boot(machine, 'sh');
      machine.run();
      expect(machine.processes.all()).toEqual([]);
      expect(machine.kernel.allocator.available()).toBe(free);
      return machine.console.map((line) => line.text);
    };
    const lines = run(new Machine({ arch: 'arm', copyOnWrite }));
    expect(lines).toContain('hog: wrote 2 MiB');
    expect(lines.at(-1)).toBe('sh: broken exited with 2');
    expect(lines).toEqual(run(new Machine({ arch: 'intel', copyOnWrite })));
  });

  it('a copy-on-write fork marks both sides in the shadow words; the child\'s write copies one page', () => {
    const log = new EventLog();
    const m = arm({ copyOnWrite: true, log });
    m.install({ name: 'p', segments: [{ virt: '0x80000000', size: '8K', access: 'rw' }], script: IDLE });
    const parent = boot(m, 'p');
    m.memoryOf(parent).write32(0x80000000, 0x11111111);
    const forked = m.fork(parent, IDLE);
    if (!forked.ok) throw new Error(forked.reason);
    const child = m.processes.get(forked.pid)!;
    const [ours] = parent.context.mappings({ virt: 0x80000000, size: PAGE });
    const [theirs] = child.context.mappings({ virt: 0x80000000, size: PAGE });
    expect(theirs!.phys).toBe(ours!.phys);
    for (const [p, mapping] of [[parent, ours!], [child, theirs!]] as const) {
      expect(mapping.copyOnWrite).toBe(true);
      expect(mapping.entry & ARMSecondLevel.ReadOnly).toBe(ARMSecondLevel.ReadOnly);
      const table = (m.kernel.memory.read32(p.context.root() + 0x800 * 4) & 0xfffffc00) >>> 0;
      expect(m.kernel.memory.read32(table + ARMShadowOffset)).toBe(1);
    }
    expect(m.kernel.references.count(ours!.phys)).toBe(2);

    const mark = log.mark();
    expect(m.memoryOf(child).write32(0x80000000, 0x22222222)).not.toBeLessThan(0);
    expect(log.since(mark).filter((e) => e.type === 'cow')).toHaveLength(1);
    expect(m.memoryOf(child).read32(0x80000000)).toBe(0x22222222);
    expect(m.memoryOf(parent).read32(0x80000000)).toBe(0x11111111);
    const [after] = child.context.mappings({ virt: 0x80000000, size: PAGE });
    expect(after!.phys).not.toBe(ours!.phys);
    expect(after!.copyOnWrite).toBe(false);
    expect(after!.access & Memory.Writable).toBe(Memory.Writable);
    expect(pageTable(child).find((e) => e.virt === 0x80000000)).toMatchObject({ copyOnWrite: false, phys: after!.phys });
  });

  it('an eager fork gives the child its own copies with the same access', () => {
    const m = arm();
    m.install({ name: 'p', segments: [{ virt: '0x80000000', size: '8K', access: 'rwx' }], script: IDLE });
    const parent = boot(m, 'p');
    m.memoryOf(parent).write32(0x80001000, 0xabcd);
    const forked = m.fork(parent, IDLE);
    if (!forked.ok) throw new Error(forked.reason);
    const child = m.processes.get(forked.pid)!;
    const ours = parent.context.mappings(parent.memoryMap.range(Region.UserData));
    const theirs = child.context.mappings(child.memoryMap.range(Region.UserData));
    expect(theirs.map((x) => [x.virt, x.access])).toEqual(ours.map((x) => [x.virt, x.access]));
    expect(theirs.every((x, i) => x.phys !== ours[i]!.phys)).toBe(true);
    expect(theirs[0]!.access & Memory.Executable).toBe(Memory.Executable);
    expect(m.memoryOf(child).read32(0x80001000)).toBe(0xabcd);
  });

  it('spawn loads a program into a new ARM process that runs to its exit status', () => {
    const m = arm();
    m.install({ name: 'parent', segments: [{ virt: '0x80000000', size: '4K' }], script: IDLE });
    m.install({ name: 'kid', segments: [{ virt: '0x80000000', size: '4K' }], script: [{ op: 'exit', status: 5 }] });
    const parent = boot(m, 'parent');
    const spawned = m.spawn(parent, 'kid', ['kid', 'x']);
    if (!spawned.ok) throw new Error(spawned.reason);
    m.runUntil(() => m.processes.get(spawned.pid)?.state === 4);
    expect(m.waitpid(spawned.pid)).toEqual({ state: 'exited', status: 5 });
  });
});
