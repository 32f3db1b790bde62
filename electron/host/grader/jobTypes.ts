// The grading job's data: what the host sends a grading job (gradeJob.ts, tuneJob.ts) and what it
// hears back (progress, the trace it watches, the output). Plain data only, so the host, the CLI and
// both jobs share it without importing each other.
import type { TraceOutcome } from '../../../engine/grader';
import type { CompileError, CompileResult } from '../sandbox/compile';

export interface GradeJobInput {
  exerciseDir: string;
  /** The submission's source and the file name its errors are reported under. */
  source: string;
  file: string;
  /** Names of the tests to run, in rubric order. */
  tests: string[];
  /** Reference work per trace when already known (a batch measures it once); else measured here. */
  referenceWork: Record<string, number> | null;
  /** Traces to measure the reference on even if no selected test needs them (a batch's first step). */
  measure?: string[];
  /**
   * The submission and the reference already compiled by the host (a job in a process without the
   * right to start esbuild's compiler); compiled here when absent.
   */
  compiled?: CompileResult;
  reference?: CompileResult;
  /** Outcomes already known per trace (a resumed job: the trace a stuck or dead worker was on). */
  known?: Record<string, TraceOutcome>;
}

/** What the job watches while a trace runs (see runInWorker's watch): the host's verdict if it overstays. */
export interface WatchedTrace {
  /** The test the trace runs for (null: the reference's run). */
  test: string | null;
  trace: string;
  file: string;
}

/** The job's watch(ms, what): the host stops the worker when a step overstays its ms. */
export type Watch = (ms: number | null, what: WatchedTrace | null) => void;

export interface GradeJobOutput {
  compileErrors: CompileError[] | null;
  /** Per test name, the outcomes of its traces in order (fewer when its time limit ran out). */
  outcomes: Record<string, TraceOutcome[]>;
  referenceWork: Record<string, number>;
  /** Set when the exercise itself is broken (its reference fails a trace). */
  error: string | null;
  /** Set when the submission compiled but cannot be graded (a tune exercise's export that loops, throws or is not a valid config). */
  submissionError?: string | null;
}

/** What the job reports after each test it ran (before any scoring). */
export interface GradeProgress {
  test: string;
  /** 1-based position among the tests run, and their count. */
  index: number;
  total: number;
  /** Every trace of the test ran and passed the checker. */
  passed: boolean;
  ms: number;
  /** The test's outcomes (the host keeps them to resume after a stuck worker; not shown). */
  outcomes?: TraceOutcome[];
}
