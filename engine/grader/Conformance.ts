// Conformance: grading an exercise where the student re-implements one of the engine's FreeNOS
// classes (BitAllocator, BubbleAllocator...). A Subject knows the student-facing API, makes seeded
// scenarios (constructor arguments and a list of calls), and runs them on the engine's own class as
// the oracle. runScenario drives the student's object through the same calls, outside its reach,
// and stops at the first result that differs, naming the call, what was expected and what came back.

/** One call of a scenario: a method of the student's class and its (numeric) arguments. */
export interface Call {
  method: string;
  args: number[];
}

export interface Scenario {
  /** Constructor arguments after the heap (plain data). */
  args: unknown[];
  calls: Call[];
}

/** The student's object as the runner sees it (a sandbox or an in-process instance). */
export interface ApiTarget {
  readonly name: string;
  /** Calls `method` with `args`; returns its result as plain data (JSON). Throws TargetError. */
  invoke(method: string, args: number[]): unknown;
  work(): number;
  logs(): string[];
}

export interface Subject {
  /** The subject's name in exercise.yaml (`subject: bit-allocator`). */
  name: string;
  /** What the student writes, one line (for reports and validate). */
  describe: string;
  /** Methods the student's class must have. */
  methods: string[];
  /** Options a scenario accepts, with defaults (like a generator's): seed, ops, ... */
  defaults: Record<string, number | string>;
  /** A seeded scenario; same options, same scenario on any machine. Throws RangeError for bad options. */
  scenario(options: Record<string, number | string>): Scenario;
  /** The engine's answers to every call of the scenario, in order (plain data). */
  oracle(scenario: Scenario): unknown[];
}

export interface ConformanceFailure {
  /** 0-based call index, the call as text, what the engine answered and what came back. */
  op: number;
  call: string;
  expected: unknown;
  got: unknown;
  reason: string;
  kind: 'mismatch' | 'timeout' | 'target';
}

export interface ConformanceResult {
  ok: boolean;
  calls: number;
  failure: ConformanceFailure | null;
  work: number;
}

/** `allocate(4096, 0)` */
export function callText(call: Call): string {
  return `${call.method}(${call.args.map((a) => (Number.isInteger(a) && a >= 4096 ? `0x${a.toString(16).toUpperCase()}` : String(a))).join(', ')})`;
}

/** Drives `target` through the scenario and compares each answer with the oracle's; never throws for the target's sake. */
export function runScenario(scenario: Scenario, expected: unknown[], target: ApiTarget): ConformanceResult {
  const start = safeWork(target);
  for (let k = 0; k < scenario.calls.length; k++) {
    const call = scenario.calls[k]!;
    let got: unknown;
    try {
      got = target.invoke(call.method, call.args);
    } catch (error) {
      const timeout = typeof error === 'object' && error !== null && (error as { kind?: unknown }).kind === 'timeout';
      const reason = error instanceof Error ? error.message : String(error);
      return done(k, { op: k, call: callText(call), expected: expected[k], got: undefined, reason, kind: timeout ? 'timeout' : 'target' });
    }
    if (!sameValue(expected[k], got)) {
      return done(k, { op: k, call: callText(call), expected: expected[k], got, reason: `${callText(call)} returned ${show(got)}, FreeNOS returns ${show(expected[k])}`, kind: 'mismatch' });
    }
  }
  return done(scenario.calls.length, null);

  function done(calls: number, failure: ConformanceFailure | null): ConformanceResult {
    return { ok: failure === null, calls, failure, work: safeWork(target) - start };
  }
}

/** Deep equality of plain data (numbers compared with ===, so -0 and 0 are equal; NaN never is). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((key) => Object.hasOwn(b, key) && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/** A value as the report shows it: JSON-like, integers from 4096 up in hex (strings stay quoted), clipped. */
export function show(value: unknown): string {
  const text = render(value, 0);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

function render(value: unknown, depth: number): string {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 4096 ? `0x${value.toString(16).toUpperCase()}` : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  if (depth > 4) return '…';
  if (Array.isArray(value)) return `[${value.slice(0, 100).map((v) => render(v, depth + 1)).join(',')}${value.length > 100 ? ',…' : ''}]`;
  return `{${Object.entries(value).slice(0, 40).map(([k, v]) => `${JSON.stringify(k)}:${render(v, depth + 1)}`).join(',')}}`;
}

function safeWork(target: ApiTarget): number {
  try {
    return target.work();
  } catch {
    return 0;
  }
}
