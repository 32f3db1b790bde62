// The api timeline in the engine: runApiTimeline goes past a difference and stops at a throw; each
// subject's machine answers as its oracle and pictures its state (bitmap and cursor, watermark, pools
// read from emulated memory, frames, page tables, processes); ApiStates walks back and forth.
import { describe, expect, it } from 'vitest';
import { ApiStates, runApiTimeline } from '../../../engine/grader/ApiTimeline';
import type { Scenario } from '../../../engine/grader/Conformance';
import { localApiTarget } from '../../../engine/grader/LocalApiTarget';
import { subjects } from '../../../engine/grader/subjects/index';
import { bitmapOf, MAX_CELLS, subjectMachines } from '../../../engine/grader/subjects/pictures';
import BitReference from '../../../exercises/01-bit-allocator/reference';
import PoolReference from '../../../exercises/03-pool-allocator/reference';

const bit = subjects['bit-allocator']!;
const small: Scenario = bit.scenario({ seed: 1, ops: 40, chunks: 16, chunkSize: 64, base: 4096, zero: 0, strays: 0 });

/** The reference with one call made wrong: allocate answers from the chunk after FreeNOS's. */
class OffByOne extends BitReference {
  override allocate(size: number, alignment: number) {
    const r = super.allocate(size, alignment);
    return r.result === 0 ? { result: 0, address: r.address + 64 } : r;
  }
}

describe('runApiTimeline', () => {
  it('marks every call of the reference the same as FreeNOS', () => {
    const run = runApiTimeline(bit, small, localApiTarget(BitReference, small.args));
    expect(run.first).toBeNull();
    expect(run.calls).toHaveLength(small.calls.length);
    expect(run.calls.every((c) => c.status === 'same')).toBe(true);
    expect(run.expected).toEqual(bit.oracle(small));
  });

  it('goes on past a difference, naming the call and both answers', () => {
    const run = runApiTimeline(bit, small, localApiTarget(OffByOne, small.args));
    const k = small.calls.findIndex((c) => c.method === 'allocate');
    expect(run.first).toBe(k);
    expect(run.calls[k]!.status).toBe('differs');
    expect(run.calls[k]!.reason).toMatch(/^allocate\(.*\) returned .*FreeNOS returns/);
    expect(run.calls.filter((c) => c.status === 'differs').length).toBeGreaterThan(1);
    expect(run.calls.some((c) => c.status === 'not-run')).toBe(false);
  });

  it('stops at a call that throws: the rest are not run', () => {
    class Thrower extends BitReference {
      override available(): number { throw new Error('boom'); }
    }
    const run = runApiTimeline(bit, small, localApiTarget(Thrower, small.args));
    const k = small.calls.findIndex((c) => c.method === 'available');
    expect(run.first).toBe(k);
    expect(run.calls[k]).toMatchObject({ status: 'threw', reason: expect.stringContaining('boom') });
    expect(run.calls.slice(k + 1).every((c) => c.status === 'not-run')).toBe(true);
  });

  it('compares the heap bytes of a withHeap subject (the pool headers) after each call', () => {
    const pool = subjects['pool-allocator']!;
    const s = pool.scenario({ seed: 1, ops: 30, limit: 262144 });
    const good = localApiTarget(PoolReference, s.args, 'ref', { withHeap: true, heapLimit: s.heapLimit });
    expect(runApiTimeline(pool, s, good, (a) => good.peek8(a)).first).toBeNull();
    // Reading other bytes than the heap's back (all zero): the first memory check differs, named.
    const fresh = localApiTarget(PoolReference, s.args, 'ref', { withHeap: true, heapLimit: s.heapLimit });
    const run = runApiTimeline(pool, s, fresh, () => 0);
    expect(run.first).not.toBeNull();
    expect(run.calls[run.first!]!.reason).toMatch(/after call \d+, .*FreeNOS has/);
  });
});

describe('subject machines', () => {
  it('answer every scenario call as the subject oracle does, for all six subjects', () => {
    for (const [name, subject] of Object.entries(subjects)) {
      const s = subject.scenario({ seed: 3, ops: 40 });
      const machine = subjectMachines[name]!(s);
      expect(s.calls.map((c) => machine.apply(c)), name).toEqual(subject.oracle(s));
      const picture = machine.picture();
      expect(picture.title.length, name).toBeGreaterThan(0);
      expect(picture.facts.length, name).toBeGreaterThan(0);
    }
  });

  it('pictures the BitAllocator: one cell per chunk, the used ones set, the next-fit cursor where the last allocation began', () => {
    const states = new ApiStates(() => subjectMachines['bit-allocator']!(small), small.calls);
    const before = states.picture(-1);
    expect(before.bitmaps[0]!.cells).toBe('0'.repeat(16));
    expect(before.bitmaps[0]!.cursor).toBe(0);
    const answers = bit.oracle(small) as { result: number; address: number }[];
    const k = answers.findIndex((a, i) => small.calls[i]!.method === 'allocate' && a.result === 0 && a.address > 4096);
    const after = states.picture(k).bitmaps[0]!;
    const chunk = (answers[k]!.address - 4096) / 64;
    expect(after.cursor).toBe(chunk);
    expect(after.cells[chunk]).toBe('1');
    expect(after.first).toBe(4096);
    expect(after.step).toBe(64);
    // Back to the start and forward again: the same pictures.
    expect(states.picture(-1)).toEqual(before);
    expect(states.picture(k).bitmaps[0]).toEqual(after);
  });

  it('refuses a call index outside the scenario, naming the field and the range', () => {
    const states = new ApiStates(() => subjectMachines['bit-allocator']!(small), small.calls);
    expect(() => states.picture(small.calls.length)).toThrow(/call must be a whole number from -1 .* to 39, got 40/);
    expect(() => states.picture(-2)).toThrow(RangeError);
    expect(() => states.picture(1.5)).toThrow(RangeError);
  });

  it('pictures the BubbleAllocator watermark as the bytes handed out', () => {
    const b = subjects['bubble-allocator']!;
    const s = b.scenario({ seed: 1, ops: 40, size: 256, alignment: 4, base: 4096, zero: 0, releases: 0, huge: 0 });
    const m = subjectMachines['bubble-allocator']!(s);
    expect(m.picture().bars[0]).toEqual({ label: expect.any(String), base: 4096, size: 256, used: 0 });
    const first = s.calls.findIndex((c) => c.method === 'allocate' && c.args[0]! > 0);
    for (const c of s.calls.slice(0, first + 1)) m.apply(c);
    expect(m.picture().bars[0]!.used).toBe(Math.ceil(s.calls[first]!.args[0]! / 4) * 4);
  });

  it('pictures the pools from their headers in emulated memory: object size, counts, bitmap', () => {
    const pool = subjects['pool-allocator']!;
    const s = pool.scenario({ seed: 1, ops: 60, limit: 262144, releases: 0.2, zero: 0, aligned: 0, large: 0, oversize: 0, huge: 0 });
    const states = new ApiStates(() => subjectMachines['pool-allocator']!(s), s.calls);
    expect(states.picture(-1).bitmaps).toEqual([]);
    const last = states.picture(s.calls.length - 1);
    expect(last.bitmaps.length).toBeGreaterThan(0);
    const rows = last.tables[0]!.rows;
    expect(rows.length).toBe(last.bitmaps.length);
    for (const [i, row] of rows.entries()) {
      const used = Number(row[3]!.split(' of ')[0]);
      expect([...last.bitmaps[i]!.cells].filter((c) => c === '1').length).toBe(used);
      expect(last.bitmaps[i]!.step).toBe(Number(row[0]));
    }
    expect(last.bars[0]!.used).toBeGreaterThan(0);
  });

  it('pictures the split allocator frames, the page directory and tables, and the fork machine processes', () => {
    const sp = subjects['split-allocator']!.scenario({ seed: 1, ops: 40, pages: 16, pageSize: 4096, physical: 2097152, virtual: 3221225472 });
    const splitStates = new ApiStates(() => subjectMachines['split-allocator']!(sp), sp.calls);
    const frames = splitStates.picture(sp.calls.length - 1).bitmaps[0]!;
    expect(frames.cells).toHaveLength(16);
    expect(frames.first).toBe(2097152);

    const pt = subjects['page-tables']!.scenario({ seed: 1, ops: 60, tables: 8, sections: 2 });
    const tables = new ApiStates(() => subjectMachines['page-tables']!(pt), pt.calls).picture(pt.calls.length - 1);
    const present = [...tables.bitmaps[0]!.cells].filter((c) => c === '1').length;
    expect(present).toBeGreaterThan(0);
    expect(tables.bitmaps).toHaveLength(1 + present);
    expect(tables.tables[0]!.rows.length + tables.tables[0]!.more).toBe(Number(tables.facts.find((f) => f.label === 'pages mapped')!.value));

    const fk = subjects['fork-cow']!.scenario({ seed: 1, ops: 30, processes: 2 });
    const forkStates = new ApiStates(() => subjectMachines['fork-cow']!(fk), fk.calls);
    const afterStart = forkStates.picture(0);
    expect(afterStart.tables[0]!.rows).toHaveLength(1);
    expect(afterStart.tables[0]!.rows[0]![0]).toMatch(/^\d+$/);
  });

  it('draws a large bitmap in at most MAX_CELLS cells, partly used cells as 2', () => {
    const map = bitmapOf('many', MAX_CELLS * 4, (i) => i === 1, 0, 16, 5);
    expect(map.cells).toHaveLength(MAX_CELLS);
    expect(map.unitsPerCell).toBe(4);
    expect(map.cells.slice(0, 2)).toBe('20');
    expect(map.cursor).toBe(1);
    expect(map.step).toBe(64);
  });
});
