// The grading job's part for tune exercises (08-fragmentation): the submission is plain data, a
// TunableAllocator config and predictions. It is compiled and evaluated in the sandbox (it is
// untrusted: a loop or a throw there is the student's failure, named), then checked field by field.
// After that only trusted engine code runs, in-process: each workload trace is replayed by the
// engine's TunableAllocator under the student's config, and each question's truth is found by
// running the engine and compared with the prediction. Outcomes are TraceOutcomes like a malloc
// exercise's, so scoring and every report format need nothing else.
import { judge, observe, readTuningSubmission, type RubricTest, type TraceOutcome, TuningRuns } from '../../../engine/grader';
import { type Trace, TuningError } from '../../../engine/workload';
import { loadTrace, type Exercise } from './exercise';
import type { GradeJobInput, GradeJobOutput, GradeProgress } from './jobTypes';
import { submissionData } from './submissionData';

/** Grades a tune exercise's submission on `tests` (already selected, in rubric order). */
export async function runTuneJob(input: GradeJobInput, exercise: Exercise, tests: RubricTest[], progress?: (event: GradeProgress) => void): Promise<GradeJobOutput> {
  const output: GradeJobOutput = { compileErrors: null, outcomes: {}, referenceWork: { ...(input.referenceWork ?? {}) }, error: null, submissionError: null };
  // Nothing to measure: the allocator is the engine's, so there is no reference work (a batch or pack asking gets none).
  if (tests.length === 0) return output;
  const data = await submissionData(input.source, input.file, input.compiled);
  if ('compileErrors' in data) {
    output.compileErrors = data.compileErrors;
    return output;
  }
  if ('error' in data) {
    output.submissionError = data.error;
    return output;
  }
  const questions = exercise.spec.tests.filter((t) => t.kind === 'question').map((t) => t.name);
  let submission;
  try {
    submission = readTuningSubmission(data.value, questions);
  } catch (error) {
    if (!(error instanceof TuningError)) throw error;
    output.submissionError = `${input.file}: ${error.message}`;
    return output;
  }

  const traces = new Map<string, Trace>();
  const traceOf = (name: string) => traces.get(name) ?? traces.set(name, loadTrace(exercise, name)).get(name)!;
  const runs = new TuningRuns(exercise.spec.heap);
  for (const [k, test] of tests.entries()) {
    const started = performance.now();
    let outcomes: TraceOutcome[];
    try {
      outcomes = test.question
        ? [answerOutcome(test, submission.predictions[test.name], traceOf(test.question.ask.trace), runs)]
        : test.traces.map((name) => replayOutcome(name, traceOf(name), submission.config, runs));
    } catch (error) {
      // A question whose own runs fail the checker is the exercise's fault, not the student's.
      output.error = `test '${test.name}': ${(error as Error).message}`;
      return output;
    }
    output.outcomes[test.name] = outcomes;
    progress?.({ test: test.name, index: k + 1, total: tests.length, passed: outcomes.every((o) => o.ok), ms: performance.now() - started });
  }
  return output;
}

/** The student's config replayed on one trace: the checker's verdict and metrics. */
function replayOutcome(name: string, trace: Trace, config: Parameters<TuningRuns['run']>[1], runs: TuningRuns): TraceOutcome {
  const started = performance.now();
  const result = runs.run(trace, config);
  return { trace: name, file: trace.file, ok: result.ok, failure: result.failure, metrics: result.metrics, logs: [], ms: performance.now() - started };
}

/** A question test's one outcome: the prediction judged against the engine's runs (revealed only when the test is visible). */
function answerOutcome(test: RubricTest, predicted: unknown, trace: Trace, runs: TuningRuns): TraceOutcome {
  const started = performance.now();
  const question = test.question!;
  const judged = judge(question, predicted, observe(question.ask, trace, runs), test.visibility === 'visible');
  return {
    trace: question.ask.trace, file: trace.file, ok: judged.correct, failure: null, metrics: null, logs: [], ms: performance.now() - started,
    answer: { predicted: predicted ?? null, correct: judged.correct, text: judged.text, observed: judged.observed },
  };
}
