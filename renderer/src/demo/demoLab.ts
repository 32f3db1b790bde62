// The demo lab (`?fake`): an in-memory LabApi for looking at the UI without a host. Runs are
// simulated (a test fails while the code still says TODO; unbalanced braces are a compile error),
// replays are a synthetic first-fit heap (demoReplay.ts), machines need the host, nothing is written
// to disk, and App.vue labels the page as a demo. Loaded only on request.
import { ref } from 'vue';
import type { CompileProblem, LabApi, LabEvent, LabEvents, RunRequest, RunResult, TestView } from '../../../electron/contract';
import type { LabBridge, LabListener } from '../bridge';
import { demoExercises } from './demoData';
import { demoReplays } from './demoReplay';
import { demoCheckQuiz, demoQuiz, demoQuizTopics, demoRevealQuiz } from './demoQuiz';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The first unbalanced '}' or the missing one at the end, as esbuild would report it. */
function braceProblem(source: string): CompileProblem | null {
  let depth = 0;
  const lines = source.split('\n');
  for (const [i, line] of lines.entries()) {
    for (const [j, ch] of [...line].entries()) {
      if (ch === '{') depth++;
      if (ch === '}' && --depth < 0) return { line: i + 1, column: j + 1, message: 'Unexpected "}"' };
    }
  }
  return depth > 0 ? { line: lines.length, column: 1, message: 'Expected "}" but found end of file' } : null;
}

export function createDemoLab(): LabBridge {
  const exercises = demoExercises();
  const files = new Map<string, { source: string; savedAt: string | null }>();
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  const stopped = new Set<string>();
  let runs = 0;
  const emit = <E extends LabEvent>(event: E, data: LabEvents[E]) =>
    listeners.get(event)?.forEach((listener) => listener(data));
  const find = (id: string) => {
    const exercise = exercises.find((e) => e.id === id);
    if (!exercise) throw new Error(`no exercise '${id}'`);
    return exercise;
  };

  async function run(request: RunRequest): Promise<RunResult> {
    const exercise = find(request.exercise);
    const runId = `demo-${++runs}`;
    const t = request.target;
    const tests = 'grade' in t ? exercise.tests : exercise.tests.filter((x) => ('test' in t ? x.name === t.test : x.traces.includes(t.trace)));
    const base = { runId, compileErrors: null, tests: [] as TestView[], score: 0, maxScore: 0, logs: [] as string[], error: null, stopped: false, ms: 0 };
    const problem = braceProblem(request.source);
    if (problem) return { ...base, compileErrors: [problem] };
    const broken = request.source.includes('TODO');
    for (const [index, test] of tests.entries()) {
      await wait(350);
      if (stopped.has(runId)) return { ...base, stopped: true, error: 'stopped' };
      const passed = !(broken && index % 2 === 1) && test.visibility === 'visible';
      base.tests.push({
        name: test.name, points: passed ? test.points : 0, maxPoints: test.points, passed, ms: 40 + 7 * index,
        output: passed ? '' : test.visibility === 'visible'
          ? 'call 13: allocate(4096, 8192) answered { result: 0, address: 0x11000 }; FreeNOS answers { result: 0, address: 0x13000 } (next fit starts at chunk 2, the first chunk of the previous allocation)'
          : 'hidden test: shown after the due date',
        failure: passed || test.visibility !== 'visible' ? null : { trace: test.traces[0] ?? test.name, op: 12 },
      });
      emit('runProgress', { runId, exercise: exercise.id, test: test.name, index, total: tests.length, passed });
    }
    const result: RunResult = {
      ...base, score: base.tests.reduce((s, x) => s + x.points, 0), maxScore: base.tests.reduce((s, x) => s + x.maxPoints, 0),
      logs: ['allocate 4096 -> chunk 0', 'allocate 8192 -> chunk 1'], ms: 350 * tests.length,
    };
    if ('grade' in t) {
      exercise.attempts++;
      exercise.best = Math.max(exercise.best ?? 0, result.score);
    }
    emit('runDone', result);
    return result;
  }

  const replays = demoReplays(emit, (id) => files.get(id)?.source ?? find(id).starter);
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
    stop: async (runId) => (stopped.add(runId), true),
    history: async () => [],
    exportSubmission: async (id) => ({ fileName: `${id}.ts`, content: files.get(id)?.source ?? find(id).starter }),
    openPack: async () => api.listExercises(),
    setWorkspace: async () => api.info(),
    quizTopics: async () => demoQuizTopics,
    quiz: async (topic, seed) => demoQuiz(topic, seed),
    checkQuiz: async (topic, seed, answer) => demoCheckQuiz(topic, seed, answer),
    revealQuiz: async (topic, seed) => demoRevealQuiz(topic, seed),
    // The demo has no engine: machine sessions need the host.
    machineStart: async () => { throw new Error('machineStart: the demo has no machine (start the lab with npm start or npm run web)'); },
    machineCall: async () => { throw new Error('machineCall: the demo has no machine'); },
    machineClose: async () => false,
    // Replays (the timeline, Compare): a small simulated allocator in the page (demoReplay.ts).
    replayStart: (request) => replays.replayStart(request),
    replayFrame: (id, op, window) => replays.replayFrame(id, op, window),
    replayCharts: (id, from, to, buckets) => replays.replayCharts(id, from, to, buckets),
    replayBlock: (id, op, address) => replays.replayBlock(id, op, address),
    replayStop: (id) => replays.replayStop(id),
    replayClose: (id) => replays.replayClose(id),
    replayPolicies: async () => { throw new Error("replayPolicies: the demo has no engine to rank the paper's policies (start the lab with npm start or npm run web)"); },
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
