// MemoryMap (§5): the Region enum (§5.1), the Intel and ARM values (§5.2), range() returning a
// copy, setRange overwriting, the copy constructor, and regionOf.
import { describe, expect, it } from 'vitest';
import { ARMMap, IntelMap, Memory, MemoryMap, Region, hex32 } from '../../../engine/index';

const R = Memory.Readable;
const W = Memory.Writable;
const X = Memory.Executable;

/** §5.2's user regions, the same on Intel and ARM: phys 0, access 0. */
const userRegions = ([
  [Region.UserData, 0x80000000, 0x10000000],
  [Region.UserPrivate, 0xa0000000, 0x10000000],
  [Region.UserHeap, 0xb0000000, 0x10000000],
  [Region.UserStack, 0xc0000000, 0x00004000],
  [Region.UserShare, 0xd0000000, 0x10000000],
  [Region.UserArgs, 0xe0000000, 0x00020000],
] as const).map(([region, virt, size]) => ({ region, virt, size, name: Region[region], at: hex32(virt), bytes: hex32(size) }));

describe('Region (§5.1)', () => {
  it('numbers the eight regions 0..7 by name', () => {
    expect([Region.KernelData, Region.KernelPrivate, Region.UserData, Region.UserHeap, Region.UserStack,
      Region.UserPrivate, Region.UserShare, Region.UserArgs]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Region[5]).toBe('UserPrivate');
  });
});

describe('IntelMap (§5.2)', () => {
  it('puts KernelData at 0, 896 MiB, phys 0, access 0', () => {
    expect(new IntelMap().range(Region.KernelData)).toEqual({ virt: 0, phys: 0, size: 0x38000000, access: 0 });
  });

  it('puts KernelPrivate at 0x38000000, 128 MiB, phys 0, access 0', () => {
    expect(new IntelMap().range(Region.KernelPrivate)).toEqual({ virt: 0x38000000, phys: 0, size: 0x08000000, access: 0 });
  });

  it.each(userRegions)('puts $name at $at, size $bytes, phys 0, access 0', ({ region, virt, size }) => {
    expect(new IntelMap().range(region)).toEqual({ virt, phys: 0, size, access: 0 });
  });

  it('makes KernelData and KernelPrivate together 1 GiB', () => {
    const map = new IntelMap();
    const data = map.range(Region.KernelData);
    const priv = map.range(Region.KernelPrivate);
    expect(data.virt + data.size).toBe(priv.virt);
    expect(priv.virt + priv.size).toBe(0x40000000);
  });

  it('is a MemoryMap', () => {
    expect(new IntelMap()).toBeInstanceOf(MemoryMap);
  });
});

describe('ARMMap (§5.2)', () => {
  it('puts KernelData at RAM_ADDR with phys RAM_ADDR and R|W|X (Sunxi-H3: 0x40000000)', () => {
    expect(new ARMMap(0x40000000).range(Region.KernelData))
      .toEqual({ virt: 0x40000000, phys: 0x40000000, size: 0x38000000, access: R | W | X });
    expect(R | W | X).toBe(7);
  });

  it('puts KernelData at 0 on the Raspberry Pi (RAM_ADDR 0, the default)', () => {
    expect(new ARMMap().range(Region.KernelData)).toEqual({ virt: 0, phys: 0, size: 0x38000000, access: 7 });
    expect(new ARMMap(0).range(Region.KernelData)).toEqual({ virt: 0, phys: 0, size: 0x38000000, access: 7 });
  });

  it('puts KernelPrivate at 0x38000000 with phys 0x38000000 and R|W', () => {
    expect(new ARMMap(0x40000000).range(Region.KernelPrivate))
      .toEqual({ virt: 0x38000000, phys: 0x38000000, size: 0x08000000, access: R | W });
    expect(R | W).toBe(3);
  });

  it.each(userRegions)('puts $name at $at, size $bytes, phys 0, access 0', ({ region, virt, size }) => {
    expect(new ARMMap(0x40000000).range(region)).toEqual({ virt, phys: 0, size, access: 0 });
  });
});

describe('MemoryMap', () => {
  it('range() returns a copy: changing it leaves the map alone', () => {
    const map = new IntelMap();
    const range = map.range(Region.UserHeap);
    range.virt = 0x12345000;
    range.size = 1;
    expect(map.range(Region.UserHeap)).toEqual({ virt: 0xb0000000, phys: 0, size: 0x10000000, access: 0 });
    expect(map.range(Region.UserHeap)).not.toBe(map.range(Region.UserHeap));
  });

  it('setRange overwrites one region and only that one', () => {
    const map = new IntelMap();
    map.setRange(Region.UserStack, { virt: 0xbfff0000, phys: 0x1000, size: 0x10000, access: 0x0b });
    expect(map.range(Region.UserStack)).toEqual({ virt: 0xbfff0000, phys: 0x1000, size: 0x10000, access: 0x0b });
    expect(map.range(Region.UserShare)).toEqual({ virt: 0xd0000000, phys: 0, size: 0x10000000, access: 0 });
  });

  it('setRange stores a copy: changing the argument afterwards leaves the map alone', () => {
    const map = new IntelMap();
    const range = { virt: 0xbfff0000, phys: 0, size: 0x10000, access: 0 };
    map.setRange(Region.UserStack, range);
    range.size = 0;
    expect(map.range(Region.UserStack).size).toBe(0x10000);
  });

  it('the copy constructor copies every region', () => {
    const arm = new ARMMap(0x40000000);
    const copy = new MemoryMap(arm);
    for (let region = 0; region < 8; region++) expect(copy.range(region)).toEqual(arm.range(region));
  });

  it('a copy is independent of its original, both ways', () => {
    const original = new IntelMap();
    const copy = new MemoryMap(original);
    copy.setRange(Region.UserArgs, { virt: 1, phys: 2, size: 3, access: 4 });
    original.setRange(Region.UserData, { virt: 5, phys: 6, size: 7, access: 8 });
    expect(original.range(Region.UserArgs)).toEqual({ virt: 0xe0000000, phys: 0, size: 0x20000, access: 0 });
    expect(copy.range(Region.UserData)).toEqual({ virt: 0x80000000, phys: 0, size: 0x10000000, access: 0 });
  });

  it.each(([
    [0x00000000, Region.KernelData],
    [0x37ffffff, Region.KernelData],
    [0x38000000, Region.KernelPrivate],
    [0x3fffffff, Region.KernelPrivate],
    [0x80000000, Region.UserData],
    [0x8fffffff, Region.UserData],
    [0xa0001000, Region.UserPrivate],
    [0xb0000000, Region.UserHeap],
    [0xc0003ffc, Region.UserStack],
    [0xd0000000, Region.UserShare],
    [0xe001ffff, Region.UserArgs],
  ] as const).map(([virt, region]) => ({ virt, region, at: hex32(virt), name: Region[region] })))(
    'regionOf($at) on Intel is $name', ({ virt, region }) => {
      expect(new IntelMap().regionOf(virt)).toBe(region);
    });

  it.each([0x40000000, 0x7fffffff, 0x90000000, 0xc0004000, 0xe0020000, 0xffffffff].map((virt) => ({ virt, at: hex32(virt) })))(
    'regionOf($at) on Intel is null (no region there)', ({ virt }) => {
      expect(new IntelMap().regionOf(virt)).toBeNull();
    });

  it('regionOf follows the ARM KernelData at RAM_ADDR', () => {
    const map = new ARMMap(0x40000000);
    expect(map.regionOf(0x40000000)).toBe(Region.KernelData);
    expect(map.regionOf(0x77ffffff)).toBe(Region.KernelData);
    expect(map.regionOf(0x78000000)).toBeNull();
    expect(map.regionOf(0x00001000)).toBeNull();
    expect(map.regionOf(0x3fffffff)).toBe(Region.KernelPrivate);
  });

  it('regionOf follows setRange', () => {
    const map = new IntelMap();
    map.setRange(Region.UserStack, { virt: 0x90000000, phys: 0, size: 0x1000, access: 0 });
    expect(map.regionOf(0x90000fff)).toBe(Region.UserStack);
    expect(map.regionOf(0xc0000000)).toBeNull();
  });
});
