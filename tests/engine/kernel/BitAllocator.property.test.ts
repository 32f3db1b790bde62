// Property-based tests for BitAllocator (docs/freenos-memory.md §2.1, with §3 setNext and §10.2-5).
// Random sequences of allocate/allocateFrom/allocateAt/release run against the engine and against
// a model written from the doc text alone, not from the engine code: a boolean[] of chunks plus
// lastBit, next fit (search from lastBit, then once from 0 on OutOfMemory), alignment counted in
// chunks relative to base, InvalidAlignment (3) when alignment % chunkSize != 0, the size-0
// quirks, release of exactly one chunk, available() = free chunks * chunkSize. Release mode
// takes double frees and foreign addresses; debug mode releases only allocated chunks and checks
// that anything else throws AssertionError. After every operation: results, addresses, args left
// alone, available(), bitmap counts, isAllocated() of every chunk and the bitmap bytes, over a
// host bitmap and one in emulated memory (unaligned; bytes around it never written). Fixed seeds.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Allocator, AssertionError, BitAllocator, Fault, PhysicalMemory, type BitBuffer, type BuildMode,
} from '../../../engine/index';
import { WatchedMemory } from '../WatchedMemory';

const SEED = 20261124;
const U32 = 2 ** 32;
const U32_MAX = U32 - 1;
/** Allocator result codes as numbered in §1.2. */
const SUCCESS = 0;
const INVALID_ALIGNMENT = 3;
const OUT_OF_MEMORY = 4;
/** What a request's address holds before the call; it must stay there unless the call succeeds. */
const UNTOUCHED = 0x5eed_0001;

// ---------------------------------------------------------------------------------------------
// The model: §2.1 over a boolean[] of chunks, with §3 setNext.

/** §3 setNext on `bits`: the first bit it took, or -1 (OutOfMemory, nothing changed). */
function setNext(bits: boolean[], count: number, start: number, boundary: number): number {
  const size = bits.length;
  if (count === 0) {
    for (let i = start; i < size; i++) {
      if (bits[i]) continue;
      if (i % boundary === 0) {
        bits[i] = true;
        return i;
      }
      for (let j = 0; j <= i; j++) bits[j] = true;
      return 0;
    }
    return -1;
  }
  if (start >= size) return -1;
  const used = [0];
  for (let i = 0; i < size; i++) used.push(used[i]! + (bits[i] ? 1 : 0));
  for (let p = start; p + count <= size; p++) {
    if (p % boundary === 0 && used[p + count] === used[p]) {
      for (let j = p; j < p + count; j++) bits[j] = true;
      return p;
    }
  }
  return -1;
}

class BitAllocatorModel {
  readonly chunks: number;
  readonly bits: boolean[];
  lastBit = 0;
  /** Test bookkeeping, not allocator state: the chunks the last successful allocation took. */
  recent: number[] = [];

  constructor(readonly base: number, readonly size: number, readonly chunk: number) {
    this.chunks = Math.floor(size / chunk);
    this.bits = new Array<boolean>(this.chunks).fill(false);
  }

  /** Address of chunk i, modulo 2^32. */
  address(i: number): number {
    return (this.base + i * this.chunk) % U32;
  }

  /** Chunk index of an address: (address - base) / chunkSize in unsigned 32-bit arithmetic. */
  chunkOf(address: number): number {
    return Math.floor(((address - this.base + U32) % U32) / this.chunk);
  }

  allocateFrom(size: number, alignment: number, start: number): { result: number; address?: number } {
    const count = Math.floor(size / this.chunk) + (size % this.chunk !== 0 ? 1 : 0);
    let boundary = 1;
    if (alignment !== 0) {
      if (alignment % this.chunk !== 0) return { result: INVALID_ALIGNMENT };
      boundary = alignment / this.chunk;
    }
    const before = [...this.bits];
    const first = setNext(this.bits, count, start, boundary);
    if (first < 0) return { result: OUT_OF_MEMORY };
    this.recent = this.indexes(true).filter((i) => !before[i]);
    this.lastBit = first;
    return { result: SUCCESS, address: this.address(first) };
  }

  allocate(size: number, alignment: number): { result: number; address?: number } {
    const first = this.allocateFrom(size, alignment, this.lastBit);
    return first.result === OUT_OF_MEMORY ? this.allocateFrom(size, alignment, 0) : first;
  }

  /** Release-build release/allocateAt: one bit, ignored past the last chunk. */
  setChunk(address: number, used: boolean): void {
    const i = this.chunkOf(address);
    if (i < this.chunks) this.bits[i] = used;
  }

  free(): number {
    return this.bits.filter((b) => !b).length;
  }

  /** Indexes of used (or free) chunks. */
  indexes(used: boolean): number[] {
    const out: number[] = [];
    this.bits.forEach((b, i) => b === used && out.push(i));
    return out;
  }

  byte(j: number): number {
    let value = 0;
    for (let k = 0; k < 8; k++) if (this.bits[j * 8 + k]) value |= 1 << k;
    return value;
  }
}

// ---------------------------------------------------------------------------------------------
// Where the bitmap lives.


type Kind = 'host' | 'host-buffer' | 'memory';
const KINDS: Kind[] = ['host', 'host-buffer', 'memory'];
const SENTINEL = 0xaa;
const GUARD = 5;

interface Storage {
  bitmap: BitBuffer | undefined;
  junk: boolean;
  bytes(allocator: BitAllocator): Uint8Array;
  checkGuards(context: string): void;
}

function readBytes(memory: PhysicalMemory, address: number, length: number): Uint8Array {
  const bytes = memory.read(address, length);
  if (bytes === Fault) throw new Error(`cannot read ${length} bytes at 0x${address.toString(16)}`);
  return bytes;
}

/** A bitmap for `chunks` bits whose bytes first hold `junk`: the constructor must clear them. */
function makeStorage(kind: Kind, chunks: number, junk: number): Storage {
  const length = Math.ceil(chunks / 8);
  if (kind === 'host') {
    return {
      bitmap: undefined,
      junk: false,
      bytes: (allocator) => {
        const buffer = allocator.bitmap().array();
        if (!(buffer instanceof Uint8Array)) throw new Error('default bitmap is not host memory');
        return buffer.subarray(0, length);
      },
      checkGuards: () => {},
    };
  }
  if (kind === 'host-buffer') {
    const backing = new Uint8Array(GUARD + length + GUARD).fill(SENTINEL);
    const view = backing.subarray(GUARD, GUARD + length).fill(junk);
    return {
      bitmap: view,
      junk: junk !== 0,
      bytes: () => view,
      checkGuards: (context) => {
        const guards = [...backing.subarray(0, GUARD), ...backing.subarray(GUARD + length)];
        expect(guards, `${context}: guard bytes around the host bitmap`).toEqual(new Array<number>(2 * GUARD).fill(SENTINEL));
      },
    };
  }
  const memory = new WatchedMemory();
  const address = 0x1003;
  memory.fill(address - GUARD, SENTINEL, GUARD);
  memory.fill(address + length, SENTINEL, GUARD);
  memory.fill(address, junk, length);
  memory.watch(address, address + length);
  return {
    bitmap: { memory, address },
    junk: junk !== 0,
    bytes: () => readBytes(memory, address, length),
    checkGuards: (context) => {
      expect(memory.stray, `${context}: writes outside the bitmap`).toEqual([]);
      const guards = [...readBytes(memory, address - GUARD, GUARD), ...readBytes(memory, address + length, GUARD)];
      expect(guards, `${context}: guard bytes around the bitmap`).toEqual(new Array<number>(2 * GUARD).fill(SENTINEL));
    },
  };
}

function checkState(allocator: BitAllocator, model: BitAllocatorModel, storage: Storage, context: string): void {
  expect(allocator.available(), `${context}: available()`).toBe(model.free() * model.chunk);
  const bitmap = allocator.bitmap();
  expect(bitmap.size(), `${context}: bitmap size`).toBe(model.chunks);
  expect(bitmap.count(true), `${context}: used chunks`).toBe(model.chunks - model.free());
  expect(bitmap.count(false), `${context}: free chunks`).toBe(model.free());
  let differs = -1;
  for (let i = 0; i < model.chunks && differs < 0; i++) {
    if (allocator.isAllocated(model.address(i)) !== model.bits[i]) differs = i;
  }
  expect(differs, `${context}: first chunk whose isAllocated() differs from the model`).toBe(-1);
  const bytes = storage.bytes(allocator);
  const length = Math.ceil(model.chunks / 8);
  expect(bytes.length).toBe(length);
  for (let j = 0; j < length; j++) {
    const valid = Math.min(8, model.chunks - j * 8);
    const mask = storage.junk ? 0xff >> (8 - valid) : 0xff;
    if ((bytes[j]! & mask) !== model.byte(j)) {
      expect(`byte ${j} = 0x${bytes[j]!.toString(16)}`, `${context}: bitmap byte (LSB-first)`)
        .toBe(`byte ${j} = 0x${model.byte(j).toString(16)}`);
    }
  }
  storage.checkGuards(context);
}

/** The AssertionError `fn` throws, checked field by field. */
function expectAssertion(fn: () => unknown, allocator: BitAllocator, operation: string, address: number, context: string): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `${context}: ${operation}(0x${address.toString(16)}) must fail a debug assertion`).toBeInstanceOf(AssertionError);
  const error = caught as AssertionError;
  expect(error.allocator, `${context}: AssertionError.allocator`).toBe(allocator.name);
  expect(error.operation, `${context}: AssertionError.operation`).toBe(operation);
  expect(error.address, `${context}: AssertionError.address`).toBe(address);
  expect(error.reason, `${context}: AssertionError.reason`).not.toBe('');
}

// ---------------------------------------------------------------------------------------------
// Scenarios and operations.

interface Setup {
  base: number;
  size: number;
  chunk: number;
  chunks: number;
  junk: number;
}

type Op =
  | { op: 'allocate'; size: number; alignment: number }
  | { op: 'allocateFrom'; size: number; alignment: number; start: number }
  /** The pick-th used chunk (none used: nothing to do). */
  | { op: 'release'; pick: number }
  /** A chunk of the most recent allocation that is still used (freeing a block chunk by chunk). */
  | { op: 'releaseRecent'; pick: number }
  /** The pick-th free chunk: a double free / release of something never allocated. */
  | { op: 'releaseFree'; pick: number }
  /** An address that is not a chunk of the range: inside a chunk, in the tail, or outside. */
  | { op: 'releaseForeign'; where: 'inside' | 'tail' | 'outside' | 'below'; x: number }
  /** The pick-th free chunk; release mode may point into the middle of it. */
  | { op: 'allocateAt'; pick: number; delta: number }
  | { op: 'allocateAtUsed'; pick: number };

const CHUNKS = [1, 2, 3, 4, 8, 12, 16, 24, 64, 100, 4096];

/** Range of `bits` chunks (plus a tail of less than a chunk), size a multiple of 4 as the constructor asserts. */
function setupArb(bits: fc.Arbitrary<number>): fc.Arbitrary<Setup> {
  return fc.record({
    base: fc.oneof(
      fc.constant(0),
      fc.constantFrom(0x1000, 0x1003, 0x8000_0000),
      fc.integer({ min: 0, max: U32_MAX }),
      fc.integer({ min: U32 - 0x4000, max: U32_MAX }), // the range wraps past 2^32
    ),
    chunk: fc.constantFrom(...CHUNKS),
    bits,
    tail: fc.nat(),
    junk: fc.oneof(fc.constant(0), fc.constant(0xff), fc.integer({ min: 1, max: 255 })),
  }).map(({ base, chunk, bits: wanted, tail, junk }) => {
    const size = Math.max(4, Math.ceil((wanted * chunk + (tail % chunk)) / 4) * 4);
    return { base, size, chunk, chunks: Math.floor(size / chunk), junk };
  });
}

function requestArbs(s: Setup) {
  const { chunk, chunks } = s;
  const size = fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 5, arbitrary: fc.integer({ min: 1, max: 3 * chunk }) },
    { weight: 2, arbitrary: fc.integer({ min: 1, max: 8 }).map((k) => k * chunk) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: chunks + 2 }).map((k) => k * chunk) },
    { weight: 1, arbitrary: fc.constantFrom(s.size, s.size + 1, chunks * chunk + 1, U32_MAX) },
  );
  const multiples = [
    { weight: 4, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 1, max: 40 }).map((k) => k * chunk) },
    { weight: 1, arbitrary: fc.constant(Math.floor(U32_MAX / chunk) * chunk) },
  ];
  const alignment = chunk === 1 ? fc.oneof(...multiples) : fc.oneof(
    ...multiples,
    {
      weight: 1,
      arbitrary: fc.record({ k: fc.integer({ min: 0, max: 40 }), d: fc.integer({ min: 1, max: chunk - 1 }) })
        .map(({ k, d }) => k * chunk + d),
    },
  );
  const start = fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.integer({ min: 0, max: chunks + 2 }) },
    { weight: 1, arbitrary: fc.integer({ min: chunks, max: chunks + 64 }) },
  );
  return { size, alignment, start };
}

function opArb(s: Setup, mode: BuildMode): fc.Arbitrary<Op> {
  const { size, alignment, start } = requestArbs(s);
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ op: fc.constant('allocate' as const), size, alignment }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('allocateFrom' as const), size, alignment, start }) },
    { weight: 6, arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat() }) },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('releaseRecent' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('releaseFree' as const), pick: fc.nat() }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('releaseForeign' as const),
        where: fc.constantFrom('inside' as const, 'tail' as const, 'outside' as const, 'below' as const),
        x: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.nat()),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('allocateAt' as const),
        pick: fc.nat(),
        delta: mode === 'debug' ? fc.constant(0) : fc.integer({ min: 0, max: s.chunk - 1 }),
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('allocateAtUsed' as const), pick: fc.nat() }) },
  );
}

/** An address that names no chunk (chunk index past the end, or not on a chunk boundary). */
function foreignAddress(model: BitAllocatorModel, where: 'inside' | 'tail' | 'outside' | 'below', x: number): number {
  const { chunk, chunks, size } = model;
  let offset: number;
  if (where === 'inside' && chunk > 1 && chunks > 0) offset = (x % chunks) * chunk + 1 + (x % (chunk - 1));
  else if (where === 'tail' && size > chunks * chunk) offset = chunks * chunk + (x % (size - chunks * chunk));
  else if (where === 'below') offset = U32 - 1 - (x % 64);
  else offset = size + (x % (U32 - size - 64));
  return (model.base + offset) % U32;
}

function apply(allocator: BitAllocator, model: BitAllocatorModel, op: Op, context: string): void {
  const debug = allocator.mode === 'debug';
  switch (op.op) {
    case 'allocate':
    case 'allocateFrom': {
      const args: Allocator.Range = { address: UNTOUCHED, size: op.size, alignment: op.alignment };
      const got = op.op === 'allocate' ? allocator.allocate(args) : allocator.allocateFrom(args, op.start);
      const want = op.op === 'allocate' ? model.allocate(op.size, op.alignment) : model.allocateFrom(op.size, op.alignment, op.start);
      expect(got, `${context}: result`).toBe(want.result);
      expect(args.address, `${context}: args.address`).toBe(want.address ?? UNTOUCHED);
      expect([args.size, args.alignment], `${context}: args.size and args.alignment are not modified`)
        .toEqual([op.size, op.alignment]);
      return;
    }
    case 'release':
    case 'releaseRecent': {
      const used = op.op === 'release' ? model.indexes(true) : model.recent.filter((i) => model.bits[i]);
      if (used.length === 0) return;
      const address = model.address(used[op.pick % used.length]!);
      expect(allocator.release(address), `${context}: release(0x${address.toString(16)})`).toBe(SUCCESS);
      model.setChunk(address, false);
      return;
    }
    case 'releaseFree': {
      const free = model.indexes(false);
      if (free.length === 0) return;
      const address = model.address(free[op.pick % free.length]!);
      if (debug) expectAssertion(() => allocator.release(address), allocator, 'release', address, context);
      else expect(allocator.release(address), `${context}: release of a free chunk`).toBe(SUCCESS);
      return;
    }
    case 'releaseForeign': {
      const address = foreignAddress(model, op.where, op.x);
      if (debug) {
        expectAssertion(() => allocator.release(address), allocator, 'release', address, context);
      } else {
        expect(allocator.release(address), `${context}: release(0x${address.toString(16)})`).toBe(SUCCESS);
        model.setChunk(address, false);
      }
      return;
    }
    case 'allocateAt': {
      const free = model.indexes(false);
      if (free.length === 0) return;
      const address = (model.address(free[op.pick % free.length]!) + op.delta) % U32;
      expect(allocator.allocateAt(address), `${context}: allocateAt(0x${address.toString(16)})`).toBe(SUCCESS);
      model.setChunk(address, true);
      return;
    }
    case 'allocateAtUsed': {
      const used = model.indexes(true);
      if (used.length === 0) return;
      const address = model.address(used[op.pick % used.length]!);
      if (debug) expectAssertion(() => allocator.allocateAt(address), allocator, 'allocateAt', address, context);
      else expect(allocator.allocateAt(address), `${context}: allocateAt of a used chunk`).toBe(SUCCESS);
      return;
    }
  }
}

function runSequence(mode: BuildMode, kind: Kind, s: Setup, ops: Op[]): void {
  const storage = makeStorage(kind, s.chunks, s.junk);
  const allocator = new BitAllocator({ address: s.base, size: s.size, alignment: 4 }, s.chunk,
    { mode, name: `Bits-${kind}`, ...(storage.bitmap === undefined ? {} : { bitmap: storage.bitmap }) });
  const model = new BitAllocatorModel(s.base, s.size, s.chunk);
  expect([allocator.base(), allocator.size(), allocator.chunkSize()]).toEqual([s.base, s.size, s.chunk]);
  if (storage.bitmap !== undefined) expect(allocator.bitmap().array()).toBe(storage.bitmap);
  checkState(allocator, model, storage, 'after construction');
  ops.forEach((op, i) => {
    const context = `op #${i} ${JSON.stringify(op)}`;
    apply(allocator, model, op, context);
    checkState(allocator, model, storage, context);
  });
}

function scenario(bits: fc.Arbitrary<number>, mode: BuildMode, maxOps: number) {
  return setupArb(bits).chain((s) => fc.record({
    s: fc.constant(s),
    ops: fc.array(opArb(s, mode), { minLength: 1, maxLength: maxOps }),
  }));
}

const smallBits = fc.oneof(
  { weight: 1, arbitrary: fc.constant(0) },
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 200 }) },
  { weight: 2, arbitrary: fc.constantFrom(1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 127, 129) },
);

describe('BitAllocator matches a model of §2.1 (property-based)', () => {
  it('the model and the engine agree with the doc\'s own examples', () => {
    // §10.3: allocate 10/10 chunks, free all: the next allocation returns the last chunk.
    const model = new BitAllocatorModel(0x1000, 40, 4);
    const allocator = new BitAllocator({ address: 0x1000, size: 40, alignment: 4 }, 4);
    for (let i = 0; i < 10; i++) {
      const args = { address: 0, size: 4, alignment: 0 };
      expect(allocator.allocate(args)).toBe(SUCCESS);
      expect(model.allocate(4, 0)).toEqual({ result: SUCCESS, address: args.address });
    }
    for (let i = 0; i < 10; i++) {
      allocator.release(0x1000 + 4 * i);
      model.setChunk(0x1000 + 4 * i, false);
    }
    const args = { address: 0, size: 4, alignment: 0 };
    expect(allocator.allocate(args)).toBe(SUCCESS);
    expect(args.address).toBe(0x1000 + 36);
    expect(model.allocate(4, 0)).toEqual({ result: SUCCESS, address: 0x1000 + 36 });
    // §2.1: size 0 with alignment 4 chunks after chunks 0..2 are used: bits 0..3 set, base returned.
    const quirk = new BitAllocatorModel(0x2000, 64, 4);
    const engine = new BitAllocator({ address: 0x2000, size: 64, alignment: 4 }, 4);
    expect(quirk.allocate(12, 0)).toEqual({ result: SUCCESS, address: 0x2000 });
    expect(engine.allocate({ address: 0, size: 12, alignment: 0 })).toBe(SUCCESS);
    const zero = { address: 0, size: 0, alignment: 16 };
    expect(quirk.allocate(0, 16)).toEqual({ result: SUCCESS, address: 0x2000 });
    expect([engine.allocate(zero), zero.address]).toEqual([SUCCESS, 0x2000]);
    expect([quirk.free(), engine.available()]).toEqual([12, 48]);
    // §10.4: alignment not a multiple of the chunk size is InvalidAlignment (3).
    expect(quirk.allocate(4, 6)).toEqual({ result: INVALID_ALIGNMENT });
    expect(engine.allocate({ address: 0, size: 4, alignment: 6 })).toBe(INVALID_ALIGNMENT);
  });

  for (const kind of KINDS) {
    const where = kind === 'host' ? 'its own host bitmap' : kind === 'host-buffer' ? 'a caller\'s host bitmap' : 'a bitmap in emulated memory';
    describe(`over ${where}`, () => {
      it('debug mode: sequences on 0..200 chunks; releasing a free chunk or a foreign address asserts', () => {
        fc.assert(fc.property(scenario(smallBits, 'debug', 50), ({ s, ops }) => runSequence('debug', kind, s, ops)),
          { seed: SEED, numRuns: 100 });
      });

      it('release mode: sequences on 0..200 chunks with double frees and foreign addresses', () => {
        fc.assert(fc.property(scenario(smallBits, 'release', 50), ({ s, ops }) => runSequence('release', kind, s, ops)),
          { seed: SEED, numRuns: 100 });
      });

      it('both modes: sequences on 1000..5000 chunks', () => {
        const bits = fc.integer({ min: 1000, max: 5000 });
        fc.assert(fc.property(fc.constantFrom<BuildMode>('debug', 'release').chain((mode) => fc.record({
          mode: fc.constant(mode),
          run: scenario(bits, mode, 40),
        })), ({ mode, run }) => runSequence(mode, kind, run.s, run.ops)), { seed: SEED, numRuns: 12 });
      });
    });
  }

  // §2.1 allocateFrom step 3 asks setNext to search from startBit, and §3 says a start >= size is
  // OutOfMemory. The engine rounds startBit up to the alignment modulo 2^32 first, so a startBit
  // near 2^32 wraps to a small chunk index and succeeds there: on a BitAllocator over
  // { address: 0x1000, size: 64, alignment: 4 } with chunks of 4, allocateFrom({ size: 4,
  // alignment: 8 }, 0xFFFFFFFF) returns Success with address 0x1000. This test fails on the engine
  // as it is. (allocate() itself cannot reach it: lastBit is always below the chunk count.)
  it('allocateFrom with a start bit near 2^32 is OutOfMemory and leaves everything alone', () => {
    const arb = setupArb(fc.integer({ min: 1, max: 200 })).chain((s) => fc.record({
      s: fc.constant(s),
      size: fc.integer({ min: 1, max: 3 * s.chunk }),
      boundary: fc.integer({ min: 1, max: 40 }),
      start: fc.integer({ min: U32 - 64, max: U32_MAX }),
    }));
    fc.assert(fc.property(arb, ({ s, size, boundary, start }) => {
      const storage = makeStorage('host', s.chunks, 0);
      const allocator = new BitAllocator({ address: s.base, size: s.size, alignment: 4 }, s.chunk);
      const model = new BitAllocatorModel(s.base, s.size, s.chunk);
      const args: Allocator.Range = { address: UNTOUCHED, size, alignment: boundary * s.chunk };
      const call = `allocateFrom({ size: ${size}, alignment: ${args.alignment} }, ${start}) with ${s.chunks} chunks of ${s.chunk}`;
      expect(model.allocateFrom(size, args.alignment, start).result).toBe(OUT_OF_MEMORY);
      expect(allocator.allocateFrom(args, start), call).toBe(OUT_OF_MEMORY);
      expect(args.address, call).toBe(UNTOUCHED);
      checkState(allocator, model, storage, call);
    }), { seed: SEED, numRuns: 200 });
  });
});
