// The sandbox for conformance exercises (run in this file's sandbox worker): a student's class built
// from plain constructor arguments, called through invoke() with numbers, its results back as plain
// data; every misbehaviour a TargetError with a clear message, as for malloc targets.
import { describe, expect, it } from 'vitest';
import type { SandboxOptions } from '../../../electron/host/sandbox/options';
import { failure, sandbox, start, startFailure, type RemoteTarget } from './helpers';
import type { StartRequest } from './jobs/targetHost';

const CLASS = `export default class Counter {
  private total: number;
  constructor(start: number, private readonly label: string) { this.total = start; }
  add(n: number): { total: number; label: string } { this.total += n; return { total: this.total, label: this.label }; }
  range(n: number): number[] { return Array.from({ length: n }, (_, k) => k); }
  nothing(): void {}
  fn(): unknown { return () => 1; }
  spin(): number { for (;;) {} }
  boom(n: number): number { if (n > 0) throw new RangeError('too big'); return n; }
}
`;

const OPTIONS: SandboxOptions = { heapLimit: 4096, callUnits: 1_000_000 };

function api(source: string, methods: string[], args: unknown[], more: Partial<NonNullable<StartRequest['api']>> = {}, file = 'counter.ts'): Promise<RemoteTarget> {
  return start(source, OPTIONS, { methods, args, ...more }, file);
}

describe('createSandboxApiTarget', () => {
  it('builds the class from plain arguments and returns plain data', async () => {
    const t = await api(CLASS, ['add', 'range', 'nothing'], [10, 'c']);
    expect(t.name).toBe('student');
    expect(await t.invoke('add', [5])).toEqual({ total: 15, label: 'c' });
    expect(await t.invoke('add', [-20])).toEqual({ total: -5, label: 'c' });
    expect(await t.invoke('range', [4])).toEqual([0, 1, 2, 3]);
    expect(await t.invoke('nothing', [])).toBeUndefined();
  });

  it('refuses a class without a required method, naming it', async () => {
    const e = await startFailure(CLASS, OPTIONS, { methods: ['add', 'release'], args: [0, ''] });
    expect([e.kind, e.message]).toEqual(['invalid', 'the class has no release method (it needs add, release)']);
  });

  it('turns results that are not data, that are too large, throws and loops into TargetErrors', async () => {
    const t = await api(CLASS, ['fn', 'range', 'boom', 'spin'], [0, '']);
    expect((await failure(() => t.invoke('fn', []))).message).toBe('fn() returned a value that is not plain data (a function or a symbol)');
    expect((await failure(() => t.invoke('range', [100_000]))).message).toBe('range(0x186A0) returned 588891 characters of data, more than the 65536 allowed');
    const thrown = await failure(() => t.invoke('boom', [1]));
    expect([thrown.kind, thrown.message]).toEqual(['threw', 'boom(1) threw RangeError: too big (at counter.ts:9:46 in Counter.boom)']);
    expect(await t.invoke('boom', [0])).toBe(0);
    const spun = await failure(() => t.invoke('spin', []));
    expect([spun.kind, spun.message]).toEqual(['timeout', 'spin() did not finish within 1,000,000 units, the most one call may use (an endless loop?)']);
    const after = await failure(() => t.invoke('boom', [0]));
    expect([after.kind, after.message]).toEqual(['crash', 'the sandbox is no longer usable: an earlier call failed (spin() did not finish within 1,000,000 units, the most one call may use (an endless loop?))']);
  });

  it('with withHeap, passes the sandbox heap first, and the host reads what the class wrote there', async () => {
    const source = `import type { Heap } from 'freenos-lab';
export default class Tagger {
  private readonly at: number;
  constructor(private readonly heap: Heap, private readonly tag: number) { this.at = heap.grow(16); }
  write(k: number): number { this.heap.write32(this.at + 4 * k, this.tag + k); return this.at + 4 * k; }
}
`;
    const t = await api(source, ['write'], [0xf00], { withHeap: true }, 'tagger.ts');
    const address = (await t.invoke('write', [2])) as number;
    const base = await t.heapBase();
    expect(address).toBe(base + 8);
    expect(await t.heapEnd()).toBe(base + 16);
    expect(await t.peek32(address)).toBe(0xf02);
    expect(await t.peek8(address + 1)).toBe(0x0f);
  });

  it('counts the work of the calls, deterministically', async () => {
    const t = await api(CLASS, ['range'], [0, '']);
    const before = await t.work();
    await t.invoke('range', [2000]);
    // 1 (range) + 2001 (Array.from: 1 + the array-like's length) + 2000 (the callback) + 8892
    // (JSON.stringify of the 8891-character result) + 14 (the arguments' copy: '[2000]' stringified, 7,
    // and parsed, 7).
    expect((await t.work()) - before).toBe(12_908);
    await t.invoke('range', [2000]);
    expect((await t.work()) - before).toBe(2 * 12_908);
    await t.invoke('range', [0]);
    expect((await t.work()) - before).toBe(2 * 12_908 + 1 + 1 + 3 + 8);
  });

  it("with services, passes the host's kernel calls first: plain data both ways, their errors thrown at the student's line", async () => {
    const source = `export default class User {
  constructor(private readonly kernel: any, private readonly machine: { scale: number }) {}
  twice(n: number): number { return this.kernel.double(n) * this.machine.scale; }
  pages(): unknown { return this.kernel.pages(); }
  bad(): number { return this.kernel.double('x'); }
  caught(): string { try { this.kernel.double('x'); return 'no'; } catch (e) { return (e as Error).name + ': ' + (e as Error).message; } }
  swap(): boolean { try { this.kernel.double = () => 0; } catch { /* frozen */ } return this.kernel.double(2) === 4 && Object.isFrozen(this.kernel); }
  nothing(): unknown { return this.kernel.nothing() === undefined; }
}
`;
    const t = await api(source, ['twice', 'pages', 'bad', 'caught', 'swap', 'nothing'], [{ scale: 10 }], { services: 'double' }, 'user.ts');
    expect(await t.invoke('twice', [21])).toBe(420);
    expect(await t.invoke('pages', [])).toEqual([{ virt: 0x80000000, writable: true }]);
    expect(await t.invoke('caught', [])).toBe('RangeError: kernel.double("x"): n must be a number');
    expect(await t.invoke('swap', [])).toBe(true);
    expect(await t.invoke('nothing', [])).toBe(true);
    const thrown = await failure(() => t.invoke('bad', []));
    expect([thrown.kind, thrown.message]).toEqual(['threw', 'bad() threw RangeError: kernel.double("x"): n must be a number (at user.ts:5:38 in User.bad)']);
    const seen = (await sandbox.request({ op: 'seen' })) as unknown[][];
    expect(seen).toEqual([[21], ['x'], [2], ['x']]);
  });
});
