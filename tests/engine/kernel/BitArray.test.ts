// BitArray (§3): LSB-first storage, running count, setRange inclusive, setArray, setNext and its
// zero-count quirk, over host buffers and emulated memory.
import { describe, expect, it } from 'vitest';
import { AssertionError, BitArray, EventLog, PhysicalMemory } from '../../../engine/index';

const { Success, OutOfMemory } = BitArray.Result;

describe('BitArray', () => {
  it('has FreeNOS result codes', () => {
    expect([BitArray.Result.Success, BitArray.Result.InvalidArgument, BitArray.Result.OutOfMemory]).toEqual([0, 1, 2]);
  });

  it('stores bit n in byte n/8 under mask 1 << (n % 8) (§10.1)', () => {
    const buffer = new Uint8Array(4);
    const bits = new BitArray(32, buffer);
    bits.set(0);
    bits.set(9);
    bits.set(31);
    expect(Array.from(buffer)).toEqual([0x01, 0x02, 0x00, 0x80]);
  });

  it('clears the buffer it is given at construction', () => {
    const buffer = Uint8Array.from([0xff, 0xff]);
    const bits = new BitArray(16, buffer);
    expect(Array.from(buffer)).toEqual([0, 0]);
    expect(bits.count(true)).toBe(0);
    expect(bits.count(false)).toBe(16);
  });

  it('counts a bit once however often it is set, and ignores bits past the end', () => {
    const bits = new BitArray(10);
    for (let i = 0; i < 10; i++) bits.set(3);
    bits.set(10);
    bits.set(1000);
    expect(bits.count(true)).toBe(1);
    bits.unset(3);
    bits.unset(3);
    expect(bits.count(true)).toBe(0);
    expect(bits.size()).toBe(10);
  });

  it('setRange is inclusive and stops at the end: setRange(0, 128) on 128 bits sets 0..127', () => {
    const bits = new BitArray(128);
    bits.setRange(0, 128);
    expect(bits.count(true)).toBe(128);
    const small = new BitArray(20);
    small.setRange(3, 5);
    expect([2, 3, 4, 5, 6].map((b) => small.isSet(b))).toEqual([false, true, true, true, false]);
    small.setRange(7, 6);
    expect(small.count(true)).toBe(3);
  });

  it('asserts isSet below size in debug builds and reads clear past the end in release builds', () => {
    const debug = new BitArray(8);
    expect(() => debug.isSet(8)).toThrow(AssertionError);
    expect(() => debug.isSet(8)).toThrow(/bit 8 is outside the array of 8 bits/);
    expect(new BitArray(8, undefined, { mode: 'release' }).isSet(8)).toBe(false);
  });

  it('clear() empties everything', () => {
    const bits = new BitArray(70);
    bits.setRange(0, 69);
    bits.clear();
    expect(bits.count(true)).toBe(0);
    expect(bits.isSet(69)).toBe(false);
  });

  it('setArray adopts a buffer without clearing it and recounts; a bitCount replaces the size', () => {
    const bits = new BitArray(16);
    const other = Uint8Array.from([0b1011, 0xff, 0x01]);
    bits.setArray(other);
    expect(bits.array()).toBe(other);
    expect(bits.count(true)).toBe(11);
    bits.setArray(other, 20);
    expect(bits.size()).toBe(20);
    expect(bits.count(true)).toBe(12);
    bits.setArray(other, 4);
    expect(bits.count(true)).toBe(3);
  });

  it('setNext finds the lowest aligned run at or after start', () => {
    const bits = new BitArray(64);
    expect(bits.setNext(3)).toEqual({ result: Success, bit: 0 });
    expect(bits.setNext(2, 0, 4)).toEqual({ result: Success, bit: 4 });
    expect(bits.setNext(1, 5)).toEqual({ result: Success, bit: 6 });
    expect(bits.setNext(8, 0, 8)).toEqual({ result: Success, bit: 8 });
    expect(bits.setNext(1, 63)).toEqual({ result: Success, bit: 63 });
    expect(bits.setNext(2, 62)).toEqual({ result: OutOfMemory, bit: -1 });
    expect(bits.setNext(1, 64)).toEqual({ result: OutOfMemory, bit: -1 });
  });

  it('setNext fails without changing anything when no run fits', () => {
    const bits = new BitArray(40);
    bits.set(10);
    bits.set(30);
    expect(bits.setNext(20)).toEqual({ result: OutOfMemory, bit: -1 });
    expect(bits.count(true)).toBe(2);
    expect(bits.setNext(19)).toEqual({ result: Success, bit: 11 });
  });

  it('setNext with count 0 takes the first clear bit when it is aligned', () => {
    const bits = new BitArray(16);
    bits.setRange(0, 3);
    expect(bits.setNext(0, 0, 4)).toEqual({ result: Success, bit: 4 });
    expect(bits.count(true)).toBe(5);
  });

  it('setNext with count 0 and an unaligned first clear bit sets every bit 0..i and returns 0 (§3 quirk)', () => {
    const bits = new BitArray(16);
    bits.set(0);
    bits.set(1);
    bits.set(5);
    const result = bits.setNext(0, 0, 4);
    expect(result).toEqual({ result: Success, bit: 0 });
    expect([0, 1, 2, 3, 4, 5, 6].map((b) => bits.isSet(b))).toEqual([true, true, true, false, false, true, false]);
    expect(bits.count(true)).toBe(4);
    const full = new BitArray(8);
    full.setRange(0, 7);
    expect(full.setNext(0)).toEqual({ result: OutOfMemory, bit: -1 });
  });

  it('works the same over a bitmap in emulated memory, counting its accesses there', () => {
    const memory = new PhysicalMemory();
    memory.fill(0x2000, 0xaa, 16);
    const bits = new BitArray(50, { memory, address: 0x2001 });
    expect(memory.read8(0x2000)).toBe(0xaa);
    expect([1, 2, 3, 4, 5, 6, 7].map((i) => memory.read8(0x2000 + i))).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(memory.read8(0x2008)).toBe(0xaa);
    expect(bits.setNext(10, 3, 1)).toEqual({ result: Success, bit: 3 });
    expect(memory.read8(0x2001)).toBe(0xf8);
    expect(memory.read8(0x2002)).toBe(0x1f);
    bits.set(49);
    expect(memory.read8(0x2007)).toBe(0x02);
    expect(memory.read8(0x2008)).toBe(0xaa);
    const reads = memory.counters.reads;
    bits.setNext(1, 0);
    expect(memory.counters.reads).toBeGreaterThan(reads);
  });

  it('sees changes made to its emulated memory by others', () => {
    const memory = new PhysicalMemory();
    const bits = new BitArray(32, { memory, address: 0x3000 });
    memory.write8(0x3000, 0xff);
    expect(bits.isSet(7)).toBe(true);
    expect(bits.setNext(1)).toEqual({ result: Success, bit: 8 });
  });

  it('records what it changed as bits events', () => {
    const log = new EventLog();
    const bits = new BitArray(16, undefined, { log, name: 'map' });
    const { events } = log.capture(() => {
      bits.setNext(3, 2);
      bits.set(2);
      bits.unset(3);
    });
    expect(events).toEqual([
      { type: 'bits', bitmap: 'map', from: 2, to: 4, value: true, changed: 3 },
      { type: 'bits', bitmap: 'map', from: 3, to: 3, value: false, changed: 1 },
    ]);
  });

  it('rejects a bit count that is not an unsigned 32-bit integer, and a buffer too small', () => {
    expect(() => new BitArray(-1)).toThrow(/BitArray.constructor: bitCount must be an unsigned 32-bit integer/);
    expect(() => new BitArray(17, new Uint8Array(2))).toThrow(/cannot hold 17 bits/);
  });
});
