// Run-time errors name the student's file, line and column: the VLQ decoder, the position lookup,
// the QuickJS stack parsing, and whole submissions in the sandbox (hostile ones included).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSubmission } from '../../../electron/host/sandbox/compile';
import { createSandboxTarget } from '../../../electron/host/sandbox/QuickJSTarget';
import { decodeLine, originalPosition, stackPosition, type SubmissionMap } from '../../../electron/host/sandbox/sourceMap';
import { allocator, failure, start, startFailure } from './helpers';

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
    const e = failure(() => target.malloc(40));
    expect([e.kind, e.message]).toEqual(['threw', "malloc(40) threw TypeError: cannot read property 'size' of undefined (at student.ts:7:46 in malloc)"]);
    expect(target.malloc(8)).toBe(0);
  });

  // The column is the one QuickJS records: a statement's start for a call in `return`, else the operator.
  it('name the student line that called heap.read32 out of the heap, not the prelude', async () => {
    const target = await start(allocator(`malloc(size: number): number {
    return this.walk(size);
  }
  walk(_size: number): number {
    const h = this.heap;
    return h.read32(0);
  }`));
    expect(failure(() => target.malloc(1)).message)
      .toBe('malloc(1) threw RangeError: heap.read32(0x0): address outside the heap [0x10000000, 0x10000000) (at student.ts:10:5 in walk)');
  });

  it('name the line of a top-level throw and of one in the constructor', async () => {
    const top = await startFailure(`type T = number;\n\nconst x: T = 1;\nif (x) throw new Error('top');\nexport default class {}`);
    expect(top.message).toBe("the submission's top level threw Error: top (at student.ts:4:18)");
    const ctor = await startFailure(`export default class A {\n  constructor() {\n    throw new RangeError('no');\n  }\n}`);
    expect(ctor.message).toBe("the allocator's constructor threw RangeError: no (at student.ts:3:15 in A)");
  });

  it('leave non-Errors and targets started without a map as they were', async () => {
    const body = `malloc(size: number): number {
      if (size === 1) throw 'plain string';
      if (size === 2) throw 42;
      throw new Error('x');
    }`;
    const target = await start(allocator(body));
    expect(failure(() => target.malloc(1)).message).toBe('malloc(1) threw "plain string" (a string, not an Error)');
    expect(failure(() => target.malloc(2)).message).toBe('malloc(2) threw 42 (a number, not an Error)');
    const compiled = await compileSubmission(allocator(body), 'student.ts');
    if (!compiled.ok) throw new Error('does not compile');
    const bare = await createSandboxTarget(compiled.code);
    try {
      expect(failure(() => bare.malloc(3)).message).toBe('malloc(3) threw Error: x');
    } finally {
      bare.dispose();
    }
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
    }`), { callDeadlineMs: 250 });
    const messages = [1, 2, 3, 4, 5, 6, 7, 8].map((n) => failure(() => target.malloc(n)).message);
    expect(messages).toEqual([
      // The engine's own stack property, not the prototype's, is read: the student's line stays known.
      'malloc(1) threw TypeError: a (at student.ts:7:150 in malloc)',
      'malloc(2) threw TypeError: b (at student.ts:8:105 in malloc)',
      'malloc(3) threw TypeError: c',
      'malloc(4) threw TypeError: d',
      'malloc(5) threw Error: e',
      'malloc(6) threw an object that is not an Error',
      'malloc(7) threw Error: g',
      'malloc(8) threw Error: h',
    ]); // and none 'could not be described in time': no trap or getter ran
    expect(target.malloc(0)).toBe(0);
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
