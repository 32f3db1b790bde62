// Kernel: boots the emulated machine as FreeNOS does (sections 6.4, 6.5 and 7 of the reference).
// Physical memory after boot on Intel, with the default options (128 MiB of RAM):
//
//   0x00000000  first 1 MiB (BIOS, reserved)
//   0x00100000  kernel image; its last page is the boot page directory
//   0x00160000  boot image
//   heapStart   1 MiB kernel heap: BubbleAllocator + PoolAllocator objects (156 bytes), then the
//               Bubble's range; the page bitmap of the SplitAllocator is its first object
//   ...         free pages, handed out by the SplitAllocator (next fit)
//
// ARM (a Raspberry Pi 2: RAM at 0, ARMv7) differs: page 0 (exception vectors) is reserved instead
// of the first MiB, the kernel image starts at 0x8000 (where the Pi's firmware loads it), the
// temporary boot stack takes 4 pages at 32 MiB, and the kernel's 16 KiB first-level table comes
// from the page allocator like any context's (the reference does not say where FreeNOS keeps it):
// next fit from 0 puts it at 0x4000, the 16 KiB below the kernel image.
//
// The kernel's own virtual space maps 0..896 MiB onto RAM (Intel 4 MiB pages, ARM 1 MiB sections;
// identity: RAM starts at 0), so PhysicalMemory is the kernel's view of RAM.
import type { EventLog } from '../EventLog';
import { ARMMMU } from '../hw/ARMMMU';
import type { ARMVersion } from '../hw/ARMLayout';
import { IntelEntry, SectionSize } from '../hw/IntelLayout';
import { IntelMMU, type PagedMMU } from '../hw/MMU';
import { PhysicalMemory } from '../hw/PhysicalMemory';
import { Allocator } from './Allocator';
import type { BuildMode } from './AssertionError';
import { BubbleAllocator } from './BubbleAllocator';
import { FrameReferences } from './FrameReferences';
import { ARMPaging } from './ARMPaging';
import { IntelPaging } from './IntelPaging';
import { MemoryContext, PAGESIZE } from './MemoryContext';
import { ARMMap, IntelMap, Region, type MemoryMap } from './MemoryMap';
import { PoolAllocator } from './PoolAllocator';
import { SplitAllocator } from './SplitAllocator';
import { aligned } from './Unsigned';

const MiB = 1024 * 1024;
export const KernelHeapSize = MiB;
/** sizeof(BubbleAllocator) + sizeof(PoolAllocator) on 32-bit: placed at the start of the heap. */
export const KernelHeapObjects = 24 + 132;

export type Architecture = 'intel' | 'arm';
/** The ARM temporary boot stack: 4 pages at RAM + 32 MiB, reserved at boot. */
export const ARMBootStack = { address: 32 * MiB, size: 4 * PAGESIZE };

export interface KernelOptions {
  /** 'intel' (default) or 'arm' (a Raspberry Pi 2: RAM from 0, ARMv7 unless armVersion says 6). */
  arch?: Architecture;
  /** RAM in bytes: a multiple of 1 MiB from 8 MiB (ARM: 64 MiB) to 896 MiB. Default 128 MiB. */
  ramSize?: number;
  /** ARM only: 7 (default) or 6, which moves the first-level read-only bit. */
  armVersion?: ARMVersion;
  /** Kernel image size in bytes (at 1 MiB on Intel, 0x8000 on ARM). Default 384 KiB. */
  kernelImageSize?: number;
  /** Boot image size in bytes (right after the kernel image). Default 0x3C844. */
  bootImageSize?: number;
  /** TLB slots; 0 turns the TLB off. Default 64. */
  tlbEntries?: number;
  log?: EventLog | null;
  mode?: BuildMode;
  /** Who counts shared frames' users (default a FrameReferences): the fork exercise plugs in the student's. */
  references?: FrameReferences;
}

export interface Area {
  address: number;
  size: number;
}

export interface KernelLayout {
  /** Reserved pages that are not the kernel's: Intel the first MiB; ARM page 0 and the boot stack. */
  firmware: Area[];
  kernelImage: Area;
  bootImage: Area;
  heap: Area;
  /** The kernel's top-level table: its address, and its size (Intel 4 KiB, ARM 16 KiB). */
  directory: number;
  directorySize: number;
  /** The SplitAllocator's page bitmap, in the kernel heap. */
  bitmap: Area;
}

export class Kernel {
  readonly arch: Architecture;
  readonly memory: PhysicalMemory;
  readonly mmu: PagedMMU;
  readonly memoryMap: MemoryMap;
  /** The kernel heap: new/delete of kernel objects. Never gives memory back to its Bubble. */
  readonly heap: PoolAllocator;
  readonly heapBubble: BubbleAllocator;
  /** The physical page allocator over all of RAM. */
  readonly allocator: SplitAllocator;
  /** The kernel's address space, on the boot page directory. */
  readonly context: MemoryContext;
  readonly layout: KernelLayout;
  readonly log: EventLog | null;
  readonly mode: BuildMode;
  /** Frames shared between address spaces (copy-on-write fork), with their user counts. */
  readonly references: FrameReferences;

  constructor(options: KernelOptions = {}) {
    this.arch = options.arch ?? 'intel';
    if (this.arch !== 'intel' && this.arch !== 'arm') throw new RangeError(`Kernel: arch must be 'intel' or 'arm', got ${String(this.arch)}`);
    const arm = this.arch === 'arm';
    const ramSize = options.ramSize ?? 128 * MiB;
    const smallest = arm ? 64 * MiB : 8 * MiB;
    if (!Number.isInteger(ramSize) || ramSize % MiB !== 0 || ramSize < smallest || ramSize > 896 * MiB) {
      throw new RangeError(`Kernel: ramSize must be a multiple of 1 MiB from ${smallest / MiB} MiB to 896 MiB, got ${ramSize}`);
    }
    this.log = options.log ?? null;
    this.references = options.references ?? new FrameReferences();
    this.mode = options.mode ?? 'debug';
    this.memory = new PhysicalMemory(ramSize, { log: this.log });
    this.mmu = arm ? new ARMMMU(this.memory, { tlbEntries: options.tlbEntries, version: options.armVersion })
      : new IntelMMU(this.memory, { tlbEntries: options.tlbEntries });
    this.memoryMap = arm ? new ARMMap(0) : new IntelMap();

    const kernelImage = { address: arm ? 0x8000 : MiB, size: options.kernelImageSize ?? 384 * 1024 };
    const bootImage = { address: aligned(kernelImage.address + kernelImage.size, PAGESIZE), size: options.bootImageSize ?? 0x3c844 };
    // FreeNOS's quirk: a boot image that is already a page multiple still skips a whole page.
    const heapStart = bootImage.address + bootImage.size + (PAGESIZE - (bootImage.size % PAGESIZE));
    const heap = { address: heapStart, size: KernelHeapSize };
    const firmware = arm ? [{ address: 0, size: PAGESIZE }, { ...ARMBootStack }] : [{ address: 0, size: MiB }];
    if (heap.address + heap.size > (arm ? ARMBootStack.address : ramSize)) {
      throw new RangeError(`Kernel: ${ramSize} bytes of RAM cannot hold the kernel`);
    }

    this.memory.fill(heap.address, 0, heap.size);
    const common = { memory: this.memory, log: this.log, mode: this.mode };
    this.heapBubble = new BubbleAllocator({ address: heap.address + KernelHeapObjects, size: heap.size - KernelHeapObjects, alignment: 4 },
      { ...common, name: 'KernelHeap.Bubble' });
    this.heap = new PoolAllocator(this.heapBubble, { ...common, name: 'KernelHeap' });

    const pages = ramSize / PAGESIZE;
    const bitmap = { address: this.new(Math.ceil(pages / 8)), size: Math.ceil(pages / 8) };
    const kernelData = this.memoryMap.range(Region.KernelData);
    this.allocator = new SplitAllocator({ address: 0, size: ramSize, alignment: PAGESIZE },
      { address: kernelData.virt, size: kernelData.size, alignment: PAGESIZE }, PAGESIZE,
      { ...common, name: 'PhysicalMemory', bitmap: { memory: this.memory, address: bitmap.address } });
    for (const area of [...firmware, kernelImage, bootImage, heap]) {
      for (let page = area.address - (area.address % PAGESIZE); page < area.address + area.size; page += PAGESIZE) {
        if (!this.allocator.isAllocated(page)) this.allocator.allocateAt(page);
      }
    }

    if (arm) {
      this.context = new ARMPaging(this.memoryMap, this.allocator, { ...common, mmu: this.mmu, name: 'kernel' });
      if (this.context.initialize() !== MemoryContext.Result.Success) throw new RangeError('Kernel: no room for the first-level table');
    } else {
      const directory = aligned(kernelImage.address + kernelImage.size, PAGESIZE) - PAGESIZE;
      for (let i = 0; i * SectionSize < kernelData.size; i++) {
        this.memory.write32(directory + i * 4, (i * SectionSize) | IntelEntry.Present | IntelEntry.Writable | IntelEntry.Large);
      }
      this.mmu.load(directory);
      this.context = new IntelPaging(this.memoryMap, this.allocator, { ...common, mmu: this.mmu, directory, name: 'kernel' });
      this.context.initialize();
    }
    this.context.activate();
    this.layout = { firmware, kernelImage, bootImage, heap, directory: this.context.root(), directorySize: this.context.rootSize, bitmap };
  }

  /**
   * A new, uninitialized address space for a process on this kernel's architecture, taking its
   * pages from the kernel's allocator and counting shared frames in `references`.
   */
  createContext(map: MemoryMap, name: string): MemoryContext {
    const options = { memory: this.memory, mmu: this.mmu, log: this.log, mode: this.mode, name, references: this.references };
    return this.arch === 'arm' ? new ARMPaging(map, this.allocator, options) : new IntelPaging(map, this.allocator, options);
  }

  /** Kernel operator new: the heap address of `size` bytes, or 0 on any failure (no exceptions). */
  new(size: number): number {
    const range: Allocator.Range = { address: 0, size, alignment: 0 };
    return this.heap.allocate(range) === Allocator.Result.Success ? range.address : 0;
  }

  /** Kernel operator delete: releases and ignores the result. */
  delete(address: number): void {
    this.heap.release(address);
  }
}
