// The lab host: the LabApi of electron/contract.ts in plain Node (no Electron), shared by Electron's
// main process and the web mode. It owns the exercise catalog (built-in pack + opened packs), the
// workspace folder (files, history, settings), the runs and the quizzes (quiz.ts); it hears
// nothing from the renderer but the calls, and every call's arguments are checked with the
// contract's checkCall before use (a bad one rejects with checkCall's text). Events (runProgress,
// runDone, replayProgress, replayDone) go to on() listeners. Machine sessions for the Explorer live in
// machines.ts, replay sessions for the timeline, heap map, charts and Compare in replays.ts, api
// timelines (an api exercise call by call) in apiTimelines.ts.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { checkCall, labMethods, type Attempt, type LabApi, type LabEvent, type LabEvents, type LabInfo, type RunRequest, type RunResult } from '../../contract';
import { BUILT_IN_PACK, readExerciseFile } from '../grader/exercise';
import { detail, packDirs, readCatalog, summarize, type Entry } from './catalog';
import { MachineSessions } from './machines';
import { ApiTimelines } from './apiTimelines';
import { rankTrace } from './policies';
import { ReplaySessions } from './replays';
import * as quizzes from './quiz';
import { Runs, planRun } from './runs';
import * as files from './workspace';

export interface LabHostOptions {
  /** The workspace folder; default: the one stateFile remembers, else ~/FreeNOS-Lab. */
  workspace?: string;
  /** The built-in exercise pack (default: the checkout's exercises/). */
  exercises?: string;
  host?: 'electron' | 'web';
  version?: string;
  /** A JSON file where setWorkspace remembers the folder for the next start; null (default): not remembered. */
  stateFile?: string | null;
  /** Hears every event (as on() does for all of them). */
  listener?: <E extends LabEvent>(event: E, data: LabEvents[E]) => void;
  /** Where problems that are not a call's answer go (a broken exercise in a pack); default console.warn. */
  warn?: (message: string) => void;
}

export type LabListener<E extends LabEvent> = (data: LabEvents[E]) => void;

export interface LabHost extends LabApi {
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends LabEvent>(event: E, listener: LabListener<E>): () => void;
  /** Stops every run and ends the workers. The host must not be used afterwards. */
  dispose(): Promise<void>;
}

export const DEFAULT_WORKSPACE = join(homedir(), 'FreeNOS-Lab');

/** Creates the host; the workspace folder is created at the first call that needs it. */
export function createLabHost(options: LabHostOptions = {}): LabHost {
  const warn = options.warn ?? ((message: string) => console.warn(message));
  const listeners = new Map<LabEvent, Set<(data: never) => void>>();
  const emit = <E extends LabEvent>(event: E, data: LabEvents[E]): void => {
    const all = [...(listeners.get(event) ?? [])].map((l) => () => (l as LabListener<E>)(data));
    if (options.listener) all.push(() => options.listener!(event, data));
    for (const call of all) {
      try {
        call();
      } catch (error) {
        warn(`a listener of ${event} threw: ${(error as Error).message}`);
      }
    }
  };
  const runs = new Runs((runId, exercise, e) => emit('runProgress', { runId, exercise, test: e.test, index: e.index, total: e.total, passed: e.passed }));
  const saving = new Map<string, Promise<unknown>>();
  const machines = new MachineSessions();
  const replays = new ReplaySessions(emit);
  const apiTimelines = new ApiTimelines();
  let catalog = new Map<string, Entry>();
  let workspace = resolve(options.workspace ?? DEFAULT_WORKSPACE);
  const ready = (async () => {
    if (options.workspace === undefined && options.stateFile) {
      const remembered = await readFile(options.stateFile, 'utf8').then((t) => (JSON.parse(t) as { workspace?: unknown }).workspace, () => undefined);
      if (typeof remembered === 'string') workspace = remembered;
    }
    await reload();
  })();

  async function reload(): Promise<void> {
    const { packs } = await files.readSettings(workspace);
    catalog = readCatalog(options.exercises ?? BUILT_IN_PACK, packs, warn);
  }
  /** The exercise `id`, re-reading the packs once when it is not known; Error when there is none. */
  async function entry(id: string): Promise<Entry> {
    await ready;
    if (!catalog.has(id)) await reload();
    const found = catalog.get(id);
    if (!found) throw new Error(`no exercise '${id}' (exercises: ${[...catalog.keys()].join(', ') || 'none'})`);
    return found;
  }
  const folder = (id: string) => join(workspace, id);
  async function summary(e: Entry) {
    const attempts = await files.readHistory(folder(e.exercise.spec.id));
    const best = attempts.length === 0 ? null : Math.max(...attempts.map((a) => a.score));
    return summarize(e, best, attempts.length);
  }
  const info = async (): Promise<LabInfo> => {
    await ready;
    return { version: options.version ?? 'dev', host: options.host ?? 'web', workspace };
  };

  const api: LabApi = {
    info,
    async listExercises() {
      await ready;
      await reload();
      return Promise.all([...catalog.values()].map(summary));
    },
    async openExercise(id) {
      const e = await entry(id);
      return detail(await summary(e), e.exercise);
    },
    async loadCode(id) {
      const e = await entry(id);
      const saved = await files.loadSaved(folder(id));
      const hasPrevious = await files.hasPrevious(folder(id));
      if (saved) return { ...saved, hasPrevious };
      return { source: readExerciseFile(e.exercise, e.exercise.spec.starter), savedAt: null, hasPrevious };
    },
    async saveCode(id, source) {
      await entry(id);
      // Saves of one exercise run one after another (each one's .prev is the one before it).
      const save = (saving.get(id) ?? Promise.resolve()).catch(() => undefined).then(() => files.saveAtomically(folder(id), source));
      saving.set(id, save);
      return save;
    },
    async run(request: RunRequest): Promise<RunResult> {
      const e = await entry(request.exercise);
      const plan = planRun(e.exercise, request.target);
      const dir = folder(request.exercise);
      const { result, graded } = await runs.run(e.exercise, request, plan);
      if (graded) {
        const attempt: Attempt = {
          at: new Date().toISOString(), score: graded.score, maxScore: graded.maxScore, hash: files.sha256(request.source),
          passed: graded.tests.filter((t) => t.status === 'passed').length, tests: graded.tests.length,
        };
        await files.appendAttempt(dir, attempt);
      }
      emit('runDone', result);
      return result;
    },
    stop: (runId) => runs.stop(runId),
    async history(id) {
      await entry(id);
      return files.readHistory(folder(id));
    },
    async exportSubmission(id) {
      const { source } = await api.loadCode(id);
      const header = [
        '// FreeNOS Memory Lab submission',
        `// exercise: ${id}`,
        `// exported: ${new Date().toISOString()}`,
        `// sha256 of the code below this header: ${files.sha256(source)}`,
        '',
      ].join('\n');
      return { fileName: `${id}-submission.ts`, content: `${header}\n${source}` };
    },
    async openPack(path) {
      await ready;
      const pack = resolve(path);
      const dirs = packDirs(pack);
      const found = readCatalog(pack, [], () => undefined);
      if (found.size === 0) throw new Error(`${pack}: none of its ${dirs.length} exercise folder${dirs.length === 1 ? '' : 's'} can be read`);
      const settings = await files.readSettings(workspace);
      await files.writeSettings(workspace, { packs: [...settings.packs.filter((p) => p !== pack), pack] });
      const exercises = await api.listExercises();
      emit('exercisesChanged', { exercises });
      return exercises;
    },
    async setWorkspace(path) {
      await ready;
      const target = resolve(path);
      await mkdir(target, { recursive: true });
      if (!(await stat(target)).isDirectory()) throw new Error(`${target}: not a folder`);
      workspace = target;
      if (options.stateFile) {
        await mkdir(dirname(options.stateFile), { recursive: true });
        await writeFile(options.stateFile, `${JSON.stringify({ workspace }, null, 2)}\n`);
      }
      await reload();
      const now = await info();
      emit('workspaceChanged', now);
      emit('exercisesChanged', { exercises: await api.listExercises() });
      return now;
    },
    quizTopics: async () => quizzes.listQuizTopics(),
    quiz: async (topic, seed) => quizzes.quizQuestion(topic, seed),
    checkQuiz: async (topic, seed, answer) => quizzes.checkQuiz(topic, seed, answer),
    revealQuiz: async (topic, seed) => quizzes.revealQuiz(topic, seed),
    machineStart: async (options) => machines.start(options),
    machineCall: async (sessionId, call) => machines.call(sessionId, call),
    machineClose: async (sessionId) => machines.close(sessionId),
    async replayStart(request) {
      const e = await entry(request.exercise);
      return replays.start(e.exercise, request);
    },
    replayFrame: async (replayId, op, window) => replays.frame(replayId, op, window),
    replayCharts: async (replayId, from, to, buckets) => replays.charts(replayId, from, to, buckets),
    replayBlock: async (replayId, op, address) => replays.block(replayId, op, address),
    replayStop: (replayId) => replays.stop(replayId),
    replayClose: (replayId) => replays.close(replayId),
    async replayPolicies(request) {
      const e = await entry(request.exercise);
      return rankTrace(e.exercise, request.trace);
    },
    async apiTimelineStart(request) {
      const e = await entry(request.exercise);
      return apiTimelines.start(e.exercise, request);
    },
    apiTimelineFrame: async (timelineId, call) => apiTimelines.frame(timelineId, call),
    apiTimelineClose: async (timelineId) => apiTimelines.close(timelineId),
  };

  // Every method checks its arguments first; a bad call rejects with checkCall's text.
  const checked = {} as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const method of Object.keys(labMethods) as (keyof LabApi)[]) {
    const impl = api[method] as (...args: unknown[]) => Promise<unknown>;
    checked[method] = (...args: unknown[]) => {
      const problem = checkCall(method, args);
      return problem ? Promise.reject(new Error(problem)) : impl(...args);
    };
  }
  return {
    ...(checked as unknown as LabApi),
    on(event, listener) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener as (data: never) => void);
      return () => set.delete(listener as (data: never) => void);
    },
    dispose: async () => {
      machines.dispose();
      await replays.dispose();
      await apiTimelines.dispose();
      return runs.dispose();
    },
  };
}
