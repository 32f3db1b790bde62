// The demo lab (`?fake`): an in-memory LabApi for looking at the UI without a host. Quizzes and
// replays are the real engine's, run in the page (demoQuiz.ts, demoReplay.ts); student code is not
// run (a run says so and scores nothing), machines need the host, nothing is written to disk, and
// App.vue labels the page as a demo. Loaded only on request.
import { ref } from 'vue';
import type { LabApi, LabEvent, LabEvents, RunRequest, RunResult } from '../../../electron/contract';
import type { LabBridge, LabListener } from '../bridge';
import { demoExercises } from './demoData';
import { demoReplays } from './demoReplay';
import { demoCheckQuiz, demoQuiz, demoQuizTopics, demoRevealQuiz } from './demoQuiz';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const NO_CODE = 'the demo cannot run your code: install the lab and start it with npm start or npm run web. The demo\'s timeline and Compare replay the engine\'s own allocator.';

export function createDemoLab(): LabBridge {
  const exercises = demoExercises();
  const files = new Map<string, { source: string; savedAt: string | null }>();
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  let runs = 0;
  const emit = <E extends LabEvent>(event: E, data: LabEvents[E]) =>
    listeners.get(event)?.forEach((listener) => listener(data));
  const find = (id: string) => {
    const exercise = exercises.find((e) => e.id === id);
    if (!exercise) throw new Error(`no exercise '${id}'`);
    return exercise;
  };

  /** A run the demo cannot do: no tests, no score, an error saying why. */
  async function run(request: RunRequest): Promise<RunResult> {
    find(request.exercise);
    const result: RunResult = { runId: `demo-${++runs}`, compileErrors: null, tests: [], score: 0, maxScore: 0, logs: [], error: NO_CODE, stopped: false, ms: 0 };
    emit('runDone', result);
    return result;
  }

  const replays = demoReplays(emit);
  const api: LabApi = {
    info: async () => ({ version: 'demo', host: 'web', workspace: '(demo: in memory)' }),
    listExercises: async () => exercises.map(({ instructions: _i, starter: _s, typings: _t, tests: _x, traces: _r, ...summary }) => summary),
    openExercise: async (id) => ({ ...find(id) }),
    loadCode: async (id) => {
      const file = files.get(id);
      return { source: file?.source ?? find(id).starter, savedAt: file?.savedAt ?? null, hasPrevious: false };
    },
    saveCode: async (id, source) => {
      await wait(60);
      const savedAt = new Date().toISOString();
      files.set(id, { source, savedAt });
      return { savedAt, bytes: source.length, path: `(demo)/${id}/submission.ts` };
    },
    run,
    stop: async () => false,
    history: async () => [],
    exportSubmission: async (id) => ({ fileName: `${id}.ts`, content: files.get(id)?.source ?? find(id).starter }),
    openPack: async () => api.listExercises(),
    setWorkspace: async () => api.info(),
    quizTopics: async () => demoQuizTopics(),
    quiz: async (topic, seed) => demoQuiz(topic, seed),
    checkQuiz: async (topic, seed, answer) => demoCheckQuiz(topic, seed, answer),
    revealQuiz: async (topic, seed) => demoRevealQuiz(topic, seed),
    // Machine sessions need the host.
    machineStart: async () => { throw new Error('machineStart: the demo has no machine (start the lab with npm start or npm run web)'); },
    machineCall: async () => { throw new Error('machineCall: the demo has no machine'); },
    machineClose: async () => false,
    // Replays (the timeline, Compare): the engine's allocators in the page (demoReplay.ts).
    replayStart: (request) => replays.replayStart(request),
    replayFrame: (id, op, window) => replays.replayFrame(id, op, window),
    replayCharts: (id, from, to, buckets) => replays.replayCharts(id, from, to, buckets),
    replayBlock: (id, op, address) => replays.replayBlock(id, op, address),
    replayStop: (id) => replays.replayStop(id),
    replayClose: (id) => replays.replayClose(id),
    replayPolicies: async () => { throw new Error("replayPolicies: the demo does not rank the paper's policies (start the lab with npm start or npm run web)"); },
    apiTimelineStart: async () => { throw new Error('apiTimelineStart: the demo runs no student code (start the lab with npm start or npm run web)'); },
    apiTimelineFrame: async () => { throw new Error('apiTimelineFrame: the demo has no api timeline'); },
    apiTimelineClose: async () => false,
  };
  const on = <E extends LabEvent>(event: E, listener: LabListener<E>) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener as (data: unknown) => void);
    return () => { set.delete(listener as (data: unknown) => void); };
  };
  return { api, on, state: ref('connected'), retryIn: ref(0), mode: 'demo' };
}
