// history: seeded sequences of allocate/release calls run on a real engine allocator, recorded as
// plain data so a question (or a test) can replay them on a fresh allocator and get the same state.
import { Allocator } from '../kernel/Allocator';
import type { Random } from '../workload/Random';
import { hex32 } from '../format';

export type AllocatorOp =
  | { kind: 'allocate'; size: number; alignment: number }
  | { kind: 'release'; address: number };

/** One call and what the engine answered; address is 0 unless an allocate succeeded. */
export interface Step {
  op: AllocatorOp;
  result: Allocator.Result;
  address: number;
}

/** What a history needs of an allocator. */
export interface Target {
  allocate(range: Allocator.Range): Allocator.Result;
  release(address: number): Allocator.Result;
}

/** Runs one op on `target` and returns the step. */
export function apply(target: Target, op: AllocatorOp): Step {
  if (op.kind === 'release') return { op, result: target.release(op.address), address: 0 };
  const range: Allocator.Range = { address: 0, size: op.size, alignment: op.alignment };
  const result = target.allocate(range);
  return { op, result, address: result === Allocator.Result.Success ? range.address : 0 };
}

/** Runs `ops` in order on `target`, calling `after` once each has run; returns the steps. */
export function replay(target: Target, ops: readonly AllocatorOp[], after?: (step: Step) => void): Step[] {
  return ops.map((op) => {
    const step = apply(target, op);
    after?.(step);
    return step;
  });
}

/**
 * `count` seeded calls on `target`: an allocate of request() or, with `releaseChance`, a release of
 * an address an earlier allocate returned and nobody released yet (so never a double free).
 */
export function randomHistory(target: Target, random: Random, count: number,
  request: () => { size: number; alignment: number }, releaseChance: number): Step[] {
  const live: number[] = [];
  const steps: Step[] = [];
  for (let i = 0; i < count; i++) {
    const release = live.length > 0 && random.chance(releaseChance);
    const op: AllocatorOp = release ? { kind: 'release', address: live.splice(random.int(live.length), 1)[0]! }
      : { kind: 'allocate', ...request() };
    const step = apply(target, op);
    if (step.op.kind === 'allocate' && step.result === Allocator.Result.Success) live.push(step.address);
    steps.push(step);
  }
  return steps;
}

/** "allocate(size 40, alignment 0)", "release(0x1030)". */
export function describeOp(op: AllocatorOp): string {
  return op.kind === 'release' ? `release(${hex32(op.address)})` : `allocate(size ${op.size}, alignment ${op.alignment})`;
}

/** A history line: the call and its result ("-> 0x1030", "-> out of memory", "-> InvalidAddress"). */
export function describeStep(step: Step): string {
  const call = describeOp(step.op).padEnd(38);
  if (step.op.kind === 'allocate') {
    if (step.result === Allocator.Result.Success) return `${call} -> ${hex32(step.address)}`;
    return `${call} -> ${step.result === Allocator.Result.OutOfMemory ? 'out of memory' : Allocator.Result[step.result]}`;
  }
  return step.result === Allocator.Result.Success ? call.trimEnd() : `${call} -> ${Allocator.Result[step.result]}`;
}
