// The demo mode (?fake, renderer/src/demo/) and the lab host give the same answers on the same seeds:
// every quiz topic's question, check and reveal; and a replay of a seeded generated trace by the
// engine's allocator and by a paper policy on 07-malloc's heap (label, layout, end metrics, charts,
// frames and block lookups). Only the timing (ms, replay ids) may differ.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent, LabEvents, ReplayEnd, ReplayStartRequest } from '../../../electron/contract';
import { createLabHost, type LabHost } from '../../../electron/host/lab';
import { demoReplays } from '../../../renderer/src/demo/demoReplay';
import { demoCheckQuiz, demoQuiz, demoQuizTopics, demoRevealQuiz } from '../../../renderer/src/demo/demoQuiz';

const ends = new Map<string, ReplayEnd>();
const progress = new Map<string, LabEvents['replayProgress']>();
function listener<E extends LabEvent>(event: E, data: LabEvents[E]): void {
  if (event === 'replayDone') ends.set((data as ReplayEnd).replayId, data as ReplayEnd);
  if (event === 'replayProgress') progress.set((data as LabEvents['replayProgress']).replayId, data as LabEvents['replayProgress']);
}

async function ended(replayId: string): Promise<ReplayEnd> {
  const until = performance.now() + 40_000;
  while (!ends.has(replayId)) {
    if (performance.now() > until) throw new Error(`no replayDone for ${replayId}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return ends.get(replayId)!;
}

describe('the demo and the host give the same answers', () => {
  let host: LabHost;
  beforeAll(() => {
    host = createLabHost({ workspace: mkdtempSync(path.join(tmpdir(), 'lab-demo-same-')), host: 'web', listener });
  });
  afterAll(async () => {
    await host.dispose();
  });

  it('on every quiz topic for seeds 1, 7 and 1234', async () => {
    expect(demoQuizTopics()).toEqual(await host.quizTopics());
    for (const { topic } of demoQuizTopics()) {
      for (const seed of [1, 7, 1234]) {
        expect(demoQuiz(topic, seed)).toEqual(await host.quiz(topic, seed));
        const reveal = demoRevealQuiz(topic, seed);
        expect(reveal).toEqual(await host.revealQuiz(topic, seed));
        for (const answer of [reveal.answer, '12345', 'nonsense']) {
          expect(demoCheckQuiz(topic, seed, answer), `${topic}/${seed}: ${answer}`).toEqual(await host.checkQuiz(topic, seed, answer));
        }
        expect(demoCheckQuiz(topic, seed, reveal.answer).correct).toBe(true);
      }
    }
    await expect(host.quiz('nope', 1)).rejects.toThrow(/unknown quiz topic/);
    expect(() => demoQuiz('nope', 1)).toThrow(/unknown quiz topic/);
  });

  const requests: ReplayStartRequest[] = [
    { exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops: 4000, seed: 11 } }, subject: { code: 'engine', config: { fit: 'best' } } },
    { exercise: '07-malloc', trace: { generator: 'ramp', options: { seed: 3 } }, subject: { code: 'policy', policy: 'first-address' } },
  ];
  for (const request of requests) {
    it(`on a replay of ${JSON.stringify(request.trace)} by ${JSON.stringify(request.subject)}`, async () => {
      const fromHost = await host.replayStart(request);
      const hostEnd = await ended(fromHost.replayId);
      const demoEvents: { event: LabEvent; data: unknown }[] = [];
      const demo = demoReplays((event, data) => { demoEvents.push({ event, data }); });
      const fromDemo = await demo.replayStart(request);
      while (!demoEvents.some((e) => e.event === 'replayDone')) await new Promise((r) => setTimeout(r, 5));
      const demoEnd = demoEvents.find((e) => e.event === 'replayDone')!.data as ReplayEnd;

      expect({ ...fromDemo, replayId: '' }).toEqual({ ...fromHost, replayId: '' });
      expect(hostEnd.ok).toBe(true);
      expect({ ...demoEnd, replayId: '', ms: 0 }).toEqual({ ...hostEnd, replayId: '', ms: 0 });
      // The last progress event: the same streaming charts and newest frame.
      const demoLast = demoEvents.filter((e) => e.event === 'replayProgress').at(-1)!.data as LabEvents['replayProgress'];
      expect({ ...demoLast, replayId: '' }).toEqual({ ...progress.get(fromHost.replayId)!, replayId: '' });
      const total = fromHost.total;
      for (const [from, to, buckets] of [[0, total, 300], [100, 900, 50], [total - 10, total, 10]] as const) {
        expect(await demo.replayCharts(fromDemo.replayId, from, to, buckets)).toEqual(await host.replayCharts(fromHost.replayId, from, to, buckets));
      }
      for (const op of [-1, 0, Math.floor(total / 3), total - 1]) {
        const frame = await host.replayFrame(fromHost.replayId, op, { cells: 1024 });
        expect(await demo.replayFrame(fromDemo.replayId, op, { cells: 1024 })).toEqual(frame);
        const window = { from: frame.heap.from, to: frame.heap.from + 512, cells: 512 };
        expect(await demo.replayFrame(fromDemo.replayId, op, window)).toEqual(await host.replayFrame(fromHost.replayId, op, window));
        for (let address = frame.heap.from; address < frame.heap.from + 512; address += 37) {
          expect(await demo.replayBlock(fromDemo.replayId, op, address)).toEqual(await host.replayBlock(fromHost.replayId, op, address));
        }
      }
      await host.replayClose(fromHost.replayId);
    }, 60_000);
  }
});
