// Run-time errors name the student's file, line and column: the VLQ decoder, the position lookup
// (through the instrumentation's column shifts), V8 stack parsing, and whole submissions in this
// file's sandbox worker (hostile ones included).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSubmission } from '../../../electron/host/sandbox/compile';
import { decodeLine, originalPosition, stackPosition, type SubmissionMap } from '../../../electron/host/sandbox/sourceMap';
import { RemoteTarget, allocator, compiled, failure, sandbox, start, startFailure } from './helpers';

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The test's own VLQ encoder: one signed number. */
function vlq(n: number): string {
  let v = n < 0 ? -n * 2 + 1 : n * 2;
  let out = '';
  do {
    const digit = v % 32;
    v = Math.floor(v / 32);
    out += BASE64[digit + (v > 0 ? 32 : 0)];
  } while (v > 0);
  return out;
}

/** Absolute segments per line ([column] or [column, source, line, sourceColumn]) as `mappings`. */
function encode(lines: number[][][]): string {
  const last = [0, 0, 0, 0];
  return lines.map((segments) => {
    last[0] = 0;
    return segments.map((s) => s.map((value, k) => {
      const delta = value - last[k]!;
      last[k] = value;
      return vlq(delta);
    }).join('')).join(',');
  }).join(';');
}

describe('decodeLine', () => {
  it('decodes hand-made mappings: deltas, negatives, several digits, unmapped segments', () => {
    // line 0: col 0 -> (0, 0, 0); line 1: col 2 -> (0, 1, 4), col 16 -> (0, 0, 1); line 2 empty; line 3: col 4 unmapped
    const mappings = 'AAAA;EACI,gBADC;;I';
    expect(decodeLine(mappings, 0)).toEqual([[0, 0, 0, 0]]);
    expect(decodeLine(mappings, 1)).toEqual([[2, 0, 1, 4], [18, 0, 0, 5]]);
    expect(decodeLine(mappings, 2)).toEqual([]);
    expect(decodeLine(mappings, 3)).toEqual([[4]]);
    expect(decodeLine(mappings, 9)).toEqual([]);
  });

  it('decodes whatever the test encoder makes (names ignored)', () => {
    const segment = fc.tuple(fc.nat(5000), fc.nat(3), fc.nat(100000), fc.nat(400));
    const line = fc.array(segment, { maxLength: 6 }).map((s) => s.sort((a, b) => a[0] - b[0]));
    fc.assert(fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), fc.nat(25), (lines, at) => {
      expect(decodeLine(encode(lines), at)).toEqual(lines[at] ?? []);
    }));
  });

  it('says null for malformed mappings instead of guessing', () => {
    for (const bad of ['AA!A', 'AA', 'AAAAAA', 'g', '//////////AAAA']) expect(decodeLine(bad, 0)).toBeNull();
  });
});

describe('originalPosition and stackPosition', () => {
  // Line 1 of the script: col 0 -> student (line 0, col 0); col 10 -> student (6, 4); col 20 -> the lab module; col 30 unmapped.
  const map: SubmissionMap = { file: 'mm.ts', source: 0, mappings: encode([[], [[0, 0, 0, 0], [10, 0, 6, 4], [20, 1, 0, 0], [30]]]) };

  it('takes the last segment at or before the column, the first when none is, and only the student file', () => {
    expect(originalPosition(map, 2, 11)).toEqual({ file: 'mm.ts', line: 7, column: 5 });
    expect(originalPosition(map, 2, 19)).toEqual({ file: 'mm.ts', line: 7, column: 5 });
    expect(originalPosition(map, 2, 1)).toEqual({ file: 'mm.ts', line: 1, column: 1 });
    expect(originalPosition(map, 2, 21)).toBeNull();
    expect(originalPosition(map, 2, 31)).toBeNull();
    expect(originalPosition(map, 1, 1)).toBeNull();
    expect(originalPosition(map, 99, 1)).toBeNull();
  });

  it('maps the first submission.js frame that maps, past prelude frames and lines that are no frame', () => {
    const stack = [
      '    at index (lab-prelude.js:40:13)',
      '    at read32 (lab-prelude.js:50:17)',
      'at weird (submission.js:1:1)',
      '    at walk (submission.js:2:12)',
      '    at malloc (submission.js:2:1)',
      '',
    ].join('\n');
    expect(stackPosition(stack, map)).toBe(' (at mm.ts:7:5 in walk)');
    expect(stackPosition('    at <anonymous> (submission.js:2:3)\n', map)).toBe(' (at mm.ts:1:1)');
    expect(stackPosition('    at f (submission.js:2)\n', map)).toBe(' (at mm.ts:1:1 in f)');
    expect(stackPosition(`    at ${'n'.repeat(100)} (submission.js:2:12)`, map)).toBe(` (at mm.ts:7:5 in ${'n'.repeat(60)}…)`);
  });

  it('says nothing for stacks without a mapped frame, whatever they hold', () => {
    for (const stack of ['', 'garbage', '    at f (lab-prelude.js:2:12)', '    at f (submission.js:2:21)', '    at f (other.js:2:12)',
      `    at ${'x'.repeat(400)} (submission.js:2:12)`, '    at f (submission.js:99999999999999999999:1)', '    at f (submission.js:x:1)']) {
      expect(stackPosition(stack, map)).toBe('');
    }
  });
});

describe('originalPosition through the instrumentation', () => {
  // Script line 2 (edits' line 0): 'abc' inserted at input column 4, 'XY' replacing 3 characters at input column 10.
  const map: SubmissionMap = {
    file: 'mm.ts', source: 0,
    mappings: encode([[], [[0, 0, 0, 0], [4, 0, 0, 8], [10, 0, 1, 0], [13, 0, 1, 3]]]),
    edits: { 0: [[4, 0, 3], [10, 3, 2]] },
  };

  it('maps output columns past insertions back to the input, and inserted text to where it went', () => {
    expect(originalPosition(map, 2, 4)).toEqual({ file: 'mm.ts', line: 1, column: 1 }); // before the insertion
    expect(originalPosition(map, 2, 5)).toEqual({ file: 'mm.ts', line: 1, column: 9 }); // the inserted text: its place
    expect(originalPosition(map, 2, 8)).toEqual({ file: 'mm.ts', line: 1, column: 9 }); // input column 4
    expect(originalPosition(map, 2, 14)).toEqual({ file: 'mm.ts', line: 2, column: 1 }); // the replacement
    expect(originalPosition(map, 2, 16)).toEqual({ file: 'mm.ts', line: 2, column: 4 }); // input column 13
  });
});

describe('run-time errors in the sandbox', () => {
  it('name the line of a throw in malloc, after types and blank lines that compile away', async () => {
    const source = `import type { Heap, MallocAllocator } from 'freenos-lab';

type Block = { size: number };

export default class Student implements MallocAllocator {
  malloc(size: number): number {
    if (size === 40) return (this.blocks[size] as Block).size;
    return 0;
  }
  free(_address: number): void {}
  private readonly blocks: Record<number, Block | undefined> = {};
  constructor(readonly heap: Heap) {}
}
`;
    const target = await start(source);
    const e = await failure(() => target.malloc(40));
    expect([e.kind, e.message]).toEqual(['threw', "malloc(40) threw TypeError: Cannot read properties of undefined (reading 'size') (at student.ts:7:58 in Student.malloc)"]);
    expect(await target.malloc(8)).toBe(0);
  });

  it('map an error made deep in a one-line function full of meter calls to its column', async () => {
    const line = `  malloc(size: number): number { let s = 0; for (let i = 0; i < 3; i++) s += i; const out = [1, 2, 3].map((k) => k + s).map((k) => k === size ? new RangeError('deep ' + k) : k); for (const v of out) if (typeof v !== 'number') throw v; return 0; }`;
    const program = await compiled(allocator(line));
    // esbuild spreads the function over lines; the error is made on one where the meter went in twice before it.
    const out = program.code.split('\n').find((l) => l.includes('deep '))!;
    expect(out.slice(0, out.indexOf('new RangeError')).split(`(${program.meter}(), `)).toHaveLength(3);
    const target = await start(allocator(line));
    const column = allocator(line).split('\n')[4]!.indexOf('new RangeError') + 1;
    expect(column).toBe(147);
    // V8 names an anonymous function of eval'd code 'eval'.
    expect((await failure(() => target.malloc(5))).message).toBe(`malloc(5) threw RangeError: deep 5 (at student.ts:5:${column})`);
    expect(await target.malloc(7)).toBe(0);
  });

  it('map an error past escaped literals and meter calls on the same line, types erased before it', async () => {
    const line = `malloc(size: number): number { return ['eval(', '-->', 'import('].map((t) => t + size).map((t) => t.length === 8 && size === 9 ? (t as any).nope.x : t).length - 3; }`;
    const program = await compiled(allocator(line));
    // One output line: three literals escaped (3 characters longer each) and two arrows opened before the error.
    const out = program.code.split('\n').find((l) => l.includes('.nope.x'))!;
    expect(out.trim()).toBe(`return ["eva\\x6c(", "--\\x3e", "impor\\x74("].map((t) => (${program.meter}(), t + size)).map((t) => (${program.meter}(), t.length === 8 && size === 9 ? t.nope.x : t)).length - 3;`);
    const column = allocator(line).split('\n')[4]!.indexOf('.nope.x') + 7; // V8 points at the property read: 'x'
    expect(column).toBe(148);
    const target = await start(allocator(line));
    expect(await target.malloc(1)).toBe(0);
    expect((await failure(() => target.malloc(9))).message).toBe(`malloc(9) threw TypeError: Cannot read properties of undefined (reading 'x') (at student.ts:5:${column})`);
  });

  it('name the student line that called heap.read32 out of the heap, not the prelude', async () => {
    const target = await start(allocator(`malloc(size: number): number {
    return this.walk(size);
  }
  walk(_size: number): number {
    const h = this.heap;
    return h.read32(0);
  }`));
    expect((await failure(() => target.malloc(1))).message)
      .toBe('malloc(1) threw RangeError: heap.read32(0x0): address outside the heap [0x10000000, 0x10000000) (at student.ts:10:14 in Student.walk)');
  });

  it('name the line of a top-level throw and of one in the constructor', async () => {
    const top = await startFailure(`type T = number;\n\nconst x: T = 1;\nif (x) throw new Error('top');\nexport default class {}`);
    expect(top.message).toBe("the submission's top level threw Error: top (at student.ts:4:14)");
    const ctor = await startFailure(`export default class A {\n  constructor() {\n    throw new RangeError('no');\n  }\n}`);
    expect(ctor.message).toBe("the allocator's constructor threw RangeError: no (at student.ts:3:11 in new A)");
  });

  it('leave non-Errors and programs whose map maps nothing as they were', async () => {
    const body = `malloc(size: number): number {
      if (size === 1) throw 'plain string';
      if (size === 2) throw 42;
      throw new Error('x');
    }`;
    const target = await start(allocator(body));
    expect((await failure(() => target.malloc(1))).message).toBe('malloc(1) threw "plain string" (a string, not an Error)');
    expect((await failure(() => target.malloc(2))).message).toBe('malloc(2) threw 42 (a number, not an Error)');
    expect((await failure(() => target.malloc(3))).message).toBe('malloc(3) threw Error: x (at student.ts:8:13 in Student.malloc)');
    const program = await compiled(allocator(body));
    const bare = await RemoteTarget.start(sandbox, { program: { ...program, map: { ...program.map, mappings: '' } }, options: {} });
    expect((await failure(() => bare.malloc(3))).message).toBe('malloc(3) threw Error: x');
  });

  it('stay clean when the student tampers with stacks or throws Proxies', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      const loop = () => { for (;;) {} };
      if (size === 1) { Object.defineProperty(Error.prototype, 'stack', { get() { throw 1; }, set(_v) { throw 2; }, configurable: true }); throw new TypeError('a'); }
      if (size === 2) { delete (Error.prototype as any).stack; (Error as any).isError = loop; throw new TypeError('b'); }
      if (size === 3) { const e = new TypeError('c'); Object.defineProperty(e, 'stack', { get: loop }); throw e; }
      if (size === 4) { const e = new TypeError('d'); Object.defineProperty(e, 'stack', { get() { throw e; } }); throw e; }
      if (size === 5) throw new Proxy(new Error('e'), {});
      if (size === 6) throw new Proxy(new Error('f'), { getOwnPropertyDescriptor() { throw new Error('trap'); } });
      if (size === 7) { const e = new Error('g'); (e as any).stack = 'at x (submission.js:99999999:1)\\n'.repeat(5000); throw e; }
      if (size === 8) { const e = new Error('h'); (e as any).stack = { toString: loop }; throw e; }
      return 0;
    }`), { callUnits: 10_000_000 });
    const messages: string[] = [];
    for (const n of [1, 2, 3, 4, 5, 6, 7, 8]) messages.push((await failure(() => target.malloc(n))).message);
    expect(messages).toEqual([
      // The realm is locked down: the prototypes cannot be changed, and the student's line stays known.
      'malloc(1) threw TypeError: Cannot define property stack, object is not extensible (at student.ts:7:32 in Student.malloc)',
      'malloc(2) threw TypeError: Cannot add property isError, object is not extensible (at student.ts:8:79 in Student.malloc)',
      'malloc(3) threw TypeError: c',
      'malloc(4) threw TypeError: d',
      'malloc(5) threw an object that is not an Error',
      'malloc(6) threw an object that is not an Error',
      'malloc(7) threw Error: g',
      'malloc(8) threw Error: h',
    ]); // and no trap or getter ran: nothing timed out
    expect(await target.malloc(0)).toBe(0);
  });
});

describe('compileSubmission source map', () => {
  it('comes with the code as plain data naming the file', async () => {
    const result = await compileSubmission('export default class {}\n', 'dir/mm.ts');
    if (!result.ok) throw new Error('does not compile');
    expect(structuredClone(result.map)).toEqual(result.map);
    expect(result.map).toMatchObject({ file: 'dir/mm.ts', source: 0 });
    expect(result.code).not.toContain('sourceMappingURL');
  });
});
