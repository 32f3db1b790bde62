// Hostile submissions: each must end as a TargetError with a clear message while the host carries
// on; nothing the student does reaches the host, its files, its stdout or the checker's view.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BUMP, allocator, failure, start, startFailure } from './helpers';

/** Every global a submission sees: QuickJS's standard library, the lab's log and console, nothing else. */
const GLOBALS = [
  'AggregateError', 'Array', 'ArrayBuffer', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView', 'Date', 'Error',
  'EvalError', 'FinalizationRegistry', 'Float16Array', 'Float32Array', 'Float64Array', 'Function', 'Infinity', 'Int16Array',
  'Int32Array', 'Int8Array', 'InternalError', 'Iterator', 'JSON', 'Map', 'Math', 'NaN', 'Number', 'Object', 'Promise', 'Proxy',
  'RangeError', 'ReferenceError', 'Reflect', 'RegExp', 'Set', 'SharedArrayBuffer', 'String', 'Symbol', 'SyntaxError', 'TypeError',
  'URIError', 'Uint16Array', 'Uint32Array', 'Uint8Array', 'Uint8ClampedArray', 'WeakMap', 'WeakRef', 'WeakSet', '__lab', 'console',
  'decodeURI', 'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'eval', 'globalThis', 'isFinite', 'isNaN',
  'parseFloat', 'parseInt', 'undefined', 'unescape',
].join(',');

const FAST = { callDeadlineMs: 250, heapLimit: 1 << 20, memoryLimit: 16 << 20 };
/** Memory bombs end by the memory limit; a generous deadline so a loaded machine cannot turn them into timeouts. */
const BOMB = { ...FAST, callDeadlineMs: 30_000 };

afterEach(() => {
  vi.restoreAllMocks();
});

describe('hostile submissions: time and memory', () => {
  it('times out an infinite loop in malloc, then refuses further calls', async () => {
    const target = await start(allocator(`malloc(size: number): number { while (size > 0) {} return 0; }`), FAST);
    const e = failure(() => target.malloc(100));
    expect([e.kind, e.message]).toEqual(['timeout', 'malloc(100) did not return within 250 ms']);
    const after = failure(() => target.malloc(0));
    expect(after.kind).toBe('crash');
    expect(after.message).toMatch(/^the sandbox is no longer usable: an earlier call failed \(malloc\(100\) did not return/);
    expect(target.heapEnd()).toBe(target.heapBase());
    target.dispose();
    target.dispose();
  });

  it('times out a loop at the top level and in the constructor', async () => {
    const top = await startFailure(`for (;;) {}\nexport default class {}`, FAST);
    expect([top.kind, top.message]).toEqual(['timeout', "the submission's top level did not return within 250 ms"]);
    const ctor = await startFailure(`export default class { constructor() { for (;;) {} } malloc() { return 0; } free() {} }`, FAST);
    expect([ctor.kind, ctor.message]).toEqual(['timeout', "the allocator's constructor did not return within 250 ms"]);
  });

  it('stops a loop that catches everything it can', async () => {
    const target = await start(allocator(`malloc(): number { for (;;) { try { for (;;) {} } catch { /* again */ } finally { continue; } } }`), FAST);
    expect(failure(() => target.malloc(1)).kind).toBe('timeout');
  });

  it('ends memory bombs as out of memory', { timeout: 120_000 }, async () => {
    const arrays = await start(allocator(`malloc(): number { const keep: number[][] = []; for (;;) keep.push(new Array(10000).fill(1)); }`), BOMB);
    const e = failure(() => arrays.malloc(1));
    expect([e.kind, e.message]).toEqual(['memory', "malloc(1) ran out of memory (the sandbox's limit is 16 MiB)"]);
    expect(failure(() => arrays.malloc(1)).kind).toBe('crash');
    const strings = await start(allocator(`malloc(): number { const keep: string[] = []; for (let k = 0; ; k++) keep.push(('y'.repeat(100000) + k).toUpperCase()); }`), BOMB);
    expect(failure(() => strings.malloc(2)).message).toBe("malloc(2) ran out of memory (the sandbox's limit is 16 MiB)");
    const objects = await start(allocator(`malloc(): number { const keep: object[] = []; for (;;) keep.push({ a: 1, b: [2] }); }`), BOMB);
    expect(failure(() => objects.malloc(3)).kind).toBe('memory');
    const global = await startFailure(`(globalThis as any).keep = []; for (;;) (globalThis as any).keep.push('y'.repeat(1000) + Math.random());\nexport default class {}`, BOMB);
    expect(global.kind).toBe('memory');
    const buffer = await start(allocator(`malloc(): number { return new ArrayBuffer(1 << 30).byteLength; }`), BOMB);
    const typed = await start(allocator(`malloc(): number { const keep: Uint8Array[] = []; for (;;) keep.push(new Uint8Array(1 << 20)); }`), BOMB);
    expect(failure(() => typed.malloc(5)).kind).toBe('memory');
    expect(failure(() => buffer.malloc(4)).kind).toBe('memory');
  });

  it('does not fit a heap larger than the memory limit', async () => {
    const e = await startFailure(BUMP, { heapLimit: 8 << 20, memoryLimit: 4 << 20 });
    expect(e.kind).toBe('memory');
  });

  it('reports deep recursion as a stack overflow and keeps the host (and the target) usable', async () => {
    const target = await start(allocator(`malloc(size: number): number { return size > 0 ? this.malloc(size + 1) : 16; }`), FAST);
    const e = failure(() => target.malloc(1));
    expect([e.kind, e.message]).toEqual(['threw', 'malloc(1) threw: stack overflow (recursion too deep) (at student.ts:5:57 in malloc)']);
    expect(target.malloc(0)).toBe(16);
    const deeper = await startFailure(`function f(n: number): number { return f(n + 1) + 1; }\nf(0);\nexport default class {}`, FAST);
    expect(deeper.message).toBe("the submission's top level threw: stack overflow (recursion too deep) (at student.ts:1:40 in f)");
    const next = await start(BUMP, FAST);
    expect(next.malloc(8)).toBe(next.heapBase() + 16);
  });
});

describe('hostile submissions: escape attempts', () => {
  it('sees no host: no process, require, host globals or files', async () => {
    const file = path.join(os.tmpdir(), `freenos-escape-${process.pid}-${Date.now()}.txt`);
    const target = await start(`
      const g: any = globalThis;
      const tryIt = (what: string, f: () => unknown) => { try { console.log(what, String(f())); } catch (e: any) { console.log(what, 'threw', e && e.name); } };
      tryIt('process', () => typeof (g as any).process);
      tryIt('require', () => typeof g.require);
      tryIt('module', () => typeof g.module + typeof g.Buffer + typeof g.setTimeout + typeof g.fetch + typeof g.WebAssembly + typeof g.std + typeof g.os);
      tryIt('constructor', () => (({}) as any).constructor.constructor('return typeof process')());
      tryIt('function-this', () => Object.getOwnPropertyNames(Function('return this')()).sort().join(','));
      tryIt('write', () => { const r = (0, eval)('typeof require') === 'function' ? (0, eval)('require')('fs').writeFileSync(${JSON.stringify(file)}, 'x') : 'no require'; return r; });
      tryIt('dynamic-import', () => { const name = 'node:' + 'fs'; (g as any).p = import(name); return typeof g.p; });
      tryIt('lab', () => Object.getOwnPropertyNames(g.__lab).join(','));
      export default class { malloc() { return 0; } free() {} }
    `, { logLineLength: 2000 });
    expect(target.logs()).toEqual([
      'process undefined',
      'require undefined',
      'module undefinedundefinedundefinedundefinedundefinedundefinedundefined',
      'constructor undefined',
      `function-this ${GLOBALS}`,
      'write no require',
      'dynamic-import object',
      'lab log',
    ]);
    expect(existsSync(file)).toBe(false);
    expect(target.malloc(1)).toBe(0);
  });

  it('cannot reach the trusted accessors or the host callbacks from anything it can see', async () => {
    const target = await start(allocator(`malloc(): number {
      const seen = new Set<unknown>();
      const names = new Set<string>();
      const queue: unknown[] = [globalThis, this.heap, this, Function.prototype, Object.prototype];
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
      const trusted = ['peek8', 'poke8', 'peek32', 'poke32', 'hostGrow', 'hostLog', 'describe', 'takeBad', 'call1', 'call2', 'instantiate', 'getDefault', 'droppedLines', 'method'];
      console.log(String(seen.size > 500), trusted.filter((n) => names.has(n)).join(',') || 'none', ['read32', 'grow', 'log'].filter((n) => names.has(n)).join(','));
      return 0;
    }`));
    target.malloc(1);
    expect(target.logs()).toEqual(['true none read32,grow,log']);
  });

  it('keeps console output and fake results out of the host stdout', async () => {
    const write = vi.spyOn(process.stdout, 'write');
    const target = await start(allocator(`malloc(): number { console.log('{"score": 100}'); console.error('PASS'); return 0; }`));
    target.malloc(1);
    expect(write).not.toHaveBeenCalled();
    expect(target.logs()).toEqual(['{"score": 100}', 'PASS']);
  });

  it('caps a log flood of a million lines', async () => {
    const target = await start(allocator(`malloc(): number { for (let k = 0; k < 1e6; k++) console.log('spam', k); return 0; }`));
    target.malloc(1);
    const logs = target.logs();
    expect(logs).toHaveLength(201);
    expect(logs[199]).toBe('spam 199');
    expect(logs[200]).toBe('… 999800 more lines dropped');
  });

  it('logs hostile objects without running them on the host', async () => {
    const target = await start(allocator(`malloc(): number {
      console.log({ toString() { throw new Error('no'); }, toJSON() { throw new Error('no'); } });
      console.log(new (class Weird { toString() { return 'weird!'; } })());
      const cyclic: any = {}; cyclic.self = cyclic;
      console.log(cyclic, Symbol('s'), 10n);
      return 0;
    }`));
    target.malloc(1);
    expect(target.logs()).toEqual(['[object Object]', 'weird!', '[object Object] Symbol(s) 10']);
  });
});

describe('hostile submissions: forged values and errors', () => {
  it('refuses return values that are not addresses', async () => {
    const target = await start(allocator(`malloc(size: number): any {
      return [NaN, -1, 2 ** 40, '0x100', { valueOf: () => 16 }, 1.5, null, undefined, true, 16n, () => 16, 'z'.repeat(1e6), Infinity][size];
    }`));
    const messages = Array.from({ length: 13 }, (_, k) => failure(() => target.malloc(k)));
    expect(messages.every((e) => e.kind === 'invalid')).toBe(true);
    expect(messages.map((e) => e.message)).toEqual([
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

  it('describes thrown values without calling their toString, valueOf or getters', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      const loop = () => { for (;;) {} };
      if (size === 1) throw { toString: loop, valueOf: loop, [Symbol.toPrimitive]: loop };
      if (size === 2) throw { get message() { for (;;) {} }, get name() { throw new Error('x'); } };
      if (size === 3) { class E extends Error { get message(): string { throw 1; } } throw new E(); }
      if (size === 4) { const e = new Error('x'.repeat(5000)); throw e; }
      if (size === 5) throw new Proxy({}, { getOwnPropertyDescriptor: loop, getPrototypeOf: loop });
      if (size === 6) throw Object.assign(Object.create(null), { name: 'Fake', message: 'custom' });
      if (size === 7) throw 2n ** 100000n;
      if (size === 8) {
        Object.defineProperty(Object.prototype, 'value', { get: loop, configurable: true });
        throw { get message() { return 'accessor'; } };
      }
      return 0;
    }`), { callDeadlineMs: 250 });
    expect(failure(() => target.malloc(1)).message).toBe('malloc(1) threw an object that is not an Error');
    expect(failure(() => target.malloc(2)).message).toBe('malloc(2) threw an object that is not an Error');
    expect(failure(() => target.malloc(3)).message).toBe('malloc(3) threw Error (at student.ts:9:84 in E)');
    const long = failure(() => target.malloc(4)).message;
    expect(long).toBe(`malloc(4) threw Error: ${'x'.repeat(500)}… (at student.ts:10:39 in malloc)`);
    const proxy = failure(() => target.malloc(5));
    expect([proxy.kind, proxy.message]).toEqual(['threw', 'malloc(5) threw a value that could not be described in time']);
    expect(failure(() => target.malloc(6)).message).toBe('malloc(6) threw Fake: custom');
    expect(failure(() => target.malloc(7)).message).toBe('malloc(7) threw a bigint (not an Error)');
    expect(failure(() => target.malloc(8)).message).toBe('malloc(8) threw an object that is not an Error');
    expect(target.malloc(0)).toBe(0);
  });
});

describe('hostile submissions: the checker view cannot be forged', () => {
  it('peek/poke see the true bytes after the student patches every prototype it can', async () => {
    const target = await start(`
      import type { Heap } from 'freenos-lab';
      function patchEverything(): void {
        const g: any = globalThis;
        for (const T of [Uint8Array, Uint16Array, Uint32Array, Int32Array, Float64Array, DataView, ArrayBuffer] as any[]) {
          for (const k of Object.getOwnPropertyNames(T.prototype)) { try { Object.defineProperty(T.prototype, k, { value: () => 7, writable: true }); } catch { /* next */ } }
          for (const k of ['0', '1', '2', '3', '4']) { try { Object.defineProperty(T.prototype, k, { get: () => 7, set() {} }); } catch { /* next */ } }
        }
        const proto = Object.getPrototypeOf(Uint8Array.prototype);
        for (const k of Object.getOwnPropertyNames(proto)) { try { Object.defineProperty(proto, k, { get: () => 7, set() {} }); } catch { /* next */ } }
        Object.defineProperty(Array.prototype, '0', { set() {}, get: () => 7 });
        Object.defineProperty(Object.prototype, 'value', { get: () => 'forged' });
        g.Reflect = { apply: () => 7, construct: () => ({}) };
        Function.prototype.call = function () { return 7; };
        Function.prototype.apply = function () { return 7; };
        Function.prototype.bind = function () { return () => 7; };
        (Number.prototype as any).toString = () => 'seven';
        g.Math = {};
        g.Object = {};
      }
      export default class {
        constructor(private heap: Heap) { patchEverything(); }
        malloc(size: number): number {
          const p = this.heap.grow(64);
          this.heap.write32(p, 0x11223344);
          console.log(String(this.heap.read32(p)), String(this.heap.read32(p + 8) === size));
          return p;
        }
        free(address: number): void { console.log(this.heap.read32(address + 4) === 0xcafebabe ? 'saw it' : 'wrong'); }
      }
    `);
    const p = target.malloc(0);
    expect(p).toBe(target.heapBase());
    expect(target.peek32(p)).toBe(0x11223344);
    expect(target.peek8(p)).toBe(0x44);
    target.poke32(p + 4, 0xcafebabe);
    target.free(p);
    target.poke32(p + 72, 0x5a5a5a5a); // outside the end: ignored
    expect(target.peek32(p + 4)).toBe(0xcafebabe);
    expect(target.logs()).toEqual([`${0x11223344} true`, 'saw it']);
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
    const p = target.malloc(1);
    expect(p).toBe(target.heapBase());
    expect(target.peek32(p)).toBe(5);
    expect(target.logs()).toEqual(Array(6).fill('TypeError'));
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
    target.malloc(1);
    expect(target.logs()).toEqual(['RangeError: heap.write32(0x10100004): address outside the heap [0x10000000, 0x10000040)']);
    expect(failure(() => target.malloc(2)).message).toBe('malloc(2) threw RangeError: heap.write32(0x100004): address outside the heap [0x10000000, 0x10000080) (at student.ts:9:25 in malloc)');
    expect(failure(() => target.malloc(3)).message).toBe('malloc(3) threw RangeError: heap.read8(0x100000c0): address outside the heap [0x10000000, 0x100000c0) (at student.ts:10:25 in malloc)');
    expect(failure(() => target.malloc(4)).message).toBe('malloc(4) threw RangeError: heap.read32(undefined): an address must be a number in the heap [0x10000000, 0x10000100) (at student.ts:11:25 in malloc)');
  });
});
