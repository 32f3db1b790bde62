// 08-fragmentation graded end to end (the grading job in its worker, then scoring and reports):
// the reference earns full marks, the starter less; a wrong prediction shows what the engine
// observed on a visible question and nothing on a hidden one; a file that loops, throws, exports a
// class or a bad config fails every test with its file and reason; the JSON report carries the
// judged predictions; and a student pack leaves the reference and the hidden traces out.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { TuningRuns, observe } from '../../engine/grader/Tuning';
import { loadExercise, loadTrace } from '../../electron/host/grader/exercise';
import { formatJson, formatText } from '../../electron/host/grader/formats';
import { gradeSource } from '../../electron/host/grader/grade';
import { writePack } from '../../electron/host/grader/pack';

const EXERCISE = path.resolve(import.meta.dirname, '../../exercises/08-fragmentation');
const read = (file: string) => readFileSync(path.join(EXERCISE, file), 'utf8');
const reference = read('reference.ts');

describe('08-fragmentation\'s questions', () => {
  it('each have one clear answer: no tie, the winner at least 1 % ahead', () => {
    const exercise = loadExercise(EXERCISE);
    const runs = new TuningRuns(exercise.spec.heap);
    for (const test of exercise.spec.tests.filter((t) => t.question)) {
      const ask = test.question!.ask;
      const seen = observe(ask, loadTrace(exercise, ask.trace), runs);
      if (seen.form === 'number') continue;
      expect(seen.truth, test.name).toHaveLength(1);
      const metrics = seen.values.map((v) => v.metric).sort((a, b) => a - b);
      const [winner, runnerUp] = ask.form === 'choice' && ask.goal === 'highest' ? [metrics.at(-1)!, metrics.at(-2)!] : [metrics[0]!, metrics[1]!];
      expect(Math.abs(winner - runnerUp) / Math.abs(winner), test.name).toBeGreaterThan(0.01);
    }
  }, 60_000);
});

describe('grading 08-fragmentation', { timeout: 120_000 }, () => {
  it('gives the reference full marks: every workload at its band\'s top, every prediction right', async () => {
    const { report } = await gradeSource(EXERCISE, reference, 'reference.ts');
    expect([report.score, report.maxScore]).toEqual([100, 100]);
    expect(report.tests).toHaveLength(14);
    const plateau = report.tests.find((t) => t.name === 'plateau')!;
    expect(plateau.output).toMatch(/^plateau: passed \(10000 operations, utilization 88\.4 %, \d+ work units\)\nperformance index 100\.0 \/ 100: utilization 88\.4 % \(band 65\.0 %–88\.0 %\)$/);
    const fit = report.tests.find((t) => t.name === 'fit-plateau')!;
    expect(fit.output).toBe("With every other knob at its default, which fit policy gives the highest utilization on plateau?\n"
      + "you predicted 'best': right; observed: the highest utilization with 'best' (fit 'first': 71.4 %, fit 'next': 76.5 %, fit 'best': 88.0 %)");
  });

  it('gives the starter less, and keeps the answers of unanswered questions to itself', async () => {
    const { report } = await gradeSource(EXERCISE, read('starter.ts'), 'starter.ts');
    expect(report.score).toBeGreaterThan(0);
    expect(report.score).toBeLessThan(20);
    for (const test of report.tests.filter((t) => t.kind === 'question')) {
      expect(test.status).toBe('failed');
      expect(test.output).toMatch(/\nnot answered \(predict first: what the engine observes is shown once you have\)$/);
    }
    expect(formatText(report)).toMatch(/\[PASS\] 1 plateau \(0 \/ 8, [\d.]+ s\)\n {4}plateau: passed .*utilization 64\.2 %/);
  });

  it('reveals the observed value of a wrong prediction on a visible question only', async () => {
    const wrong = reference.replace("'fit-plateau': 'best'", "'fit-plateau': 'first'").replace("'fit-scatter': 'first'", "'fit-scatter': 'best'").replace("'heap-ramp': 4141072", "'heap-ramp': 4114894");
    expect(wrong).not.toBe(reference);
    const { report } = await gradeSource(EXERCISE, wrong, 'mine.ts', { tests: ['fit-plateau', 'fit-scatter', 'heap-ramp'] });
    const [fit, heap, scatter] = report.tests; // rubric order
    expect(fit!.output).toMatch(/\nyou predicted 'first': wrong; observed: the highest utilization with 'best' \(fit 'first': 71\.4 %/);
    expect(scatter!.output).toBe('With every other knob at its default, which fit policy gives the lowest utilization on hidden-scatter, a workload like adversarial-next-fit?'
      + "\nyou predicted 'best': wrong");
    expect(heap!.output).toMatch(/\nyou predicted 4114894: wrong; observed: the heap high-water mark is 4141072 bytes \(right within 0\.3 %\)$/);
    expect([fit!.score, scatter!.score, heap!.score]).toEqual([0, 0, 0]);
    const json = JSON.parse(formatJson(report)) as { tests: { extra_data: { traces: { answer: unknown }[] } }[] };
    expect(json.tests[0]!.extra_data.traces[0]!.answer).toMatchObject({ predicted: 'first', correct: false, observed: expect.stringMatching(/^the highest utilization with 'best'/) });
    expect(json.tests[2]!.extra_data.traces[0]!.answer).toEqual({ predicted: 'best', correct: false, observed: null });
  });

  it.each([
    ['loops', 'for (;;) {}\nexport default {};', "mine.ts: the file's top level did not finish within 200,000,000 units (an endless loop?)"],
    ['throws', "throw new Error('not tuned yet');\nexport default {};", /^mine\.ts: the file's top level threw Error: not tuned yet \(at mine\.ts:1:\d+/],
    ['exports a class', 'export default class Mine {}', 'mine.ts: the default export is a function or a class, not plain data: write `export default { config: {...}, predictions: {...} }`'],
    ['exports garbage', "export default 'best';", "mine.ts: the default export: 'best' must be an object { config: {...}, predictions: {...} }"],
    ['has a bad fit', "export default { config: { fit: 'worst' } };", "mine.ts: config.fit: 'worst' must be first, next or best"],
    ['predicts an unknown question', "export default { config: {}, predictions: { q9: 'best' } };", /^mine\.ts: predictions\.q9: there is no question 'q9' \(questions: fit-plateau, /],
  ])('fails every test of a file that %s, with the file and the reason', async (_what, source, reason) => {
    const { report } = await gradeSource(EXERCISE, source, 'mine.ts', { tests: ['plateau', 'fit-plateau'] });
    expect(report.notes).toHaveLength(1);
    expect(report.notes[0]).toMatch(reason);
    for (const test of report.tests) expect([test.status, test.score, test.output]).toEqual(['failed', 0, report.notes[0]]);
  });

  it('packs for students without the reference or the hidden traces, and grades the rest there', async () => {
    const [packed] = await writePack([EXERCISE], mkdtempSync(path.join(tmpdir(), 'lab-tune-pack-')), { student: true });
    expect(packed!.withheld.sort()).toEqual(['hidden-plateau', 'hidden-random', 'hidden-scatter']);
    expect(existsSync(path.join(packed!.dir, 'reference.ts'))).toBe(false);
    expect(existsSync(path.join(packed!.dir, 'hidden'))).toBe(false);
    const yaml = parse(readFileSync(path.join(packed!.dir, 'exercise.yaml'), 'utf8')) as { goals: string[]; views: string[] };
    expect(yaml.goals).toHaveLength(4);
    expect(yaml.views).toEqual(['heap-map', 'charts', 'compare', 'quiz']);
    const { report } = await gradeSource(packed!.dir, reference, 'reference.ts');
    expect([report.score, report.maxScore]).toEqual([86, 86]);
    expect(report.notes).toEqual(['2 hidden tests (hidden-workloads, fit-scatter; 14 points) are not in this pack: your instructor grades them']);
  });
});
