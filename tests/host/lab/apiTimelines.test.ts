// The lab host's api timelines (apiTimelineStart, apiTimelineFrame, apiTimelineClose) on a temp
// workspace with the built-in exercises: 01-bit-allocator's reference matches FreeNOS on every call,
// a wrong submission's first difference is named and the calls after it still run, a throwing and a
// looping submission end the run there, a compile error comes back as the timeline's error; frames
// are the engine's pictures (bitmap, cursor; pools for 03); refused exercises, scenarios and indices.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLabHost, type LabHost } from '../../../electron/host/lab';
import { subjects } from '../../../engine/grader/subjects/index';

const source = (exercise: string, file: string) => readFileSync(path.join('exercises', exercise, file), 'utf8');
const reference = source('01-bit-allocator', 'reference.ts');
/** The reference with next fit replaced by first fit: the search always starts at chunk 0. */
const FIRST_FIT = reference.replace(/this\.last = [^;]+;/g, 'this.last = 0;');
const THROWS = reference.replace('available(): number {', "available(): number {\n    throw new Error('available is not written yet');");
const LOOPS = reference.replace('available(): number {', 'available(): number {\n    for (;;) { /* forever */ }');

describe('the lab host: api timelines', () => {
  let host: LabHost;
  beforeAll(() => {
    host = createLabHost({ workspace: mkdtempSync(path.join(tmpdir(), 'lab-api-timelines-')), host: 'web' });
  });
  afterAll(async () => {
    await host.dispose();
  });

  it('runs 01-bit-allocator\'s reference: every call the same as FreeNOS, the state after each call pictured', async () => {
    const info = await host.apiTimelineStart({ exercise: '01-bit-allocator', scenario: 'small', source: reference });
    expect(info).toMatchObject({ exercise: '01-bit-allocator', scenario: 'small', subject: 'bit-allocator', error: null, firstDifference: null });
    expect(info.constructed).toBe('new BitAllocator(0x1000, 1024, 64)');
    expect(info.calls).toHaveLength(40);
    expect(info.calls.every((c) => c.status === 'same' && c.got === c.expected)).toBe(true);
    expect(info.calls[0]).toMatchObject({ call: 'available()', expected: '1024' });
    const before = await host.apiTimelineFrame(info.timelineId, -1);
    expect(before.call).toBe(-1);
    expect(before.picture.bitmaps[0]!.cells).toBe('0'.repeat(16));
    const last = await host.apiTimelineFrame(info.timelineId, 39);
    expect(last.picture.bitmaps[0]!.cells).toMatch(/^[01]{16}$/);
    expect(last.picture.facts.map((f) => f.label)).toContain('next-fit cursor');
    await expect(host.apiTimelineFrame(info.timelineId, 40)).rejects.toThrow(/call must be a whole number from -1 .* to 39, got 40/);
    await expect(host.apiTimelineFrame(info.timelineId, -2)).rejects.toThrow(/apiTimelineFrame: args\[1\] \(call\): must be a call index/);
    expect(await host.apiTimelineClose(info.timelineId)).toBe(true);
    await expect(host.apiTimelineFrame(info.timelineId, 0)).rejects.toThrow(/timelineId: no api timeline/);
  });

  it('names a wrong submission\'s first difference and runs the calls after it', async () => {
    const info = await host.apiTimelineStart({ exercise: '01-bit-allocator', scenario: 'fill-and-wrap', source: FIRST_FIT });
    expect(info.error).toBeNull();
    const k = info.firstDifference!;
    expect(k).toBeGreaterThan(0);
    expect(info.calls.slice(0, k).every((c) => c.status === 'same')).toBe(true);
    expect(info.calls[k]).toMatchObject({ status: 'differs', reason: expect.stringMatching(/returned .*FreeNOS returns/) });
    expect(info.calls[k]!.got).not.toBe(info.calls[k]!.expected);
    expect(info.calls.at(-1)!.status).not.toBe('not-run');
    await host.apiTimelineClose(info.timelineId);
  });

  it('ends the run at a call that throws or loops, and reports a compile error as the timeline\'s error', async () => {
    const thrown = await host.apiTimelineStart({ exercise: '01-bit-allocator', scenario: 'small', source: THROWS });
    expect(thrown.firstDifference).toBe(0);
    expect(thrown.calls[0]).toMatchObject({ status: 'threw', got: null, reason: expect.stringContaining('available is not written yet') });
    expect(thrown.calls.slice(1).every((c) => c.status === 'not-run')).toBe(true);

    const looped = await host.apiTimelineStart({ exercise: '01-bit-allocator', scenario: 'small', source: LOOPS });
    expect(looped.calls[0]).toMatchObject({ status: 'timeout' });

    const broken = await host.apiTimelineStart({ exercise: '01-bit-allocator', scenario: 'small', source: 'export default class {\n  allocate( {\n}' });
    expect(broken.error).toMatch(/^submission\.ts does not compile: line 3:2 Expected "\)"/);
    expect(broken.firstDifference).toBeNull();
    expect(broken.calls.every((c) => c.status === 'not-run' && c.expected.length > 0)).toBe(true);
    // The engine's states are there all the same.
    expect((await host.apiTimelineFrame(broken.timelineId, 3)).picture.title).toMatch(/BitAllocator/);
  }, 60_000);

  it('pictures 03-pool-allocator\'s pools read from the engine\'s heap', async () => {
    const info = await host.apiTimelineStart({ exercise: '03-pool-allocator', scenario: 'small', source: source('03-pool-allocator', 'reference.ts') });
    expect(info.firstDifference).toBeNull();
    expect(info.constructed).toBe('new PoolAllocator(heap)');
    const frame = await host.apiTimelineFrame(info.timelineId, info.calls.length - 1);
    expect(frame.picture.tables[0]!.rows.length).toBeGreaterThan(0);
    expect(frame.picture.bitmaps.length).toBe(frame.picture.tables[0]!.rows.length);
  });

  it('refuses a malloc exercise, an unknown or hidden scenario, and a bad request, naming the field', async () => {
    await expect(host.apiTimelineStart({ exercise: '07-malloc', scenario: 'x', source: '' })).rejects.toThrow(/07-malloc is a malloc exercise/);
    await expect(host.apiTimelineStart({ exercise: '01-bit-allocator', scenario: 'nope', source: '' })).rejects.toThrow(/scenario: 01-bit-allocator has no scenario 'nope' to run \(scenarios: small, /);
    await expect(host.apiTimelineStart({ exercise: '01-bit-allocator', scenario: 'hidden-1', source: '' })).rejects.toThrow(/no scenario 'hidden-1'/);
    await expect(host.apiTimelineStart({ exercise: '01-bit-allocator', scenario: 'small' } as never)).rejects.toThrow(/args\[0\] \(request\): source must be a string/);
    await expect(host.apiTimelineFrame('replay-1-a', 0)).rejects.toThrow(/args\[0\] \(timelineId\): must be an api timeline id/);
    expect(subjects['bit-allocator']).toBeDefined();
  });
});
