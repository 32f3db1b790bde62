// The demo mode's replays (?fake, the engine in the page): progress then one replayDone in the
// contract's shapes; frames that agree with the series and the block lookups; code subjects replayed
// by the engine's allocator and labelled so; stop before it runs; the limit; fits that differ.
// That the demo answers as the host does: tests/host/lab/demoSameAnswers.test.ts.
import { describe, expect, it } from 'vitest';
import type { LabEvent, LabEvents, ReplayEnd, ReplaySubject } from '../../../electron/contract';
import { heapCellKinds, replaySeriesNames } from '../../../electron/contract';
import { demoReplays } from '../../../renderer/src/demo/demoReplay';

function demo() {
  const events: { event: LabEvent; data: unknown }[] = [];
  let ended: (e: ReplayEnd) => void = () => {};
  const done = new Promise<ReplayEnd>((resolve) => { ended = resolve; });
  const emit = <E extends LabEvent>(event: E, data: LabEvents[E]) => {
    events.push({ event, data });
    if (event === 'replayDone') ended(data as ReplayEnd);
  };
  return { replays: demoReplays(emit), events, done };
}

const start = (d: ReturnType<typeof demo>, subject: ReplaySubject, ops = 3000) =>
  d.replays.replayStart({ exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops, seed: 5 } }, subject });

describe('demo replays', () => {
  it('streams progress, then ends with every operation done', async () => {
    const d = demo();
    const info = await start(d, { code: 'reference' });
    expect(info).toMatchObject({ total: 3000, label: 'engine (first fit; the demo cannot run reference code)', layout: true });
    expect(info.trace).toMatch(/randomSizes/);
    const end = await d.done;
    expect(end).toMatchObject({ replayId: info.replayId, ok: true, done: 3000, failure: null, stopped: false });
    const progress = d.events.filter((e) => e.event === 'replayProgress').map((e) => e.data as LabEvents['replayProgress']);
    expect(progress.length).toBeGreaterThan(0);
    const last = progress[progress.length - 1]!;
    expect(last.done).toBe(3000);
    expect(last.frame.op).toBe(2999);
    expect(Object.keys(last.charts.series)).toEqual([...replaySeriesNames]);
    expect(last.charts.series.heap.x.length).toBeLessThanOrEqual(512);
  });

  it('gives frames that agree with the series, and blocks under the cells', async () => {
    const d = demo();
    const info = await start(d, { code: 'engine', config: { fit: 'best' } });
    await d.done;
    for (const op of [0, 777, 2999]) {
      const f = await d.replays.replayFrame(info.replayId, op, { cells: 512 });
      const c = await d.replays.replayCharts(info.replayId, op, op + 1, 1);
      expect(f.payload).toBe(c.series.payload.last[0]);
      expect(f.heapSize).toBe(c.series.heap.last[0]);
      expect(f.heap.cells.length).toBe(f.heap.fill.length);
      expect(f.heap.cells).toMatch(new RegExp(`^[0-${heapCellKinds.length - 1}]+$`));
      // At byte granularity, a payload byte's block was allocated at or before this operation, and a free byte is in a hole.
      const start = await d.replays.replayFrame(info.replayId, op, { from: 0xb0001000, to: 0xb0001000 + 1024, cells: 1024 });
      for (const [kind, digit] of [['payload', '2'], ['free', '1']] as const) {
        const i = start.heap.cells.indexOf(digit);
        if (i < 0) continue;
        const block = await d.replays.replayBlock(info.replayId, op, start.heap.from + i);
        expect(block?.kind).toBe(kind);
        expect(block!.allocatedAt).toBeLessThanOrEqual(op);
      }
    }
    // The engine's layout: zoomed to bytes around a live block, its 4-byte header is metadata.
    const whole = await d.replays.replayFrame(info.replayId, 1000, { cells: 4096 });
    const cell = whole.heap.from + whole.heap.cells.indexOf('2') * whole.heap.bytesPerCell;
    const bytes = await d.replays.replayFrame(info.replayId, 1000, { from: cell, to: cell + whole.heap.bytesPerCell, cells: whole.heap.bytesPerCell });
    const live = await d.replays.replayBlock(info.replayId, 1000, cell + bytes.heap.cells.indexOf('2'));
    expect(live?.kind).toBe('payload');
    const f = await d.replays.replayFrame(info.replayId, 1000, { from: live!.address - 4, to: live!.address + live!.size, cells: 4096 });
    expect(f.heap.bytesPerCell).toBe(1);
    expect(f.heap.cells).toBe(`4444${'2'.repeat(live!.size)}`);
    await expect(d.replays.replayFrame(info.replayId, 3000, { cells: 10 })).rejects.toThrow('operation 3000 is not replayed');
  });

  it('stops a replay that has not run yet, and refuses more operations than the page replays', async () => {
    const d = demo();
    const info = await start(d, { code: 'starter' });
    expect(info.label).toBe('engine (first fit; the demo cannot run starter code)');
    expect(await d.replays.replayStop(info.replayId)).toBe(true);
    const end = await d.done;
    expect(end).toMatchObject({ stopped: true, ok: false, done: 0, metrics: null });
    expect(await d.replays.replayStop(info.replayId)).toBe(false);
    expect(await d.replays.replayClose(info.replayId)).toBe(true);
    await expect(d.replays.replayCharts(info.replayId, 0, 1, 1)).rejects.toThrow('no replay');
    await expect(start(demo(), { code: 'reference' }, 1_000_000)).rejects.toThrow('at most 200000 operations');
  });

  it('replays the paper policies and the fits into different heaps', async () => {
    const p = demo();
    const policy = await start(p, { code: 'policy', policy: 'buddy' });
    expect(policy).toMatchObject({ label: 'binary buddy', layout: false });
    expect(await p.done).toMatchObject({ ok: true, done: 3000 });
    const heaps: number[] = [];
    for (const fit of ['first', 'best']) {
      const e = demo();
      const i = await start(e, { code: 'engine', config: { fit } });
      await e.done;
      heaps.push((await e.replays.replayCharts(i.replayId, 0, 3000, 1)).series.holes.max[0]!);
    }
    expect(heaps[0]).not.toBe(heaps[1]);
  });
});
