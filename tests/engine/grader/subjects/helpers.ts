// Shared checks of the conformance subjects' tests: seeds 1..n, a class run in-process through a
// scenario (with its heap and the memory checks when the subject keeps metadata there), a reference
// that must match on every option shape, and a starter whose every failure must be a clean report.
import { expect } from 'vitest';
import { conform, scenarioHeapLimit, show, type ConformanceFailure, type ConformanceResult, type Scenario, type Subject } from '../../../../engine/grader/Conformance';
import { localApiTarget, type ApiClass } from '../../../../engine/grader/LocalApiTarget';

export const seeds = (n: number): number[] => Array.from({ length: n }, (_, k) => k + 1);

/** Runs `Class` in-process through `s`: answers against the oracle, heap bytes too for a withHeap subject; a harness subject's on its machine. */
export function runClass(subject: Subject, Class: ApiClass, s: Scenario, name?: string): ConformanceResult {
  const harness = subject.harness?.(s);
  if (harness) return conform(subject, s, localApiTarget(Class, s.args, name, { services: harness.services }), undefined, harness);
  const withHeap = subject.withHeap === true;
  const target = localApiTarget(Class, s.args, name, withHeap ? { withHeap, heapLimit: scenarioHeapLimit(subject, s) } : {});
  return conform(subject, s, target, target.peek8);
}

/** Expects `Class` to answer as the engine on `count` seeds of every option shape. */
export function expectMatchesOnShapes(subject: Subject, Class: ApiClass, shapes: Record<string, number | string>[], count: number): void {
  for (const shape of shapes) {
    for (const seed of seeds(count)) expect(runClass(subject, Class, subject.scenario({ ...shape, seed })).failure, JSON.stringify({ ...shape, seed })).toBeNull();
  }
}

/**
 * Runs `Class` on `count` default seeds; every failure must be a mismatch at the call that shows it,
 * at one of `methods`, with the oracle's answer and the standard reason. Returns the failures.
 */
export function starterFailures(subject: Subject, Class: ApiClass, count: number, methods: RegExp): ConformanceFailure[] {
  const failures: ConformanceFailure[] = [];
  for (const seed of seeds(count)) {
    const s = subject.scenario({ seed });
    const expected = subject.oracle(s);
    const result = runClass(subject, Class, s, 'starter');
    if (result.ok) continue;
    const f = result.failure!;
    failures.push(f);
    expect(f.kind).toBe('mismatch');
    expect(result.calls).toBe(f.op);
    expect(f.expected).toEqual(expected[f.op]);
    expect(f.call).toMatch(methods);
    expect(f.reason).toBe(`${f.call} returned ${show(f.got)}, FreeNOS returns ${show(f.expected)}`);
  }
  return failures;
}

/** Expects each of `bad` (options, part of the message) to make the subject's scenario throw a RangeError with that message. */
export function expectOptionErrors(subject: Subject, bad: [Record<string, number | string>, string][]): void {
  for (const [options, message] of bad) {
    expect(() => subject.scenario(options), JSON.stringify(options)).toThrow(RangeError);
    expect(() => subject.scenario(options), JSON.stringify(options)).toThrow(message);
  }
}
