// Memory: access flag values (LSB-first, §4.1 and §10.1) and the mapping descriptor.
import { describe, expect, it } from 'vitest';
import { Memory } from '../../../engine/index';

describe('Memory access flags', () => {
  it('have FreeNOS values, Readable the least significant bit', () => {
    expect([Memory.None, Memory.Readable, Memory.Writable, Memory.Executable, Memory.User,
      Memory.Uncached, Memory.InnerCached, Memory.OuterCached, Memory.Device])
      .toEqual([0, 1, 2, 4, 8, 16, 32, 64, 128]);
    expect(Memory.Access.Device).toBe(0x80);
  });

  it('combine as documented', () => {
    expect(Memory.User | Memory.Readable | Memory.Writable).toBe(0x0b);
    expect(Memory.User | Memory.Readable | Memory.Writable | Memory.Executable).toBe(0x0f);
    expect(Memory.Readable | Memory.Writable | Memory.Executable).toBe(7);
    expect(Memory.Readable | Memory.Writable | Memory.Device).toBe(0x83);
  });

  it('names the flags of a value, lowest bit first', () => {
    expect(Memory.accessNames(0x0b)).toEqual(['Readable', 'Writable', 'User']);
    expect(Memory.accessNames(0)).toEqual([]);
  });

  it('has a Range with virt, phys, size and access', () => {
    const range: Memory.Range = { virt: 0xc0000000, phys: 0x1000, size: 4096, access: Memory.Readable };
    expect(Object.keys(range)).toEqual(['virt', 'phys', 'size', 'access']);
  });
});
