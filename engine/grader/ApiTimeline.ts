// ApiTimeline: an api exercise's scenario call by call, for the timeline view. runApiTimeline drives
// the student's object through every call next to the engine's answers (and, for a subject that keeps
// its metadata in the heap, the engine's bytes); unlike the grader it goes on past a difference and
// stops only at a call that throws or runs out of time. ApiStates walks the engine's own object to any
// call and returns a picture of its state (ApiPicture: plain data drawn from its metadata).
import { callText, compareMemory, sameValue, show, type ApiTarget, type Call, type Harness, type Scenario, type Subject } from './Conformance';

/** One line of facts: 'next-fit cursor', 'chunk 5 (0x1140)'. */
export interface PictureFact {
  label: string;
  value: string;
}

/**
 * Units (chunks, objects, frames, entries) as cells, one character each: '0' free, '1' used, '2'
 * partly used (a cell of several units). Cell i starts at address first + i * step.
 */
export interface PictureBitmap {
  label: string;
  units: number;
  unitsPerCell: number;
  cells: string;
  /** The cell holding the next-fit cursor, or -1 when the bitmap has none. */
  cursor: number;
  first: number;
  step: number;
}

/** A range and its used part: [base, base + used) of [base, base + size). */
export interface PictureBar {
  label: string;
  base: number;
  size: number;
  used: number;
}

/** A small table of text; `more` rows were left out. */
export interface PictureTable {
  title: string;
  columns: string[];
  rows: string[][];
  more: number;
}

/** The engine's state after one call, as the timeline draws it. */
export interface ApiPicture {
  title: string;
  facts: PictureFact[];
  bars: PictureBar[];
  bitmaps: PictureBitmap[];
  tables: PictureTable[];
}

/** The engine's own object for one scenario: its answer to the next call, and a picture of its state now. */
export interface SubjectMachine {
  apply(call: Call): unknown;
  picture(): ApiPicture;
}

export type CallStatus = 'same' | 'differs' | 'threw' | 'timeout' | 'not-run';

/** What the student's object did on one call: its answer, how it compares, and why when it differs. */
export interface TimelineCall {
  got: unknown;
  status: CallStatus;
  reason: string | null;
}

export interface ApiTimelineRun {
  /** The engine's answers, one per call. */
  expected: unknown[];
  calls: TimelineCall[];
  /** The first call whose status is not 'same', or null. */
  first: number | null;
  work: number;
}

/**
 * Runs every call of `scenario` on `target` (through `harness` when given), comparing each answer
 * with the engine's and, with `read8`, the heap regions the subject checks. Never throws for the
 * target's sake: a call that throws or times out ends the run, the calls after it are 'not-run'.
 */
export function runApiTimeline(subject: Subject, scenario: Scenario, target: ApiTarget, read8?: (address: number) => number, harness?: Harness): ApiTimelineRun {
  const expected = subject.oracle(scenario);
  const checks = subject.withHeap && subject.memory && read8 ? subject.memory(scenario) : null;
  const driven = harness ? harness.drive(target) : target;
  const start = work(target);
  const calls: TimelineCall[] = [];
  let first: number | null = null;
  let ended = false;
  for (const [k, call] of scenario.calls.entries()) {
    const row = ended ? { got: undefined, status: 'not-run' as const, reason: null } : one(k, call);
    if (row.status === 'threw' || row.status === 'timeout') ended = true;
    if (row.status !== 'same' && first === null) first = k;
    calls.push(row);
  }
  return { expected, calls, first, work: work(target) - start };

  function one(k: number, call: Call): TimelineCall {
    let got: unknown;
    try {
      got = driven.invoke(call.method, call.args);
    } catch (error) {
      const timeout = typeof error === 'object' && error !== null && (error as { kind?: unknown }).kind === 'timeout';
      return { got: undefined, status: timeout ? 'timeout' : 'threw', reason: error instanceof Error ? error.message : String(error) };
    }
    if (!sameValue(expected[k], got)) {
      const hint = subject.explain?.(call, expected[k], got);
      return { got, status: 'differs', reason: `${callText(call)} returned ${show(got)}, FreeNOS returns ${show(expected[k])}${hint ? `: ${hint}` : ''}` };
    }
    const differs = checks && read8 ? compareMemory(checks[k] ?? [], read8) : null;
    if (differs) return { got, status: 'differs', reason: `after call ${k + 1}, ${callText(call)}, ${differs.text}` };
    return { got, status: 'same', reason: null };
  }
}

function work(target: ApiTarget): number {
  try {
    return target.work();
  } catch {
    return 0;
  }
}

/** Pictures kept per walk (a step back is then free). */
const CACHED = 256;

/**
 * The engine's state after any call of a scenario: the machine is stepped forward from where it is,
 * or made again from the start for an earlier call. Pictures are cached.
 */
export class ApiStates {
  private machine: SubjectMachine;
  private at = -1;
  private readonly cache = new Map<number, ApiPicture>();

  constructor(private readonly make: () => SubjectMachine, private readonly calls: Call[]) {
    this.machine = make();
  }

  /** The state after call `k` (-1: before the first); RangeError naming `call` outside -1 .. calls - 1. */
  picture(k: number): ApiPicture {
    if (!Number.isInteger(k) || k < -1 || k >= this.calls.length) {
      throw new RangeError(`call must be a whole number from -1 (before the first call) to ${this.calls.length - 1}, got ${k}`);
    }
    const cached = this.cache.get(k);
    if (cached) return cached;
    if (k < this.at) {
      this.machine = this.make();
      this.at = -1;
    }
    while (this.at < k) this.machine.apply(this.calls[++this.at]!);
    const picture = this.machine.picture();
    if (this.cache.size >= CACHED) this.cache.clear();
    this.cache.set(k, picture);
    return picture;
  }
}
