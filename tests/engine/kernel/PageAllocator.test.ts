// PageAllocator (§2.5, §10.8): grows the user heap from 0xB0001000 in 128 KiB multiples through
// VMCtl MapSparse, reports the granted size, never frees, overflow test ">=" on the raw size.
import { describe, expect, it } from 'vitest';
import { Allocator, EventLog, Memory, MemoryOperation, PageAllocator, SELF, type VMCtlCall } from '../../../engine/index';

const { Success, InvalidAddress, OutOfMemory } = Allocator.Result;
const range = (size: number, alignment = 0): Allocator.Range => ({ address: 0, size, alignment });
const USER_HEAP = { address: 0xb0000000, size: 0x10000000, alignment: 4096 };
const KiB128 = 128 * 1024;

function heap(vmctl: VMCtlCall = () => 0, log?: EventLog) {
  const calls: [number, number, Memory.Range][] = [];
  const allocator = new PageAllocator(USER_HEAP, {
    vmctl: (pid, op, r) => {
      calls.push([pid, op, { ...r }]);
      return vmctl(pid, op, r);
    },
    log,
  });
  return { allocator, calls };
}

describe('PageAllocator', () => {
  it('starts one page into UserHeap and hands out 128 KiB at a time, strictly increasing (§10.8)', () => {
    const { allocator } = heap();
    expect(allocator.available()).toBe(0x10000000 - 4096);
    const first = range(1);
    const second = range(100);
    expect(allocator.allocate(first)).toBe(Success);
    expect(allocator.allocate(second)).toBe(Success);
    expect([first.address, first.size]).toEqual([0xb0001000, KiB128]);
    expect([second.address, second.size]).toEqual([0xb0021000, KiB128]);
  });

  it('rounds larger requests up to 128 KiB multiples and reports the granted size in args.size', () => {
    const { allocator } = heap();
    const r = range(200000, 64);
    expect(allocator.allocate(r)).toBe(Success);
    expect(r).toEqual({ address: 0xb0001000, size: 2 * KiB128, alignment: 64 });
    expect(allocator.available()).toBe(0x10000000 - 4096 - 2 * KiB128);
  });

  it('asks the kernel with VMCtl(SELF, MapSparse, {virt, phys 0, size, User|Readable|Writable})', () => {
    const { allocator, calls } = heap();
    allocator.allocate(range(1));
    expect(calls).toEqual([[SELF, MemoryOperation.MapSparse, { virt: 0xb0001000, phys: 0, size: KiB128, access: 0x0b }]]);
    expect(SELF).toBe(65534);
    expect(MemoryOperation.MapSparse).toBe(1);
  });

  it('fails with OutOfMemory when VMCtl fails, with args.address already written', () => {
    const log = new EventLog();
    const { allocator } = heap(() => 6, log);
    const r = range(1);
    expect(allocator.allocate(r)).toBe(OutOfMemory);
    expect(r.address).toBe(0xb0001000);
    expect(r.size).toBe(1);
    expect(allocator.available()).toBe(0x10000000 - 4096);
    expect(log.events).toContainEqual({ type: 'syscall', caller: 'PageAllocator', call: 'VMCtl', operation: 1,
      virt: 0xb0001000, size: KiB128, result: 6 });
  });

  it('fits at most 2047 minimum-size chunks ([derived])', () => {
    const { allocator } = heap();
    let granted = 0;
    while (allocator.allocate(range(1)) === Success) granted++;
    expect(granted).toBe(2047);
    expect(0x10000000 - allocator.available()).toBe(268308480);
  });

  it('tests overflow with ">=" on the un-rounded size, so rounding can run past UserHeap (§10.8)', () => {
    const exact = heap().allocator;
    for (let i = 0; i < 2046; i++) exact.allocate(range(1));
    expect(exact.allocate(range(258048))).toBe(OutOfMemory);
    const r = range(258047);
    expect(exact.allocate(r)).toBe(Success);
    expect(r.size).toBe(2 * KiB128);
    expect(exact.available()).toBe(2 ** 32 - 4096);
  });

  it('never frees: release is InvalidAddress', () => {
    const { allocator } = heap();
    const r = range(1);
    allocator.allocate(r);
    expect(allocator.release(r.address)).toBe(InvalidAddress);
    expect(allocator.available()).toBe(0x10000000 - 4096 - KiB128);
  });
});
