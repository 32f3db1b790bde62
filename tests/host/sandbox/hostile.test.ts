// Hostile submissions, run in this file's sandbox worker: each must end as a TargetError with a clear
// message (or be refused with a clear error inside the submission) while the worker carries on;
// nothing the student does reaches the host, its files, its stdout or the checker's view. Endless
// work ends by units (callUnits keeps it short), memory bombs by the memory limit, both for good.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileSubmission } from '../../../electron/host/sandbox/compile';
import { BUMP, allocator, failure, sandbox, start, startFailure, type RemoteTarget } from './helpers';

/** Every global a submission's compartment has (sorted): the standard library SES shares, the lab's log and console, nothing else. */
const GLOBALS = [
  'AggregateError', 'Array', 'ArrayBuffer', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView', 'Date', 'Error',
  'EvalError', 'Float32Array', 'Float64Array', 'Function', 'Infinity', 'Int16Array', 'Int32Array', 'Int8Array', 'JSON', 'Map', 'Math',
  'NaN', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError', 'ReferenceError', 'Reflect', 'RegExp', 'Set', 'String', 'Symbol',
  'SyntaxError', 'TypeError', 'URIError', 'Uint16Array', 'Uint32Array', 'Uint8Array', 'Uint8ClampedArray', 'WeakMap', 'WeakSet',
  '__lab', 'console', 'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'eval', 'globalThis', 'isFinite',
  'isNaN', 'parseFloat', 'parseInt', 'undefined', 'unescape',
];

/** Endless work ends after 2 million units (milliseconds of work, not seconds). */
const FAST = { callUnits: 2_000_000, heapLimit: 1 << 20, memoryLimit: 16 << 20 };
/** Memory bombs: the default unit budget (500 million), so only the memory limit can end them first. */
const BOMB = { heapLimit: 1 << 20, memoryLimit: 16 << 20 };

const LOOP = (what: string, units = '2,000,000') => `${what} did not finish within ${units} units, the most one call may use (an endless loop?)`;
/** A memory stop's message: the amount held varies with the collector's timing, the limit does not. */
const OUT_OF_MEMORY = (what: string, limit = 16) => new RegExp(`^${what.replace(/[()]/g, '\\$&')} ran out of memory: it would hold (\\d+) MiB of JavaScript memory, more than the sandbox's ${limit} MiB$`);
const DEAD = (message: string) => `the sandbox is no longer usable: an earlier call failed (${message})`;

/** A SandboxTarget method RemoteTarget does not mirror (used, setBudget), called in the worker. */
function call<T>(target: RemoteTarget, method: string, ...args: unknown[]): Promise<T> {
  return sandbox.request({ op: 'call', target: target.id, method, args }) as Promise<T>;
}

/**
 * Asserts `target.malloc(size)` ends as a memory stop and the target is dead afterwards. The MiB
 * named (what was held, plus what was asked for) is at least `atLeast`: held memory is measured
 * against the worker at the start, after collections, so it is only roughly the bomb's size.
 */
async function expectOutOfMemory(target: RemoteTarget, size: number, atLeast = 16, limit = 16): Promise<void> {
  const e = await failure(() => target.malloc(size));
  expect(e.kind).toBe('memory');
  const match = OUT_OF_MEMORY(`malloc(${size})`, limit).exec(e.message);
  expect(match, e.message).not.toBeNull();
  expect(Number(match![1])).toBeGreaterThanOrEqual(atLeast);
  expect(await failure(() => target.malloc(0))).toMatchObject({ kind: 'crash', message: DEAD(e.message) });
}

/** A fresh well-behaved target works in the same worker (the worker survived what came before). */
async function workerStillUsable(): Promise<void> {
  const next = await start(BUMP, { heapLimit: 1 << 16 });
  expect(await next.malloc(8)).toBe((await next.heapBase()) + 16);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('hostile submissions: endless work', () => {
  it('stops an infinite loop in malloc by units, then refuses further calls', async () => {
    const target = await start(allocator(`malloc(size: number): number { while (size > 0) {} return 0; }`), FAST);
    const e = await failure(() => target.malloc(100));
    expect([e.kind, e.message]).toEqual(['timeout', LOOP('malloc(100)')]);
    const after = await failure(() => target.malloc(0));
    expect([after.kind, after.message]).toEqual(['crash', DEAD(e.message)]);
    expect(await target.heapEnd()).toBe(await target.heapBase());
    await target.dispose();
    await target.dispose();
  });

  it('stops a loop at the top level and in the constructor', async () => {
    const top = await startFailure(`for (;;) {}\nexport default class {}`, FAST);
    expect([top.kind, top.message]).toEqual(['timeout', LOOP("the submission's top level")]);
    const ctor = await startFailure(`export default class { constructor() { for (;;) {} } malloc() { return 0; } free() {} }`, FAST);
    expect([ctor.kind, ctor.message]).toEqual(['timeout', LOOP("the allocator's constructor")]);
    await workerStillUsable();
  });

  it('stops a loop that catches everything it can: the stop is sticky', async () => {
    const target = await start(allocator(`malloc(): number { for (;;) { try { for (;;) {} } catch { /* again */ } finally { continue; } } }`), FAST);
    expect(await failure(() => target.malloc(1))).toMatchObject({ kind: 'timeout', message: LOOP('malloc(1)') });
    const retry = await start(allocator(`malloc(): number {
      const spin = (): number => { for (;;) {} };
      for (let k = 0; k < 1e9; k++) { try { spin(); } catch (e) { console.log('caught', (e as Error).message); } }
      return 1;
    }`), FAST);
    const e = await failure(() => retry.malloc(2));
    expect([e.kind, e.message]).toEqual(['timeout', LOOP('malloc(2)')]);
    // Its catch could not even log the error: the log line's unit met the stop again, and left the loop.
    expect(await retry.logs()).toEqual([]);
  });

  it('reports deep recursion as a stack overflow and keeps the host (and the target) usable', async () => {
    const target = await start(allocator(`malloc(size: number): number { return size > 0 ? this.malloc(size + 1) : 16; }`), FAST);
    const e = await failure(() => target.malloc(1));
    expect([e.kind, e.message]).toEqual(['threw', 'malloc(1) threw: stack overflow (recursion too deep) (at student.ts:5:32 in Student.malloc)']);
    expect(await target.malloc(0)).toBe(16);
    const deeper = await startFailure(`function f(n: number): number { return f(n + 1) + 1; }\nf(0);\nexport default class {}`, FAST);
    expect(deeper.message).toBe("the submission's top level threw: stack overflow (recursion too deep) (at student.ts:1:31 in f)");
    await workerStillUsable();
  });

  it('ends a loop that catches the stack overflow and recurses again, by units', async () => {
    const target = await start(allocator(`malloc(): number {
      const f = (n: number): number => f(n + 1) + 1;
      for (;;) { try { f(0); } catch (e) { if (!(e instanceof RangeError)) throw e; } }
    }`), FAST);
    const e = await failure(() => target.malloc(1));
    expect([e.kind, e.message]).toEqual(['timeout', LOOP('malloc(1)')]);
    expect((await failure(() => target.malloc(1))).kind).toBe('crash');
    await workerStillUsable();
  });

  it('ends a recursion that retries itself in its catch at the bottom of the stack', async () => {
    const target = await start(allocator(`malloc(): number {
      const f = (n: number): number => { try { return f(n + 1) + 1; } catch { return f(n + 1); } };
      return f(0);
    }`), FAST);
    const e = await failure(() => target.malloc(1));
    // Stopped at the bottom of the stack, where even wording the reason overflows: the short wording.
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/^malloc\(1\) did not finish within /);
    await workerStillUsable();
  });
});

describe('hostile submissions: memory bombs', () => {
  it('ends arrays, strings, objects, maps and a top-level global kept in a loop as out of memory', async () => {
    await expectOutOfMemory(await start(allocator(`malloc(): number { const keep: number[][] = []; for (;;) keep.push(new Array(10000).fill(1)); }`), BOMB), 1);
    await expectOutOfMemory(await start(allocator(`malloc(): number { const keep: string[] = []; for (let k = 0; ; k++) keep.push(('y'.repeat(100000) + k).toUpperCase()); }`), BOMB), 2);
    await expectOutOfMemory(await start(allocator(`malloc(): number { const keep: object[] = []; for (;;) keep.push({ a: 1, b: [2] }); }`), BOMB), 3);
    await expectOutOfMemory(await start(allocator(`malloc(): number { const m = new Map<number, number>(); for (let k = 0; ; k++) m.set(k, k); }`), BOMB), 4);
    // Flat copies of a doubling string: the copy that is charged past the call's units also holds too much; memory is the verdict.
    // Under the default limits (192 MiB, 500 M units a call), where the copy passes both at once.
    await expectOutOfMemory(await start(allocator(`malloc(): number { let s = 'x'; const keep: string[] = []; for (;;) { s = s + s; keep.push(s.slice(1)); } }`), { heapLimit: 1 << 20 }), 5, 192, 192);
    const global = await startFailure(`const g = globalThis as any; g.keep = []; for (let k = 0; ; k++) g.keep.push('y'.repeat(1000) + k);\nexport default class {}`, BOMB);
    expect(global.kind).toBe('memory');
    expect(global.message).toMatch(OUT_OF_MEMORY("the submission's top level"));
    await workerStillUsable();
  });

  it('does not count the heap against the memory limit', async () => {
    const target = await start(allocator(`private keep: number[][] = [];
      malloc(size: number): number {
        if (size === 1) { const p = this.heap.grow(this.heap.limit); this.heap.write32(p + this.heap.limit - 4, 7); return this.heap.read32(p + this.heap.limit - 4); }
        for (let k = 0; k < size; k++) this.keep.push(new Array(1000).fill(k));
        return this.keep.length;
      }`), { heapLimit: 64 << 20, memoryLimit: 16 << 20 });
    expect(await target.malloc(1)).toBe(7);
    expect(await target.malloc(500)).toBe(500); // 4 MB of arrays besides a 64 MiB heap
  });

  it('refuses one huge ArrayBuffer or typed array before it is made', async () => {
    const buffer = await start(allocator(`malloc(): number { return new ArrayBuffer(1 << 30).byteLength; }`), BOMB);
    await expectOutOfMemory(buffer, 1, 512);
    const bytes = await start(allocator(`malloc(): number { return new Uint8Array(2 ** 31).length; }`), BOMB);
    await expectOutOfMemory(bytes, 2, 1024);
    const words = await start(allocator(`malloc(): number { return new Uint32Array(1 << 28).length; }`), BOMB);
    await expectOutOfMemory(words, 3, 512);
    const floats = await start(allocator(`malloc(): number { return new Float64Array(1 << 27).length; }`), BOMB);
    await expectOutOfMemory(floats, 4, 512);
    // A copy of an iterable is sized before it is made (the iterable is read into an array first).
    const copy = await start(allocator(`malloc(): number { return new Uint8Array(new Set([1, 2, 3])).length; }`), BOMB);
    expect(await copy.malloc(5)).toBe(3);
  });

  it('ends a loop keeping 8 MiB buffers, typed arrays or copies as out of memory', async () => {
    const bombs = [
      `const keep: ArrayBuffer[] = []; for (;;) keep.push(new ArrayBuffer(8 << 20));`,
      `const keep: Uint8Array[] = []; for (;;) keep.push(new Uint8Array(8 << 20));`,
      `const keep: Float64Array[] = []; for (;;) keep.push(new Float64Array(1 << 20));`,
      `const keep: BigInt64Array[] = []; for (;;) keep.push(new BigInt64Array(1 << 20));`,
      `const b = new ArrayBuffer(4 << 20); const keep: ArrayBuffer[] = []; for (;;) keep.push(b.slice(0));`,
      `const b = new Uint8Array(4 << 20); const keep: Uint8Array[] = []; for (;;) keep.push(b.slice());`,
      `const b = new Uint8Array(4 << 20); const keep: Uint8Array[] = []; for (;;) keep.push(b.map((x) => x));`,
    ];
    for (const [k, bomb] of bombs.entries()) {
      await expectOutOfMemory(await start(allocator(`malloc(): number { ${bomb} }`), BOMB), k);
    }
    await workerStillUsable();
  });

  it('refuses growing a resizable ArrayBuffer past the limit in one step', async () => {
    const target = await start(allocator(`malloc(): number {
      const b = new (ArrayBuffer as any)(16, { maxByteLength: 1 << 30 });
      b.resize(1 << 30);
      return b.byteLength;
    }`), BOMB);
    await expectOutOfMemory(target, 1, 512);
  });

  it('charges resizing a buffer by its new length: growing 1 MiB at a time ends by units', async () => {
    // Each resize costs a unit per byte of the new length, so the 31st step passes 500 million
    // units. (The growth itself is not seen as memory: V8 does not count a resizable buffer's pages.)
    const target = await start(allocator(`malloc(): number {
      const b = new (ArrayBuffer as any)(16, { maxByteLength: 1 << 30 });
      for (let n = 1 << 20; ; n += 1 << 20) b.resize(n);
    }`), BOMB);
    expect(await failure(() => target.malloc(1))).toMatchObject({ kind: 'timeout', message: LOOP('malloc(1)', '500,000,000') });
  });

  it('refuses string bombs: repeat, padStart, concat, flattened doubling, JSON.stringify', async () => {
    await expectOutOfMemory(await start(allocator(`malloc(): number { return 'x'.repeat(1 << 28).length; }`), BOMB), 1, 256);
    await expectOutOfMemory(await start(allocator(`malloc(): number { return ''.padStart(1 << 29, 'x').length; }`), BOMB), 2, 512);
    await expectOutOfMemory(await start(allocator(`malloc(): number { return 'x'.concat(...new Array(1000).fill('y'.repeat(100000))).length; }`), BOMB), 3, 64);
    // Doubled and searched each time: every step makes a flat string twice as long.
    await expectOutOfMemory(await start(allocator(`malloc(): number { let s = 'x'; for (;;) { s += s; s.indexOf('y'); } }`), BOMB), 4);
    // 100 MB of JSON from an 8 MB array: made, then charged and measured.
    await expectOutOfMemory(await start(allocator(`malloc(): number { return JSON.stringify(new Array(1e6).fill('x'.repeat(100))).length; }`), BOMB), 5, 64);
    await workerStillUsable();
  });

  it("ends a doubled string at the engine's length limit as out of memory", async () => {
    // s += s makes a rope (two pointers, next to no memory): after 29 steps V8 refuses the length.
    const target = await start(allocator(`malloc(): number { let s = 'x'; for (;;) s += s; }`), BOMB);
    const e = await failure(() => target.malloc(1));
    expect([e.kind, e.message]).toEqual(['memory', "malloc(1) ran out of memory: invalid string length (the process's limit came before the sandbox's 16 MiB)"]);
    expect(await failure(() => target.malloc(2))).toMatchObject({ kind: 'crash', message: DEAD(e.message) });
  });

  it('charges Array.prototype.join and fill a unit per element, up front', async () => {
    // Array(1e8).join('x') would make a 100 MB string: its 100 million units pass this call's budget first.
    const join = await start(allocator(`malloc(): number { return Array(1e8).join('x').length; }`), FAST);
    expect(await failure(() => join.malloc(1))).toMatchObject({ kind: 'timeout', message: LOOP('malloc(1)') });
    // fill also reserves 8 bytes an element first: 800 MB is refused before it is made, before any unit.
    const fill = await start(allocator(`malloc(): number { return new Array(1e8).fill(0).length; }`), FAST);
    await expectOutOfMemory(fill, 2, 512);
    await workerStillUsable();
  });
});

describe('hostile submissions: built-ins are charged by the elements they scan', () => {
  it('charges indexOf and includes on strings and arrays in proportion to their length', async () => {
    const target = await start(allocator(`private s = '';
      private a: number[] = [];
      malloc(size: number): number {
        if (size > 0) { this.s = 'y'.repeat(size); this.a = new Array(size).fill(1); return 0; }
        let found = 0;
        for (let k = 0; k < 100; k++) {
          if (size === 0) found += this.s.indexOf('z');
          if (size === -1) found += this.a.indexOf(2);
          if (size === -2) found += this.a.includes(2) ? 1 : 0;
          if (size === -3) found += this.s.includes('z') ? 1 : 0;
        }
        return found + 1000;
      }`));
    const cost = async (size: number): Promise<number> => {
      const before = await call<number>(target, 'used');
      await target.malloc(size);
      return (await call<number>(target, 'used')) - before;
    };
    const costs = async (length: number): Promise<number[]> => {
      await target.malloc(length);
      return [await cost(0), await cost(-1), await cost(-2), await cost(-3)];
    };
    const short = await costs(1000);
    const long = await costs(1_000_000);
    // The call, 100 loop steps, and 100 scans of 1 + length elements.
    expect(short).toEqual(Array(4).fill(1 + 100 + 100 * (1 + 1000)));
    expect(long).toEqual(Array(4).fill(1 + 100 + 100 * (1 + 1_000_000)));
    for (let k = 0; k < 4; k++) expect(long[k]! / short[k]!).toBeGreaterThan(100);
  });

  it('ends a malloc that searches a long bookkeeping string with indexOf by units', async () => {
    const target = await start(allocator(`private map = '.'.repeat(100_000);
      malloc(size: number): number {
        let at = 0;
        for (let k = 0; k < size; k++) at = this.map.indexOf('#', at);
        return at + 1;
      }`), FAST);
    expect(await target.malloc(10)).toBe(0); // 10 scans of 100,000 characters: a million units
    const e = await failure(() => target.malloc(100));
    expect([e.kind, e.message]).toEqual(['timeout', LOOP('malloc(100)')]);
  });
});

describe('hostile submissions: code after the call returns', () => {
  it('refuses a promise callback between calls instead of running it unmetered', async () => {
    const target = await start(allocator(`private late = 0;
      malloc(size: number): number {
        if (size === 1) Promise.resolve().then(() => { for (;;) {} });
        if (size === 2) Promise.resolve().then(() => { this.late = 99; console.log('late'); });
        if (size === 3) { const f = async () => { await null; for (;;) {} }; void f(); }
        return size + this.late;
      }`), FAST);
    expect(await target.malloc(1)).toBe(1);
    expect(await target.malloc(2)).toBe(2);
    expect(await target.malloc(3)).toBe(3);
    expect(await target.malloc(4)).toBe(4); // none of the callbacks ran: late is still 0
    expect(await target.logs()).toEqual([]);
    await workerStillUsable();
  });

  it('has no timers, no microtask queue of its own and no way to wait', async () => {
    const target = await start(allocator(`malloc(): number {
      const g: any = globalThis;
      console.log(['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'structuredClone', 'SharedArrayBuffer', 'Atomics',
        'WebAssembly', 'WeakRef', 'FinalizationRegistry', 'MessageChannel', 'fetch'].map((name) => typeof g[name]).join(','));
      return 0;
    }`));
    expect(await target.malloc(1)).toBe(0);
    expect(await target.logs()).toEqual([Array(12).fill('undefined').join(',')]);
  });

  it('does not treat a returned thenable as a promise', async () => {
    const target = await start(allocator(`malloc(): any { return { then() { for (;;) {} } }; }`), FAST);
    expect(await failure(() => target.malloc(1))).toMatchObject({ kind: 'invalid', message: 'malloc(1) returned an object, not an address' });
    expect(await failure(() => target.malloc(2))).toMatchObject({ kind: 'invalid', message: 'malloc(2) returned an object, not an address' });
  });
});

describe('hostile submissions: escape attempts', () => {
  it('sees exactly the standard library, the log and console as globals', async () => {
    const target = await start(allocator(`malloc(): number { console.log(Object.getOwnPropertyNames(globalThis).sort().join(',')); return 0; }`), { logLineLength: 2000 });
    await target.malloc(1);
    expect(await target.logs()).toEqual([GLOBALS.join(',')]);
  });

  it('refuses every evaluator and every way to a function constructor', async () => {
    const target = await start(allocator(`malloc(): number {
      const g: any = globalThis;
      const tries: [string, () => unknown][] = [
        ['eval', () => g.eval('1')],
        ['indirect eval', () => (0, g.eval)('1')],
        ['Function', () => g.Function('return 1')],
        ['new Function', () => new g.Function('return 1')],
        ['function constructor', () => (function () { return 0; }).constructor('return this')()],
        ['arrow constructor', () => (() => 1).constructor('return this')()],
        ['async function constructor', () => Object.getPrototypeOf(async function () { return 0; }).constructor('return 1')],
        ['generator constructor', () => Object.getPrototypeOf(function* () { yield 0; }).constructor('yield 1')],
        ['async generator constructor', () => Object.getPrototypeOf(async function* () { yield 0; }).constructor('yield 1')],
        ['globalThis.constructor', () => g.constructor.constructor('return this')()],
        ['object constructor', () => ({} as any).constructor.constructor('return process')()],
        ['Reflect.construct', () => Reflect.construct(Object.getPrototypeOf(() => 1).constructor, ['return 1'])],
        ['Compartment', () => new g.Compartment()],
        ['lockdown', () => g.lockdown()],
        ['harden', () => g.harden({})],
      ];
      for (const [name, f] of tries) {
        try { console.log(name, 'returned', typeof f()); } catch (e) { console.log(name, (e as Error).name + ': ' + (e as Error).message); }
      }
      return 0;
    }`), { logLineLength: 200 });
    expect(await target.malloc(1)).toBe(0);
    const inert = 'TypeError: Function.prototype.constructor is not a valid constructor.';
    expect(await target.logs()).toEqual([
      'eval TypeError: eval is not available in the lab: write the code itself',
      'indirect eval TypeError: eval is not available in the lab: write the code itself',
      'Function TypeError: Function is not available in the lab: write the code itself',
      'new Function TypeError: Function is not available in the lab: write the code itself',
      `function constructor ${inert}`,
      `arrow constructor ${inert}`,
      `async function constructor ${inert}`,
      `generator constructor ${inert}`,
      `async generator constructor ${inert}`,
      `globalThis.constructor ${inert}`,
      `object constructor ${inert}`,
      `Reflect.construct ${inert}`,
      'Compartment TypeError: g.Compartment is not a constructor',
      'lockdown TypeError: g.lockdown is not a function',
      'harden TypeError: g.harden is not a function',
    ]);
  });

  it('refuses import(), eval() and any module but freenos-lab at compile time, naming the line', async () => {
    const errors = async (source: string) => {
      const result = await compileSubmission(source, 'student.ts');
      return result.ok ? 'compiled' : result.errors.map((e) => `${e.line}:${e.column} ${e.message}`);
    };
    expect(await errors(`const fs = import('fs');\nexport default class {}`)).toEqual(["1:19 only 'freenos-lab' can be imported here, not 'fs'"]);
    expect(await errors(`const name = 'f' + 's';\nconst fs = import(name);\nexport default class {}`))
      .toEqual(["2:12 import() is not available: a submission may import only 'freenos-lab', with an import statement"]);
    expect(await errors(`import { readFileSync } from 'node:fs';\nreadFileSync('x');\nexport default class {}`)).toEqual(["1:30 only 'freenos-lab' can be imported here, not 'node:fs'"]);
    expect(await errors(`const fs = require('fs');\nexport default class {}`)).toEqual(["1:20 only 'freenos-lab' can be imported here, not 'fs'"]);
    expect(await errors(`const x = 1;\nconst y = eval('x');\nexport default class {}`)).toEqual(['2:11 eval() is not available in the lab: write the code itself']);
  });

  it('sees no host: no process, require, module or Buffer, and writes no file', async () => {
    const file = path.join(os.tmpdir(), `freenos-escape-${process.pid}-${Date.now()}.txt`);
    const target = await start(`
      declare const process: any;
      declare const require: any;
      const g: any = globalThis;
      const tryIt = (what: string, f: () => unknown) => { try { console.log(what, String(f())); } catch (e: any) { console.log(what, 'threw', e.name + ': ' + e.message); } };
      tryIt('globalThis.process', () => typeof g.process);
      tryIt('globalThis.require', () => typeof g.require);
      tryIt('process', () => process.pid);
      tryIt('host names', () => [g.module, g.exports, g.Buffer, g.global, g.std, g.os].map((x) => typeof x).join(','));
      tryIt('require', () => { const r = require; return r('fs').writeFileSync(${JSON.stringify(file)}, 'x'); });
      tryIt('lab', () => Object.getOwnPropertyNames(g.__lab).join(','));
      export default class { malloc() { return 0; } free() {} }
    `, { logLineLength: 2000 });
    expect(await target.logs()).toEqual([
      'globalThis.process undefined',
      'globalThis.require undefined',
      "process threw TypeError: Cannot read properties of undefined (reading 'pid')",
      'host names undefined,undefined,undefined,undefined,undefined,undefined',
      // esbuild's own stand-in for a require it could not bundle (the name is not a literal):
      'require threw Error: Dynamic require of "fs" is not supported',
      'lab log',
    ]);
    expect(existsSync(file)).toBe(false);
    expect(await target.malloc(1)).toBe(0);
  });

  it('cannot hook stack traces: prepareStackTrace is ignored, captureStackTrace yields an empty stack', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      const E: any = Error;
      if (size === 1) {
        E.prepareStackTrace = (_e: unknown, frames: any[]) => { console.log('hook ran', typeof frames[0]?.getThis?.()); return 'forged'; };
        const o: any = {};
        E.captureStackTrace(o);
        console.log(String(new Error('x').stack).split('\\n')[0], JSON.stringify(o.stack), String(E.stackTraceLimit = 0));
        return 0;
      }
      if (size === 2) { E.prepareStackTrace = () => { for (;;) {} }; throw new Error('after the hook'); }
      return 0;
    }`), FAST);
    expect(await target.malloc(1)).toBe(0);
    const e = await failure(() => target.malloc(2));
    expect([e.kind, e.message]).toEqual(['threw', 'malloc(2) threw Error: after the hook (at student.ts:14:76 in Student.malloc)']);
    expect(await target.logs()).toEqual(['Error: x "" 0']);
  });

  it('finds every intrinsic frozen: changing Object.prototype or Array.prototype throws in its strict code', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      const attempts: (() => void)[] = [
        () => { (Object.prototype as any).polluted = 1; },
        () => { Object.defineProperty(Object.prototype, 'value', { get: () => 'forged' }); },
        () => { (Array.prototype as any).push = () => 0; },
        () => { delete (Math as any).max; },
        () => { Object.setPrototypeOf(Array.prototype, null); },
      ];
      for (const attempt of attempts) { try { attempt(); console.log('changed'); } catch (e) { console.log((e as Error).message); } }
      const g: any = globalThis;
      g.mine = 1; // the compartment's own global object is the student's to change
      return ({} as any).polluted === undefined && [1].push(2) === 2 && g.mine === 1 ? 1 : 0;
    }`));
    expect(await target.malloc(1)).toBe(1);
    expect(await target.logs()).toEqual([
      'Cannot add property polluted, object is not extensible',
      'Cannot define property value, object is not extensible',
      "Cannot assign to read only property 'push' of 'root.%ArrayPrototype%.push'",
      "Cannot delete property 'max' of [object Math]",
      '[object Array] is not extensible',
    ]);
  });

  it('cannot reach the trusted accessors or the meter from anything it can see', async () => {
    const target = await start(allocator(`malloc(): number {
      const seen = new Set<unknown>();
      const names = new Set<string>();
      const queue: unknown[] = [globalThis, this.heap, this, Object.getPrototypeOf(() => 0), Object.prototype, Object.getPrototypeOf(Uint8Array)];
      while (queue.length > 0) {
        const o = queue.pop();
        if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) continue;
        seen.add(o);
        if (typeof o === 'function') names.add(o.name);
        queue.push(Object.getPrototypeOf(o));
        for (const key of Reflect.ownKeys(o)) {
          const d = Object.getOwnPropertyDescriptor(o, key)!;
          queue.push(d.value, d.get, d.set);
        }
      }
      const trusted = ['peek8', 'poke8', 'peek32', 'poke32', 'bytes', 'current', 'record', 'services', 'failure', 'kill', 'address',
        'tick', 'charge', 'chargeIfActive', 'metered', 'unmetered', 'trip', 'reserve', 'slow', 'reset', 'count', 'stopped', 'index', 'show', 'start'];
      console.log(String(seen.size > 500), trusted.filter((n) => names.has(n)).join(',') || 'none', ['read32', 'grow', 'copy', 'log'].filter((n) => names.has(n)).join(','));
      return 0;
    }`));
    await target.malloc(1);
    expect(await target.logs()).toEqual(['true none read32,grow,copy,log']);
  });

  it('keeps console output and fake results out of the host stdout', async () => {
    const write = vi.spyOn(process.stdout, 'write');
    const target = await start(allocator(`malloc(): number { console.log('{"score": 100}'); console.error('PASS'); return 0; }`));
    await target.malloc(1);
    expect(await target.logs()).toEqual(['{"score": 100}', 'PASS']);
    await target.heapEnd(); // one more round trip: worker output, if any, would have arrived
    expect(write).not.toHaveBeenCalled();
  });

  it('caps a log flood of a million lines', async () => {
    const target = await start(allocator(`malloc(): number { for (let k = 0; k < 1e6; k++) console.log('spam', k); return 0; }`));
    await target.malloc(1);
    const logs = await target.logs();
    expect(logs).toHaveLength(201);
    expect(logs[199]).toBe('spam 199');
    expect(logs[200]).toBe('… 999800 more lines dropped');
  });

  it('logs hostile objects without being fooled or stuck', async () => {
    const target = await start(allocator(`malloc(): number {
      console.log({ toString() { throw new Error('no'); }, toJSON() { throw new Error('no'); } });
      console.log(new (class Weird { toString() { return 'weird!'; } })());
      const cyclic: any = {}; cyclic.self = cyclic;
      console.log(cyclic, Symbol('s'), 10n);
      console.log({ toJSON() { for (;;) {} } });
      return 0;
    }`), FAST);
    const e = await failure(() => target.malloc(1));
    expect([e.kind, e.message]).toEqual(['timeout', LOOP('malloc(1)')]);
    // The last line is the object's tag: its toJSON was stopped, and the stop ended the call after the log call.
    expect(await target.logs()).toEqual(['[object Object]', 'weird!', '[object Object] Symbol(s) 10', '[object Object]']);
  });
});

describe('hostile submissions: forged values and errors', () => {
  it('refuses return values that are not addresses', async () => {
    const target = await start(allocator(`malloc(size: number): any {
      return [NaN, -1, 2 ** 40, '0x100', { valueOf: () => 16 }, 1.5, null, undefined, true, 16n, () => 16, 'z'.repeat(1e6), Infinity][size];
    }`));
    const errors = [];
    for (let k = 0; k < 13; k++) errors.push(await failure(() => target.malloc(k)));
    expect(errors.every((e) => e.kind === 'invalid')).toBe(true);
    expect(errors.map((e) => e.message)).toEqual([
      'malloc(0) returned NaN, not an address (an integer from 0 to 2^32 - 1)',
      'malloc(1) returned -1, not an address (an integer from 0 to 2^32 - 1)',
      'malloc(2) returned 1099511627776, not an address (an integer from 0 to 2^32 - 1)',
      'malloc(3) returned "0x100" (a string), not an address',
      'malloc(4) returned an object, not an address',
      'malloc(5) returned 1.5, not an address (an integer from 0 to 2^32 - 1)',
      'malloc(6) returned null, not an address',
      'malloc(7) returned undefined, not an address',
      'malloc(8) returned true (a boolean), not an address',
      'malloc(9) returned a bigint, not an address',
      'malloc(10) returned a function, not an address',
      `malloc(11) returned "${'z'.repeat(40)}…" (a string), not an address`,
      'malloc(12) returned Infinity, not an address (an integer from 0 to 2^32 - 1)',
    ]);
  });

  it('describes thrown values without calling their toString, valueOf, getters or traps', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      const loop = () => { for (;;) {} };
      if (size === 1) throw { toString: loop, valueOf: loop, [Symbol.toPrimitive]: loop };
      if (size === 2) throw { get message() { for (;;) {} }, get name() { throw new Error('x'); } };
      if (size === 3) { class E extends Error { get message(): string { throw 1; } } throw new E(); }
      if (size === 4) { const e = new Error('x'.repeat(5000)); throw e; }
      if (size === 5) throw new Proxy(new Error('proxied'), { getOwnPropertyDescriptor: loop, getPrototypeOf: loop, get: loop });
      if (size === 6) throw Object.assign(Object.create(null), { name: 'Fake', message: 'custom' });
      if (size === 7) throw 2n ** 100000n;
      if (size === 8) { const e = new RangeError('mine'); Object.defineProperty(e, 'name', { get: loop }); throw e; }
      return 0;
    }`), FAST);
    expect((await failure(() => target.malloc(1))).message).toBe('malloc(1) threw an object that is not an Error');
    expect((await failure(() => target.malloc(2))).message).toBe('malloc(2) threw an object that is not an Error');
    // V8 words an error's stack lazily, with its message getter: that runs outside the call, where the
    // meter refuses it, so the error cannot be read and is shown as an unknown object.
    expect((await failure(() => target.malloc(3))).message).toBe('malloc(3) threw an object that is not an Error');
    // The stack is read to its first 2000 characters, all message here: the position is lost.
    expect((await failure(() => target.malloc(4))).message).toBe(`malloc(4) threw Error: ${'x'.repeat(500)}…`);
    expect(await failure(() => target.malloc(5))).toMatchObject({ kind: 'threw', message: 'malloc(5) threw an object that is not an Error' });
    expect((await failure(() => target.malloc(6))).message).toBe('malloc(6) threw an object that is not an Error');
    expect((await failure(() => target.malloc(7))).message).toBe('malloc(7) threw a bigint (not an Error)');
    expect((await failure(() => target.malloc(8))).message).toBe('malloc(8) threw an object that is not an Error'); // its name getter: as 3
    expect(await target.malloc(0)).toBe(0);
  });
});

describe('hostile submissions: the checker view cannot be forged', () => {
  it('peek/poke see the true bytes after the student tries to patch every prototype it can', async () => {
    const target = await start(`
      import type { Heap } from 'freenos-lab';
      function patchEverything(): number {
        const g: any = globalThis;
        let changed = 0;
        const attempt = (f: () => void) => { try { f(); changed++; } catch { /* frozen */ } };
        for (const T of [Uint8Array, Uint16Array, Uint32Array, Int32Array, Float64Array, DataView, ArrayBuffer] as any[]) {
          for (const k of Object.getOwnPropertyNames(T.prototype)) attempt(() => Object.defineProperty(T.prototype, k, { value: () => 7, writable: true }));
          for (const k of ['0', '1', '2', '3', '4']) attempt(() => Object.defineProperty(T.prototype, k, { get: () => 7, set() {} }));
        }
        const proto = Object.getPrototypeOf(Uint8Array.prototype);
        for (const k of Object.getOwnPropertyNames(proto)) attempt(() => Object.defineProperty(proto, k, { get: () => 7, set() {} }));
        attempt(() => Object.defineProperty(Array.prototype, '0', { set() {}, get: () => 7 }));
        attempt(() => Object.defineProperty(Object.prototype, 'value', { get: () => 'forged' }));
        const fp: any = Object.getPrototypeOf(() => 0);
        attempt(() => { fp.call = function () { return 7; }; });
        attempt(() => { fp.apply = function () { return 7; }; });
        attempt(() => { fp.bind = function () { return () => 7; }; });
        attempt(() => { (Number.prototype as any).toString = () => 'seven'; });
        // Its own global object is the student's: these change only what the student sees.
        attempt(() => { g.Reflect = { apply: () => 7, construct: () => ({}) }; });
        attempt(() => { g.Math = {}; });
        attempt(() => { g.Object = {}; });
        return changed;
      }
      export default class {
        constructor(private heap: Heap) { console.log('changed', patchEverything()); }
        malloc(size: number): number {
          const p = this.heap.grow(64);
          this.heap.write32(p, 0x11223344);
          console.log(String(this.heap.read32(p)), String(this.heap.read32(p + 8) === size));
          return p;
        }
        free(address: number): void { console.log(this.heap.read32(address + 4) === 0xcafebabe ? 'saw it' : 'wrong'); }
      }
    `);
    const p = await target.malloc(0);
    expect(p).toBe(await target.heapBase());
    expect(await target.peek32(p)).toBe(0x11223344);
    expect(await target.peek8(p)).toBe(0x44);
    await target.poke32(p + 4, 0xcafebabe);
    await target.free(p);
    await target.poke32(p + 72, 0x5a5a5a5a); // outside the end: ignored
    expect(await target.peek32(p + 4)).toBe(0xcafebabe);
    expect(await target.peek32(p + 72)).toBe(0);
    expect(await target.logs()).toEqual(['changed 3', `${0x11223344} true`, 'saw it']);
  });

  it('leaves the heap object handed in frozen', async () => {
    const target = await start(allocator(`malloc(): number {
      const h: any = this.heap;
      const attempts = [
        () => { h.read32 = () => 42; },
        () => { Object.defineProperty(h, 'end', { value: () => 0 }); },
        () => { h.base = 0; },
        () => { Object.setPrototypeOf(h, { read32: () => 42 }); },
        () => { h.read32.call = () => 42; },
        () => { delete h.write32; },
      ];
      for (const attempt of attempts) { try { attempt(); console.log('changed'); } catch (e: any) { console.log(e.name); } }
      const p = h.grow(16);
      h.write32(p, 5);
      return h.read32(p) === 5 && h.base !== 0 ? p : 1;
    }`));
    const p = await target.malloc(1);
    expect(p).toBe(await target.heapBase());
    expect(await target.peek32(p)).toBe(5);
    expect(await target.logs()).toEqual(Array(6).fill('TypeError'));
  });

  it('throws a RangeError naming the address when the student writes outside the heap', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      const h = this.heap;
      h.grow(64);
      if (size === 1) { try { h.write32(h.base + h.limit + 4, 1); } catch (e: any) { console.log(e.name + ': ' + e.message); } return 0; }
      if (size === 2) h.write32(h.limit + 4, 1);
      if (size === 3) h.read8(h.end());
      if (size === 4) h.read32((h as any)['x']);
      return 0;
    }`), { heapBase: 0x10000000, heapLimit: 1 << 20 });
    await target.malloc(1);
    expect(await target.logs()).toEqual(['RangeError: heap.write32(0x10100004): address outside the heap [0x10000000, 0x10000040)']);
    expect((await failure(() => target.malloc(2))).message).toBe('malloc(2) threw RangeError: heap.write32(0x100004): address outside the heap [0x10000000, 0x10000080) (at student.ts:9:25 in Student.malloc)');
    expect((await failure(() => target.malloc(3))).message).toBe('malloc(3) threw RangeError: heap.read8(0x100000c0): address outside the heap [0x10000000, 0x100000c0) (at student.ts:10:25 in Student.malloc)');
    expect((await failure(() => target.malloc(4))).message).toBe('malloc(4) threw RangeError: heap.read32(undefined): an address must be a number in the heap [0x10000000, 0x10000100) (at student.ts:11:25 in Student.malloc)');
  });
});

describe('hostile submissions: built-ins that make many elements from few', () => {
  it('ends splitting or spreading a long string into an array as out of memory', async () => {
    await expectOutOfMemory(await start(allocator(`malloc(): number { const s = 'x'.repeat(1e7); return s.split('').length; }`), BOMB), 1);
    await expectOutOfMemory(await start(allocator(`malloc(): number { const s = 'x'.repeat(1e7); return [...s].length; }`), BOMB), 2);
    await workerStillUsable();
  });

  // Once a weakness: fill was charged a unit per element but reserved nothing, and within the default
  // 500 million units fill(0) on a 1e8-element array grew a dictionary past the worker's heap inside
  // one built-in: V8's fatal 'CALL_AND_RETRY_LAST' out-of-memory aborted the whole process, not only
  // the worker. It must stay a memory stop under the default budget of units.
  it('refuses filling a huge sparse array before it is made', async () => {
    await expectOutOfMemory(await start(allocator(`malloc(): number { return new Array(1e8).fill(0).length; }`), BOMB), 1, 512);
  });

  it('sizes Array.from of an array-like before it is made', async () => {
    await expectOutOfMemory(await start(allocator(`malloc(): number { return Array.from({ length: 1e8 }).length; }`), BOMB), 1, 512);
    await expectOutOfMemory(await start(allocator(`malloc(): number { const keep: unknown[] = []; for (;;) keep.push(Array.from({ length: 1e6 })); }`), BOMB), 2);
  });

  it('charges and sizes Object.keys and Object.entries', async () => {
    await expectOutOfMemory(await start(allocator(`malloc(): number {
      const o: Record<string, number> = {};
      for (let k = 0; k < 1e5; k++) o['k' + k] = k;
      const keep: unknown[] = [];
      for (;;) keep.push(Object.keys(o), Object.entries(o));
    }`), BOMB), 1);
  });

  it('stops replaceAll that makes far more than it scans', async () => {
    // Charged by what it made: the units of 500 million characters end the call (before any memory check).
    const e = await failure(async () => (await start(allocator(`malloc(): number { return 'x'.repeat(2e4).replaceAll('x', 'y'.repeat(2.5e4)).length; }`), BOMB)).malloc(1));
    expect(e.kind).toBe('timeout');
    expect(e.message).toMatch(/^malloc\(1\) did not finish within /);
  });

  // KNOWN WEAKNESS, skipped (20-34 s of work no unit sees): join and JSON.stringify are charged by the
  // top-level length (builtins.ts: scan = 1 + size(self); stringify by its output, after it is made),
  // so an array shared with itself 26 levels deep, [a, a], costs 3 units to join into 134 million
  // characters: the join ends only at the 20 s wall-clock backstop ('ran past the wall-clock
  // backstop'), and JSON.stringify of the same shape runs ~34 s before its memory stop.
  it.skip('charges joining a deeply shared array by what it writes', async () => {
    const join = await start(allocator(`malloc(): number { let a: unknown[] = [1]; for (let k = 0; k < 26; k++) a = [a, a]; return a.join().length; }`), FAST);
    expect(await failure(() => join.malloc(1))).toMatchObject({ kind: 'timeout', message: LOOP('malloc(1)') });
  });
});
