// `freenos-lab replay <trace>`: replays a trace file (or `gen:<generator>` with its seed) against an
// allocator and prints the checker's verdict and the metrics. The allocator is the 07-malloc reference
// or starter, run in-process; submissions run in the sandbox (the grader). Exit 0 passed, 1 failed, 2 usage.
import { readFileSync } from 'node:fs';
import { localTarget, replay } from '../../engine/grader';
import { generate, type MallocAllocatorClass, parseTrace, type Trace, TraceError } from '../../engine/workload';
import Reference from '../../exercises/07-malloc/reference';
import Starter from '../../exercises/07-malloc/starter';
import { UsageError, parseArgs } from './args';

export const replayUsage = `usage: freenos-lab replay <trace file | gen:<generator>> [--seed N] [--allocator reference|starter]`;

/** The allocators `--allocator` names (default reference). */
const allocators: Record<string, MallocAllocatorClass> = { reference: Reference, starter: Starter };

/** Runs the replay command; returns the exit code. */
export function replayCommand(args: string[], print: (text: string) => void, warn: (text: string) => void): number {
  const { positional, options } = parseArgs(args, ['help']);
  if (options.has('help')) {
    print(replayUsage);
    return 0;
  }
  const [source] = positional;
  if (!source) throw new UsageError(replayUsage);
  const allocator = options.get('allocator') ?? 'reference';
  if (!Object.hasOwn(allocators, allocator)) {
    throw new UsageError(`--allocator: 'reference' or 'starter', not '${allocator}'; grade a submission with 'freenos-lab grade'`);
  }
  let trace: Trace;
  try {
    trace = source.startsWith('gen:') ? generate(source.slice(4), { seed: Number(options.get('seed') ?? 1) })
      : parseTrace(readFileSync(source, 'latin1'), source);
  } catch (error) {
    if (error instanceof TraceError) {
      warn(error.message);
      return 1;
    }
    throw new UsageError((error as Error).message);
  }
  const started = performance.now();
  const result = replay(trace, localTarget(allocators[allocator]!, { name: allocator }));
  const ms = performance.now() - started;
  const m = result.metrics;
  print(`${trace.name} (${trace.file}): ${trace.length} operations, ${allocator}`);
  print(result.ok ? 'passed every check' : `FAILED at operation ${result.failure!.op} (${result.failure!.where}: ${result.failure!.operation}): ${result.failure!.reason}`);
  const rows: [string, string][] = [
    ['operations done', `${m.operations}`],
    ['utilization', `${(m.utilization * 100).toFixed(1)} % (peak payload ${m.peakPayload} B / heap high-water ${m.heapHighWater} B)`],
    ['holes at the end', `${m.holes} (${m.holeBytes} B, largest ${m.largestHole} B)`],
    ['overhead', `${m.overhead} B at the end (headers, padding, gaps below 32 B: internal fragmentation)`],
    ['external fragmentation', `${m.external.toFixed(3)} at the end, ${m.meanExternal.toFixed(3)} on average`],
    ['RSS measure', m.rss.toFixed(3)],
    // In process, a unit is one heap access; the grader's sandbox also counts calls and loop steps (its numbers are higher).
    ['work (heap accesses)', `${m.work} (${m.workPerOp.toFixed(1)} per operation; in process: the grader's sandbox also counts every call and loop step)`],
    ['wall time', `${ms.toFixed(1)} ms (for information)`],
  ];
  for (const [name, value] of rows) print(`  ${name.padEnd(24)} ${value}`);
  return result.ok ? 0 : 1;
}
