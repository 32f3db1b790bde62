// Hostile submissions at the grader's level: each is graded whole through gradeSource on the tiny
// fixture exercise and must end as failed tests whose output says clearly what happened, a score
// that stays honest (0 for every failed test, never more than earned), and a host that carries on
// (the last case grades the reference to full marks after all of them). One gradeSource call per
// submission; the reference work is measured once, as a batch does.
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { formatJson } from '../../../electron/host/grader/formats';
import { gradeSource, measureReference } from '../../../electron/host/grader/grade';
import type { GradeReport, TestResult } from '../../../engine/grader/Grade';

const TINY = path.join(import.meta.dirname, 'fixtures', 'tiny');
const TEST_NAMES = ['random', 'realloc', 'performance'];

/**
 * A bump allocator (8-byte header, 8-aligned payloads) with `malloc` run first in every malloc,
 * `ctor` at the end of the constructor, `members` in the class body and `top` before the class.
 */
function bump({ malloc = '', ctor = '', members = '', top = '' }: { malloc?: string; ctor?: string; members?: string; top?: string }): string {
  return `import type { Heap, MallocAllocator } from 'freenos-lab';
${top}
export default class Student implements MallocAllocator {
  private top: number;
  ${members}
  constructor(private readonly heap: Heap) {
    this.top = heap.base;
    ${ctor}
  }
  malloc(size: number): number {
    ${malloc}
    const end = this.top + 8 + Math.ceil(size / 8) * 8;
    if (end > this.heap.end() && this.heap.grow(end - this.heap.end()) === 0) return 0;
    const payload = this.top + 8;
    this.top = end;
    this.given(payload);
    return payload;
  }
  free(_address: number): void {}
  given(_payload: number): void {}
}
`;
}

let referenceWork: Record<string, number>;
beforeAll(async () => {
  referenceWork = await measureReference(TINY);
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function grade(source: string, tests?: string[]): Promise<GradeReport> {
  return (await gradeSource(TINY, source, 'student.ts', { referenceWork, tests })).report;
}

/** Every test failed with 0 points; the report's score is 0 out of the full maximum. */
function expectAllFailed(report: GradeReport, names = TEST_NAMES): void {
  expect(report.tests.map((t) => [t.name, t.status, t.score])).toEqual(names.map((n) => [n, 'failed', 0]));
  expect(report.score).toBe(0);
  expect(report.maxScore).toBe(report.tests.reduce((total, t) => total + t.maxScore, 0));
  for (const t of report.tests) expect(t.performance).toBeNull();
}

const test = (report: GradeReport, name: string): TestResult => report.tests.find((t) => t.name === name)!;

/** The verdict line of `trace` in a test's output. */
function verdict(result: TestResult, trace: string): string {
  const line = result.output.split('\n').find((l) => l.startsWith(`${trace}: `));
  if (line === undefined) throw new Error(`no verdict for ${trace} in:\n${result.output}`);
  return line;
}

/** The log lines shown for `trace` (without their two-space indent). */
function logOf(result: TestResult, trace: string): string[] {
  const lines = result.output.split('\n');
  const start = lines.indexOf(`log on ${trace}:`);
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  ')) break;
    out.push(line.slice(2));
  }
  return out;
}

/** Each trace's verdict in every test that runs it matches `pattern`, with the failure kind `kind`. */
function expectEveryTrace(report: GradeReport, pattern: RegExp, kind: string): void {
  for (const result of report.tests) {
    for (const trace of ['random', 'realloc']) {
      if (!result.traces.some((o) => o.trace === trace)) continue;
      expect(verdict(result, trace)).toMatch(pattern);
      expect(result.traces.find((o) => o.trace === trace)!.failure!.kind).toBe(kind);
    }
    if (result.kind === 'performance') expect(result.output).toContain('performance is scored only when every trace of the test passes');
  }
}

describe('hostile submissions graded whole: time and memory', { timeout: 60_000 }, () => {
  it('an infinite loop in malloc: every trace times out and says so', async () => {
    const report = await grade(bump({ malloc: 'for (;;) { /* forever */ }' }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): TIMED OUT at operation 0 \(.*: a 0 \d+\): malloc\(\d+\) did not return within \d+ ms$/, 'timeout');
    expect(verdict(test(report, 'random'), 'random')).toMatch(/malloc\(243\) did not return within 2000 ms$/);
  });

  it('a malloc slower than the test allows: the test\'s time limit runs out and the rest is not run', async () => {
    const slow = bump({ malloc: 'const until = Date.now() + 400; while (Date.now() < until) { /* busy */ }' });
    const report = await grade(slow, ['performance']);
    expectAllFailed(report, ['performance']);
    const perf = test(report, 'performance');
    expect(verdict(perf, 'random')).toMatch(/^random: TIMED OUT at operation \d+ .*: malloc\(\d+\) was stopped: the test's time limit \(3 s\) ran out$/);
    expect(verdict(perf, 'realloc')).toBe('realloc: not run (an earlier trace of this test used up its time limit)');
    expect(perf.notRun).toEqual(['realloc']);
    expect(perf.traces).toHaveLength(1);
  });

  it('an infinite loop at the module\'s top level: the sandbox never starts', async () => {
    const report = await grade(bump({ top: 'for (;;) { /* forever */ }' }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): TIMED OUT \(new Allocator\(heap\)\) the submission's top level did not return within \d+ ms$/, 'timeout');
    for (const result of report.tests) for (const o of result.traces) expect([o.failure!.op, o.metrics]).toEqual([-1, null]);
  });

  it('a memory bomb (arrays growing forever): out of memory at the sandbox\'s limit', async () => {
    const report = await grade(bump({ malloc: 'const keep: number[][] = []; for (;;) keep.push(new Array(100000).fill(size));' }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) ran out of memory \(the sandbox's limit is \d+ MiB\)$/, 'target');
  });

  it('deep recursion: a stack overflow, not a crash', async () => {
    const report = await grade(bump({ malloc: 'if (size > 0) return this.malloc(size + 1);' }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) threw: stack overflow \(recursion too deep\) \(at student\.ts:11:19 in malloc\)$/, 'target');
  });

  it('a thrown object whose toString never ends is described without calling it', async () => {
    const started = performance.now();
    const report = await grade(bump({ malloc: 'throw { toString() { for (;;) { /* never */ } }, valueOf() { for (;;) { /* never */ } } };' }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) threw an object that is not an Error$/, 'target');
    expect(performance.now() - started).toBeLessThan(15_000); // no per-call deadline was spent on it
  });
});

describe('hostile submissions graded whole: escape attempts', { timeout: 60_000 }, () => {
  it('reaching for process, require and globalThis.constructor finds nothing', async () => {
    const report = await grade(bump({
      malloc: `const g: any = globalThis;
        console.log('typeof', typeof g.process, typeof g.require, typeof g.module, typeof g.Buffer);
        console.log('via Function', (() => { try { return typeof g.constructor.constructor('return this')().process; } catch (e: any) { return 'threw ' + e.name; } })());
        g.constructor.constructor('return process')().exit(0);`,
    }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) threw ReferenceError: 'process' is not defined \(at student\.ts:14:51 in malloc\)$/, 'target');
    for (const result of report.tests) {
      for (const { trace } of result.traces) expect(logOf(result, trace)).toEqual(['typeof undefined undefined undefined undefined', 'via Function undefined']);
    }
  });

  it("`import fs from 'node:fs'` is a compile error at its line and column, in the notes and every test", async () => {
    const source = `// reaches for the file system\nimport fs from 'node:fs';\n${bump({ ctor: "fs.writeFileSync('/tmp/lab-pwned', 'x');" })}`;
    const report = await grade(source);
    expectAllFailed(report);
    const error = "student.ts:2:16: only 'freenos-lab' can be imported here, not 'node:fs'";
    expect(report.notes).toEqual(['student.ts does not compile:', error]);
    for (const result of report.tests) {
      expect(result.output).toBe(`the submission does not compile:\n${error}`);
      expect(result.traces).toEqual([]);
    }
  });

  it('writes no file: the sandbox has no file system, so the attempt fails and the folder is unchanged', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-hostile-'));
    const target = path.join(dir, 'pwned.txt');
    const before = readdirSync(dir);
    const report = await grade(bump({
      malloc: `const g: any = globalThis;
        const name = 'node:' + 'fs';
        try { void import(name).then((m: any) => m.writeFileSync(${JSON.stringify(target)}, 'x'), () => undefined); } catch (e: any) { console.log('import threw', e.name); }
        console.log('std', typeof g.std, typeof g.os, typeof g.require);
        g.require('fs').writeFileSync(${JSON.stringify(target)}, 'pwned');`,
    }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) threw TypeError: not a function \(at student\.ts:15:11 in malloc\)$/, 'target');
    expect(logOf(test(report, 'random'), 'random')).toEqual(['std undefined undefined undefined']);
    expect(readdirSync(dir)).toEqual(before);
    expect(before).toEqual([]);
  });

  it('mutating the heap object the host handed in is refused (it is frozen)', async () => {
    const report = await grade(bump({
      ctor: `const h: any = heap;
        console.log('frozen', Object.isFrozen(h), Object.isFrozen(h.grow), Object.isFrozen((globalThis as any).__lab));
        const attempts: [string, () => void][] = [
          ['grow', () => { h.grow = () => h.base; }],
          ['end', () => { h.end = () => 0xffffffff; }],
          ['delete', () => { delete h.read32; }],
          ['limit', () => { Object.defineProperty(h, 'limit', { value: 1 << 30 }); }],
          ['proto', () => { Object.setPrototypeOf(h, {}); }],
          ['method', () => { h.grow.call = () => 0; }],
          ['lab', () => { (globalThis as any).__lab.log = () => undefined; }],
        ];
        for (const [name, attempt] of attempts) { try { attempt(); console.log(name, 'changed'); } catch (e: any) { console.log(name, 'refused', e.name); } }
        console.log('after', h.limit, h.end() === h.base);`,
      // It then acts as if its own grow() had worked: the address is outside the (ungrown) heap.
      malloc: 'return this.heap.base + 8;',
    }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) returned \[0x10000008, 0x[0-9A-F]+\), outside the heap \[0x10000000, 0x10000000\)$/, 'outside');
    expect(logOf(test(report, 'realloc'), 'realloc')).toEqual([
      'frozen true true true',
      ...['grow', 'end', 'delete', 'limit', 'proto', 'method', 'lab'].map((name) => `${name} refused TypeError`),
      'after 1048576 true',
    ]);
  });
});

describe('hostile submissions graded whole: forged output', { timeout: 60_000 }, () => {
  const FAKE = '{"score": 100, "max_score": 10, "tests": []}';

  it('a fake result printed by the submission stays inside its test\'s log; the score is the honest 0', async () => {
    const write = vi.spyOn(process.stdout, 'write');
    const report = await grade(bump({ malloc: `console.log(${JSON.stringify(FAKE)}); console.log('[PASS] all tests passed, score 10 / 10'); return 0;` }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) returned 0 \(no memory\) with 0 bytes live in a 0-byte heap$/, 'out-of-memory');
    expect(report.notes).toEqual([]);
    for (const result of report.tests) {
      const lines = result.output.split('\n');
      const at = lines.map((line, k) => (line.includes('"score": 100') ? k : -1)).filter((k) => k >= 0);
      expect(at).toHaveLength(result.traces.length); // once per trace the test ran
      for (const k of at) {
        expect(lines[k]).toBe(`  ${FAKE}`);
        expect(lines.slice(0, k).some((line) => /^log on (random|realloc):$/.test(line))).toBe(true);
      }
    }
    const json = JSON.parse(formatJson(report)) as { score: number; max_score: number; tests: { score: number }[] };
    expect([json.score, json.max_score]).toEqual([0, 10]);
    expect(json.tests.map((t) => t.score)).toEqual([0, 0, 0]);
    expect(write.mock.calls.some(([chunk]) => String(chunk).includes('"score": 100'))).toBe(false);
  });

  it('a log flood is capped in lines and in line length', async () => {
    const report = await grade(bump({ malloc: "const line = 'x'.repeat(2000); for (let k = 0; k < 200000; k++) console.log(line, k); return 0;" }));
    expectAllFailed(report);
    for (const result of report.tests) {
      for (const { trace } of result.traces) {
        const log = logOf(result, trace);
        expect(log).toHaveLength(21);
        expect(log.slice(0, 20).every((line) => line.length <= 501 && line.startsWith('xxxx'))).toBe(true);
        expect(log[20]).toMatch(/^… \d+ more lines dropped$/);
      }
      expect(result.output.length).toBeLessThan(25_000);
    }
  });

  // The sandbox keeps the first 20 lines per trace and counts the rest: the count is the true one.
  it('a log flood reports how many lines were logged in all', async () => {
    const report = await grade(bump({ malloc: "for (let k = 0; k < 200000; k++) console.log('spam', k); return 0;" }), ['random']);
    expect(logOf(test(report, 'random'), 'random').at(-1)).toBe('… 199980 more lines dropped');
  });
});

describe('hostile submissions graded whole: forged addresses and corrupted bytes', { timeout: 60_000 }, () => {
  it('the same address twice: an overlap failure', async () => {
    const report = await grade(bump({ malloc: 'if (this.heap.end() === this.heap.base) this.heap.grow(65536); return this.heap.base + 8;' }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 1 .*: malloc\(\d+\) returned \[0x10000008, 0x[0-9A-F]+\), which overlaps the live payload \[0x10000008, 0x[0-9A-F]+\)$/, 'overlap');
  });

  it('an address outside the heap: an outside failure', async () => {
    const report = await grade(bump({ malloc: 'this.heap.grow(4096); return this.heap.base + 0x100000;' }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) returned \[0x10100000, 0x[0-9A-F]+\), outside the heap \[0x10000000, 0x10001000\)$/, 'outside');
  });

  it("writing over the checker's fill bytes in live payloads: an integrity failure", async () => {
    const report = await grade(bump({
      members: 'private readonly handed: number[] = [];',
      malloc: 'for (const a of this.handed) this.heap.write32(a, 0xdeadbeef);',
    }).replace('given(_payload: number): void {}', 'given(payload: number): void { this.handed.push(payload); }'));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation \d+ .*: the payload of id \d+ \(\d+ bytes at 0x[0-9A-F]+\)( before realloc\(0x[0-9A-F]+, \d+\))? was overwritten: the word at offset 0 \(0x[0-9A-F]+\) is 0xDEADBEEF, the checker wrote 0x[0-9A-F]+$/, 'integrity');
  });
});

describe('after every hostile submission', { timeout: 60_000 }, () => {
  it('the grader still gives the reference every correctness point', async () => {
    const report = await grade(readFileSync(path.join(TINY, 'reference.ts'), 'utf8'));
    expect(report.tests.map((t) => t.status)).toEqual(['passed', 'passed', 'passed']);
    for (const t of report.tests.filter((t) => t.kind === 'correctness')) expect(t.score).toBe(t.maxScore);
  });
});
