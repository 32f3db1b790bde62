// The Timeline's words: the heap summary (the map's text alternative), the window's scale, what is
// under the cursor, progress, the end of a replay, the jump box's parsing, and the subject picker.
import { describe, expect, it } from 'vitest';
import { subjectChoices, subjectOf } from '../../../renderer/src/replay/subject';
import { blockText, endText, frameSummary, hex, operationText, parseOperation, progressText, windowText } from '../../../renderer/src/replay/text';
import { end, frame } from './fixtures';

describe('text', () => {
  it('writes addresses in hex', () => {
    expect(hex(0xb0001010)).toBe('0xb0001010');
    expect(hex(0)).toBe('0x0');
  });

  it('summarizes a frame: payload, heap, blocks, holes, largest hole, external fragmentation', () => {
    expect(frameSummary(frame(41, { payload: 3000, heapSize: 8192, blocks: 1, holes: 2, largestHole: 1024, external: 0.25 })))
      .toBe('After operation 41: payload 2.93 KiB in 1 block, heap 8.00 KiB, 2 holes (the largest 1.00 KiB), external fragmentation 25.0 %.');
    expect(frameSummary(frame(-1, { payload: 0, heapSize: 0, blocks: 0, holes: 0, largestHole: 0, external: 0 })))
      .toBe('Before the first operation: payload 0 B in 0 blocks, heap 0 B, 0 holes (the largest 0 B), external fragmentation 0.0 %.');
    // Operation numbers plain (as typed and linked), counts with separators.
    expect(frameSummary(frame(54321, { blocks: 1304 }))).toContain('After operation 54321: payload 32 B in 1,304 blocks');
    expect(windowText(frame(3))).toBe('0xb0001000 – 0xb0001040, 16 bytes per cell');
    expect(windowText(frame(3, { heap: { from: 16, to: 32, bytesPerCell: 1, cells: '2'.repeat(16), fill: 'a'.repeat(16) } }))).toBe('0x10 – 0x20, 1 byte per cell');
  });

  it('says what is under the cursor', () => {
    expect(blockText(0xb0001014, { kind: 'payload', address: 0xb0001010, size: 4096, id: 7, allocatedAt: 1200 }))
      .toBe('0xb0001014: payload · block 0xb0001010, 4.00 KiB (4,096 bytes) · id 7 · allocated at operation 1200');
    expect(blockText(0x20, { kind: 'free', address: 0x10, size: 64, id: -1, allocatedAt: -1 })).toBe('0x20: free (a hole) · hole 0x10, 64 B');
    expect(blockText(0x8, { kind: 'overhead', address: 0x8, size: 8, id: -1, allocatedAt: -1 })).toBe('0x8: overhead (headers, padding: not told apart)');
    expect(blockText(0x5, null)).toBe('0x5: outside the heap');
  });

  it('writes progress and the end', () => {
    expect(progressText(12345, 100000, 2500.4)).toBe('12,345 / 100,000 operations · 2,500 ops/s');
    expect(progressText(0, 10, 0)).toBe('0 / 10 operations');
    expect(endText(end('r', 1000))).toBe('Replayed 1,000 operations without a failure in 1.2 s.');
    expect(endText(end('r', 10, { stopped: true, error: 'stopped', ok: false }))).toBe('Stopped after 10 operations.');
    expect(endText(end('r', 0, { ok: false, error: 'submission.ts:3: Expected ";"' }))).toBe('Could not replay: submission.ts:3: Expected ";"');
    expect(endText(end('r', 12, { ok: false, failure: { op: 12, where: 'x', operation: 'a 3 24', kind: 'overlap', reason: 'overlaps block 2' } })))
      .toBe('Failed at operation 12 (a 3 24): overlap: overlaps block 2');
  });

  it('parses the jump box, or says why not', () => {
    expect(parseOperation('42', 0, 99)).toEqual({ op: 42 });
    expect(parseOperation(' 1,000 ', 0, 5000)).toEqual({ op: 1000 });
    expect(parseOperation('abc', 0, 99)).toEqual({ error: 'Type an operation number from 0 to 99.' });
    expect(parseOperation('', 0, 99)).toEqual({ error: 'Type an operation number from 0 to 99.' });
    expect(parseOperation('4.5', 0, 99)).toEqual({ error: 'Type an operation number from 0 to 99.' });
    expect(parseOperation('100', 0, 99)).toEqual({ error: 'Operation 100 is not in this replay: type one from 0 to 99.' });
    expect(parseOperation('x', 0, 99999)).toEqual({ error: 'Type an operation number from 0 to 99999.' });
    expect(parseOperation('-1', 0, 99)).toEqual({ error: 'Operation -1 is not in this replay: type one from 0 to 99.' });
  });

  it('writes the operation on screen', () => {
    expect(operationText(54321, 'a 3 24 → 0xb0001010', 54330)).toBe('Operation 54321: a 3 24 → 0xb0001010 (trace line 54330)');
    expect(operationText(12, 'malloc(24)', 0)).toBe('Operation 12: malloc(24)');
    expect(operationText(-1, '', 0)).toBe('Before the first operation: the empty heap.');
  });
});

describe('subjects', () => {
  it('offers the engine allocator to malloc and tune exercises only', () => {
    expect(subjectChoices('api').map((c) => c.value)).toEqual(['submission', 'reference', 'starter']);
    expect(subjectChoices('malloc').map((c) => c.value)).toEqual(['submission', 'reference', 'starter', 'engine']);
    expect(subjectChoices('tune').map((c) => c.value)).toContain('engine');
    expect(subjectChoices(null).map((c) => c.value)).not.toContain('engine');
  });

  it('builds the contract\'s subject of a choice', () => {
    expect(subjectOf('submission', 'best', 'code')).toEqual({ code: 'submission', source: 'code' });
    expect(subjectOf('reference', 'best', 'code')).toEqual({ code: 'reference' });
    expect(subjectOf('starter', 'best', 'code')).toEqual({ code: 'starter' });
    expect(subjectOf('engine', 'next', 'code')).toEqual({ code: 'engine', config: { fit: 'next' } });
  });
});
