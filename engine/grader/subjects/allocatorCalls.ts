// The calls every allocator subject shares, answered by an engine Allocator as plain data:
// allocate(size, alignment) → { result, address } (address 0 unless Success), release(address) →
// result, available() → bytes; and the generators' shared parts: recording calls, releasing blocks.
import { Allocator } from '../../kernel/Allocator';
import type { Random } from '../../workload/Random';
import type { Call } from '../Conformance';

/** The engine's answer to `call`; throws RangeError naming `subject` for a method none of them is. */
export function allocatorAnswer(subject: string, allocator: Allocator, call: Call): unknown {
  switch (call.method) {
    case 'allocate': {
      const range = { address: 0, size: call.args[0]!, alignment: call.args[1]! };
      const result = allocator.allocate(range);
      return { result, address: result === Allocator.Result.Success ? range.address : 0 };
    }
    case 'release':
      return allocator.release(call.args[0]!);
    case 'available':
      return allocator.available();
    default:
      throw new RangeError(`${subject}: no method ${call.method}`);
  }
}

/**
 * A scenario's calls recorded as a generator makes them: run(method, ...args) appends the call to
 * `calls` and returns `answer`'s reply (the engine's), so the generator can steer by it.
 */
export function callRecorder(answer: (call: Call) => unknown, calls: Call[] = []): { calls: Call[]; run(method: string, ...args: number[]): unknown } {
  return {
    calls,
    run(method: string, ...args: number[]): unknown {
      const call = { method, args };
      calls.push(call);
      return answer(call);
    },
  };
}

/**
 * Gives back part of one of `blocks` (each the addresses of one allocation) with `release`: with
 * probability `whole` all of it (while `room()`), else its first address (up to probability
 * `first`) or one in its middle. A block with nothing left is dropped from the list.
 */
export function releaseFromBlocks(rng: Random, blocks: number[][], whole: number, first: number, release: (address: number) => void, room: () => boolean): void {
  const b = rng.int(blocks.length);
  const block = blocks[b]!;
  const k = rng.float();
  if (k < whole) {
    for (const address of block) if (room()) release(address);
    block.length = 0;
  } else {
    const at = k < first ? 0 : rng.int(block.length);
    release(block.splice(at, 1)[0]!);
  }
  if (block.length === 0) blocks.splice(b, 1);
}
