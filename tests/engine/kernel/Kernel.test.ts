// Kernel boot (§6.4, §7.1, §7.2): physical layout (first MiB, kernel image, boot image, the
// 1 MiB kernel heap with the page-skip quirk), pages marked used in the SplitAllocator, its page
// bitmap taken from the kernel heap, the heap's Bubble + Pool stack, kernel new(), the boot page
// directory (0..896 MiB in 4 MiB pages, no User) and ramSize validation.
import { describe, expect, it } from 'vitest';
import {
  Allocator, BubbleAllocator, IntelEntry, Kernel, ObjectSignature, PageFault, PoolAllocator,
} from '../../../engine/index';

const PAGE = 4096;
const KiB = 1024;
const MiB = 1024 * 1024;
const { Present, Writable, User, Large } = IntelEntry;

/** Every page of [address, address + size), page-rounded outwards. */
function pagesOf(area: { address: number; size: number }): number[] {
  const pages: number[] = [];
  for (let page = area.address - (area.address % PAGE); page < area.address + area.size; page += PAGE) pages.push(page);
  return pages;
}

describe('Kernel boot layout', () => {
  it('places the first MiB, the kernel image at 1 MiB and the boot image right after it (§7.1)', () => {
    const { layout } = new Kernel();
    expect(layout.firmware).toEqual([{ address: 0, size: MiB }]);
    expect(layout.kernelImage).toEqual({ address: MiB, size: 384 * KiB });
    expect(layout.bootImage).toEqual({ address: 0x160000, size: 0x3c844 });
  });

  it('starts the boot image on the page after a kernel image that is not a page multiple', () => {
    const { layout } = new Kernel({ kernelImageSize: 384 * KiB + 1 });
    expect(layout.bootImage.address).toBe(0x161000);
  });

  it('starts the 1 MiB heap on the page after an unaligned boot image (§7.2 step 1)', () => {
    // 0x160000 + 0x3C844 = 0x19C844, plus 4096 - 0x844 = 0x19D000
    const { layout } = new Kernel();
    expect(layout.heap).toEqual({ address: 0x19d000, size: MiB });
  });

  it('skips a whole extra page when the boot image size is already a page multiple (§7.2 quirk)', () => {
    const exact = new Kernel({ bootImageSize: 0x3c000 });
    expect(exact.layout.bootImage).toEqual({ address: 0x160000, size: 0x3c000 });
    expect(exact.layout.heap.address).toBe(0x19d000); // not 0x19C000, where the boot image ends
    const oneMore = new Kernel({ bootImageSize: 0x3c001 });
    expect(oneMore.layout.heap.address).toBe(0x19d000);
    const oneLess = new Kernel({ bootImageSize: 0x3bfff });
    expect(oneLess.layout.heap.address).toBe(0x19c000);
  });

  it('leaves the skipped page free: only the first MiB, images and heap are marked used (§7.1, §7.2)', () => {
    const exact = new Kernel({ bootImageSize: 0x3c000 });
    expect(exact.allocator.isAllocated(0x19b000)).toBe(true);
    expect(exact.allocator.isAllocated(0x19c000)).toBe(false);
    expect(exact.allocator.isAllocated(0x19d000)).toBe(true);
    const unaligned = new Kernel({ bootImageSize: 0x3c001 });
    expect(unaligned.allocator.isAllocated(0x19c000)).toBe(true);
  });

  it('marks every page of the first MiB, kernel image, boot image and heap used, and the page after the heap free (§7.1)', () => {
    const kernel = new Kernel();
    const { firmware, kernelImage, bootImage, heap } = kernel.layout;
    const reserved = [...firmware, kernelImage, bootImage, heap].flatMap(pagesOf);
    expect(reserved).toHaveLength(256 + 96 + 61 + 256);
    expect(reserved.filter((page) => !kernel.allocator.isAllocated(page))).toEqual([]);
    expect(kernel.allocator.isAllocated(heap.address + heap.size)).toBe(false);
    expect(kernel.allocator.isAllocated(128 * MiB - PAGE)).toBe(false);
  });

  it('reports available() = RAM minus the 669 reserved pages with the default 128 MiB', () => {
    const kernel = new Kernel();
    expect(kernel.allocator.size()).toBe(128 * MiB);
    expect(kernel.allocator.base()).toBe(0);
    expect(kernel.allocator.available()).toBe(128 * MiB - 669 * PAGE);
  });

  it('reports available() = RAM minus 668 reserved pages when the boot image is a page multiple (the skipped page stays free)', () => {
    const kernel = new Kernel({ bootImageSize: 0x3c000 });
    expect(kernel.allocator.available()).toBe(128 * MiB - (256 + 96 + 60 + 256) * PAGE);
  });

  it.each([8, 100, 512, 896])('boots with %i MiB of RAM and the same reserved pages', (mib) => {
    const kernel = new Kernel({ ramSize: mib * MiB });
    expect(kernel.memory.size).toBe(mib * MiB);
    expect(kernel.allocator.size()).toBe(mib * MiB);
    expect(kernel.allocator.available()).toBe(mib * MiB - 669 * PAGE);
    expect(kernel.layout.heap.address).toBe(0x19d000);
  });
});

describe('Kernel physical allocator and its bitmap (§7.1)', () => {
  it('takes the page bitmap from the kernel heap: one bit per page of RAM', () => {
    const kernel = new Kernel();
    const { bitmap, heap } = kernel.layout;
    expect(bitmap.size).toBe(4096); // 32 768 pages / 8
    expect(bitmap.address).toBeGreaterThanOrEqual(heap.address + 156);
    expect(bitmap.address + bitmap.size).toBeLessThanOrEqual(heap.address + heap.size);
    expect(kernel.memory.read32(bitmap.address - 8)).toBe(ObjectSignature);
  });

  it('needs 28 672 bytes of bitmap for 896 MiB, inside the heap', () => {
    const kernel = new Kernel({ ramSize: 896 * MiB });
    const { bitmap, heap } = kernel.layout;
    expect(bitmap.size).toBe(28672);
    expect(bitmap.address).toBeGreaterThanOrEqual(heap.address + 156);
    expect(bitmap.address + bitmap.size).toBeLessThanOrEqual(heap.address + heap.size);
    expect(kernel.heap.pools().some((pool) => pool.index === 15 && bitmap.address - pool.block < pool.blockSize())).toBe(true);
  });

  it('keeps the bitmap bits in that heap memory, LSB first', () => {
    const kernel = new Kernel();
    const { bitmap } = kernel.layout;
    expect(kernel.memory.read8(bitmap.address)).toBe(0xff); // pages 0..7, first MiB
    // pages 0..668 used: byte 83 holds pages 664..671, the low five used
    expect(kernel.memory.read8(bitmap.address + 83)).toBe(0x1f);
    expect(kernel.memory.read8(bitmap.address + 84)).toBe(0);
    kernel.allocator.allocateAt(669 * PAGE);
    expect(kernel.memory.read8(bitmap.address + 83)).toBe(0x3f);
  });

  it('hands out the page after the heap first (next fit from page 0)', () => {
    const kernel = new Kernel();
    const r: Allocator.Range = { address: 0, size: PAGE, alignment: PAGE };
    expect(kernel.allocator.allocate(r)).toBe(Allocator.Result.Success);
    expect(r.address).toBe(kernel.layout.heap.address + MiB);
  });
});

describe('Kernel heap (§7.2)', () => {
  it('has a Bubble over heap + 156 of 1 048 420 bytes with alignment 4', () => {
    const kernel = new Kernel();
    const bubble = kernel.heapBubble;
    expect(bubble.base()).toBe(kernel.layout.heap.address + 156);
    expect(bubble.size()).toBe(1048420);
    expect(bubble.alignment()).toBe(4);
    expect(kernel.heap.parent()).toBe(bubble);
  });

  it('gives the bitmap the first block of the Bubble', () => {
    const kernel = new Kernel();
    const first = kernel.heap.pools().find((pool) => pool.block === kernel.heapBubble.base());
    expect(first).toBeDefined();
    expect(kernel.layout.bitmap.address - first!.block).toBeLessThan(first!.blockSize());
  });

  it('on a fresh heap puts the first new(100) in a 128-byte pool of 128 objects (16 576 bytes) at heapStart + 356 ([derived])', () => {
    const kernel = new Kernel();
    const heapStart = kernel.layout.heap.address;
    const bubble = new BubbleAllocator({ address: heapStart + 156, size: MiB - 156, alignment: 4 }, { memory: kernel.memory });
    const pool = new PoolAllocator(bubble, { memory: kernel.memory });
    const r: Allocator.Range = { address: 0, size: 100, alignment: 0 };
    expect(pool.allocate(r)).toBe(Allocator.Result.Success);
    expect(r.address).toBe(heapStart + 356);
    const [only] = pool.pools();
    expect([only!.index, only!.objects, only!.blockSize(), only!.block]).toEqual([7, 128, 16576, heapStart + 156]);
  });

  it('kernel.new(100) lands in a 128-byte pool of the kernel heap, with the object prefix before it', () => {
    const kernel = new Kernel();
    const address = kernel.new(100);
    const { heap } = kernel.layout;
    expect(address).toBeGreaterThan(heap.address);
    expect(address).toBeLessThan(heap.address + heap.size);
    const pool = kernel.heap.pools().find((p) => p.index === 7);
    expect(pool).toBeDefined();
    expect(address - pool!.block).toBeLessThan(pool!.blockSize());
    expect(kernel.memory.read32(address - 8)).toBe(ObjectSignature);
    expect(kernel.memory.read32(address - 4)).toBe(pool!.block);
  });

  it('kernel.new returns 0 on failure: size 0, or more than the heap holds', () => {
    const kernel = new Kernel();
    expect(kernel.new(0)).toBe(0);
    expect(kernel.new(2 * MiB)).toBe(0);
    expect(kernel.new(16)).not.toBe(0);
  });
});

describe('Kernel boot page directory (§6.4)', () => {
  it('is loaded in the MMU and is the kernel context\'s root', () => {
    const kernel = new Kernel();
    expect(kernel.mmu.root()).toBe(kernel.layout.directory);
    expect(kernel.context.root()).toBe(kernel.layout.directory);
    expect(kernel.allocator.isAllocated(kernel.layout.directory)).toBe(true);
  });

  it('maps 0..896 MiB with 4 MiB entries Present|Writable|Large and no User', () => {
    const kernel = new Kernel();
    const { directory } = kernel.layout;
    const words = Array.from({ length: 224 }, (_, i) => kernel.memory.read32(directory + i * 4));
    expect(words).toEqual(Array.from({ length: 224 }, (_, i) => (i * 4 * MiB) | Present | Writable | Large));
    expect(words.filter((word) => word & User)).toEqual([]);
  });

  it('leaves KernelPrivate and the user half empty (entries 224..1023)', () => {
    const kernel = new Kernel();
    const { directory } = kernel.layout;
    const rest = Array.from({ length: 800 }, (_, i) => kernel.memory.read32(directory + (224 + i) * 4));
    expect(rest.filter((word) => word !== 0)).toEqual([]);
  });

  it('translates kernel-mode addresses as the identity, reads and writes', () => {
    const kernel = new Kernel();
    expect(kernel.mmu.translate(0x0019d123, 'read', false)).toBe(0x0019d123);
    expect(kernel.mmu.translate(0x07fffffc, 'write', false)).toBe(0x07fffffc);
    expect(kernel.mmu.translate(0x37ffffff, 'read', false)).toBe(0x37ffffff);
  });

  it('refuses user-mode access to kernel addresses with PageFault.KernelOnly', () => {
    const kernel = new Kernel();
    expect(kernel.mmu.translate(0x0019d123, 'read', true)).toBe(PageFault.KernelOnly);
    expect(kernel.mmu.translate(0x00100000, 'write', true)).toBe(PageFault.KernelOnly);
  });

  it('has nothing mapped above 896 MiB', () => {
    const kernel = new Kernel();
    expect(kernel.mmu.translate(0x38000000, 'read', false)).toBe(PageFault.NotPresent);
  });
});

describe('Kernel ramSize validation', () => {
  it('rejects a size that is not a multiple of 1 MiB, naming it', () => {
    expect(() => new Kernel({ ramSize: 100 * MiB + PAGE })).toThrow(RangeError);
    expect(() => new Kernel({ ramSize: 100 * MiB + PAGE })).toThrow(String(100 * MiB + PAGE));
  });

  it('rejects less than 8 MiB, naming the value', () => {
    expect(() => new Kernel({ ramSize: 7 * MiB })).toThrow(RangeError);
    expect(() => new Kernel({ ramSize: 7 * MiB })).toThrow(String(7 * MiB));
  });

  it('rejects more than 896 MiB, naming the value', () => {
    expect(() => new Kernel({ ramSize: 897 * MiB })).toThrow(RangeError);
    expect(() => new Kernel({ ramSize: 897 * MiB })).toThrow(String(897 * MiB));
  });

  it('rejects a non-integer size with RangeError', () => {
    expect(() => new Kernel({ ramSize: 8.5 * MiB })).toThrow(RangeError);
    expect(() => new Kernel({ ramSize: Number.NaN })).toThrow(RangeError);
  });

  it('accepts exactly 8 MiB and exactly 896 MiB', () => {
    expect(new Kernel({ ramSize: 8 * MiB }).memory.size).toBe(8 * MiB);
    expect(new Kernel({ ramSize: 896 * MiB }).memory.size).toBe(896 * MiB);
  });

  it('rejects RAM that cannot hold the kernel image, boot image and heap', () => {
    expect(() => new Kernel({ ramSize: 8 * MiB, kernelImageSize: 7 * MiB })).toThrow(RangeError);
  });
});
