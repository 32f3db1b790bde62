// A fake LabApi for the renderer's tests: in memory, every call recorded, with knobs to make a
// save fail, hold a run open, and emit host events by hand. A grade appends an attempt to the
// exercise's history (as the host does); packs are folders mapped to their exercises, and
// openPack and setWorkspace fail with the host's kind of message for an unknown or refused folder. installFakeLab() makes it the bridge.
// Its quizzes are the engine's (test code may import engine/; renderer/src may not).
import { ref } from 'vue';
import type {
  Attempt, ExerciseDetail, LabApi, LabEvent, LabEvents, RunRequest, RunResult,
} from '../../electron/contract';
import { checkAnswer, quiz, quizTopics } from '../../engine/quiz/index';
import { installLab, type LabBridge, type LabListener } from '../../renderer/src/bridge';

export function exercise(id: string, extra: Partial<ExerciseDetail> = {}): ExerciseDetail {
  return {
    id, title: `Title of ${id}`, summary: `Summary of ${id}`, kind: 'api', pack: 'built-in',
    goals: [`goal one of ${id}`], views: [], maxScore: 10, best: null, attempts: 0,
    instructions: `# ${id}\n\n\`\`\`\nchunk  1 0\nbit    1 1\n\`\`\`\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n<b>raw</b>\n`,
    starter: `// starter of ${id}\n`, typings: "declare module 'freenos-lab' {}",
    tests: [
      { name: 'small', points: 2, kind: 'scenario', visibility: 'visible', traces: ['small'] },
      { name: 'hidden', points: 2, kind: 'scenario', visibility: 'after_due_date', traces: ['hidden-1'] },
    ],
    traces: ['small'],
    ...extra,
  };
}

export function runResult(extra: Partial<RunResult> = {}): RunResult {
  return { runId: 'run-1', compileErrors: null, tests: [], score: 0, maxScore: 0, logs: [], error: null, stopped: false, ms: 5, ...extra };
}

export class FakeLab implements LabApi {
  exercises: ExerciseDetail[] = [exercise('01-bit-allocator', { best: 6, attempts: 2 }), exercise('07-malloc', { kind: 'malloc', maxScore: 100 })];
  files = new Map<string, string>();
  calls: Array<[string, unknown[]]> = [];
  /** When set, saveCode rejects with this message. */
  saveFails: string | null = null;
  /** The reply of the next run(); a run stays open until finishRun() when `holdRuns` is set. */
  nextResult: RunResult = runResult();
  holdRuns = false;
  /** Each exercise's attempts, oldest first (as history.jsonl holds them). */
  attempts = new Map<string, Attempt[]>();
  /** The attempt the next grade appends (its `at` advances a minute per grade). */
  nextAttempt: Omit<Attempt, 'at'> = { score: 6, maxScore: 10, hash: 'ab'.repeat(32), passed: 3, tests: 5 };
  /** The folders openPack knows, with the exercises each adds. */
  packs = new Map<string, ExerciseDetail[]>();
  workspace = '/tmp/ws';
  /** When set, setWorkspace rejects with this message. */
  workspaceFails: string | null = null;
  private clock = Date.UTC(2026, 0, 1, 12, 0, 0);
  private heldRun: ((r: RunResult) => void) | null = null;
  private listeners = new Map<string, Set<(data: unknown) => void>>();

  private record(method: string, ...args: unknown[]) { this.calls.push([method, args]); }
  callsOf(method: string): unknown[][] { return this.calls.filter(([m]) => m === method).map(([, a]) => a); }
  private find(id: string): ExerciseDetail {
    const found = this.exercises.find((e) => e.id === id);
    if (!found) throw new Error(`no exercise '${id}'`);
    return found;
  }

  async info() { this.record('info'); return { version: 'test', host: 'web' as const, workspace: this.workspace }; }
  async listExercises() {
    this.record('listExercises');
    return this.exercises.map(({ instructions: _i, starter: _s, typings: _t, tests: _x, traces: _r, ...summary }) => summary);
  }
  async openExercise(id: string) { this.record('openExercise', id); return { ...this.find(id) }; }
  async loadCode(id: string) {
    this.record('loadCode', id);
    const source = this.files.get(id);
    return { source: source ?? this.find(id).starter, savedAt: source === undefined ? null : '2026-01-01T12:03:04Z', hasPrevious: false };
  }
  async saveCode(id: string, source: string) {
    this.record('saveCode', id, source);
    if (this.saveFails) throw new Error(this.saveFails);
    this.files.set(id, source);
    return { savedAt: new Date(2026, 0, 1, 12, 3, 4).toISOString(), bytes: source.length, path: `/tmp/ws/${id}.ts` };
  }
  async run(request: RunRequest) {
    this.record('run', request);
    if ('grade' in request.target) this.addAttempt(request.exercise);
    if (!this.holdRuns) return this.nextResult;
    return new Promise<RunResult>((resolve) => { this.heldRun = resolve; });
  }
  finishRun(result = this.nextResult) { this.heldRun?.(result); this.heldRun = null; }
  async stop(runId: string) { this.record('stop', runId); return true; }
  addAttempt(id: string, attempt: Partial<Attempt> = {}): Attempt {
    this.clock += 60_000;
    const added = { at: new Date(this.clock).toISOString(), ...this.nextAttempt, ...attempt };
    this.attempts.set(id, [...(this.attempts.get(id) ?? []), added]);
    return added;
  }
  async history(id: string) { this.record('history', id); this.find(id); return [...(this.attempts.get(id) ?? [])]; }
  async exportSubmission(id: string) { this.record('exportSubmission', id); return { fileName: `${id}.ts`, content: this.files.get(id) ?? '' }; }
  async openPack(folder: string) {
    this.record('openPack', folder);
    const added = this.packs.get(folder);
    if (!added) throw new Error(`${folder}: no exercises there (no folder with an exercise.yaml)`);
    this.exercises = [...this.exercises.filter((e) => !added.some((a) => a.id === e.id)), ...added.map((e) => ({ ...e, pack: folder }))];
    return this.listExercises();
  }
  async setWorkspace(folder: string) {
    this.record('setWorkspace', folder);
    if (this.workspaceFails) throw new Error(this.workspaceFails);
    this.workspace = folder;
    return this.info();
  }
  async quizTopics() { this.record('quizTopics'); return Object.entries(quizTopics).map(([topic, t]) => ({ topic, describe: t.describe })); }
  async quiz(topic: string, seed: number) {
    this.record('quiz', topic, seed);
    const { prompt, outcomes } = quiz(topic, seed);
    return { topic, seed, prompt, outcomes };
  }
  async checkQuiz(topic: string, seed: number, answer: string) {
    this.record('checkQuiz', topic, seed, answer);
    const { correct, feedback } = checkAnswer(quiz(topic, seed), answer);
    return { correct, feedback };
  }
  async revealQuiz(topic: string, seed: number) {
    this.record('revealQuiz', topic, seed);
    const { answer, explanation } = quiz(topic, seed);
    return { answer, explanation };
  }
  async machineStart(): Promise<never> { this.record('machineStart'); throw new Error('machineStart: not in the fake'); }
  async machineCall(): Promise<never> { this.record('machineCall'); throw new Error('machineCall: not in the fake'); }
  async machineClose(sessionId: string) { this.record('machineClose', sessionId); return false; }
  // Replays: tests that need them replace these on their instance (lab.replayStart = async () => ...).
  async replayStart(): Promise<never> { this.record('replayStart'); throw new Error('replayStart: not in the fake'); }
  async replayFrame(): Promise<never> { this.record('replayFrame'); throw new Error('replayFrame: not in the fake'); }
  async replayCharts(): Promise<never> { this.record('replayCharts'); throw new Error('replayCharts: not in the fake'); }
  async replayBlock(): Promise<never> { this.record('replayBlock'); throw new Error('replayBlock: not in the fake'); }
  async replayStop(replayId: string) { this.record('replayStop', replayId); return false; }
  async replayClose(replayId: string) { this.record('replayClose', replayId); return false; }
  async replayPolicies(): Promise<never> { this.record('replayPolicies'); throw new Error('replayPolicies: not in the fake'); }
  // Api timelines: tests that need them replace these on their instance.
  async apiTimelineStart(): Promise<never> { this.record('apiTimelineStart'); throw new Error('apiTimelineStart: not in the fake'); }
  async apiTimelineFrame(): Promise<never> { this.record('apiTimelineFrame'); throw new Error('apiTimelineFrame: not in the fake'); }
  async apiTimelineClose(timelineId: string) { this.record('apiTimelineClose', timelineId); return false; }

  emit<E extends LabEvent>(event: E, data: LabEvents[E]) { this.listeners.get(event)?.forEach((l) => l(data)); }
  on<E extends LabEvent>(event: E, listener: LabListener<E>): () => void {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (data: unknown) => void);
    return () => { set.delete(listener as (data: unknown) => void); };
  }
}

/** A FakeLab installed as the stores' bridge. */
export function installFakeLab(fake = new FakeLab()): { fake: FakeLab; bridge: LabBridge } {
  const bridge: LabBridge = { api: fake, on: (event, listener) => fake.on(event, listener), state: ref('connected'), retryIn: ref(0), mode: 'web' };
  installLab(bridge);
  return { fake, bridge };
}

/** Lets pending promise chains settle (microtasks only, so it works with fake timers). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}
