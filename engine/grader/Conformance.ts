// Conformance: grading an exercise where the student re-implements one of the engine's FreeNOS
// classes (BitAllocator, BubbleAllocator...). A Subject knows the student-facing API, makes seeded
// scenarios (constructor arguments and a list of calls), and runs them on the engine's own class as
// the oracle. runScenario drives the student's object through the same calls, outside its reach,
// and stops at the first result that differs, naming the call, what was expected and what came back.
import { hex, hexFrom } from '../format';

/** One call of a scenario: a method of the student's class and its (numeric) arguments. */
export interface Call {
  method: string;
  args: number[];
}

export interface Scenario {
  /** Constructor arguments after the heap (plain data). */
  args: unknown[];
  calls: Call[];
  /** For a subject whose class gets the heap (withHeap): the most bytes the heap may grow to. */
  heapLimit?: number;
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
  /** A harness subject's scenario calls (the machine's, not the student's methods); default `methods`. */
  calls?: string[];
  /** Options a scenario accepts, with defaults (like a generator's): seed, ops, ... */
  defaults: Record<string, number | string>;
  /** A seeded scenario; same options, same scenario on any machine. Throws RangeError for bad options. */
  scenario(options: Record<string, number | string>): Scenario;
  /** The engine's answers to every call of the scenario, in order (plain data). */
  oracle(scenario: Scenario): unknown[];
  /** The class is built as new C(heap, ...args): it keeps its metadata in an sbrk heap (lab.ts Heap). */
  withHeap?: boolean;
  /** Heap bytes the class may grow to when a scenario names no heapLimit (withHeap only). */
  heapLimit?: number;
  /**
   * For withHeap subjects: after each call (index k of the result), the heap regions that must hold
   * exactly the engine's bytes at that moment. runScenario compares them when given a reader.
   */
  memory?(scenario: Scenario): MemoryCheck[][];
  /**
   * For a subject whose class is called by a machine rather than by the scenario (the fork
   * exercise): a fresh machine for the scenario. Build the student's object with its services
   * first, then run the scenario on drive(object).
   */
  harness?(scenario: Scenario): Harness;
  /** A hint appended to a mismatch's reason: what such a difference usually means. */
  explain?(call: Call, expected: unknown, got: unknown): string | null;
}

/** A scenario's machine: the calls the student's object may make, and the target the scenario drives. */
export interface Harness {
  /** Handed to the student's constructor as its first argument (the kernel); each checks its arguments (RangeError). */
  services: Record<string, (...args: unknown[]) => unknown>;
  /** The scenario's target: the machine, calling `student` where the student's code decides. */
  drive(student: ApiTarget): ApiTarget;
}

/** A heap region the student's class must lay out as FreeNOS does, with the bytes the engine has there. */
export interface MemoryCheck {
  /** First address; a multiple of 4, as are the bytes' count. */
  address: number;
  /** The engine's bytes at [address, address + bytes.length). */
  bytes: number[];
  /** What the region is, for the report: 'the pool header', 'the bitmap of the 16-byte pool at 0x10000000'. */
  what: string;
  /** Names of its 32-bit words, when they have one ('the bitmap size'); else the report names word k or byte k. */
  words?: string[];
  /** Optional: a further check over the heap (an emulated MMU walking the student's tables); null when it holds. */
  verify?(read8: (address: number) => number): { text: string; expected: number; got: number } | null;
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
  return `${call.method}(${call.args.map((a) => hexFrom(a, 4096)).join(', ')})`;
}

/** The most bytes a withHeap subject's heap may grow to in `scenario`: the scenario's limit, else the subject's, else 32 MiB. */
export function scenarioHeapLimit(subject: Subject, scenario: Scenario): number {
  return scenario.heapLimit ?? subject.heapLimit ?? 32 * 1024 * 1024;
}

/**
 * Runs `scenario` on `target` against the subject's own answers, and, for a subject that keeps its
 * metadata in the heap, against the engine's bytes read back through `read8` (the trusted reader).
 * With `harness` (made by subject.harness, `target` built with its services) the scenario runs on its machine.
 */
export function conform(subject: Subject, scenario: Scenario, target: ApiTarget, read8?: (address: number) => number, harness?: Harness): ConformanceResult {
  const memory = subject.withHeap && subject.memory && read8 ? { checks: subject.memory(scenario), read8 } : undefined;
  const result = runScenario(scenario, subject.oracle(scenario), harness ? harness.drive(target) : target, memory);
  const f = result.failure;
  const hint = f?.kind === 'mismatch' && f.op < scenario.calls.length ? subject.explain?.(scenario.calls[f.op]!, f.expected, f.got) : null;
  return hint ? { ...result, failure: { ...f!, reason: `${f!.reason}: ${hint}` } } : result;
}

/** Drives `target` through the scenario and compares each answer with the oracle's; never throws for the target's sake. */
export function runScenario(scenario: Scenario, expected: unknown[], target: ApiTarget,
  memory?: { checks: MemoryCheck[][]; read8: (address: number) => number }): ConformanceResult {
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
    const differs = memory ? compareMemory(memory.checks[k] ?? [], memory.read8) : null;
    if (differs) {
      return done(k, { op: k, call: callText(call), expected: differs.expected, got: differs.got, reason: `after call ${k + 1}, ${callText(call)}, ${differs.text}`, kind: 'mismatch' });
    }
  }
  return done(scenario.calls.length, null);

  function done(calls: number, failure: ConformanceFailure | null): ConformanceResult {
    return { ok: failure === null, calls, failure, work: safeWork(target) - start };
  }
}

/** The first difference between the checks' bytes and what `read8` finds, as a sentence; null when none. */
export function compareMemory(checks: MemoryCheck[], read8: (address: number) => number): { text: string; expected: number; got: number } | null {
  for (const check of checks) {
    for (let i = 0; i < check.bytes.length; i++) {
      const at = check.address + i;
      const got = read8(at);
      if (got === check.bytes[i]) continue;
      const word = Math.floor(i / 4);
      if (check.bytes.length % 4 !== 0 || check.address % 4 !== 0) {
        return { text: `${check.what} at ${hex(check.address)} (byte ${i}, at ${hex(at)}) is ${hex(got)}, FreeNOS has ${hex(check.bytes[i]!)}`, expected: check.bytes[i]!, got };
      }
      const start = check.address + 4 * word;
      const want = wordOf(check.bytes.slice(4 * word, 4 * word + 4));
      const have = wordOf([0, 1, 2, 3].map((b) => read8(start + b)));
      const name = check.words?.[word];
      return { text: `${check.what} at ${hex(check.address)} (word ${word}${name ? `, ${name}` : ''}${start !== check.address ? `, at ${hex(start)}` : ''}) is ${hex(have)}, FreeNOS has ${hex(want)}`, expected: want, got: have };
    }
    const verified = check.verify?.(read8) ?? null;
    if (verified) return verified;
  }
  return null;
}

function wordOf(bytes: number[]): number {
  return ((bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0);
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
  if (typeof value === 'number') return hexFrom(value, 4096);
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
