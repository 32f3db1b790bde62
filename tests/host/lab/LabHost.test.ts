// The lab host against a temp workspace and the real exercises: listing and opening exercises,
// the starter until a save, saves keeping the previous version, runs of one test through the
// grader (the reference passes, the starter fails with the failing operation explained), a grade
// appending to the history, stopping a run that never ends, and bad arguments refused with the
// contract's checkCall text.
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkCall, type LabEvents } from '../../../electron/contract';
import { createLabHost, type LabHost } from '../../../electron/host/lab';

const EXERCISE = '01-bit-allocator';
const reference = readFileSync(path.join(import.meta.dirname, '../../../exercises', EXERCISE, 'reference.ts'), 'utf8');
const LOOP = 'export default class Spin { constructor() { for (;;) {} } }\n';

describe('the lab host', () => {
  let host: LabHost;
  let workspace: string;
  const events: { event: string; data: unknown }[] = [];

  beforeAll(() => {
    workspace = mkdtempSync(path.join(tmpdir(), 'lab-host-'));
    host = createLabHost({ workspace, host: 'web', version: '9.9.9', listener: (event, data) => events.push({ event, data }) });
  });
  afterAll(async () => {
    await host.dispose();
  });

  it('says where the workspace is', async () => {
    expect(await host.info()).toEqual({ version: '9.9.9', host: 'web', workspace });
  });

  it('lists the built-in exercises with no attempts yet', async () => {
    const list = await host.listExercises();
    const ids = list.map((e) => e.id);
    expect(ids).toContain(EXERCISE);
    expect(ids).toContain('07-malloc');
    const bit = list.find((e) => e.id === EXERCISE)!;
    expect(bit).toMatchObject({ kind: 'api', pack: 'built-in', best: null, attempts: 0, maxScore: 10 });
    expect(bit.title).not.toBe('');
  });

  it('opens an exercise: instructions, starter, tests with visibility, runnable traces, typings', async () => {
    const d = await host.openExercise(EXERCISE);
    expect(d.instructions).toMatch(/BitAllocator/);
    expect(d.starter).toMatch(/export default class/);
    expect(d.tests.map((t) => t.name)).toEqual(['small', 'fill-and-wrap', 'unaligned-base', 'odd-requests', 'hidden']);
    expect(d.tests.find((t) => t.name === 'hidden')!.visibility).toBe('after_due_date');
    expect(d.traces).toEqual(['small', 'fill-and-wrap', 'unaligned-base', 'odd-requests']);
    expect(d.typings).toMatch(/declare module 'freenos-lab'/);
  });

  it('opens a pack folder and moves the workspace, telling listeners what changed', async () => {
    const pack = mkdtempSync(path.join(tmpdir(), 'lab-pack-'));
    cpSync(path.join(import.meta.dirname, '../../../exercises', '02-bubble-allocator'), path.join(pack, 'my-bubble'), { recursive: true });
    const yaml = path.join(pack, 'my-bubble', 'exercise.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('id: 02-bubble-allocator', 'id: my-bubble'));
    events.length = 0;
    const list = await host.openPack(pack);
    expect(list.find((e) => e.id === 'my-bubble')).toMatchObject({ pack });
    expect(events.find((e) => e.event === 'exercisesChanged')?.data).toEqual({ exercises: list });
    await expect(host.openPack(path.join(pack, 'nothing-here'))).rejects.toThrow();
    const moved = mkdtempSync(path.join(tmpdir(), 'lab-moved-'));
    const info = await host.setWorkspace(moved);
    expect(info.workspace).toBe(moved);
    expect(events.find((e) => e.event === 'workspaceChanged')?.data).toEqual(info);
    await host.setWorkspace(workspace);
  });

  it('loads the starter until something is saved', async () => {
    const code = await host.loadCode(EXERCISE);
    expect(code).toEqual({ source: (await host.openExercise(EXERCISE)).starter, savedAt: null, hasPrevious: false });
  });

  it('saves atomically, keeping the version before the last save as .prev', async () => {
    const first = await host.saveCode(EXERCISE, '// first\n');
    expect(first.path).toBe(path.join(workspace, EXERCISE, 'submission.ts'));
    expect(first.bytes).toBe(9);
    await host.saveCode(EXERCISE, '// second\n');
    expect(readFileSync(first.path, 'utf8')).toBe('// second\n');
    expect(readFileSync(`${first.path}.prev`, 'utf8')).toBe('// first\n');
    const loaded = await host.loadCode(EXERCISE);
    expect(loaded.source).toBe('// second\n');
    expect(loaded.hasPrevious).toBe(true);
    expect(Number.isNaN(Date.parse(loaded.savedAt!))).toBe(false);
    // Saving the same text again writes nothing, so .prev still holds the real previous version.
    await host.saveCode(EXERCISE, '// second\n');
    expect(readFileSync(`${first.path}.prev`, 'utf8')).toBe('// first\n');
  });

  it('keeps saves of one exercise in call order', async () => {
    await Promise.all(['// a\n', '// b\n', '// c\n'].map((s) => host.saveCode('02-bubble-allocator', s)));
    const dir = path.join(workspace, '02-bubble-allocator');
    expect(readFileSync(path.join(dir, 'submission.ts'), 'utf8')).toBe('// c\n');
    expect(readFileSync(path.join(dir, 'submission.ts.prev'), 'utf8')).toBe('// b\n');
  });

  it('exports the saved code with a header naming the exercise and its hash', async () => {
    const { fileName, content } = await host.exportSubmission(EXERCISE);
    expect(fileName).toBe(`${EXERCISE}-submission.ts`);
    expect(content).toMatch(/^\/\/ FreeNOS Memory Lab submission\n\/\/ exercise: 01-bit-allocator\n/);
    expect(content).toMatch(/sha256 of the code below this header: [0-9a-f]{64}\n/);
    expect(content.endsWith('\n// second\n')).toBe(true);
  });

  it('runs one test: the reference passes it', async () => {
    events.length = 0;
    const result = await host.run({ exercise: EXERCISE, source: reference, target: { test: 'small' } });
    expect(result).toMatchObject({ compileErrors: null, error: null, stopped: false, score: 2, maxScore: 2 });
    expect(result.tests).toEqual([expect.objectContaining({ name: 'small', passed: true, points: 2, maxPoints: 2, output: '', failure: null })]);
    const progress = events.filter((e) => e.event === 'runProgress').map((e) => e.data as LabEvents['runProgress']);
    expect(progress).toEqual([{ runId: result.runId, exercise: EXERCISE, test: 'small', index: 1, total: 1, passed: true }]);
    expect(events.at(-1)).toEqual({ event: 'runDone', data: result });
    expect(await host.history(EXERCISE)).toEqual([]);
  });

  it('runs one test: the starter fails it, the failing operation explained and located', async () => {
    const { starter } = await host.openExercise(EXERCISE);
    const result = await host.run({ exercise: EXERCISE, source: starter, target: { trace: 'small' } });
    const [test] = result.tests;
    expect(test).toMatchObject({ name: 'small', passed: false, points: 0 });
    expect(test!.output).toMatch(/^small: FAILED at call \d+ of \d+ \(allocate\(.*FreeNOS returns/);
    // The student reads the call counted from 1; the failure keeps the 0-based index for the timeline.
    expect(test!.failure).toEqual({ trace: 'small', op: Number(/call (\d+) of/.exec(test!.output)![1]) - 1 });
  });

  it('returns what the student logged, per trace', async () => {
    const logging = `import { log } from 'freenos-lab';\n${reference.replace(/constructor\([^)]*\)\s*\{/, "$& log('chunks of', arguments[2]);")}`;
    const result = await host.run({ exercise: EXERCISE, source: logging, target: { test: 'small' } });
    expect(result.tests[0]!.passed).toBe(true);
    expect(result.logs).toEqual(['[small] chunks of 64']);
  });

  it('runs a trace of a malloc exercise (07-malloc) with the reference', async () => {
    const malloc = readFileSync(path.join(import.meta.dirname, '../../../exercises/07-malloc/reference.ts'), 'utf8');
    const result = await host.run({ exercise: '07-malloc', source: malloc, target: { trace: 'peak' } });
    expect(result).toMatchObject({ compileErrors: null, error: null, score: 4, maxScore: 4 });
    expect(result.tests.map((t) => t.name)).toEqual(['peak']);
  });

  it('reports compile errors at their lines without running anything', async () => {
    const result = await host.run({ exercise: EXERCISE, source: 'const a = 1;\nconst b: number = ;\n', target: { test: 'small' } });
    expect(result.compileErrors).toEqual([expect.objectContaining({ line: 2 })]);
    expect(result.tests[0]).toMatchObject({ passed: false, points: 0 });
  });

  it('refuses hidden tests and unknown tests or traces by name', async () => {
    await expect(host.run({ exercise: EXERCISE, source: reference, target: { test: 'hidden' } })).rejects.toThrow(/test 'hidden' is hidden/);
    await expect(host.run({ exercise: EXERCISE, source: reference, target: { test: 'nope' } })).rejects.toThrow(/no test named 'nope'/);
    await expect(host.run({ exercise: EXERCISE, source: reference, target: { trace: 'hidden-1' } })).rejects.toThrow(/no trace 'hidden-1'/);
  });

  it('grades: every test, an attempt appended to the history, the best score updated', async () => {
    const result = await host.run({ exercise: EXERCISE, source: reference, target: { grade: true } });
    expect(result).toMatchObject({ score: 10, maxScore: 10, stopped: false });
    expect(result.tests.map((t) => t.name)).toContain('hidden');
    const { starter } = await host.openExercise(EXERCISE);
    const failing = await host.run({ exercise: EXERCISE, source: starter, target: { grade: true } });
    // A hidden test says only that it failed: its scenario and operations are the instructor's.
    expect(failing.tests.find((t) => t.name === 'hidden')).toMatchObject({ passed: false, failure: null, output: expect.stringMatching(/a hidden test/) });
    const history = await host.history(EXERCISE);
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({ score: 10, maxScore: 10, passed: 5, tests: 5 });
    expect(history[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(history[1]!.score).toBeLessThan(10);
    const bit = (await host.listExercises()).find((e) => e.id === EXERCISE)!;
    expect(bit).toMatchObject({ best: 10, attempts: 2 });
  });

  it('stops a run whose submission never returns, by the exercise id', async () => {
    const started = performance.now();
    const running = host.run({ exercise: EXERCISE, source: LOOP, target: { test: 'small' } });
    // The loop meets the per-call work limit after about a second of CPU (more under load): stop before.
    await new Promise((r) => setTimeout(r, 300));
    // No test has finished, so no event has told the run id yet: stop by the exercise's id.
    expect(await host.stop(EXERCISE)).toBe(true);
    const result = await running;
    expect(result).toMatchObject({ stopped: true, tests: [], score: 0 });
    expect(result.error).toMatch(/stopped/);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(await host.stop(result.runId)).toBe(false);
    expect(await host.stop(EXERCISE)).toBe(false);
  });

  it('stops a grade by its run id (from a progress event) once a later test hangs', async () => {
    // Passes 'small' (chunks of 64 bytes), then spins on 'fill-and-wrap' (chunks of 4096).
    const hangs = reference.replace(/constructor\([^)]*\)\s*\{/, '$& if (arguments[2] === 4096) for (;;) {}');
    expect(hangs).not.toBe(reference);
    let runId = '';
    const off = host.on('runProgress', (e) => {
      runId = e.runId;
    });
    const running = host.run({ exercise: EXERCISE, source: hangs, target: { grade: true } });
    const before = (await host.history(EXERCISE)).length;
    while (runId === '') await new Promise((r) => setTimeout(r, 20));
    const stoppedAt = performance.now();
    expect(await host.stop(runId)).toBe(true);
    const result = await running;
    off();
    expect(result).toMatchObject({ runId, stopped: true });
    expect(performance.now() - stoppedAt).toBeLessThan(3000);
    // A stopped grade is no attempt.
    expect(await host.history(EXERCISE)).toHaveLength(before);
  });

  it('a new run of an exercise stops the one going', async () => {
    const first = host.run({ exercise: EXERCISE, source: LOOP, target: { test: 'small' } });
    await new Promise((r) => setTimeout(r, 500));
    const second = await host.run({ exercise: EXERCISE, source: reference, target: { test: 'small' } });
    const stopped = await first;
    expect(stopped.stopped).toBe(true);
    expect(second).toMatchObject({ stopped: false, score: 2 });
    expect(second.runId).not.toBe(stopped.runId);
  });

  it('rejects bad arguments with checkCall\'s text, and unknown exercises by name', async () => {
    const call = host as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
    const bad: [string, unknown[]][] = [
      ['saveCode', ['01-bit-allocator', 42]],
      ['saveCode', ['../etc', 'x']],
      ['openExercise', []],
      ['run', [{ exercise: EXERCISE, source: 'x', target: {} }]],
      ['openPack', ['']],
    ];
    for (const [method, args] of bad) {
      await expect(call[method]!(...args)).rejects.toThrow(checkCall(method, args)!);
    }
    await expect(host.openExercise('99-nothing')).rejects.toThrow(/no exercise '99-nothing'/);
    await expect(host.saveCode('99-nothing', 'x')).rejects.toThrow(/no exercise '99-nothing'/);
    expect(existsSync(path.join(workspace, '99-nothing'))).toBe(false);
  });
});
