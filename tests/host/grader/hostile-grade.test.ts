// Hostile submissions at the grader's level: each is graded whole through gradeSource on the tiny
// fixture exercise and must end as failed tests whose output says clearly what happened, a score
// that stays honest (0 for every failed test, never more than earned), and a host that carries on
// (the last case grades the reference to full marks after all of them). One gradeSource call per
// submission; the reference work is measured once, as a batch does.
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
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

/** The log lines shown for `trace` (without their `  | ` margin). */
function logOf(result: TestResult, trace: string): string[] {
  const lines = result.output.split('\n');
  const start = lines.indexOf(`log on ${trace}:`);
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (!line.startsWith('  | ')) break;
    out.push(line.slice(4));
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

// Up to 1.5 billion units of endless loops a case (about 15 s at the nominal speed, more on a loaded machine).
describe('hostile submissions graded whole: time and memory', { timeout: 120_000 }, () => {
  it('an infinite loop in malloc: every trace times out and says so', async () => {
    const report = await grade(bump({ malloc: 'for (;;) { /* forever */ }' }));
    expectAllFailed(report);
    // Each test's limit (3 s: 300 million units) is less than one call's own cap (500 million): the test's limit stops it.
    expectEveryTrace(report, /^(random|realloc): TIMED OUT at operation 0 \(.*: a 0 \d+\): malloc\(\d+\) did not finish within the test's time limit \(3 s: 300,000,000 units\)$/, 'timeout');
    expect(verdict(test(report, 'random'), 'random')).toMatch(/malloc\(243\) did not finish within the test's time limit \(3 s: 300,000,000 units\)$/);
  });

  it('a malloc slower than the test allows: the test\'s time limit runs out and the rest is not run', async () => {
    // Four million loop steps (units) a call: some 75 calls use up the test's 300 million, whatever the machine's speed.
    const slow = bump({ malloc: 'for (let k = 0; k < 4_000_000; k++) { /* busy */ }' });
    const report = await grade(slow, ['performance']);
    expectAllFailed(report, ['performance']);
    const perf = test(report, 'performance');
    expect(verdict(perf, 'random')).toMatch(/^random: TIMED OUT at operation [1-9]\d* .*: malloc\(\d+\) did not finish within the test's time limit \(3 s: 300,000,000 units\)$/);
    expect(verdict(perf, 'realloc')).toBe('realloc: not run (an earlier trace of this test used up its time limit)');
    expect(perf.notRun).toEqual(['realloc']);
    expect(perf.traces).toHaveLength(1);
  });

  it('an infinite loop at the module\'s top level: the sandbox never starts', async () => {
    const report = await grade(bump({ top: 'for (;;) { /* forever */ }' }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): TIMED OUT \(new Allocator\(heap\)\) the submission's top level did not finish within 500,000,000 units, the most one call may use \(an endless loop\?\)$/, 'timeout');
    for (const result of report.tests) for (const o of result.traces) expect([o.failure!.op, o.metrics]).toEqual([-1, null]);
  });

  it('a memory bomb (arrays growing forever): out of memory at the sandbox\'s limit', async () => {
    const report = await grade(bump({ malloc: 'const keep: number[][] = []; for (;;) keep.push(new Array(100000).fill(size));' }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) ran out of memory: it would hold \d+ MiB of JavaScript memory, more than the sandbox's 192 MiB$/, 'target');
  });

  it('deep recursion: a stack overflow, not a crash', async () => {
    const report = await grade(bump({ malloc: 'if (size > 0) return this.malloc(size + 1);' }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) threw: stack overflow \(recursion too deep\) \(at student\.ts:10:32 in Student\.malloc\)$/, 'target');
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
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) threw TypeError: Function\.prototype\.constructor is not a valid constructor\. \(at student\.ts:14:23 in Student\.malloc\)$/, 'target');
    // Lockdown replaced the constructor Function.prototype.constructor leads to with one that only throws.
    for (const result of report.tests) {
      for (const { trace } of result.traces) expect(logOf(result, trace)).toEqual(['typeof undefined undefined undefined undefined', 'via Function threw TypeError']);
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

  it('a dynamic import() is a compile error at its line and column, in the notes and every test', async () => {
    const report = await grade(bump({
      malloc: `const g: any = globalThis;
        const name = 'node:' + 'fs';
        void import(name).then((m: any) => m.writeFileSync('/tmp/lab-pwned', 'x'), () => undefined);`,
    }));
    expectAllFailed(report);
    const error = "student.ts:13:14: import() is not available: a submission may import only 'freenos-lab', with an import statement";
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
        console.log('std', typeof g.std, typeof g.os, typeof g.require, typeof g.fs);
        g.require('fs').writeFileSync(${JSON.stringify(target)}, 'pwned');`,
    }));
    expectAllFailed(report);
    expectEveryTrace(report, /^(random|realloc): FAILED at operation 0 .*: malloc\(\d+\) threw TypeError: g\.require is not a function \(at student\.ts:13:11 in Student\.malloc\)$/, 'target');
    expect(logOf(test(report, 'random'), 'random')).toEqual(['std undefined undefined undefined undefined']);
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
        expect(lines[k]).toBe(`  | ${FAKE}`);
        expect(lines.slice(0, k).some((line) => /^log on (random|realloc):$/.test(line))).toBe(true);
      }
    }
    const json = JSON.parse(formatJson(report)) as { score: number; max_score: number; tests: { score: number }[] };
    expect([json.score, json.max_score]).toEqual([0, 10]);
    expect(json.tests.map((t) => t.score)).toEqual([0, 0, 0]);
    expect(write.mock.calls.some(([chunk]) => String(chunk).includes('"score": 100'))).toBe(false);
  });

  it('a malloc that returns 1e308 is named with that number, not 256 hexadecimal digits', async () => {
    const report = await grade(bump({ malloc: 'return 1e308;' }));
    expectAllFailed(report);
    for (const result of report.tests) {
      for (const { trace } of result.traces) {
        expect(verdict(result, trace)).toContain('1e+308');
        expect(verdict(result, trace).length).toBeLessThan(300);
      }
    }
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

  it('writing 0xDEADBEEF into the middle of another live payload: an integrity failure at that word', async () => {
    // Every malloc writes one word halfway into each payload of 16 bytes or more handed out before (never its first or last word).
    const report = await grade(bump({
      members: 'private readonly handed: [number, number][] = [];',
      malloc: 'for (const [a, n] of this.handed) if (n >= 16) this.heap.write32(a + Math.floor(n / 8) * 4, 0xdeadbeef);',
    }).replace('this.given(payload);', 'this.given(payload, size);')
      .replace('given(_payload: number): void {}', 'given(payload: number, size: number): void { this.handed.push([payload, size]); }'));
    expectAllFailed(report);
    const pattern = /^(random|realloc): FAILED at operation \d+ .*: the payload of id \d+ \((\d+) bytes at 0x[0-9A-F]+\)( before realloc\(0x[0-9A-F]+, \d+\))? was overwritten: the word at offset (\d+) \(0x[0-9A-F]+\) is 0xDEADBEEF, the checker wrote 0x[0-9A-F]+$/;
    expectEveryTrace(report, pattern, 'integrity');
    for (const result of report.tests) {
      for (const { trace } of result.traces) {
        const [, , bytes, , offset] = pattern.exec(verdict(result, trace))!;
        expect(Number(offset), trace).toBe(Math.floor(Number(bytes) / 8) * 4);
        expect(Number(offset), trace).toBeGreaterThan(0);
        expect(Number(offset) + 4, trace).toBeLessThan(Number(bytes));
      }
    }
  });
});

describe('hostile submissions graded whole: work the built-ins do', { timeout: 60_000 }, () => {
  /** The bump allocator, also keeping a record of each block in a string (` payload:size`), and running `lookup` on it in every malloc. */
  const stringBook = (lookup: string) => bump({
    members: "private book = '';",
    malloc: lookup,
  }).replace('this.given(payload);', "this.book += ' ' + payload + ':' + size;");

  /** The work (units) of `source` on the random trace, which it must pass. */
  async function workOn(source: string): Promise<number> {
    const random = test(await grade(source, ['random']), 'random');
    expect(random.status, random.output).toBe('passed');
    return random.traces[0]!.metrics!.work;
  }

  it('a malloc searching its bookkeeping string with indexOf is charged for the whole string each time', async () => {
    const plain = await workOn(bump({}));
    const kept = await workOn(stringBook(''));
    const searched = await workOn(stringBook("if (this.book.indexOf(' ' + this.top + ':') >= 0) return 0;"));
    // Keeping the string costs little more than the bump's own work; searching it costs its length each malloc.
    expect(kept).toBeLessThan(2 * plain);
    expect(searched).toBeGreaterThan(100 * kept); // about 200 times, on 150 mallocs
    expect(searched).toBeGreaterThan(100 * plain); // the plain bump's 3 units an operation against a scan of ~14 characters per block kept
  });
});

describe('hostile submissions graded whole: stuck where no work unit counts', () => {
  /** A copy of the tiny fixture whose every test has a time limit of `seconds`. */
  function tinyLimitedTo(seconds: number): string {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'lab-hostile-stuck-')), 'tiny');
    cpSync(TINY, dir, { recursive: true });
    const yaml = readFileSync(path.join(dir, 'exercise.yaml'), 'utf8');
    expect(yaml.split('timeLimitSeconds: ').slice(1).map((rest) => rest.split(/\D/)[0])).toEqual(['3', '3', '3']);
    writeFileSync(path.join(dir, 'exercise.yaml'), yaml.replaceAll('timeLimitSeconds: 3', `timeLimitSeconds: ${seconds}`));
    return dir;
  }

  it('a backtracking regular expression in one trace fails that test as stopped answering; the tests before and after grade normally', async () => {
    // A backreference keeps V8 off its linear-time engine, and the match is one built-in call the meter never
    // sees: natively 1.7 s of CPU for 27 characters, twice that for each more (40 would take hours).
    // Only the realloc trace (blocks grown past 1 KiB; random's are at most 512 bytes) gets there, mid-trace.
    const stuck = bump({ malloc: "if (size > 1024 && /^(a|a)*\\1b$/.test('a'.repeat(40))) return 0;" });
    // Limits of 0.5 s: the watch on a trace (3 x 0.5 s + 5 s of backstop, and 5 s more) fires after about 11.5 s.
    const dir = tinyLimitedTo(0.5);
    const started = performance.now();
    const report = (await gradeSource(dir, stuck, 'student.ts', { referenceWork })).report;
    const took = performance.now() - started;
    expect(took).toBeGreaterThan(11_000); // the watchdog stopped it, nothing sooner
    expect(took).toBeLessThan(60_000);
    const why = "the submission stopped answering: it ran past the test's time limit and its wall-clock backstop in code no work unit counts (a built-in that blocks or backtracks without end), so the grader stopped its worker";
    expect(report.tests.map((t) => [t.name, t.status, t.score])).toEqual([['random', 'passed', 3], ['realloc', 'failed', 0], ['performance', 'failed', 0]]);
    expect([report.score, report.maxScore]).toEqual([3, 10]);
    const [random, realloc, perf] = report.tests;
    // random finished in the first worker and keeps its outcome.
    expect(verdict(random!, 'random')).toMatch(/^random: passed \(300 operations, /);
    expect(realloc!.traces.map((o) => [o.trace, o.ok, o.failure?.kind, o.failure?.reason])).toEqual([['realloc', false, 'timeout', why]]);
    expect(verdict(realloc!, 'realloc')).toBe(`realloc: TIMED OUT (realloc) ${why}`);
    // The performance test ran in a fresh worker: random replayed there and passed; realloc reused the verdict rather than getting stuck again.
    expect(perf!.traces.map((o) => [o.trace, o.ok])).toEqual([['random', true], ['realloc', false]]);
    expect(verdict(perf!, 'random')).toMatch(/^random: passed \(300 operations, /);
    expect(perf!.output).toContain(why);
    expect(perf!.performance).toBeNull();
    expect(report.notes).toEqual([`realloc: ${why}`]);
  }, 120_000);
});

describe('after every hostile submission', { timeout: 60_000 }, () => {
  it('the grader still gives the reference every correctness point', async () => {
    const report = await grade(readFileSync(path.join(TINY, 'reference.ts'), 'utf8'));
    expect(report.tests.map((t) => t.status)).toEqual(['passed', 'passed', 'passed']);
    for (const t of report.tests.filter((t) => t.kind === 'correctness')) expect(t.score).toBe(t.maxScore);
  });
});
