// PhysicalMemory: sparse frames, little-endian access, MemoryBlock-style range operations,
// faults as values, and access counting.
import { describe, expect, it } from 'vitest';
import { EventLog, Fault, PhysicalMemory } from '../../../engine/index';

describe('PhysicalMemory', () => {
  it('defaults to a 4 GiB space and rejects sizes that are not whole frames', () => {
    expect(new PhysicalMemory().size).toBe(2 ** 32);
    expect(() => new PhysicalMemory(1000)).toThrow(/multiple of 4096/);
    expect(() => new PhysicalMemory(2 ** 32 + 4096)).toThrow(RangeError);
    expect(() => new PhysicalMemory(0)).toThrow(RangeError);
  });

  it('reads zero from untouched frames without spending host memory', () => {
    const memory = new PhysicalMemory();
    expect(memory.read32(0x12345678)).toBe(0);
    expect(memory.read8(0xffffffff)).toBe(0);
    expect(memory.touchedFrames).toBe(0);
  });

  it('stores words little-endian', () => {
    const memory = new PhysicalMemory();
    memory.write32(0x1000, 0x11223344);
    expect([0, 1, 2, 3].map((i) => memory.read8(0x1000 + i))).toEqual([0x44, 0x33, 0x22, 0x11]);
    expect(memory.read16(0x1000)).toBe(0x3344);
    expect(memory.read16(0x1002)).toBe(0x1122);
    memory.write16(0x2001, 0xabcd);
    expect(memory.read8(0x2001)).toBe(0xcd);
    expect(memory.read8(0x2002)).toBe(0xab);
  });

  it('returns unsigned values and truncates written values to the access width', () => {
    const memory = new PhysicalMemory();
    memory.write32(0x100, -1);
    expect(memory.read32(0x100)).toBe(0xffffffff);
    memory.write8(0x200, 0x1ff);
    expect(memory.read8(0x200)).toBe(0xff);
    expect(memory.read8(0x201)).toBe(0);
  });

  it('handles words and halves that straddle two frames', () => {
    const memory = new PhysicalMemory();
    memory.write32(0x1ffe, 0xa1b2c3d4);
    expect(memory.read32(0x1ffe)).toBe(0xa1b2c3d4);
    expect(memory.read16(0x1fff)).toBe(0xb2c3);
    expect(memory.read8(0x2000)).toBe(0xb2);
    memory.write16(0x2fff, 0x5566);
    expect(memory.read8(0x2fff)).toBe(0x66);
    expect(memory.read8(0x3000)).toBe(0x55);
    expect(memory.touchedFrames).toBe(3);
  });

  it('is sparse: a 4 GiB space with 1 MiB touched holds 1 MiB of frames', () => {
    const memory = new PhysicalMemory();
    for (let i = 0; i < 256; i++) memory.write8(i * 0x1000000 + 0x7ff, 1);
    expect(memory.touchedFrames).toBe(256);
    expect(memory.hostBytes).toBe(1024 * 1024);
    expect(memory.touched()).toHaveLength(256);
    expect(memory.touched()[1]).toBe(0x1000000 / 4096);
  });

  it('does not materialize frames for zero writes and zero fills', () => {
    const memory = new PhysicalMemory();
    memory.write32(0x5000, 0);
    memory.fill(0x100000, 0, 1 << 20);
    expect(memory.touchedFrames).toBe(0);
    memory.fill(0x100000, 0x5a, 8192);
    expect(memory.touchedFrames).toBe(2);
  });

  it('faults outside [0, size) and on non-integer addresses, changing nothing', () => {
    const log = new EventLog();
    const memory = new PhysicalMemory(0x10000, { log });
    expect(memory.read8(0x10000)).toBe(Fault);
    expect(memory.read32(0xfffd)).toBe(Fault);
    expect(memory.write32(0xfffe, 7)).toBe(Fault);
    expect(memory.read16(-2)).toBe(Fault);
    expect(memory.read8(1.5)).toBe(Fault);
    expect(memory.read8(Number.NaN)).toBe(Fault);
    expect(memory.write(0xfff0, new Uint8Array(32))).toBe(Fault);
    expect(memory.fill(0xff00, 1, 0x200)).toBe(Fault);
    expect(memory.read(0, 0x10001)).toBe(Fault);
    expect(memory.touchedFrames).toBe(0);
    expect(memory.counters.faults).toBe(9);
    expect(memory.lastFault).toEqual({ operation: 'read', address: 0, size: 0x10001 });
    expect(log.events.filter((e) => e.type === 'fault')).toHaveLength(9);
    expect(memory.read32(0xfffc)).toBe(0);
  });

  it('reads and writes byte ranges across frames', () => {
    const memory = new PhysicalMemory();
    const bytes = Uint8Array.from({ length: 10000 }, (_, i) => (i * 7 + 1) & 0xff);
    expect(memory.write(0x3ff0, bytes)).toBe(10000);
    const back = memory.read(0x3ff0, 10000);
    expect(back).toEqual(bytes);
    expect(memory.read8(0x3ff0 + 4096)).toBe(bytes[4096]);
  });

  it('copies overlapping ranges like memmove and compares like MemoryBlock::compare', () => {
    const memory = new PhysicalMemory();
    memory.write(0x1000, Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(memory.copy(0x1002, 0x1000, 6)).toBe(6);
    expect(memory.read(0x1000, 8)).toEqual(Uint8Array.from([1, 2, 1, 2, 3, 4, 5, 6]));
    memory.write(0x9000, Uint8Array.from([1, 2, 1, 2]));
    expect(memory.compare(0x1000, 0x9000, 4)).toBe(true);
    expect(memory.compare(0x1000, 0x9000, 5)).toBe(false);
    expect(memory.compare(0x1000, 0xfffffff0, 0x20)).toBe(Fault);
    expect(memory.copy(0xfffffff0, 0x1000, 0x20)).toBe(Fault);
  });

  it('counts every access and the bytes moved', () => {
    const memory = new PhysicalMemory();
    memory.write32(0, 1);
    memory.read8(0);
    memory.read16(0);
    memory.fill(0x100, 9, 100);
    memory.read(0x100, 50);
    memory.copy(0x400, 0x100, 10);
    expect(memory.counters).toEqual({ reads: 4, writes: 3, bytesRead: 63, bytesWritten: 114, faults: 0 });
  });
});
