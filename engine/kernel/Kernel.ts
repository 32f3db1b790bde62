// Kernel: boots the emulated Intel machine as FreeNOS does (sections 6.4 and 7 of the reference).
// Physical memory after boot, with the default options (128 MiB of RAM):
//
//   0x00000000  first 1 MiB (BIOS, reserved)
//   0x00100000  kernel image; its last page is the boot page directory
//   0x00160000  boot image
//   heapStart   1 MiB kernel heap: BubbleAllocator + PoolAllocator objects (156 bytes), then the
//               Bubble's range; the page bitmap of the SplitAllocator is its first object
//   ...         free pages, handed out by the SplitAllocator (next fit)
//
// The kernel's own virtual space maps 0..896 MiB onto RAM with 4 MiB pages (identity: the kernel
// reads physical memory at the same address), so PhysicalMemory is the kernel's view of RAM.
import type { EventLog } from '../EventLog';
import { IntelEntry, SectionSize } from '../hw/IntelLayout';
import { IntelMMU } from '../hw/MMU';
import { PhysicalMemory } from '../hw/PhysicalMemory';
import { Allocator } from './Allocator';
import type { BuildMode } from './AssertionError';
import { BubbleAllocator } from './BubbleAllocator';
import { FrameReferences } from './FrameReferences';
import { IntelPaging } from './IntelPaging';
import { PAGESIZE } from './MemoryContext';
import { IntelMap, Region, type MemoryMap } from './MemoryMap';
import { PoolAllocator } from './PoolAllocator';
import { SplitAllocator } from './SplitAllocator';
import { aligned } from './Unsigned';

const MiB = 1024 * 1024;
export const KernelHeapSize = MiB;
/** sizeof(BubbleAllocator) + sizeof(PoolAllocator) on 32-bit: placed at the start of the heap. */
export const KernelHeapObjects = 24 + 132;

export interface KernelOptions {
  /** RAM in bytes: a multiple of 1 MiB from 8 MiB to 896 MiB. Default 128 MiB. */
  ramSize?: number;
  /** Kernel image size in bytes (at 1 MiB). Default 384 KiB. */
  kernelImageSize?: number;
  /** Boot image size in bytes (right after the kernel image). Default 0x3C844. */
  bootImageSize?: number;
  /** TLB slots; 0 turns the TLB off. Default 64. */
  tlbEntries?: number;
  log?: EventLog | null;
  mode?: BuildMode;
}

export interface Area {
  address: number;
  size: number;
}

export class Kernel {
  readonly memory: PhysicalMemory;
  readonly mmu: IntelMMU;
  readonly memoryMap: MemoryMap;
  /** The kernel heap: new/delete of kernel objects. Never gives memory back to its Bubble. */
  readonly heap: PoolAllocator;
  readonly heapBubble: BubbleAllocator;
  /** The physical page allocator over all of RAM. */
  readonly allocator: SplitAllocator;
  /** The kernel's address space, on the boot page directory. */
  readonly context: IntelPaging;
  readonly layout: { firstMiB: Area; kernelImage: Area; bootImage: Area; heap: Area; directory: number; bitmap: Area };
  readonly log: EventLog | null;
  readonly mode: BuildMode;
  /** Frames shared between address spaces (copy-on-write fork), with their user counts. */
  readonly references = new FrameReferences();

  constructor(options: KernelOptions = {}) {
    const ramSize = options.ramSize ?? 128 * MiB;
    if (!Number.isInteger(ramSize) || ramSize % MiB !== 0 || ramSize < 8 * MiB || ramSize > 896 * MiB) {
      throw new RangeError(`Kernel: ramSize must be a multiple of 1 MiB from 8 MiB to 896 MiB, got ${ramSize}`);
    }
    this.log = options.log ?? null;
    this.mode = options.mode ?? 'debug';
    this.memory = new PhysicalMemory(ramSize, { log: this.log });
    this.mmu = new IntelMMU(this.memory, { tlbEntries: options.tlbEntries });
    this.memoryMap = new IntelMap();

    const kernelImage = { address: MiB, size: options.kernelImageSize ?? 384 * 1024 };
    const bootImage = { address: aligned(kernelImage.address + kernelImage.size, PAGESIZE), size: options.bootImageSize ?? 0x3c844 };
    // FreeNOS's quirk: a boot image that is already a page multiple still skips a whole page.
    const heapStart = bootImage.address + bootImage.size + (PAGESIZE - (bootImage.size % PAGESIZE));
    const heap = { address: heapStart, size: KernelHeapSize };
    if (heap.address + heap.size > ramSize) throw new RangeError(`Kernel: ${ramSize} bytes of RAM cannot hold the kernel`);

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
    const firstMiB = { address: 0, size: MiB };
    for (const area of [firstMiB, kernelImage, bootImage, heap]) {
      for (let page = area.address - (area.address % PAGESIZE); page < area.address + area.size; page += PAGESIZE) {
        if (!this.allocator.isAllocated(page)) this.allocator.allocateAt(page);
      }
    }

    const directory = aligned(kernelImage.address + kernelImage.size, PAGESIZE) - PAGESIZE;
    for (let i = 0; i * SectionSize < kernelData.size; i++) {
      this.memory.write32(directory + i * 4, (i * SectionSize) | IntelEntry.Present | IntelEntry.Writable | IntelEntry.Large);
    }
    this.mmu.load(directory);
    this.context = new IntelPaging(this.memoryMap, this.allocator, { ...common, mmu: this.mmu, directory, name: 'kernel' });
    this.context.initialize();
    this.context.activate();
    this.layout = { firstMiB, kernelImage, bootImage, heap, directory, bitmap };
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
