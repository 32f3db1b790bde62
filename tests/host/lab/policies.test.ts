// The lab host's fragmentation-paper calls: replayPolicies ranks the paper's eleven policies on one
// trace of an exercise in a worker, as PolicyRanking does in-process on the exercise's heap; an api
// exercise and an unknown trace are refused by name; replayStart runs one policy as a Compare row
// (its label, its block layout known only for the free-list policies, its metrics the engine's).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabEvent, LabEvents, ReplayEnd } from '../../../electron/contract';
import { findExercise, loadExercise, loadTrace } from '../../../electron/host/grader/exercise';
import { createLabHost, type LabHost } from '../../../electron/host/lab';
import { localTarget } from '../../../engine/grader/LocalTarget';
import { rankPolicies } from '../../../engine/grader/PolicyRanking';
import { replay } from '../../../engine/grader/Replay';
import { generate } from '../../../engine/workload/generators';
import { paperPolicy } from '../../../engine/workload/paperPolicies';

const SMALL = { generator: 'randomSizes', options: { ops: 400, seed: 3 } };
const ends = new Map<string, ReplayEnd>();
const listener = <E extends LabEvent>(event: E, data: LabEvents[E]) => {
  if (event === 'replayDone') ends.set((data as ReplayEnd).replayId, data as ReplayEnd);
};

async function ended(replayId: string): Promise<ReplayEnd> {
  const until = performance.now() + 40_000;
  while (!ends.has(replayId)) {
    if (performance.now() > until) throw new Error(`no replayDone for ${replayId}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return ends.get(replayId)!;
}

describe('the lab host: the fragmentation paper', () => {
  let host: LabHost;
  beforeAll(() => {
    host = createLabHost({ workspace: mkdtempSync(path.join(tmpdir(), 'lab-policies-')), host: 'web', listener });
  });
  afterAll(async () => {
    await host.dispose();
  });

  it('ranks the eleven policies on an exercise\'s trace as the engine does in-process', async () => {
    const view = await host.replayPolicies({ exercise: '08-fragmentation', trace: { trace: 'coalescing' } });
    const exercise = loadExercise(findExercise('08-fragmentation'));
    const local = rankPolicies([loadTrace(exercise, 'coalescing')], { heap: exercise.spec.heap });
    expect(view).toMatchObject({ exercise: '08-fragmentation', trace: 'coalescing', heap: { limit: 33554432, parent: 'sbrk' } });
    expect(view.rows).toEqual(local.rows.map((r) => ({
      id: r.id, label: r.label, rank: r.rank, frag4: r.cells[0]!.measures!.frag4, frag3: r.cells[0]!.measures!.frag3, frag2: r.cells[0]!.measures!.frag2, failure: null,
    })));
    expect(view.rows).toHaveLength(11);
  }, 60_000);

  it('refuses an api exercise and a trace the exercise does not have', async () => {
    await expect(host.replayPolicies({ exercise: '01-bit-allocator', trace: { trace: 'x' } })).rejects.toThrow(/01-bit-allocator is an api exercise/);
    await expect(host.replayPolicies({ exercise: '07-malloc', trace: { trace: 'nope' } })).rejects.toThrow(/no trace 'nope' to replay/);
  });

  it('replays one policy as a Compare row: its label, its layout, the engine\'s metrics', async () => {
    for (const [policy, layout] of [['buddy', false], ['best-address', true]] as const) {
      const info = await host.replayStart({ exercise: '07-malloc', trace: SMALL, subject: { code: 'policy', policy } });
      expect(info).toMatchObject({ label: paperPolicy(policy).label, layout });
      const end = await ended(info.replayId);
      const local = replay(generate(SMALL.generator, SMALL.options), localTarget(paperPolicy(policy).allocator, { limit: 33554432, parent: 'pages' }), { heapLimit: 33554432 });
      expect(end.ok).toBe(true);
      expect(end.metrics).toMatchObject({ peakPayload: local.metrics.peakPayload, heapHighWater: local.metrics.heapHighWater, work: local.metrics.work });
    }
    await expect(host.replayStart({ exercise: '07-malloc', trace: SMALL, subject: { code: 'policy', policy: 'worst' } })).rejects.toThrow(/subject.policy must be one of first-lifo/);
  }, 60_000);
});
