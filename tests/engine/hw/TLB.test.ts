// TLB: the MMU's direct-mapped translation cache (page v lives in slot v % entries): hits,
// misses, single-page invalidation, whole flushes, the disabled TLB (0 entries), contents()
// for the views, and the constructor's argument check. Hardware model behind §6.4's "TLB entry
// flushed after map/unmap".
import { describe, expect, it } from 'vitest';
import { TLB } from '../../../engine/index';

describe('TLB', () => {
  it('has 64 slots by default and starts empty with zero counters', () => {
    const tlb = new TLB();
    expect(tlb.entries).toBe(64);
    expect(tlb.contents()).toEqual([]);
    expect(tlb.counters).toEqual({ hits: 0, misses: 0, invalidations: 0, flushes: 0 });
  });

  it('finds a filled page in slot page % entries, with its frame and flags', () => {
    const tlb = new TLB(8);
    tlb.fill(0x80005, 0x7000, 0x6);
    const slot = tlb.find(0x80005);
    expect(slot).toBe(0x80005 % 8);
    expect(tlb.frameAt(slot)).toBe(0x7000);
    expect(tlb.flagsAt(slot)).toBe(0x6);
  });

  it('counts a find of a cached page as a hit and of an absent page as a miss', () => {
    const tlb = new TLB(8);
    tlb.fill(3, 0x3000, 0);
    expect(tlb.find(3)).toBe(3);
    expect(tlb.find(3)).toBe(3);
    expect(tlb.find(4)).toBe(-1);
    expect(tlb.counters).toEqual({ hits: 2, misses: 1, invalidations: 0, flushes: 0 });
  });

  it('is direct-mapped: a page filled into an occupied slot evicts the page that held it', () => {
    const tlb = new TLB(8);
    tlb.fill(5, 0x5000, 0);
    tlb.fill(13, 0xd000, 2); // 13 % 8 = 5, the same slot
    expect(tlb.find(5)).toBe(-1);
    expect(tlb.find(13)).toBe(5);
    expect(tlb.frameAt(5)).toBe(0xd000);
    expect(tlb.contents()).toEqual([{ page: 13, frame: 0xd000, flags: 2 }]);
  });

  it('keeps pages in different slots side by side', () => {
    const tlb = new TLB(8);
    tlb.fill(1, 0x1000, 0);
    tlb.fill(2, 0x9000, 4);
    expect(tlb.find(1)).toBe(1);
    expect(tlb.find(2)).toBe(2);
    expect(tlb.frameAt(1)).toBe(0x1000);
    expect(tlb.frameAt(2)).toBe(0x9000);
  });

  it('invalidate drops only the matching page, and counts every call', () => {
    const tlb = new TLB(8);
    tlb.fill(5, 0x5000, 0);
    tlb.fill(6, 0x6000, 0);
    tlb.invalidate(13); // same slot as 5, another page: 5 stays
    expect(tlb.find(5)).toBe(5);
    tlb.invalidate(5);
    expect(tlb.find(5)).toBe(-1);
    expect(tlb.find(6)).toBe(6);
    expect(tlb.counters.invalidations).toBe(2);
    expect(tlb.counters.flushes).toBe(0);
  });

  it('flush drops every entry and counts one flush', () => {
    const tlb = new TLB(8);
    for (let page = 0; page < 8; page++) tlb.fill(page, page * 0x1000, 0);
    expect(tlb.contents()).toHaveLength(8);
    tlb.flush();
    expect(tlb.contents()).toEqual([]);
    for (let page = 0; page < 8; page++) expect(tlb.find(page)).toBe(-1);
    expect(tlb.counters.flushes).toBe(1);
    expect(tlb.counters.invalidations).toBe(0);
  });

  it('with one entry, every page shares slot 0', () => {
    const tlb = new TLB(1);
    tlb.fill(7, 0x7000, 0);
    expect(tlb.find(7)).toBe(0);
    tlb.fill(9, 0x9000, 0);
    expect(tlb.find(7)).toBe(-1);
    expect(tlb.find(9)).toBe(0);
  });

  it('with 0 entries caches nothing: every find is a miss, even right after fill', () => {
    const tlb = new TLB(0);
    expect(tlb.entries).toBe(0);
    tlb.fill(1, 0x1000, 0);
    expect(tlb.find(1)).toBe(-1);
    expect(tlb.find(1)).toBe(-1);
    expect(tlb.contents()).toEqual([]);
    tlb.invalidate(1);
    tlb.flush();
    expect(tlb.counters).toEqual({ hits: 0, misses: 2, invalidations: 1, flushes: 1 });
  });

  it('contents() lists the valid entries in slot order', () => {
    const tlb = new TLB(4);
    tlb.fill(6, 0x6000, 4); // slot 2
    tlb.fill(1, 0x1000, 6); // slot 1
    tlb.fill(8, 0x8000, 0); // slot 0
    expect(tlb.contents()).toEqual([
      { page: 8, frame: 0x8000, flags: 0 },
      { page: 1, frame: 0x1000, flags: 6 },
      { page: 6, frame: 0x6000, flags: 4 },
    ]);
    tlb.invalidate(1);
    expect(tlb.contents().map((entry) => entry.page)).toEqual([8, 6]);
  });

  it('holds frames up to 0xFFFFF000 unsigned', () => {
    const tlb = new TLB(4);
    tlb.fill(0xfffff, 0xfffff000, 6);
    expect(tlb.frameAt(tlb.find(0xfffff))).toBe(0xfffff000);
    expect(tlb.contents()).toEqual([{ page: 0xfffff, frame: 0xfffff000, flags: 6 }]);
  });

  it.each([-1, 1.5, 65537, Number.NaN])('rejects %s entries with a RangeError', (entries) => {
    expect(() => new TLB(entries)).toThrow(RangeError);
  });

  it('accepts the limits 0 and 65536', () => {
    expect(new TLB(0).entries).toBe(0);
    expect(new TLB(65536).entries).toBe(65536);
  });
});
