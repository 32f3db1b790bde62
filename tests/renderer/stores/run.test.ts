// @vitest-environment happy-dom
// The run store: progress per test from runProgress events, the result with its compile errors,
// stop (at once, or once the runId is known), a grade refreshing Home's list.
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { useExercisesStore } from '../../../renderer/src/stores/exercises';
import { useRunStore } from '../../../renderer/src/stores/run';
import { useWorkspaceStore } from '../../../renderer/src/stores/workspace';
import { installFakeLab, runResult, settle, type FakeLab } from '../fakeLab';

let fake: FakeLab;
beforeEach(async () => {
  setActivePinia(createPinia());
  ({ fake } = installFakeLab());
  await useWorkspaceStore().open('01-bit-allocator');
});
const progress = (index: number, passed: boolean, runId = 'run-1') =>
  ({ runId, exercise: '01-bit-allocator', test: `t${index}`, index, total: 2, passed });

describe('run store', () => {
  it('runs the editor code on the target, shows progress per test, then the result', async () => {
    fake.holdRuns = true;
    const run = useRunStore();
    useWorkspaceStore().setCode('my code');
    const done = run.start({ test: 'small' });
    expect(run.running).toBe(true);
    expect(fake.callsOf('run')).toEqual([[{ exercise: '01-bit-allocator', source: 'my code', target: { test: 'small' } }]]);
    fake.emit('runProgress', progress(0, true));
    fake.emit('runProgress', { ...progress(1, false), runId: 'someone-else' });
    fake.emit('runProgress', { ...progress(1, false), exercise: '07-malloc' });
    expect(run.runId).toBe('run-1');
    expect(run.progress.map((p) => p.test)).toEqual(['t0']);
    expect(run.total).toBe(2);
    const tests = [{ name: 'small', points: 0, maxPoints: 2, passed: false, output: 'overlap', failure: { trace: 'small', op: 3 }, ms: 1 }];
    fake.finishRun(runResult({ tests, score: 0, maxScore: 2 }));
    await done;
    expect(run.running).toBe(false);
    expect(run.result?.tests).toEqual(tests);
    expect(run.compileErrors).toEqual([]);
  });

  it('counts the tests: one for a test before any event, unknown for a grade until the host says, then done and passed so far', async () => {
    fake.holdRuns = true;
    const run = useRunStore();
    void run.start({ test: 'small' });
    expect([run.total, run.done, run.passedSoFar]).toEqual([1, 0, 0]);
    expect(run.startedAt).toBeGreaterThan(0);
    fake.finishRun(runResult());
    await settle();
    void run.start({ grade: true });
    expect([run.total, run.done]).toEqual([0, 0]);
    fake.emit('runProgress', { ...progress(1, true), total: 3 });
    fake.emit('runProgress', { ...progress(2, false), total: 3 });
    expect([run.total, run.done, run.passedSoFar]).toEqual([3, 2, 1]);
    fake.finishRun(runResult());
    await settle();
  });

  it('exposes compile errors for the markers', async () => {
    fake.nextResult = runResult({ compileErrors: [{ line: 3, column: 7, message: 'Expected ";"' }] });
    const run = useRunStore();
    await run.start({ trace: 'small' });
    expect(run.compileErrors).toEqual([{ line: 3, column: 7, message: 'Expected ";"' }]);
  });

  it('stops a run: by the exercise id before the run id is known, then by the run id', async () => {
    fake.holdRuns = true;
    const run = useRunStore();
    void run.start({ grade: true });
    await run.stop();
    expect(run.stopRequested).toBe(true);
    expect(fake.callsOf('stop')).toEqual([['01-bit-allocator']]);
    fake.emit('runProgress', progress(0, true, 'run-9'));
    expect(fake.callsOf('stop')).toEqual([['01-bit-allocator'], ['run-9']]);
    await run.stop();
    expect(fake.callsOf('stop')).toEqual([['01-bit-allocator'], ['run-9'], ['run-9']]);
    fake.finishRun(runResult({ runId: 'run-9', stopped: true, error: 'stopped' }));
    await settle();
    expect(run.result?.stopped).toBe(true);
  });

  it('shows a run that could not be done, and refreshes the exercise list after a grade', async () => {
    const run = useRunStore();
    const exercises = useExercisesStore();
    fake.run = async () => { throw new Error('sandbox crashed'); };
    await run.start({ test: 'small' });
    expect(run.error).toBe('sandbox crashed');
    expect(run.running).toBe(false);
    fake.run = async () => runResult({ score: 2, maxScore: 4 });
    await run.start({ grade: true });
    await settle();
    expect(exercises.list.map((e) => e.id)).toEqual(['01-bit-allocator', '07-malloc']);
  });

  it('ends a run on its runDone event too (a reply lost with the connection)', async () => {
    fake.holdRuns = true;
    const run = useRunStore();
    void run.start({ test: 'small' });
    fake.emit('runProgress', progress(0, true));
    fake.emit('runDone', runResult({ score: 2, maxScore: 2 }));
    expect(run.running).toBe(false);
    expect(run.result?.score).toBe(2);
  });
});
