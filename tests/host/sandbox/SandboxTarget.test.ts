// QuickJSTarget with a well-behaved submission: addresses, the heap and its break, the trusted
// accessors against the student's own reads and writes, the work count and the capped log.
import { describe, expect, it } from 'vitest';
import { BUMP, allocator, failure, start, startFailure } from './helpers';

describe('QuickJSTarget: a bump allocator', () => {
  it('returns 16-aligned addresses inside the granted heap', async () => {
    const target = await start(BUMP, { heapBase: 0x20000000, heapLimit: 1 << 20 });
    expect(target.name).toBe('student');
    expect(target.hasRealloc).toBe(false);
    expect(target.heapBase()).toBe(0x20000000);
    expect(target.heapEnd()).toBe(0x20000000);
    const addresses = [1, 24, 100, 4000, 17].map((size) => target.malloc(size));
    for (const [k, address] of addresses.entries()) {
      expect(address % 16).toBe(0);
      expect(address).toBeGreaterThanOrEqual(target.heapBase());
      expect(address + [1, 24, 100, 4000, 17][k]!).toBeLessThanOrEqual(target.heapEnd());
    }
    expect(addresses[0]).toBe(0x20000010);
    expect(target.malloc(0)).toBe(0);
    expect(target.malloc(2 << 20)).toBe(0); // more than the limit: grow refuses
  });

  it('lets the checker see what the student wrote, and the student see what the checker wrote', async () => {
    const target = await start(BUMP, { heapLimit: 1 << 20 });
    const p = target.malloc(100);
    expect(target.peek32(p - 16)).toBe(100); // the student's header
    expect(target.peek8(p - 16)).toBe(100);
    target.poke32(p, 0xdeadbeef);
    target.poke8(p + 4, 0xab);
    expect(target.peek32(p)).toBe(0xdeadbeef);
    expect(target.peek32(p + 1)).toBe(0xab_dead_be);
    target.free(p);
    expect(target.logs()).toEqual([`free ${p} size 100 word ${0xdeadbeef}`]);
  });

  it('reads 0 and ignores writes outside [base, end)', async () => {
    const target = await start(BUMP, { heapLimit: 1 << 20 });
    const p = target.malloc(8);
    const end = target.heapEnd();
    target.poke32(end, 7);
    target.poke8(target.heapBase() - 1, 7);
    expect(target.peek32(end)).toBe(0);
    expect(target.peek8(target.heapBase() - 1)).toBe(0);
    expect(target.peek32(1.5)).toBe(0);
    target.poke32(end - 2, 0xffffffff); // half in, half out: the inside half is written
    expect(target.peek32(end - 4)).toBe(0xffff0000);
    expect(target.peek32(end - 2)).toBe(0xffff);
    expect(target.peek8(p)).toBe(0);
  });

  it('keeps the break on the host: exact sbrk steps, or 128 KiB pages', async () => {
    const grows = allocator(`malloc(size: number): number { return this.heap.grow(size); }`);
    const sbrk = await start(grows, { heapLimit: 1 << 20 });
    expect(sbrk.malloc(100)).toBe(sbrk.heapBase());
    expect(sbrk.heapEnd()).toBe(sbrk.heapBase() + 100);
    expect(sbrk.malloc(0)).toBe(sbrk.heapBase() + 100); // grow(0) is sbrk(0): the current end
    const pages = await start(grows, { heapLimit: 1 << 20, parent: 'pages' });
    expect(pages.malloc(100)).toBe(pages.heapBase());
    expect(pages.heapEnd()).toBe(pages.heapBase() + 128 * 1024);
    expect(pages.malloc(128 * 1024 + 1)).toBe(pages.heapBase() + 128 * 1024);
    expect(pages.heapEnd()).toBe(pages.heapBase() + 3 * 128 * 1024);
  });

  it('refuses negative, fractional, non-number and over-limit grows with 0', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      const h = this.heap as any;
      return [h.grow(-1), h.grow(1.5), h.grow('8'), h.grow({ valueOf: () => 8 }), h.grow(NaN), h.grow(Infinity), h.grow(4097)]
        .every((r: number) => r === 0) && h.end() === h.base ? 1 : 2;
    }`), { heapLimit: 4096 });
    expect(target.malloc(1)).toBe(1);
    expect(target.heapEnd()).toBe(target.heapBase());
  });

  it('finds realloc when the class has one', async () => {
    const target = await start(allocator(`malloc(size: number): number { return size; }
      realloc(address: number, size: number): number { return address + size; }`));
    expect(target.hasRealloc).toBe(true);
    expect(target.realloc(16, 32)).toBe(48);
  });

  it('counts work deterministically: same code, same calls, same count', async () => {
    const run = async (): Promise<number[]> => {
      const target = await start(BUMP, { heapLimit: 8 << 20 });
      const counts = [target.work()];
      const live: number[] = [];
      for (let k = 0; k < 3000; k++) live.push(target.malloc(1 + (k * 37) % 500));
      counts.push(target.work());
      for (const p of live.slice(0, 300)) target.free(p);
      counts.push(target.work());
      target.dispose();
      return counts;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first[1]!).toBeGreaterThan(first[0]!);
    expect(first[2]!).toBeGreaterThan(first[1]!);
  });

  it('caps the log: line length and number of lines', async () => {
    const target = await start(allocator(`malloc(size: number): number {
      for (let k = 0; k < size; k++) console.log('line', k, 'x'.repeat(k === 0 ? 50 : 1));
      return 0;
    }`), { logLines: 3, logLineLength: 20 });
    target.malloc(10);
    expect(target.logs()).toEqual(['line 0 xxxxxxxxxxxxx…', 'line 1 x', 'line 2 x', '… 7 more lines dropped']);
  });

  it('refuses every call once disposed, and disposes twice safely', async () => {
    const target = await start(BUMP);
    const p = target.malloc(8);
    target.dispose();
    target.dispose();
    expect(failure(() => target.malloc(8))).toMatchObject({ kind: 'crash', message: 'the sandbox is no longer usable: it was disposed' });
    expect(failure(() => target.peek32(p)).kind).toBe('crash');
    expect(target.heapEnd()).toBeGreaterThan(p);
  });

  it('rejects bad options before starting anything', async () => {
    await expect(start(BUMP, { heapBase: 0 })).rejects.toThrow(RangeError);
    await expect(start(BUMP, { heapBase: 0x1008 })).rejects.toThrow(/multiple of 16/);
    await expect(start(BUMP, { heapLimit: 2 ** 31 })).rejects.toThrow(/heapLimit/);
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
    const e = failure(() => target.malloc(1));
    expect([e.kind, e.message]).toEqual(['threw', 'malloc(1) threw TypeError: size 1 is not supported (at student.ts:6:33 in malloc)']);
    expect(failure(() => target.malloc(2)).message).toBe('malloc(2) threw "plain string" (a string, not an Error)');
    expect(failure(() => target.malloc(3)).message).toBe('malloc(3) threw undefined (not an Error)');
    expect(target.malloc(4)).toBe(16);
  });
});
