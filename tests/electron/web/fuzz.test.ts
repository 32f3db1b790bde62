// A seeded, bounded fuzz of the web server's message handler and of exercise packs. Every message,
// however malformed, gets one reply (an error with the call's id, or id null), never a throw, and the
// host answers normally afterwards; every mutated exercise.yaml either loads or fails with an
// ExerciseError naming the file, never another error and never a hang.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExerciseError, loadExercise } from '../../../electron/host/grader/exercise';
import { createLabHost, type LabHost } from '../../../electron/host/lab';
import { answer } from '../../../electron/web/server';

/** Methods that only read or check: a fuzzed call of them never starts a run, a replay or a machine. */
const CHEAP = ['info', 'listExercises', 'openExercise', 'loadCode', 'history', 'quizTopics', 'quiz', 'checkQuiz', 'revealQuiz',
  'machineCall', 'machineClose', 'replayFrame', 'replayCharts', 'replayBlock', 'replayStop', 'replayClose', 'apiTimelineFrame', 'apiTimelineClose', 'stop'];

describe('fuzzing the web messages', () => {
  let host: LabHost;
  beforeAll(() => {
    host = createLabHost({ workspace: path.join(mkdtempSync(path.join(tmpdir(), 'lab-fuzz-')), 'workspace'), warn: () => undefined });
  });
  afterAll(async () => {
    await host.dispose();
  });

  it('answers 400 random texts and calls with one reply each, and still answers info', async () => {
    const id = fc.oneof(fc.integer({ min: -5, max: 1e9 }), fc.double(), fc.string(), fc.constant(null), fc.constant(undefined));
    const call = fc.record({ id, method: fc.oneof(fc.constantFrom(...CHEAP), fc.string()), args: fc.oneof(fc.array(fc.anything({ maxDepth: 2 }), { maxLength: 4 }), fc.anything({ maxDepth: 1 })) }, { requiredKeys: [] });
    const text = fc.oneof(fc.string({ maxLength: 200 }), call.map((c) => JSON.stringify(c) ?? 'null'), fc.json({ maxDepth: 3 }));
    await fc.assert(
      fc.asyncProperty(text, async (message) => {
        const reply = await answer(host, message);
        expect(typeof reply).toBe('object');
        if (!('id' in reply)) throw new Error(`an event, not a reply: ${JSON.stringify(reply)}`);
        if (reply.id === null) expect(reply).toMatchObject({ ok: false, error: expect.any(String) });
        else expect(Number.isSafeInteger(reply.id)).toBe(true);
        expect(() => JSON.stringify(reply)).not.toThrow();
      }),
      { seed: 20261206, numRuns: 400 },
    );
    expect(await answer(host, JSON.stringify({ id: 1, method: 'info', args: [] }))).toMatchObject({ id: 1, ok: true });
  }, 120_000);
});

describe('fuzzing exercise packs', () => {
  const TINY = path.join(import.meta.dirname, '../../host/grader/fixtures/tiny');
  const yaml = readFileSync(path.join(TINY, 'exercise.yaml'), 'utf8');

  it('loads or refuses 200 mutated exercise.yaml files with an ExerciseError, nothing else', () => {
    const pack = mkdtempSync(path.join(tmpdir(), 'lab-fuzz-pack-'));
    const dir = path.join(pack, 'tiny');
    cpSync(TINY, dir, { recursive: true });
    // A mutation: a span of the file replaced by random text, or by a hostile value (a path out of the pack, a huge number).
    const hostile = fc.constantFrom('../../../../etc/passwd', '/dev/zero', '1e308', '-1', '{', '[[[[', '!!binary x', '*a', '&a [*a, *a]', '"\u0000"', 'NaN', '~');
    const mutation = fc.record({ at: fc.nat({ max: yaml.length }), length: fc.nat({ max: 40 }), text: fc.oneof(fc.string({ maxLength: 30 }), hostile) });
    let loaded = 0;
    fc.assert(
      fc.property(mutation, ({ at, length, text }) => {
        writeFileSync(path.join(dir, 'exercise.yaml'), yaml.slice(0, at) + text + yaml.slice(at + length));
        try {
          loadExercise(dir);
          loaded++;
        } catch (error) {
          expect(error).toBeInstanceOf(ExerciseError);
          expect((error as Error).message).toMatch(/exercise\.yaml|\.rep|\.trace|reference-work\.json/);
          expect((error as Error).message).not.toContain('root:x:0:0'); // never a quote of a file outside the pack
        }
      }),
      { seed: 20261206, numRuns: 200 },
    );
    // Some mutations keep the file valid (a comment, a title): the property ran over both kinds.
    expect(loaded).toBeGreaterThan(0);
  }, 120_000);
});
