// The sandbox for conformance exercises: a student's class built from plain constructor arguments,
// called through invoke() with numbers, its results back as plain data; every misbehaviour a
// TargetError with a clear message, as for malloc targets.
import { afterEach, describe, expect, it } from 'vitest';
import { compileSubmission } from '../../../electron/host/sandbox/compile';
import { createSandboxApiTarget, type SandboxApiTarget } from '../../../electron/host/sandbox/QuickJSTarget';
import { failure } from './helpers';

const live: SandboxApiTarget[] = [];
afterEach(() => {
  for (const t of live.splice(0)) t.dispose();
});

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

async function start(source: string, methods: string[], args: unknown[]): Promise<SandboxApiTarget> {
  const compiled = await compileSubmission(source, 'counter.ts');
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const target = await createSandboxApiTarget(compiled.code, { api: { methods, args }, heapLimit: 4096, callDeadlineMs: 300, sourceMap: compiled.map });
  live.push(target);
  return target;
}

describe('createSandboxApiTarget', () => {
  it('builds the class from plain arguments and returns plain data', async () => {
    const t = await start(CLASS, ['add', 'range', 'nothing'], [10, 'c']);
    expect(t.invoke('add', [5])).toEqual({ total: 15, label: 'c' });
    expect(t.invoke('add', [-20])).toEqual({ total: -5, label: 'c' });
    expect(t.invoke('range', [4])).toEqual([0, 1, 2, 3]);
    expect(t.invoke('nothing', [])).toBeUndefined();
  });

  it('refuses a class without a required method, naming it', async () => {
    const compiled = await compileSubmission(CLASS, 'counter.ts');
    if (!compiled.ok) throw new Error('no compile');
    await expect(createSandboxApiTarget(compiled.code, { api: { methods: ['add', 'release'], args: [0, ''] } }))
      .rejects.toThrow('the class has no release method (it needs add, release)');
  });

  it('turns results that are not data, that are too large, throws and loops into TargetErrors', async () => {
    const t = await start(CLASS, ['fn', 'range', 'boom', 'spin'], [0, '']);
    expect(failure(() => t.invoke('fn', [])).message).toBe('fn() returned a value that is not plain data (a function or a symbol)');
    expect(failure(() => t.invoke('range', [100_000])).message).toMatch(/^range\(0x186A0\) returned \d+ characters of data, more than the 65536 allowed$/);
    const thrown = failure(() => t.invoke('boom', [1]));
    expect(thrown.kind).toBe('threw');
    expect(thrown.message).toMatch(/^boom\(1\) threw RangeError: too big \(at counter\.ts:9:\d+ in boom\)$/);
    expect(t.invoke('boom', [0])).toBe(0);
    const spun = failure(() => t.invoke('spin', []));
    expect([spun.kind, spun.message]).toEqual(['timeout', 'spin() did not return within 300 ms']);
    expect(failure(() => t.invoke('boom', [0])).kind).toBe('crash');
  });

  it('with withHeap, passes the sandbox heap first, and the host reads what the class wrote there', async () => {
    const source = `import type { Heap } from 'freenos-lab';
export default class Tagger {
  private readonly at: number;
  constructor(private readonly heap: Heap, private readonly tag: number) { this.at = heap.grow(16); }
  write(k: number): number { this.heap.write32(this.at + 4 * k, this.tag + k); return this.at + 4 * k; }
}
`;
    const compiled = await compileSubmission(source, 'tagger.ts');
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const t = await createSandboxApiTarget(compiled.code, { api: { methods: ['write'], args: [0xf00], withHeap: true }, heapLimit: 4096 });
    live.push(t);
    const address = t.invoke('write', [2]) as number;
    expect(address).toBe(t.heapBase() + 8);
    expect(t.heapEnd()).toBe(t.heapBase() + 16);
    expect(t.peek32(address)).toBe(0xf02);
    expect(t.peek8(address + 1)).toBe(0x0f);
  });

  it('counts the work of the calls', async () => {
    const t = await start(CLASS, ['range'], [0, '']);
    const before = t.work();
    for (let k = 0; k < 20; k++) t.invoke('range', [2000]);
    expect(t.work()).toBeGreaterThan(before);
  });

  it('with services, passes the host\'s kernel calls first: plain data both ways, their errors thrown at the student\'s line', async () => {
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
    const seen: unknown[][] = [];
    const services = {
      double: (...args: unknown[]) => {
        seen.push(args);
        if (typeof args[0] !== 'number') throw new RangeError(`kernel.double(${JSON.stringify(args[0])}): n must be a number`);
        return args[0] * 2;
      },
      pages: () => [{ virt: 0x80000000, writable: true }],
      nothing: () => undefined,
    };
    const compiled = await compileSubmission(source, 'user.ts');
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const t = await createSandboxApiTarget(compiled.code, { api: { methods: ['twice', 'pages', 'bad', 'caught', 'swap', 'nothing'], args: [{ scale: 10 }], services }, heapLimit: 4096, sourceMap: compiled.map });
    live.push(t);
    expect(t.invoke('twice', [21])).toBe(420);
    expect(t.invoke('pages', [])).toEqual([{ virt: 0x80000000, writable: true }]);
    expect(t.invoke('caught', [])).toBe('RangeError: kernel.double("x"): n must be a number');
    expect(t.invoke('swap', [])).toBe(true);
    expect(t.invoke('nothing', [])).toBe(true);
    const thrown = failure(() => t.invoke('bad', []));
    expect(thrown.kind).toBe('threw');
    expect(thrown.message).toMatch(/^bad\(\) threw RangeError: kernel\.double\("x"\): n must be a number \(at user\.ts:5:\d+ in bad\)$/);
    expect(seen[0]).toEqual([21]);
  });
});
