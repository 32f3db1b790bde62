// MemoryMap: where each kind of memory lives in a virtual address space (FreeNOS
// libarch/MemoryMap), eight Memory.Range entries indexed by Region. IntelMap and ARMMap fill in
// the architecture's values:
//
//   0xE0000000  UserArgs       128 KiB  argv page, cwd page, file-descriptor table
//   0xD0000000  UserShare      256 MiB  shared memory, the kernel event channel
//   0xC0000000  UserStack       16 KiB  the user stack (the 16 KiB above 0xC0000000)
//   0xB0000000  UserHeap       256 MiB  malloc's pages (PageAllocator)
//   0xA0000000  UserPrivate    256 MiB  VMCtl mappings with virt = 0 land here
//   0x80000000  UserData       256 MiB  the program image
//   0x38000000  KernelPrivate  128 MiB  the kernel's temporary mappings
//   0x00000000  KernelData     896 MiB  the kernel's direct map of RAM (ARM: from RAM_ADDR)
import { Memory } from './Memory';

export enum Region {
  KernelData = 0,
  KernelPrivate = 1,
  UserData = 2,
  UserHeap = 3,
  UserStack = 4,
  UserPrivate = 5,
  UserShare = 6,
  UserArgs = 7,
}

export class MemoryMap {
  protected readonly regions: Memory.Range[];

  /** The base class starts with every entry zero (FreeNOS leaves them uninitialised). */
  constructor(copy?: MemoryMap) {
    this.regions = Array.from({ length: 8 }, (_, r) => (copy ? copy.range(r) : { virt: 0, phys: 0, size: 0, access: 0 }));
  }

  /** A copy of the region's range. */
  range(region: Region): Memory.Range {
    return { ...this.regions[region]! };
  }

  /** Overwrites the region's range. */
  setRange(region: Region, range: Memory.Range): void {
    this.regions[region] = { ...range };
  }

  /** The region containing `virt`, or null. */
  regionOf(virt: number): Region | null {
    for (let r = 0; r < this.regions.length; r++) {
      const { virt: start, size } = this.regions[r]!;
      if (virt >= start && virt - start < size) return r;
    }
    return null;
  }
}

/** The user regions, shared by both architectures. */
function setUserRegions(map: MemoryMap): void {
  const user = (virt: number, size: number): Memory.Range => ({ virt, phys: 0, size, access: 0 });
  map.setRange(Region.UserData, user(0x80000000, 0x10000000));
  map.setRange(Region.UserPrivate, user(0xa0000000, 0x10000000));
  map.setRange(Region.UserHeap, user(0xb0000000, 0x10000000));
  map.setRange(Region.UserStack, user(0xc0000000, 0x00004000));
  map.setRange(Region.UserShare, user(0xd0000000, 0x10000000));
  map.setRange(Region.UserArgs, user(0xe0000000, 0x00020000));
}

/** Intel's map: KernelData from 0 (896 MiB), KernelPrivate at 0x38000000; phys and access 0. */
export class IntelMap extends MemoryMap {
  constructor() {
    super();
    this.setRange(Region.KernelData, { virt: 0, phys: 0, size: 0x38000000, access: 0 });
    this.setRange(Region.KernelPrivate, { virt: 0x38000000, phys: 0, size: 0x08000000, access: 0 });
    setUserRegions(this);
  }
}

/** ARM's map: KernelData from RAM_ADDR with phys RAM_ADDR and R|W|X; KernelPrivate R|W. */
export class ARMMap extends MemoryMap {
  constructor(ramAddress: number = 0) {
    super();
    const rw = Memory.Readable | Memory.Writable;
    this.setRange(Region.KernelData, { virt: ramAddress, phys: ramAddress, size: 0x38000000, access: rw | Memory.Executable });
    this.setRange(Region.KernelPrivate, { virt: 0x38000000, phys: 0x38000000, size: 0x08000000, access: rw });
    setUserRegions(this);
  }
}
