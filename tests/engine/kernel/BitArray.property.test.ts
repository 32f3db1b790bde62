// Property-based tests for BitArray (docs/freenos-memory.md §3, bit order §10.1).
// Random sequences of set/unset/setRange/clear/setNext (and setArray) run against the engine and
// against a boolean[] model written from the doc text alone, not from the engine code. After
// every operation they compare result codes, returned bits, count(true)/count(false), isSet of
// every bit and the raw bytes (bit n in byte n/8 under mask 1 << (n % 8)), over a default host
// buffer, a caller's host buffer and a bitmap in emulated memory at an unaligned address; the
// bytes around a caller's buffer must never be written. Fixed seeds keep every run identical.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AssertionError, BitArray, Fault, PhysicalMemory, type BitBuffer } from '../../../engine/index';
import { WatchedMemory } from '../WatchedMemory';

const SEED = 20261124;
const U32_MAX = 2 ** 32 - 1;
/** Result codes as numbered in §3: 0 Success, 2 OutOfMemory. */
const SUCCESS = 0;
const OUT_OF_MEMORY = 2;

// ---------------------------------------------------------------------------------------------
// The model: §3 restated over a boolean[].

class BitArrayModel {
  readonly bits: boolean[];

  constructor(readonly size: number, initial?: boolean[]) {
    this.bits = initial ? [...initial] : new Array<boolean>(size).fill(false);
  }

  /** Bits at or past size are silently ignored. */
  set(bit: number, value: boolean = true): void {
    if (bit < this.size) this.bits[bit] = value;
  }

  /** from..to inclusive; bits at or past size are ignored. */
  setRange(from: number, to: number): void {
    for (let i = from; i <= to && i < this.size; i++) this.bits[i] = true;
  }

  clear(): void {
    this.bits.fill(false);
  }

  count(on: boolean): number {
    return this.bits.filter((b) => b === on).length;
  }

  /** §3 "setNext, exact behaviour"; bit is -1 when nothing was found. */
  setNext(count: number, start: number, boundary: number): { result: number; bit: number } {
    const fail = { result: OUT_OF_MEMORY, bit: -1 };
    if (count === 0) {
      // Quirk: first clear bit i >= start; aligned -> set i, return i; else set 0..i, return 0.
      for (let i = start; i < this.size; i++) {
        if (this.bits[i]) continue;
        if (i % boundary === 0) {
          this.bits[i] = true;
          return { result: SUCCESS, bit: i };
        }
        for (let j = 0; j <= i; j++) this.bits[j] = true;
        return { result: SUCCESS, bit: 0 };
      }
      return fail;
    }
    if (start >= this.size) return fail;
    // used[q] = number of set bits below q, so p..p+count-1 are clear iff used[p+count] == used[p].
    const used = [0];
    for (let i = 0; i < this.size; i++) used.push(used[i]! + (this.bits[i] ? 1 : 0));
    for (let p = start; p + count <= this.size; p++) {
      if (p % boundary === 0 && used[p + count] === used[p]) {
        for (let j = p; j < p + count; j++) this.bits[j] = true;
        return { result: SUCCESS, bit: p };
      }
    }
    return fail;
  }

  /** Expected byte j of the bitmap: LSB-first, padding bits 0. */
  byte(j: number): number {
    let value = 0;
    for (let k = 0; k < 8; k++) if (this.bits[j * 8 + k]) value |= 1 << k;
    return value;
  }
}

// ---------------------------------------------------------------------------------------------
// Storage: where the bits live, and checks that nothing around them is written.


type Kind = 'host' | 'host-buffer' | 'memory';
const KINDS: Kind[] = ['host', 'host-buffer', 'memory'];
/** Where an emulated bitmap goes: unaligned, straddling a frame boundary, or at the top of memory. */
type Place = 'unaligned' | 'frame-edge' | 'top';
const SENTINEL = 0xaa;
const GUARD = 5;

interface Storage {
  /** The buffer to give the BitArray (undefined: let it allocate its own). */
  buffer: BitBuffer | undefined;
  /** Whether the bitmap bytes held junk before construction (then padding bits are unspecified). */
  junk: boolean;
  bytes(array: BitArray): Uint8Array;
  /** Throws unless the guard bytes around the bitmap still hold the sentinel and were never written. */
  checkGuards(context: string): void;
}

function readBytes(memory: PhysicalMemory, address: number, length: number): Uint8Array {
  const bytes = memory.read(address, length);
  if (bytes === Fault) throw new Error(`cannot read ${length} bytes at 0x${address.toString(16)}`);
  return bytes;
}

/** Storage of `kind` for a bitmap of `bits` bits whose bytes first hold `junk` (0 = clean). */
function makeStorage(kind: Kind, bits: number, junk: number, place: Place = 'unaligned'): Storage {
  const length = Math.ceil(bits / 8);
  if (kind === 'host') {
    return {
      buffer: undefined,
      junk: false,
      bytes: (array) => {
        const buffer = array.array();
        if (!(buffer instanceof Uint8Array)) throw new Error('default buffer is not host memory');
        return buffer.subarray(0, length);
      },
      checkGuards: () => {},
    };
  }
  if (kind === 'host-buffer') {
    const backing = new Uint8Array(GUARD + length + GUARD).fill(SENTINEL);
    const view = backing.subarray(GUARD, GUARD + length).fill(junk);
    return {
      buffer: view,
      junk: junk !== 0,
      bytes: () => view,
      checkGuards: (context) => {
        const guards = [...backing.subarray(0, GUARD), ...backing.subarray(GUARD + length)];
        expect(guards, `${context}: guard bytes around the host buffer`).toEqual(new Array<number>(2 * GUARD).fill(SENTINEL));
      },
    };
  }
  const memory = new WatchedMemory();
  const address = place === 'unaligned' ? 0x1003 : place === 'frame-edge' ? 0x2ffd : 2 ** 32 - GUARD - length;
  memory.fill(address - GUARD, SENTINEL, GUARD);
  memory.fill(address + length, SENTINEL, GUARD);
  memory.fill(address, junk, length);
  memory.watch(address, address + length);
  return {
    buffer: { memory, address },
    junk: junk !== 0,
    bytes: () => readBytes(memory, address, length),
    checkGuards: (context) => {
      expect(memory.stray, `${context}: writes outside the bitmap at 0x${address.toString(16)}`).toEqual([]);
      const guards = [...readBytes(memory, address - GUARD, GUARD), ...readBytes(memory, address + length, GUARD)];
      expect(guards, `${context}: guard bytes around the bitmap`).toEqual(new Array<number>(2 * GUARD).fill(SENTINEL));
    },
  };
}

/** Everything observable agrees with the model. */
function checkState(array: BitArray, model: BitArrayModel, storage: Storage, context: string): void {
  expect(array.size(), `${context}: size()`).toBe(model.size);
  expect(array.count(true), `${context}: count(true)`).toBe(model.count(true));
  expect(array.count(false), `${context}: count(false)`).toBe(model.count(false));
  let differs = -1;
  for (let i = 0; i < model.size && differs < 0; i++) if (array.isSet(i) !== model.bits[i]) differs = i;
  expect(differs, `${context}: first bit whose isSet() differs from the model`).toBe(-1);
  const bytes = storage.bytes(array);
  const length = Math.ceil(model.size / 8);
  expect(bytes.length, `${context}: bitmap bytes`).toBe(length);
  for (let j = 0; j < length; j++) {
    // With junk in the buffer beforehand the padding bits of the last byte are not specified.
    const valid = Math.min(8, model.size - j * 8);
    const mask = storage.junk ? 0xff >> (8 - valid) : 0xff;
    if ((bytes[j]! & mask) !== model.byte(j)) {
      expect(`byte ${j} = 0x${bytes[j]!.toString(16)}`, `${context}: bitmap byte (LSB-first)`)
        .toBe(`byte ${j} = 0x${model.byte(j).toString(16)}`);
    }
  }
  storage.checkGuards(context);
}

// ---------------------------------------------------------------------------------------------
// Operations.

type Op =
  | { op: 'set'; bit: number; value?: boolean }
  | { op: 'unset'; bit: number }
  | { op: 'setRange'; from: number; to: number }
  | { op: 'setStride'; from: number; step: number; times: number }
  | { op: 'clear' }
  | { op: 'setNext'; count: number; start: number; boundary: number }
  | { op: 'setNextDefaults' };

function opArb(size: number): fc.Arbitrary<Op> {
  const last = Math.max(0, size - 1);
  const bit = fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: last }) },
    { weight: 1, arbitrary: fc.integer({ min: size, max: size + 40 }) },
    { weight: 1, arbitrary: fc.constantFrom(0, last, size, U32_MAX) },
  );
  const count = fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 8 }) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: Math.min(size + 2, 100) }) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: size + 2 }) },
  );
  const start = fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 5, arbitrary: fc.integer({ min: 0, max: size + 8 }) },
    { weight: 1, arbitrary: fc.integer({ min: size, max: size + 64 }) },
  );
  const boundary = fc.oneof(
    { weight: 3, arbitrary: fc.constant(1) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }) },
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), bit, value: fc.option(fc.boolean(), { nil: undefined }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('unset' as const), bit }) },
    {
      weight: 2,
      arbitrary: fc.record({ from: fc.integer({ min: 0, max: size + 8 }), length: fc.integer({ min: -2, max: size + 40 }) })
        .map(({ from, length }) => ({ op: 'setRange' as const, from, to: Math.max(0, from + length) })),
    },
    {
      // Many single set() calls: fragments the bitmap so that searches must skip holes across words.
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('setStride' as const),
        from: fc.integer({ min: 0, max: last }),
        step: fc.integer({ min: 1, max: 70 }),
        times: fc.integer({ min: 1, max: 200 }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ op: 'clear' as const }) },
    { weight: 8, arbitrary: fc.record({ op: fc.constant('setNext' as const), count, start, boundary }) },
    { weight: 1, arbitrary: fc.constant({ op: 'setNextDefaults' as const }) },
  );
}

/** Applies `op` to both and compares what it returns. */
function apply(array: BitArray, model: BitArrayModel, op: Op, context: string): void {
  switch (op.op) {
    case 'set':
      if (op.value === undefined) array.set(op.bit);
      else array.set(op.bit, op.value);
      model.set(op.bit, op.value ?? true);
      return;
    case 'unset':
      array.unset(op.bit);
      model.set(op.bit, false);
      return;
    case 'setRange':
      array.setRange(op.from, op.to);
      model.setRange(op.from, op.to);
      return;
    case 'setStride':
      for (let k = 0, bit = op.from; k < op.times; k++, bit += op.step) {
        array.set(bit);
        model.set(bit);
      }
      return;
    case 'clear':
      array.clear();
      model.clear();
      return;
    case 'setNext':
    case 'setNextDefaults': {
      const [count, start, boundary] = op.op === 'setNext' ? [op.count, op.start, op.boundary] : [1, 0, 1];
      const got = op.op === 'setNext' ? array.setNext(count, start, boundary) : array.setNext();
      const want = model.setNext(count, start, boundary);
      expect(got.result, `${context}: setNext result`).toBe(want.result);
      if (want.result === SUCCESS) expect(got.bit, `${context}: setNext bit`).toBe(want.bit);
      return;
    }
  }
}

/** Runs `ops` on a fresh array over `storage`, checking the state before and after each one. */
function runSequence(size: number, storage: Storage, ops: Op[]): void {
  const array = new BitArray(size, storage.buffer);
  const model = new BitArrayModel(size);
  if (storage.buffer !== undefined) expect(array.array()).toBe(storage.buffer);
  checkState(array, model, storage, 'after construction');
  ops.forEach((op, i) => {
    const context = `op #${i} ${JSON.stringify(op)}`;
    apply(array, model, op, context);
    checkState(array, model, storage, context);
  });
  // Debug builds assert bit < size in isSet.
  expect(() => array.isSet(size)).toThrow(AssertionError);
}

const smallSize = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 200 }) },
  { weight: 2, arbitrary: fc.constantFrom(1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 127, 129) },
);
const junkArb = fc.oneof(fc.constant(0), fc.constant(0xff), fc.integer({ min: 1, max: 255 }));
const placeArb = fc.constantFrom<Place>('unaligned', 'frame-edge', 'top');

function scenario(sizeArb: fc.Arbitrary<number>, maxOps: number) {
  return sizeArb.chain((size) => fc.record({
    size: fc.constant(size),
    junk: junkArb,
    place: placeArb,
    ops: fc.array(opArb(size), { minLength: 1, maxLength: maxOps }),
  }));
}

describe('BitArray matches a model of §3 (property-based)', () => {
  it('the model and the engine agree with the doc\'s own examples', () => {
    const model = new BitArrayModel(128);
    const array = new BitArray(128);
    model.setRange(0, 128);
    array.setRange(0, 128);
    expect([model.count(true), array.count(true)]).toEqual([128, 128]);
    // count 0, first clear bit 3 is not a multiple of 4: bits 0..3 set, bit 0 returned.
    const quirkModel = new BitArrayModel(10);
    const quirk = new BitArray(10);
    quirkModel.setRange(0, 2);
    quirk.setRange(0, 2);
    expect(quirkModel.setNext(0, 0, 4)).toEqual({ result: SUCCESS, bit: 0 });
    expect(quirk.setNext(0, 0, 4)).toEqual({ result: SUCCESS, bit: 0 });
    expect(quirkModel.count(true)).toBe(4);
    expect(quirk.count(true)).toBe(4);
    // LSB-first: bit 9 is byte 1, mask 0x02.
    const lsb = new BitArrayModel(16);
    lsb.set(9);
    expect([lsb.byte(0), lsb.byte(1)]).toEqual([0, 2]);
  });

  for (const kind of KINDS) {
    describe(`over ${kind === 'host' ? 'its own host buffer' : kind === 'host-buffer' ? 'a caller\'s host buffer' : 'emulated memory'}`, () => {
      it('random operation sequences on 0..200-bit arrays', () => {
        fc.assert(fc.property(scenario(smallSize, 50), ({ size, junk, place, ops }) => {
          runSequence(size, makeStorage(kind, size, junk, place), ops);
        }), { seed: SEED, numRuns: 120 });
      });

      it('random operation sequences on 1000..5000-bit arrays', () => {
        fc.assert(fc.property(scenario(fc.integer({ min: 1000, max: 5000 }), 40), ({ size, junk, place, ops }) => {
          runSequence(size, makeStorage(kind, size, junk, place), ops);
        }), { seed: SEED, numRuns: 15 });
      });
    });
  }

  for (const kind of ['host-buffer', 'memory'] as const) {
    it(`setArray adopts a ${kind === 'memory' ? 'bitmap in emulated memory' : 'host buffer'} without clearing it`, () => {
      const arb = fc.record({
        before: fc.integer({ min: 0, max: 64 }),
        size: fc.integer({ min: 1, max: 200 }),
        keepSize: fc.boolean(),
        seedBytes: fc.uint8Array({ minLength: 25, maxLength: 25 }),
        junk: junkArb,
      }).chain((s) => fc.record({ s: fc.constant(s), ops: fc.array(opArb(s.size), { minLength: 1, maxLength: 30 }) }));
      fc.assert(fc.property(arb, ({ s, ops }) => {
        // The buffer holds arbitrary bits; setArray must take them as they are.
        const { size } = s;
        const storage = makeStorage(kind, size, 0);
        const length = Math.ceil(size / 8);
        const content = Uint8Array.from({ length }, (_, j) => s.seedBytes[j % 25]! ^ ((j * s.junk) & 0xff));
        const buffer = storage.buffer!;
        if (buffer instanceof Uint8Array) buffer.set(content);
        else buffer.memory.write(buffer.address, content);
        // keepSize: an array of the same size adopts the buffer with bitCount 0 (size unchanged);
        // otherwise an array of another size adopts it with bitCount = size.
        const array = new BitArray(s.keepSize ? size : s.before);
        array.setArray(buffer, s.keepSize ? 0 : size);
        const initial = Array.from({ length: size }, (_, n) => (content[n >> 3]! & (1 << (n % 8))) !== 0);
        const model = new BitArrayModel(size, initial);
        // Padding bits of the adopted buffer are whatever the caller left there.
        const adopted: Storage = { ...storage, junk: true };
        expect(array.array()).toBe(buffer);
        checkState(array, model, adopted, 'after setArray');
        ops.forEach((op, i) => {
          const context = `op #${i} ${JSON.stringify(op)}`;
          apply(array, model, op, context);
          checkState(array, model, adopted, context);
        });
      }), { seed: SEED, numRuns: 80 });
    });
  }

  // §3: for count >= 1, "start >= size -> OutOfMemory" and nothing changes. The engine rounds
  // start up to the boundary modulo 2^32 before comparing it with size, so a start near 2^32 wraps
  // to a small index and succeeds there: new BitArray(10).setNext(1, 0xFFFFFFFF, 2) returns
  // { result: Success, bit: 0 } and sets bit 0. This test fails on the engine as it is.
  it('setNext(count >= 1) with a start near 2^32 is OutOfMemory and changes nothing', () => {
    const arb = fc.record({
      size: fc.integer({ min: 1, max: 200 }),
      count: fc.integer({ min: 1, max: 8 }),
      start: fc.integer({ min: 2 ** 32 - 64, max: U32_MAX }),
      boundary: fc.integer({ min: 1, max: 40 }),
      preset: fc.array(fc.nat(), { maxLength: 20 }),
    });
    fc.assert(fc.property(arb, ({ size, count, start, boundary, preset }) => {
      const array = new BitArray(size);
      const model = new BitArrayModel(size);
      for (const bit of preset) {
        array.set(bit % size);
        model.set(bit % size);
      }
      const storage = makeStorage('host', size, 0);
      const got = array.setNext(count, start, boundary);
      const want = model.setNext(count, start, boundary);
      expect(want.result).toBe(OUT_OF_MEMORY);
      expect(got.result, `setNext(${count}, ${start}, ${boundary}) on ${size} bits`).toBe(OUT_OF_MEMORY);
      checkState(array, model, storage, `after setNext(${count}, ${start}, ${boundary})`);
    }), { seed: SEED, numRuns: 200 });
  });

  it('setNext(0) with a start at or past size is OutOfMemory, also near 2^32', () => {
    const arb = fc.record({
      size: fc.integer({ min: 0, max: 200 }),
      offset: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.constant(-1)),
      boundary: fc.integer({ min: 1, max: 40 }),
    });
    fc.assert(fc.property(arb, ({ size, offset, boundary }) => {
      const start = offset < 0 ? U32_MAX : size + offset;
      const array = new BitArray(size);
      expect(array.setNext(0, start, boundary).result).toBe(OUT_OF_MEMORY);
      expect(array.count(true)).toBe(0);
    }), { seed: SEED, numRuns: 100 });
  });
});
