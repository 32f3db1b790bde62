// A trace stopped by its time limit, graded whole through gradeSource on a copy of the tiny fixture:
// a malloc that loops forever once it has answered N calls (deterministic: the meter counts work
// units, so the stop is always in call N). Every format says that N operations passed and names the
// student's call that ran out; with the rubric's partialCredit the test earns points × N / total,
// without it nothing, as before.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatGradescope, formatJson, formatJunit, formatText } from '../../../electron/host/grader/formats';
import { gradeSource } from '../../../electron/host/grader/grade';
import { testView } from '../../../electron/host/lab/views';
import type { GradeReport } from '../../../engine/grader/Grade';

const TINY = path.join(import.meta.dirname, 'fixtures', 'tiny');
/** The student's calls answered before the endless loop: operation N (0-based) is where it hangs. */
const N = 120;

/** A bump allocator that counts its calls (malloc and free: one per operation of the random trace) and loops forever in call N + 1. */
const LOOPS_AFTER_N = `import type { Heap, MallocAllocator } from 'freenos-lab';
export default class Student implements MallocAllocator {
  private top: number;
  private calls = 0;
  constructor(private readonly heap: Heap) { this.top = heap.base; }
  private tick(): void {
    if (this.calls++ === ${N}) for (;;) { /* hangs */ }
  }
  malloc(size: number): number {
    this.tick();
    const end = this.top + 8 + Math.ceil(size / 8) * 8;
    if (end > this.heap.end() && this.heap.grow(end - this.heap.end()) === 0) return 0;
    const payload = this.top + 8;
    this.top = end;
    return payload;
  }
  free(_address: number): void { this.tick(); }
}
`;

/** A copy of the tiny fixture whose random test has a time limit of 0.3 s (30 million units) and, when `partial`, partialCredit. */
function tiny(partial: boolean): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'lab-partial-')), 'tiny');
  cpSync(TINY, dir, { recursive: true });
  const file = path.join(dir, 'exercise.yaml');
  const yaml = readFileSync(file, 'utf8');
  const line = '- { name: random, trace: random, points: 3, timeLimitSeconds: 3 }';
  expect(yaml).toContain(line);
  writeFileSync(file, yaml.replace(line, `- { name: random, trace: random, points: 3, timeLimitSeconds: 0.3${partial ? ', partialCredit: true' : ''} }`));
  return dir;
}

const grade = async (dir: string): Promise<GradeReport> => (await gradeSource(dir, LOOPS_AFTER_N, 'student.ts', { tests: ['random'] })).report;

describe('a malloc that loops forever after N operations', { timeout: 60_000 }, () => {
  let off: GradeReport;
  let on: GradeReport;
  let total: number;
  let call: string;
  beforeAll(async () => {
    [off, on] = [await grade(tiny(false)), await grade(tiny(true))];
    total = off.tests[0]!.traces[0]!.total!;
    call = off.tests[0]!.traces[0]!.failure!.call!;
  }, 60_000);

  it('stops at operation N in the student\'s own call, with N operations passed', () => {
    const outcome = off.tests[0]!.traces[0]!;
    expect(total).toBe(300); // the random trace's operations
    expect(outcome.failure).toMatchObject({ op: N, kind: 'timeout' });
    expect(outcome.metrics!.operations).toBe(N);
    // The call that ran out is the student's malloc or free of operation N, not a checker step.
    expect(call).toMatch(/^(malloc\(\d+\)|free\(0x[0-9A-F]+\))$/);
    expect(outcome.failure!.reason).toBe(`${call} did not finish within the test's time limit (300 ms: 30,000,000 units)`);
    // The same stop on a second grading (work units, not time).
    expect(on.tests[0]!.traces[0]!.failure).toEqual(outcome.failure);
  });

  const stoppedLine = () => `  stopped by its time limit at operation ${N} of ${total} (${call}): ${N} operations passed`;

  it('text: the verdict, where it stopped and how many passed', () => {
    const lines = formatText(off).split('\n');
    const f = off.tests[0]!.traces[0]!.failure!;
    const at = lines.findIndex((l) => l.startsWith('[FAIL] 1 random (0 / 3, '));
    expect(at).toBeGreaterThan(0);
    // The verdict as before (tools match it), then where the limit stopped the trace.
    expect(lines.slice(at + 1, at + 3)).toEqual([
      `    random: TIMED OUT at operation ${N} (${f.where}: ${f.operation}): ${call} did not finish within the test's time limit (300 ms: 30,000,000 units)`,
      `    ${stoppedLine()}`,
    ]);
  });

  it('JSON: the output line and a `stopped` record for tools', () => {
    const test = JSON.parse(formatJson(off)).tests[0];
    expect(test.output.split('\n')).toContain(stoppedLine());
    expect(test.extra_data.traces[0].stopped).toEqual({ at: N, of: total, call, line: 0, passed: N });
    expect(test.extra_data.traces[0].total).toBe(total);
    expect(test.extra_data.partial_credit).toBeUndefined();
    expect(test.score).toBe(0);
  });

  it('Gradescope: the test\'s output says it, status failed', () => {
    const test = JSON.parse(formatGradescope(off)).tests[0];
    expect(test).toMatchObject({ name: 'random', status: 'failed', score: 0, max_score: 3 });
    expect(test.output.split('\n')).toContain(stoppedLine());
  });

  it('JUnit: the failure message carries where it stopped', () => {
    const xml = formatJunit(off);
    const message = /<failure message="([^"]*)"/.exec(xml)![1]!;
    expect(message.split('&#10;')).toHaveLength(2);
    expect(message.split('&#10;')[1]).toBe(stoppedLine());
    expect(xml).not.toContain('name="partial_credit"');
  });

  it('the lab\'s results view: the verdict, where it stopped, and the operation for "show in timeline"', () => {
    const view = testView(off.tests[0]!);
    expect(view.output.split('\n')[1]).toBe(stoppedLine());
    expect(view.failure).toEqual({ trace: 'random', op: N });
    expect(view.points).toBe(0);
  });

  it('partialCredit off: 0 points, as before; on: 3 × N / total, in every format', () => {
    expect([off.score, off.tests[0]!.score]).toEqual([0, 0]);
    const score = Math.round((3 * N / total) * 1000) / 1000;
    expect(score).toBe(1.2); // 3 × 120 / 300
    const result = on.tests[0]!;
    expect(result).toMatchObject({ status: 'failed', score, maxScore: 3 });
    expect(on.score).toBe(score);
    const creditLine = `partial credit (partialCredit): 3 × ${N} / ${total} operations passed = ${score} points`;
    expect(result.output.split('\n').at(-1)).toBe(creditLine);
    expect(formatText(on)).toContain(`[FAIL] 1 random (${score} / 3, `);
    expect(formatText(on).split('\n')).toContain(`    ${creditLine}`);
    const json = JSON.parse(formatJson(on)).tests[0];
    expect(json.score).toBe(score);
    expect(json.extra_data.partial_credit).toEqual({ fraction: N / total, traces: [{ trace: 'random', state: 'stopped', passed: N, total }] });
    expect(JSON.parse(formatGradescope(on)).tests[0]).toMatchObject({ score, max_score: 3, status: 'failed' });
    expect(JSON.parse(formatGradescope(on)).score).toBe(score);
    expect(formatJunit(on)).toContain(`<property name="score" value="${score}"/>`);
    expect(formatJunit(on)).toContain(`<property name="partial_credit" value="${Math.round((N / total) * 1000) / 1000}"/>`);
    const view = testView(result);
    expect(view.points).toBe(score);
    expect(view.output.split('\n').at(-1)).toBe(creditLine);
  });
});
