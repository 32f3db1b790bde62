// The lab API, written once: the methods the renderer calls and the events it hears. The host
// (electron/host/lab/) implements LabApi; Electron's preload and the web mode's client are both
// built from `labMethods` and `labEvents` below, the only list of channel names. Every argument and
// result is plain data (JSON and structured-clone safe). Each method's entry checks its arguments
// and returns the first problem as text ('args[1] (source): must be a string'), or null. Quizzes
// (engine/quiz) come without their answers: checkQuiz and revealQuiz are the only way to them.
// Machine sessions' types and checks are in contractMachine.ts, replay sessions' (the timeline, heap
// map, charts, Compare) in contractReplay.ts, api timelines' (an api exercise call by call) in
// contractApiTimeline.ts, all re-exported here (one contract).
// Pure TypeScript: imported by electron/ and by renderer/ (no node:*, no DOM).

import { machineCall, machineOptions, sessionId, type Check, type MachineCall, type MachineReply, type MachineStartOptions, type MachineState } from './contractMachine';
import { apiCall, apiTimelineId, apiTimelineRequest, type ApiTimelineApi } from './contractApiTimeline';
import { heapWindow, replayAddress, replayBuckets, replayId, replayOp, replayPoliciesRequest, replayRequest, type ReplayApi, type ReplayEvents } from './contractReplay';

export * from './contractMachine';
export * from './contractReplay';
export * from './contractPolicies';
export * from './contractApiTimeline';

export type ExerciseKind = 'malloc' | 'api' | 'tune';

/** An exercise as Home lists it. */
export interface ExerciseSummary {
  id: string;
  title: string;
  summary: string;
  kind: ExerciseKind;
  /** 'built-in', or the folder of the pack the user opened. */
  pack: string;
  goals: string[];
  views: string[];
  maxScore: number;
  /** Best score over the attempts so far (null: none yet) and their count. */
  best: number | null;
  attempts: number;
}

/**
 * Where a hidden test (any visibility but 'visible') stands in this copy of the exercise:
 * 'instructor-copy' when its traces are here (the lab's own exercises, an instructor pack), so a
 * grade runs it with points, though students' packs leave it out; 'not-in-pack' when this pack
 * (a student pack) leaves its traces out: it is not run and earns nothing here, the instructor grades it.
 */
export type HiddenTest = 'instructor-copy' | 'not-in-pack';

export interface ExerciseTest {
  name: string;
  points: number;
  kind: string;
  visibility: 'visible' | 'hidden' | 'after_due_date' | 'after_published';
  traces: string[];
  /** A hidden test's standing in this copy; absent for a visible test. */
  hidden?: HiddenTest;
}

/** An exercise opened in the workspace. */
export interface ExerciseDetail extends ExerciseSummary {
  /** The task (README.md, markdown). */
  instructions: string;
  starter: string;
  /** The tests a student can run (hidden ones are listed but not runnable). */
  tests: ExerciseTest[];
  /** Traces or scenarios a student can run one at a time. */
  traces: string[];
  /** Type definitions of the 'freenos-lab' module, for the editor's completion and diagnostics. */
  typings: string;
}

/** The student's file as the workspace holds it. */
export interface SavedCode {
  source: string;
  /** ISO time of the last save; null when the file is still the starter. */
  savedAt: string | null;
  /** The workspace keeps the version before the last save (`<file>.prev`). */
  hasPrevious: boolean;
}

export interface SaveResult {
  savedAt: string;
  bytes: number;
  /** The file on disk, to show the student where their work lives. */
  path: string;
}

/** One graded attempt, appended to the exercise's history and never rewritten. */
export interface Attempt {
  at: string;
  score: number;
  maxScore: number;
  /** SHA-256 of the graded source, hex. */
  hash: string;
  passed: number;
  tests: number;
}

/** What to run: one test, one trace or scenario, or every test (a grade, recorded in the history). */
export type RunTarget = { test: string } | { trace: string } | { grade: true };

export interface RunRequest {
  exercise: string;
  source: string;
  target: RunTarget;
}

export interface CompileProblem {
  /** 1-based, in the student's file, as is the column (in characters). */
  line: number;
  column: number;
  message: string;
}

/** One test's result, as the results panel shows it. */
export interface TestView {
  name: string;
  points: number;
  maxPoints: number;
  passed: boolean;
  /** What failed, explained ('malloc(24) returned 0x...: overlaps ...'), or ''. */
  output: string;
  /** The failing operation (0-based) and its trace, for "show in timeline"; null when none. */
  failure: { trace: string; op: number } | null;
  ms: number;
  /**
   * A hidden test: 'instructor-copy' (ran here, its points count, but students' packs do not have
   * it) or 'not-in-pack' (not run: points 0, maxPoints the rubric's, not in the run's score or
   * maxScore; the instructor grades it). Absent for a visible test.
   */
  hidden?: HiddenTest;
}

export interface RunResult {
  runId: string;
  /** Compile errors at the student's lines; null when it compiled. */
  compileErrors: CompileProblem[] | null;
  tests: TestView[];
  score: number;
  maxScore: number;
  /** Log lines of the student's code (log(), console.log), capped. */
  logs: string[];
  /** Set when the run could not be done at all (a broken exercise, a stopped run). */
  error: string | null;
  stopped: boolean;
  ms: number;
}

/** What a quiz answer can be instead of a number. */
export type QuizOutcome = 'page fault' | 'out of memory';

/** A quiz topic (engine/quiz): its name ('next-fit') and one line on what it asks. */
export interface QuizTopicInfo {
  topic: string;
  describe: string;
}

/**
 * A seeded quiz question as the renderer gets it: the machine state and the question, and the
 * outcomes an answer may name. Never the answer or its explanation: checkQuiz and revealQuiz give
 * those only when the student answers or asks.
 */
export interface QuizQuestion {
  topic: string;
  seed: number;
  /** Several lines, with ASCII tables (show in monospace). */
  prompt: string;
  outcomes: QuizOutcome[];
}

/** An answer checked: right or wrong, and feedback that never gives the answer away. */
export interface QuizCheck {
  correct: boolean;
  feedback: string;
}

/** The answer on request: canonical form (hex address, decimal bytes, or an outcome) and the working. */
export interface QuizReveal {
  answer: string;
  explanation: string;
}

export interface LabInfo {
  version: string;
  host: 'electron' | 'web';
  workspace: string;
}

/** The lab API. Every method is async (IPC or a WebSocket underneath). */
export interface LabApi extends ReplayApi, ApiTimelineApi {
  info(): Promise<LabInfo>;
  listExercises(): Promise<ExerciseSummary[]>;
  openExercise(id: string): Promise<ExerciseDetail>;
  loadCode(id: string): Promise<SavedCode>;
  /** Atomic write (temp file, fsync, rename), the previous version kept. */
  saveCode(id: string, source: string): Promise<SaveResult>;
  /** Starts a run; progress comes as runProgress events, the end as its result (and a runDone event). */
  run(request: RunRequest): Promise<RunResult>;
  /** Stops a run, named by its runId or by its exercise's id (before its first event); false when none was running. */
  stop(runId: string): Promise<boolean>;
  history(id: string): Promise<Attempt[]>;
  /** The file an LMS takes: its name and content. */
  exportSubmission(id: string): Promise<{ fileName: string; content: string }>;
  /** Adds the exercises of a pack folder; returns the whole list. */
  openPack(folder: string): Promise<ExerciseSummary[]>;
  /** Moves the workspace to `folder` (created when missing). */
  setWorkspace(folder: string): Promise<LabInfo>;
  /** The quiz topics, each with one line on what it asks. */
  quizTopics(): Promise<QuizTopicInfo[]>;
  /** The question for `topic` and `seed` (the same on every machine), without its answer. */
  quiz(topic: string, seed: number): Promise<QuizQuestion>;
  /** Checks an answer (hex, decimal, or an outcome word) to that question. */
  checkQuiz(topic: string, seed: number, answer: string): Promise<QuizCheck>;
  /** The question's answer and how to get it, step by step. */
  revealQuiz(topic: string, seed: number): Promise<QuizReveal>;
  /**
   * Boots an engine Machine (the built-in programs installed, nothing running) and returns its
   * session. At most MAX_MACHINE_SESSIONS: one more closes the least recently used (its id in `closed`).
   */
  machineStart(options: MachineStartOptions): Promise<{ sessionId: string; state: MachineState; closed: string | null }>;
  /** One call on a session: what the engine returned and the machine's new state. */
  machineCall<C extends MachineCall>(sessionId: string, call: C): Promise<MachineReply<C['op']>>;
  /** Ends a session; false when there was none. */
  machineClose(sessionId: string): Promise<boolean>;
}

/** Events the host sends; the renderer subscribes by name. */
export interface LabEvents extends ReplayEvents {
  runProgress: { runId: string; exercise: string; test: string; index: number; total: number; passed: boolean };
  runDone: RunResult;
  /** The list changed outside the renderer's own calls (a pack opened from the app's menu). */
  exercisesChanged: { exercises: ExerciseSummary[] };
  /** The workspace moved (from the app's menu). */
  workspaceChanged: LabInfo;
}

// ---- Argument checks: the runtime list of methods and events ----

const string: Check = (v) => (typeof v === 'string' && v.length <= 1_000_000 ? null : 'must be a string (at most 1 MB)');
const id: Check = (v) => (typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(v) ? null : 'must be an exercise id (letters, digits, . _ -)');
const folder: Check = (v) => (typeof v === 'string' && v.length > 0 && v.length <= 4096 && !v.includes('\0') ? null : 'must be a folder path');
const topic: Check = (v) => (typeof v === 'string' && /^[a-z][a-z-]{0,39}$/.test(v) ? null : 'must be a quiz topic (a-z and -, at most 40)');
const seed: Check = (v) => (typeof v === 'number' && Number.isSafeInteger(v) ? null : 'must be a safe integer');
const answer: Check = (v) => (typeof v === 'string' && v.length <= 200 ? null : 'must be a string (at most 200 characters)');
const runRequest: Check = (v) => {
  if (typeof v !== 'object' || v === null) return 'must be { exercise, source, target }';
  const r = v as Record<string, unknown>;
  const t = r.target as Record<string, unknown> | null;
  if (id(r.exercise)) return `exercise ${id(r.exercise)}`;
  if (string(r.source)) return `source ${string(r.source)}`;
  const ok = typeof t === 'object' && t !== null && (typeof t.test === 'string' || typeof t.trace === 'string' || t.grade === true);
  return ok ? null : 'target must be { test }, { trace } or { grade: true }';
};

/** Each method's argument checks, in order. The keys are the channel names (`lab:<method>`). */
export const labMethods: { [M in keyof LabApi]: { args: [string, Check][] } } = {
  info: { args: [] },
  listExercises: { args: [] },
  openExercise: { args: [['id', id]] },
  loadCode: { args: [['id', id]] },
  saveCode: { args: [['id', id], ['source', string]] },
  run: { args: [['request', runRequest]] },
  stop: { args: [['runId', string]] },
  history: { args: [['id', id]] },
  exportSubmission: { args: [['id', id]] },
  openPack: { args: [['folder', folder]] },
  setWorkspace: { args: [['folder', folder]] },
  quizTopics: { args: [] },
  quiz: { args: [['topic', topic], ['seed', seed]] },
  checkQuiz: { args: [['topic', topic], ['seed', seed], ['answer', answer]] },
  revealQuiz: { args: [['topic', topic], ['seed', seed]] },
  machineStart: { args: [['options', machineOptions]] },
  machineCall: { args: [['sessionId', sessionId], ['call', machineCall]] },
  machineClose: { args: [['sessionId', sessionId]] },
  replayStart: { args: [['request', replayRequest]] },
  replayFrame: { args: [['replayId', replayId], ['op', replayOp], ['window', heapWindow]] },
  replayCharts: { args: [['replayId', replayId], ['from', replayOp], ['to', replayOp], ['buckets', replayBuckets]] },
  replayBlock: { args: [['replayId', replayId], ['op', replayOp], ['address', replayAddress]] },
  replayStop: { args: [['replayId', replayId]] },
  replayClose: { args: [['replayId', replayId]] },
  replayPolicies: { args: [['request', replayPoliciesRequest]] },
  apiTimelineStart: { args: [['request', apiTimelineRequest]] },
  apiTimelineFrame: { args: [['timelineId', apiTimelineId], ['call', apiCall]] },
  apiTimelineClose: { args: [['timelineId', apiTimelineId]] },
};

export const labEvents: { [E in keyof LabEvents]: true } = { runProgress: true, runDone: true, exercisesChanged: true, workspaceChanged: true, replayProgress: true, replayDone: true };

export type LabMethod = keyof LabApi;
export type LabEvent = keyof LabEvents;

/** Electron's IPC channel of a method ('lab:saveCode') and of an event ('lab:event:runDone'). */
export const methodChannel = (method: string): string => `lab:${method}`;
export const eventChannel = (event: string): string => `lab:event:${event}`;

/** What Electron's preload exposes as `window.lab`: the API, and on(event, listener) returning its unsubscribe. */
export type LabBridge = LabApi & {
  on<E extends LabEvent>(event: E, listener: (data: LabEvents[E]) => void): () => void;
};

/** The first problem with a call's arguments ('saveCode: args[1] (source): must be a string'), or null. */
export function checkCall(method: string, args: unknown): string | null {
  if (!Object.hasOwn(labMethods, method)) return `${method}: not a lab method`;
  if (!Array.isArray(args)) return `${method}: arguments must be a list`;
  const spec = labMethods[method as LabMethod].args;
  if (args.length !== spec.length) return `${method}: takes ${spec.length} argument${spec.length === 1 ? '' : 's'}, got ${args.length}`;
  for (const [k, [name, check]] of spec.entries()) {
    const problem = check(args[k]);
    if (problem) return `${method}: args[${k}] (${name}): ${problem}`;
  }
  return null;
}

// ---- The web mode's wire format (a WebSocket at /lab?token=..., JSON text frames) ----

/** Renderer → host: call `method` with `args`; `id` pairs the reply. */
export interface WireCall {
  id: number;
  method: string;
  args: unknown[];
}

/** Host → renderer: a call's reply, or an event. */
export type WireMessage =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: string }
  /** A message the host could not read as a call (not JSON, no whole-number id): answered with id null. */
  | { id: null; ok: false; error: string }
  | { event: string; data: unknown };

/** The WebSocket's path on the web server; the page's URL carries the same `token` query parameter. */
export const WIRE_PATH = '/lab';

/**
 * The close code of a WebSocket the server refused for its token (missing, or not this server's:
 * the host restarted with a new one). A browser cannot read the HTTP status of a refused upgrade,
 * so the server completes it and closes at once with this code; the client stops reconnecting.
 */
export const WIRE_TOKEN_REFUSED = 4401;
