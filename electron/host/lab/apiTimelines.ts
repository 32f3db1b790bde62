// Api timelines (contractApiTimeline.ts): an api exercise's scenario run on the student's class in a
// worker of its own (apiTimelineJob.ts: compile, sandbox, every call next to the engine's answer),
// then the engine's own state after any call, pictured in this thread (the engine is pure and
// fast; no student code runs here). At most MAX_API_TIMELINES: one more closes the least recently used.
import { ApiStates, callText, type Scenario, show, subjectMachines } from '../../../engine/grader';
import { MAX_API_CALLS, MAX_API_TIMELINES, type ApiCallRow, type ApiTimelineFrame, type ApiTimelineInfo, type ApiTimelineRequest } from '../../contract';
import type { ApiTimelineJobInput, ApiTimelineJobOutput } from '../grader/apiTimelineJob';
import type { Exercise } from '../grader/exercise';
import { loadScenario, subjectOf } from '../grader/scenario';
import { WorkerPool } from '../sandbox/WorkerPool';
import { runnableTraces } from './catalog';
import { SUBMISSION_FILE } from './runs';

const JOB = new URL('../grader/apiTimelineJob.ts', import.meta.url);
/** The worker's backstop beyond the scenario's own time limit (the sandbox's meter stops loops first). */
const BACKSTOP_MS = 30_000;

interface Session {
  info: ApiTimelineInfo;
  states: ApiStates;
  used: number;
}

export class ApiTimelines {
  private readonly sessions = new Map<string, Session>();
  private readonly running = new Set<WorkerPool<ApiTimelineJobInput, ApiTimelineJobOutput>>();
  private count = 0;
  private clock = 0;

  /**
   * Runs `request.scenario` on the student's source and keeps the session. Throws an Error for an
   * exercise that is not an api one or a scenario it cannot run; the submission's own failures
   * (compile errors, a constructor that throws or loops) come back in `error`.
   */
  async start(exercise: Exercise, request: ApiTimelineRequest): Promise<ApiTimelineInfo> {
    const { spec } = exercise;
    if (spec.kind !== 'api') throw new Error(`${spec.id} is a ${spec.kind} exercise: its timeline replays malloc traces (this one is for api exercises, 01 to 06)`);
    const runnable = runnableTraces(exercise);
    if (!runnable.includes(request.scenario)) throw new Error(`scenario: ${spec.id} has no scenario '${request.scenario}' to run (scenarios: ${runnable.join(', ') || 'none'})`);
    const subject = subjectOf(exercise);
    const machine = subjectMachines[subject.name];
    if (!machine) throw new Error(`${spec.id}: no picture of the subject '${subject.name}'`);
    const scenario = loadScenario(exercise, request.scenario);
    if (scenario.calls.length > MAX_API_CALLS) throw new Error(`scenario: '${request.scenario}' has ${scenario.calls.length} calls; the timeline shows at most ${MAX_API_CALLS}`);
    const tests = spec.tests.filter((t) => t.traces.includes(request.scenario));
    const limitMs = Math.max(1000, ...tests.map((t) => t.timeLimitMs));
    const started = performance.now();
    const pool = new WorkerPool<ApiTimelineJobInput, ApiTimelineJobOutput>(JOB, 1);
    this.running.add(pool);
    const input: ApiTimelineJobInput = { subject: subject.name, scenario, source: request.source, file: SUBMISSION_FILE, limitMs };
    const result = await pool.run(input, { timeoutMs: 3 * limitMs + BACKSTOP_MS }).finally(() => {
      this.running.delete(pool);
      void pool.close();
    });
    const output: ApiTimelineJobOutput = result.ok ? result.value
      : { error: result.reason === 'timeout' ? `the scenario ran past ${Math.round((3 * limitMs + BACKSTOP_MS) / 1000)} s and was stopped` : `the run crashed: ${result.message}`, expected: subject.oracle(scenario), calls: [], first: null, logs: [] };
    const closed = this.makeRoom();
    const timelineId = `api-timeline-${++this.count}-${Date.now().toString(36)}`;
    const info: ApiTimelineInfo = {
      timelineId, exercise: spec.id, scenario: request.scenario, subject: subject.name, constructed: constructed(subject.describe, subject.withHeap ? 'heap' : subject.harness ? 'kernel' : null, scenario),
      calls: rows(scenario, output), firstDifference: output.error ? null : output.first, error: output.error, logs: output.logs,
      ms: Math.round(performance.now() - started), closed,
    };
    this.sessions.set(timelineId, { info, states: new ApiStates(() => machine(scenario), scenario.calls), used: ++this.clock });
    return info;
  }

  /** The engine's state after `call`; throws for an unknown timeline or a call outside the scenario (naming the field). */
  frame(timelineId: string, call: number): ApiTimelineFrame {
    const session = this.sessions.get(timelineId);
    if (!session) throw new Error(`timelineId: no api timeline '${timelineId}' (it ended with its page, or was closed to make room: open it again)`);
    session.used = ++this.clock;
    return { call, picture: session.states.picture(call) };
  }

  /** Forgets a timeline; false when there was none. */
  close(timelineId: string): boolean {
    return this.sessions.delete(timelineId);
  }

  /** Ends every timeline and any run still going. */
  async dispose(): Promise<void> {
    this.sessions.clear();
    await Promise.all([...this.running].map((pool) => pool.close()));
  }

  /** Closes the least recently used timeline when there are MAX_API_TIMELINES; its id, or null. */
  private makeRoom(): string | null {
    if (this.sessions.size < MAX_API_TIMELINES) return null;
    const oldest = [...this.sessions.values()].reduce((a, b) => (b.used < a.used ? b : a));
    this.sessions.delete(oldest.info.timelineId);
    return oldest.info.timelineId;
  }
}

/** Each call as a row: its text, FreeNOS's answer and the student's, as the grader's report writes them. */
function rows(scenario: Scenario, output: ApiTimelineJobOutput): ApiCallRow[] {
  return scenario.calls.map((call, k) => {
    const mine = output.calls[k];
    const ran = mine !== undefined && mine.status !== 'not-run' && mine.status !== 'threw' && mine.status !== 'timeout';
    return {
      call: callText(call), expected: show(output.expected[k]), got: ran ? show(mine.got) : null,
      status: mine?.status ?? 'not-run', reason: mine?.reason ?? null,
    };
  });
}

/** 'new BitAllocator(0x1000, 1024, 64)': the class's name from the subject's description ('a BitAllocator class ...'), after the heap or kernel it gets first. */
function constructed(describe: string, first: string | null, scenario: Scenario): string {
  const name = /^an? (\w+) class/.exec(describe)?.[1] ?? 'C';
  return `new ${name}(${[...(first ? [first] : []), ...scenario.args.map((a) => show(a))].join(', ')})`;
}
