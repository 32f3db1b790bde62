// The calls every allocator subject shares, answered by an engine Allocator as plain data:
// allocate(size, alignment) → { result, address } (address 0 unless Success), release(address) →
// result, available() → bytes.
import { Allocator } from '../../kernel/Allocator';
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
