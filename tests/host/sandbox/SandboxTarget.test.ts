// SandboxTarget with a well-behaved submission (run in this file's sandbox worker): addresses, the
// heap and its break, the trusted accessors against the student's own reads and writes, the work
// count in units and the budget a test's limit gives, the capped log, start-up refusals and throws.
import { describe, expect, it } from 'vitest';
import { BUMP, allocator, failure, sandbox, start, startFailure, type RemoteTarget } from './helpers';

/** A SandboxTarget method RemoteTarget does not mirror (used, setBudget, bytes), called in the worker. */
function call<T>(target: RemoteTarget, method: string, ...args: unknown[]): Promise<T> {
  return sandbox.request({ op: 'call', target: target.id, method, args }) as Promise<T>;
}

describe('SandboxTarget: a bump allocator', () => {
  it('returns 16-aligned addresses inside the granted heap', async () => {
    const target = await start(BUMP, { heapBase: 0x20000000, heapLimit: 1 << 20 });
    expect(target.name).toBe('student');
    expect(target.hasRealloc).toBe(false);
    expect(await target.heapBase()).toBe(0x20000000);
    expect(await target.heapEnd()).toBe(0x20000000);
    const sizes = [1, 24, 100, 4000, 17];
    const addresses: number[] = [];
    for (const size of sizes) addresses.push(await target.malloc(size));
    const end = await target.heapEnd();
    for (const [k, address] of addresses.entries()) {
      expect(address % 16).toBe(0);
      expect(address).toBeGreaterThanOrEqual(0x20000000);
      expect(address + sizes[k]!).toBeLessThanOrEqual(end);
    }
    expect(addresses[0]).toBe(0x20000010);
    expect(await target.malloc(0)).toBe(0);
    expect(await target.malloc(2 << 20)).toBe(0); // more than the limit: grow refuses
  });

  it('takes its name from the options', async () => {
    const target = await start(BUMP, { name: 'mine', heapLimit: 4096 });
    expect(target.name).toBe('mine');
  });

  it('lets the checker see what the student wrote, and the student see what the checker wrote', async () => {
    const target = await start(BUMP, { heapLimit: 1 << 20 });
    const p = await target.malloc(100);
    expect(await target.peek32(p - 16)).toBe(100); // the student's header
    expect(await target.peek8(p - 16)).toBe(100);
    await target.poke32(p, 0xdeadbeef);
    await target.poke8(p + 4, 0xab);
    expect(await target.peek32(p)).toBe(0xdeadbeef);
    expect(await target.peek32(p + 1)).toBe(0xab_dead_be);
    await target.free(p);
    expect(await target.logs()).toEqual([`free ${p} size 100 word ${0xdeadbeef}`]);
  });

  it('gives the checker the live bytes of a range, clipped to [base, end)', async () => {
    const target = await start(BUMP, { heapLimit: 1 << 16 });
    const p = await target.malloc(8);
    await target.poke32(p, 0x04030201);
    expect([...await call<Uint8Array>(target, 'bytes', p, 6)]).toEqual([1, 2, 3, 4, 0, 0]);
    const base = await target.heapBase();
    const end = await target.heapEnd();
    expect(await call<Uint8Array>(target, 'bytes', base - 8, 24)).toHaveLength(16); // [base, base + 16)
    expect(await call<Uint8Array>(target, 'bytes', end - 2, 8)).toHaveLength(2);
    expect(await call<Uint8Array>(target, 'bytes', end, 8)).toHaveLength(0);
  });

  it('reads 0 and ignores writes outside [base, end)', async () => {
    const target = await start(BUMP, { heapLimit: 1 << 20 });
    const p = await target.malloc(8);
    const base = await target.heapBase();
    const end = await target.heapEnd();
    await target.poke32(end, 7);
    await target.poke8(base - 1, 7);
    expect(await target.peek32(end)).toBe(0);
    expect(await target.peek8(base - 1)).toBe(0);
    expect(await target.peek32(1.5)).toBe(0);
    await target.poke32(end - 2, 0xffffffff); // half in, half out: the inside half is written
    expect(await target.peek32(end - 4)).toBe(0xffff0000);
    expect(await target.peek32(end - 2)).toBe(0xffff);
    expect(await target.peek8(p)).toBe(0);
  });

  it('keeps the break on the host: exact sbrk steps, or 128 KiB pages', async () => {
    const grows = allocator(`malloc(size: number): number { return this.heap.grow(size); }`);
    const sbrk = await start(grows, { heapLimit: 1 << 20 });
    const base = await sbrk.heapBase();
    expect(await sbrk.malloc(100)).toBe(base);
    expect(await sbrk.heapEnd()).toBe(base + 100);
    expect(await sbrk.malloc(0)).toBe(base + 100); // grow(0) is sbrk(0): the current end
    const pages = await start(grows, { heapLimit: 1 << 20, parent: 'pages' });
    const pageBase = await pages.heapBase();
    expect(pageBase).toBe(0xb0001000); // FreeNOS's UserHeap
    expect(await pages.malloc(100)).toBe(pageBase);
    expect(await pages.heapEnd()).toBe(pageBase + 128 * 1024);
    expect(await pages.malloc(128 * 1024 + 1)).toBe(pageBase + 128 * 1024);
    expect(await pages.heapEnd()).toBe(pageBase + 3 * 128 * 1024);
  });

  it('refuses negative, fractional, non-number and over-limit grows with 0', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      const h = this.heap as any;
      return [h.grow(-1), h.grow(1.5), h.grow('8'), h.grow({ valueOf: () => 8 }), h.grow(NaN), h.grow(Infinity), h.grow(4097)]
        .every((r: number) => r === 0) && h.end() === h.base ? 1 : 2;
    }`), { heapLimit: 4096 });
    expect(await target.malloc(1)).toBe(1);
    expect(await target.heapEnd()).toBe(await target.heapBase());
  });

  it('finds realloc when the class has one', async () => {
    const target = await start(allocator(`malloc(size: number): number { return size; }
      realloc(address: number, size: number): number { return address + size; }`));
    expect(target.hasRealloc).toBe(true);
    expect(await target.realloc(16, 32)).toBe(48);
  });

  it('refuses a returned value that is not an address, naming it', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      const values: unknown[] = [-1, 1.5, 2 ** 32, NaN, '16', null, undefined, {}, 10n];
      return values[size] as number;
    }`));
    const messages: string[] = [];
    for (let k = 0; k < 9; k++) {
      const e = await failure(() => target.malloc(k));
      expect(e.kind).toBe('invalid');
      messages.push(e.message);
    }
    const address = ', not an address (an integer from 0 to 2^32 - 1)';
    expect(messages).toEqual([
      `malloc(0) returned -1${address}`, `malloc(1) returned 1.5${address}`, `malloc(2) returned 4294967296${address}`,
      `malloc(3) returned NaN${address}`, 'malloc(4) returned "16" (a string), not an address', 'malloc(5) returned null, not an address',
      'malloc(6) returned undefined, not an address', 'malloc(7) returned an object, not an address', 'malloc(8) returned a bigint, not an address',
    ]);
  });

  it('counts work deterministically: same code, same calls, same count', async () => {
    const run = async (): Promise<number[]> => {
      const target = await start(BUMP, { heapLimit: 8 << 20 });
      const counts = [await target.work()];
      const live: number[] = [];
      for (let k = 0; k < 300; k++) live.push(await target.malloc(1 + (k * 37) % 500));
      counts.push(await target.work());
      for (const p of live.slice(0, 30)) await target.free(p);
      counts.push(await target.work());
      await target.dispose();
      return counts;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first[1]!).toBeGreaterThan(first[0]!);
    expect(first[2]!).toBeGreaterThan(first[1]!);
  });

  it('counts a unit per call, loop step and heap access, and built-ins by the elements they scan', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      if (size === 1) return 0;
      if (size === 2) { for (let k = 0; k < 10; k++) {} return 0; }
      if (size === 3) { this.heap.grow(64); this.heap.write32(this.heap.base, 1); return this.heap.read32(this.heap.base); }
      if (size === 4) { this.heap.copy(this.heap.base + 32, this.heap.base, 32); return 0; }
      if (size === 5) return [5, 4, 3, 2, 1, 0, 9, 8, 7, 6].indexOf(6);
      return 0;
    }`), { heapLimit: 4096 });
    const cost = async (size: number): Promise<number> => {
      const before = await target.work();
      await target.malloc(size);
      return (await target.work()) - before;
    };
    const call = await cost(1);
    expect(call).toBe(1); // the call itself
    expect(await cost(2)).toBe(call + 10); // ten loop steps
    expect(await cost(3)).toBe(call + 3); // grow, write32, read32
    expect(await cost(4)).toBe(call + 1 + 32 / 4); // copy: 1 + a unit per word
    expect(await cost(5)).toBe(call + 1 + 10); // indexOf: 1 + the elements it scans
    expect(await cost(1)).toBe(call);
  });

  it('splits the top level from the work: used() counts all the code, work() the allocator\'s calls', async () => {
    const source = allocator(`malloc(size: number): number { return size; }`, `let setup = 0;\nfor (let k = 0; k < 1000; k++) setup += k;`);
    const target = await start(source);
    const work = await target.work();
    const used = await call<number>(target, 'used');
    expect(used - work).toBeGreaterThanOrEqual(1000); // the top level's loop is not the allocator's work
    await target.malloc(8);
    expect(await call<number>(target, 'used') - used).toBe(await target.work() - work);
  });

  it("ends a call that passes its own units as a timeout, and the target is dead afterwards", async () => {
    const target = await start(allocator(`malloc(size: number): number { let n = 0; for (let k = 0; k < size; k++) n++; return n; }`), { callUnits: 10_000 });
    expect(await target.malloc(9_000)).toBe(9_000);
    const e = await failure(() => target.malloc(20_000));
    expect([e.kind, e.message]).toEqual(['timeout', 'malloc(20000) did not finish within 10,000 units, the most one call may use (an endless loop?)']);
    const after = await failure(() => target.malloc(1));
    expect([after.kind, after.message]).toEqual(['crash', `the sandbox is no longer usable: an earlier call failed (${e.message})`]);
  });

  it("shares a test's time limit among all calls, naming the limit in seconds and units", async () => {
    const target = await start(allocator(`malloc(size: number): number { let n = 0; for (let k = 0; k < size; k++) n++; return n; }`));
    await call(target, 'setBudget', 1000, 60_000, 2500);
    expect(await target.malloc(400)).toBe(400);
    expect(await target.malloc(400)).toBe(400);
    const e = await failure(() => target.malloc(400));
    expect([e.kind, e.message]).toEqual(['timeout', "malloc(400) did not finish within the test's time limit (2.5 s: 1,000 units)"]);
    expect((await failure(() => target.malloc(0))).kind).toBe('crash');
    // A limit already spent stops the next call before it runs.
    const loop = allocator(`malloc(size: number): number { for (let k = 0; k < size; k++) {} return 0; }`);
    const probe = await start(loop);
    const before = await call(probe, 'used') as number;
    await probe.malloc(150);
    const cost = (await call(probe, 'used') as number) - before;
    expect(cost).toBeGreaterThan(150);
    const spent = await start(loop);
    await call(spent, 'setBudget', cost, 60_000, 800);
    expect(await spent.malloc(150)).toBe(0); // ends at the budget's last unit ...
    const late = await failure(() => spent.malloc(0));
    expect([late.kind, late.message]).toEqual(['timeout', "the test's time limit (800 ms) ran out before malloc(0)"]);
  });

  it('turns setTimeLimit into units at the nominal speed, and refuses a limit that is not positive', async () => {
    const target = await start(allocator(`malloc(size: number): number { return size; }`));
    await target.setTimeLimit(3000);
    expect(await target.malloc(1)).toBe(1);
    await expect(target.setTimeLimit(0)).rejects.toThrow(/time limit 0 ms must be positive/);
    await expect(call(target, 'setBudget', -1, 100, 100)).rejects.toThrow(/is not possible/);
  });

  it('caps the log: line length and number of lines', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      for (let k = 0; k < size; k++) console.log('line', k, 'x'.repeat(k === 0 ? 50 : 1));
      return 0;
    }`), { logLines: 3, logLineLength: 20 });
    await target.malloc(10);
    expect(await target.logs()).toEqual(['line 0 xxxxxxxxxxxxx…', 'line 1 x', 'line 2 x', '… 7 more lines dropped']);
  });

  it('refuses every call once disposed, and disposes twice safely', async () => {
    const target = await start(BUMP);
    const p = await target.malloc(8);
    await target.dispose();
    await target.dispose();
    expect(await failure(() => target.malloc(8))).toMatchObject({ kind: 'crash', message: 'the sandbox is no longer usable: it was disposed' });
    expect((await failure(() => target.free(p))).kind).toBe('crash');
    // The heap is plain bytes the host owns: the checker's view outlives the student's code...
    expect(await target.peek32(p - 16)).toBe(8);
    expect(await target.heapEnd()).toBeGreaterThan(p);
    // ...until the worker's next sandbox takes the bytes: zeroed for it, out of the old heap's reach.
    const next = await start(BUMP);
    expect(await next.heapEnd()).toBe(await next.heapBase());
    expect(await target.heapEnd()).toBe(await target.heapBase());
    expect(await target.peek32(p - 16)).toBe(0);
    const q = await next.malloc(8);
    expect(q).toBe(p);
    expect(await next.peek32(q - 16)).toBe(8);
    expect(await next.peek32(q)).toBe(0);
  });

  it('rejects bad options before starting anything', async () => {
    await expect(start(BUMP, { heapBase: 0 })).rejects.toThrow(/RangeError: heapBase 0 must be a nonzero multiple of 16/);
    await expect(start(BUMP, { heapBase: 0x1008 })).rejects.toThrow(/multiple of 16/);
    await expect(start(BUMP, { heapLimit: 2 ** 31 })).rejects.toThrow(/heapLimit/);
    await expect(start(BUMP, { heapBase: 0xfff00000, heapLimit: 2 << 20 })).rejects.toThrow(/must not pass 2\^32/);
    await expect(start(BUMP, { callUnits: 0 })).rejects.toThrow(/callUnits 0 must be a positive integer/);
    await expect(start(BUMP, { memoryLimit: 1.5 })).rejects.toThrow(/memoryLimit/);
  });

  it('says so when the default export is missing, not a class, or lacks malloc', async () => {
    expect((await startFailure(`export const x = 1;`)).message).toMatch(/^the submission has no default export class/);
    expect((await startFailure(`export default 42;`)).kind).toBe('invalid');
    expect((await startFailure(`export default () => 1;`)).message).toMatch(/^the default export is not a class/);
    expect((await startFailure(`export default class { free() {} }`)).message).toBe('the allocator has no malloc method');
    expect((await startFailure(`export default class { malloc() { return 0; } }`)).message).toBe('the allocator has no free method');
  });

  it('fails calls with a clear message when the allocator throws, and stays usable', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      if (size === 1) throw new TypeError('size 1 is not supported');
      if (size === 2) throw 'plain string';
      if (size === 3) throw undefined;
      return 16;
    }`));
    const e = await failure(() => target.malloc(1));
    expect([e.kind, e.message]).toEqual(['threw', 'malloc(1) threw TypeError: size 1 is not supported (at student.ts:6:29 in Student.malloc)']);
    expect((await failure(() => target.malloc(2))).message).toBe('malloc(2) threw "plain string" (a string, not an Error)');
    expect((await failure(() => target.malloc(3))).message).toBe('malloc(3) threw undefined (not an Error)');
    expect(await target.malloc(4)).toBe(16);
  });

  it('runs strict, deterministic code: no clock, no randomness, no evaluators', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      const tries: (() => unknown)[] = [() => Date.now(), () => Math.random(), () => new Function('return 1')(), () => (0, eval)('1')];
      try { tries[size]!(); return 1; } catch (e) { console.log((e as Error).name, (e as Error).message); return 0; }
    }`));
    for (let k = 0; k < 4; k++) expect(await target.malloc(k)).toBe(0);
    const logs = await target.logs();
    expect(logs).toHaveLength(4);
    expect(logs[2]).toBe('TypeError Function is not available in the lab: write the code itself');
    expect(logs[3]).toBe('TypeError eval is not available in the lab: write the code itself');
  });
});
