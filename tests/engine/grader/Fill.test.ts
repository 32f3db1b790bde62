// The checker's fill pattern: the same bytes for the same seed, a region written then verified
// agrees, and any changed byte is found at its offset with the values written and found, also past
// the pattern's 256 KiB wrap and in a last partial word.
import { describe, expect, it } from 'vitest';
import { FillPattern, fillPattern } from '../../../engine/grader/Fill';

describe('FillPattern', () => {
  it('is the same for the same seed and differs between seeds and starting points', () => {
    const a = new Uint8Array(64), b = new Uint8Array(64), c = new Uint8Array(64);
    new FillPattern(7).write(a, 0);
    fillPattern(7).write(b, 0);
    new FillPattern(8).write(c, 0);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const p = fillPattern(7);
    expect(p.start(1, 0)).not.toBe(p.start(2, 0));
    expect(p.start(1, 0)).not.toBe(p.start(1, 4096));
    expect(p.start(1, 0) % 4).toBe(0);
  });

  it('verifies what it wrote, and names the first changed word or byte', () => {
    const p = fillPattern(3);
    for (const size of [1, 3, 4, 7, 4096, 300_001]) {
      const region = new Uint8Array(size);
      const at = p.start(size, 0);
      p.write(region, at);
      expect(p.verify(region, at)).toBeNull();
      const last = size - 1;
      const old = region[last]!;
      region[last] = old ^ 0x5a;
      const bad = p.verify(region, at)!;
      expect(bad.offset).toBe(size % 4 === 0 ? size - 4 : last);
      expect(bad.width).toBe(size % 4 === 0 ? 4 : 1);
      expect(bad.got).not.toBe(bad.want);
      expect(bad.want).toBe(p.want(at, bad.offset, bad.width));
      region[last] = old;
      expect(p.verify(region, at)).toBeNull();
    }
  });

  it('repeats itself past 256 KiB, from any start, and gives each word as want() says', () => {
    const p = fillPattern(1);
    const region = new Uint8Array(600_000);
    const at = p.start(12, 8);
    p.write(region, at);
    const view = new DataView(region.buffer);
    for (const o of [0, 4, 262_140, 262_144, 524_288, 599_996]) expect(view.getUint32(o, true)).toBe(p.want(at, o, 4));
    expect(view.getUint32(0, true)).toBe(view.getUint32(262_144, true));
    region[400_001] ^= 1;
    expect(p.verify(region, at)).toMatchObject({ offset: 400_000, width: 4 });
  });
});
