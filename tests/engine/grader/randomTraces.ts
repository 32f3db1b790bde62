// A fast-check arbitrary of valid random malloc traces, shared by the Timeline tests: allocations,
// reallocs (to 0 included, which frees the id), frees, free(NULL) and requests too large for a heap of
// `heap` bytes; ids are reused once freed, and every block is freed at the end.
import fc from 'fast-check';
import { OpKind, traceOf, type Trace } from '../../../engine/workload/Trace';

const { Alloc, Realloc, Free } = OpKind;

/** Traces of at most `maxCommands` random commands plus the final frees. */
export function randomTraces(maxCommands: number, heap: number): fc.Arbitrary<Trace> {
  const command = fc.tuple(fc.constantFrom('a', 'a', 'r', 'f', 'n'), fc.nat(), fc.oneof(fc.integer({ min: 0, max: 600 }), fc.constant(2 * heap)));
  return fc.array(command, { maxLength: maxCommands }).map((commands) => {
    const ops: [OpKind, number, number?][] = [];
    const live: number[] = [];
    const dead: number[] = [];
    let ids = 0;
    for (const [what, pick, size] of commands) {
      if (what === 'n') ops.push([Free, -1]);
      else if (what === 'a' || live.length === 0) {
        const id = dead.pop() ?? ids++;
        live.push(id);
        ops.push([Alloc, id, size]);
      } else {
        const id = live[pick % live.length]!;
        ops.push([what === 'f' ? Free : Realloc, id, size]);
        // realloc(p, 0) frees the block as free(p) does: the trace may not free the id again.
        if (what === 'f' || size === 0) {
          live.splice(live.indexOf(id), 1);
          dead.push(id);
        }
      }
    }
    for (const id of live) ops.push([Free, id]);
    return traceOf('random', ops);
  });
}
