// pool quiz: which pool of a PoolAllocator serves malloc(n), by its object size? The engine's
// PoolAllocator (over a BubbleAllocator in emulated memory) places the object; the answer is the
// pool its prefix names.
import { PhysicalMemory } from '../hw/PhysicalMemory';
import { Allocator } from '../kernel/Allocator';
import { BubbleAllocator } from '../kernel/BubbleAllocator';
import { PoolAllocator, PostfixSize, PrefixSize } from '../kernel/PoolAllocator';
import { Random } from '../workload/Random';
import { hex32 } from '../format';
import { plural } from './format';
import type { Question } from './Question';

export interface PoolSetup {
  /** The malloc size asked about. */
  size: number;
}

/** The seeded request behind poolQuestion(seed): often within a few bytes of a pool boundary. */
export function poolSetup(seed: number): PoolSetup {
  const random = new Random(seed);
  if (random.chance(0.45)) return { size: Math.max(1, 2 ** random.range(4, 13) - PrefixSize - PostfixSize + random.range(-3, 3)) };
  const k = random.range(0, 12);
  return { size: random.range(2 ** k, 2 ** (k + 1) - 1) };
}

/** A fresh PoolAllocator on a 2 MiB BubbleAllocator in 4 MiB of emulated memory. */
export function poolAllocator(): PoolAllocator {
  const memory = new PhysicalMemory(4 * 1024 * 1024);
  const parent = new BubbleAllocator({ address: 0x100000, size: 0x200000, alignment: 4 }, { memory, name: 'Bubble' });
  return new PoolAllocator(parent, { memory });
}

export function poolQuestion(seed: number): Question {
  const { size } = poolSetup(seed);
  const allocator = poolAllocator();
  const args: Allocator.Range = { address: 0, size, alignment: 0 };
  if (allocator.allocate(args) !== Allocator.Result.Success) throw new Error(`pool quiz ${seed}: malloc(${size}) failed`);
  const block = allocator.memory.read32(args.address - PrefixSize + 4);
  const pool = allocator.pools().find((p) => p.block === block)!;
  const objectSize = pool.chunkSize();
  const data = allocator.aligned(size, 4);
  const needed = data + PrefixSize + PostfixSize;

  const prompt = [
    'A PoolAllocator (FreeNOS, 32-bit) keeps objects in pools of 2^k bytes each (k = 2..27). Each object is stored as',
    `an ${PrefixSize}-byte prefix (signature, owning pool), the user data rounded up to 4 bytes, and a ${PostfixSize}-byte postfix (signature).`,
    '',
    `malloc(${size}): what is the object size, in bytes, of the pool that serves it?`,
  ].join('\n');
  const explanation = [
    data === size ? `1. ${size} bytes of data are already a multiple of 4.` : `1. ${size} bytes of data round up to ${data} (a multiple of 4).`,
    `2. With the ${PrefixSize}-byte prefix and the ${PostfixSize}-byte postfix the object needs ${data} + ${PrefixSize + PostfixSize} = ${needed} bytes.`,
    `3. The smallest power of two >= ${needed} is ${objectSize} = 2^${pool.index}${objectSize > 4 ? ` (${objectSize / 2} is too small)` : ''}: `
      + `pool index ${pool.index}.`,
    `4. The engine created that pool at ${hex32(pool.block)} with ${plural(pool.objects, 'object')} of ${objectSize} bytes; `
      + `malloc returned ${hex32(args.address)}, just after the prefix.`,
  ].join('\n');
  return {
    topic: 'pool', seed, prompt, answer: String(objectSize), explanation,
    expected: { kind: 'bytes', value: objectSize }, outcomes: [],
  };
}
