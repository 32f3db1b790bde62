// The meter of a sandbox worker: one count of work units for the thread, the budget of the call in
// progress, and the limits it enforces. A unit is one function call or loop step of the student's
// code (instrument.ts puts a tick() there), one heap access, or one element a built-in scans or
// makes (builtins.ts charges those). Only the student's own calls count: outside them the meter
// refuses to run student code at all (a promise callback between calls gets an error). A call
// that passes its unit budget, or its memory, or the wall-clock backstop, is stopped for good: the
// stop is sticky, so code that catches the error meets it again at its next unit.
import v8 from 'node:v8';
import vm from 'node:vm';

/** Why the current sandbox was stopped: 'timeout' (units or wall clock) or 'memory'. */
export interface Stop {
  kind: 'timeout' | 'memory';
  /** Says what ran out, without the call's name (the target adds it). */
  reason: string;
  error: Error;
}

/** Growth since the last sandbox started beyond which a new one collects garbage first. */
const GARBAGE = 32 << 20;
/** Units between the slow checks (memory, wall clock) while a call runs. */
const CHECK_EVERY = 1 << 17;

let units = 0;
/** The count at which tick() takes the slow path: min(end of the call's budget, next check); -1 outside calls. */
let limit = -1;
let callEnd = 0;
let checkAt = 0;
let active = false;
let stop: Stop | null = null;
/** The wall-clock backstop: the time the test ends at, the call's own allowance and when the call was first seen running long. */
let wallEnd = Infinity;
let callWallMs = Infinity;
let callSeenAt = -1;
let memoryLimit = 0;
/** Says what the call's budget was, for the message of a stop (made only then). */
let reasonOf: (kind: 'units' | 'wall', ms: number) => string = () => '';
/** V8 heap and array-buffer bytes when the sandbox started: growth beyond them is the student's. */
let heapBase = 0;
let externalBase = 0;
/** Whether a sandbox of this worker started before (its heapBase and externalBase are a sandbox's start). */
let measured = false;
let exposed: (() => void) | null = null;
/** A full garbage collection (V8's gc(), exposed at the first need: making the context that hands it over costs a fresh sandbox ~10 ms). */
const gc = (): void => (exposed ??= exposeGc())();

/** One unit (or `n`): at every function entry and loop step of instrumented code, CATCH_UNITS at a catch or finally. */
export function tick(n?: number): void {
  units += n === undefined ? 1 : n;
  if (units > limit) slow();
}

/** `n` units at once (a heap access, a built-in's scan); only while a call runs, else an error. */
export function charge(n: number): void {
  units += n;
  if (units > limit) slow();
}

/** Charges `n` units when a student call is running; trusted code calling a built-in pays nothing. */
export function chargeIfActive(n: number): void {
  if (active) charge(n);
}

/** Whether a student call is running (built-ins charge only then). */
export function isActive(): boolean {
  return active;
}

/** Units counted so far in this worker (differences are work). */
export function count(): number {
  return units;
}

/** The sticky stop, if the sandbox was stopped. */
export function stopped(): Stop | null {
  return stop;
}

/**
 * Starts a fresh sandbox's accounting: no stop, its memory measured from now. `memory` is the bytes
 * the submission may hold beyond what the worker holds now.
 */
export function reset(memory: number): void {
  stop = null;
  active = false;
  limit = -1;
  let stats = v8.getHeapStatistics();
  // What an earlier sandbox of this worker left (a memory bomb's garbage) is collected, not counted
  // against this one; a worker's first sandbox has no earlier one (its heap bytes are new, not garbage).
  if (measured && stats.used_heap_size + stats.external_memory > heapBase + externalBase + GARBAGE) {
    // V8 lets go of a dead array buffer's bytes only at a later collection: collect until they stop dropping.
    for (let k = 0; k < 4; k++) {
      gc();
      const after = v8.getHeapStatistics();
      const dropped = after.external_memory < stats.external_memory;
      stats = after;
      if (!dropped) break;
    }
  }
  heapBase = stats.used_heap_size;
  externalBase = stats.external_memory;
  measured = true;
  memoryLimit = memory;
}

/**
 * Runs `call` as student code: at most `maxUnits` units, `wallMs` of wall clock (counted from its
 * first slow check, so a short call never reads the clock) and none past `wallEndAt` (performance.now()
 * time). `reason` words a stop's message, only when one happens. Returns the call's value; a stop
 * during it throws the stop's error even if the student caught it.
 */
export function metered<T>(maxUnits: number, wallMs: number, wallEndAt: number, reason: typeof reasonOf, call: () => T): T {
  if (stop) throw stop.error;
  reasonOf = reason;
  callEnd = units + maxUnits;
  checkAt = units + CHECK_EVERY;
  limit = callEnd < checkAt ? callEnd : checkAt;
  wallEnd = wallEndAt;
  callWallMs = wallMs;
  callSeenAt = -1;
  active = true;
  try {
    const value = call();
    if (stop) throw (stop as Stop).error;
    return value;
  } catch (error) {
    if (stop) throw (stop as Stop).error;
    throw error;
  } finally {
    active = false;
    limit = -1;
  }
}

/** Runs trusted code (a kernel service, a log line's bookkeeping) inside a student call without charging it. */
export function unmetered<T>(run: () => T): T {
  const was = active;
  active = false;
  const saved = limit;
  try {
    return run();
  } finally {
    active = was;
    limit = stop ? -Infinity : saved;
  }
}

/**
 * Stops the sandbox for good (also used by built-ins refusing an allocation) and throws the stop's
 * error. The stop holds before anything that can fail: at the bottom of the stack even making an
 * error overflows, and a stop lost there would leave a catch-and-retry recursion running unmetered.
 * `reason` is worded with the meter paused, so the built-ins it uses cannot re-enter it.
 */
export function trip(kind: Stop['kind'], reason: string | (() => string)): never {
  if (stop) throw stop.error;
  const fallback = kind === 'memory' ? 'ran out of memory' : 'did not finish within its work units';
  stop = { kind, reason: fallback, error: kind === 'memory' ? SPARE.memory : SPARE.timeout };
  limit = -Infinity;
  const was = active;
  active = false;
  try {
    const text = typeof reason === 'string' ? reason : reason();
    stop.reason = text;
    stop.error = new RangeError(text);
  } catch {
    // Wording the reason or making its error overflowed the stack: the stop holds, with the short wording.
  } finally {
    active = was;
  }
  throw stop.error;
}

/** Errors made in advance for a stop where no new one can be made (the bottom of the stack). */
const SPARE = { memory: new RangeError('ran out of memory'), timeout: new RangeError('did not finish within its work units') };

/** Refuses an allocation of `bytes` more (V8 heap or array buffers: they count together) that would pass the memory limit. */
export function reserve(bytes: number): void {
  if (!active || bytes < 1 << 20) return;
  const held = memoryHeld(false, bytes);
  if (held + bytes > memoryLimit) trip('memory', () => memoryReason(held + bytes));
}

function slow(): void {
  if (stop) throw stop.error;
  if (!active) {
    limit = -1;
    throw new Error('student code ran outside a call of the grader (a promise callback or a timer): only synchronous code is graded');
  }
  // Memory first: a built-in charged past the call's units (a doubling string's copy) may also hold too much; that is the verdict.
  if (units >= checkAt) {
    checkAt = units + CHECK_EVERY;
    const held = memoryHeld(false);
    if (held > memoryLimit) trip('memory', () => memoryReason(held));
    const now = performance.now();
    if (callSeenAt < 0) callSeenAt = now;
    if (now > wallEnd || now - callSeenAt > callWallMs) trip('timeout', () => reasonOf('wall', Math.round(now - callSeenAt)));
  }
  if (units > callEnd) trip('timeout', () => reasonOf('units', 0));
  limit = Math.min(callEnd, checkAt);
}

/** Memory the submission holds beyond the start (V8 heap and array buffers), after a collection when it (and `more`) looks too much. */
function memoryHeld(collected: boolean, more = 0): number {
  const stats = v8.getHeapStatistics();
  const held = stats.used_heap_size - heapBase + Math.max(0, stats.external_memory - externalBase);
  if (held + more <= memoryLimit || collected) return held;
  gc();
  gc();
  return memoryHeld(true, more);
}

function memoryReason(bytes: number): string {
  return `ran out of memory: it would hold ${mb(bytes)} of JavaScript memory, more than the sandbox's ${mb(memoryLimit)}`;
}

function mb(bytes: number): string {
  return bytes >= 1 << 20 ? `${Math.round(bytes / (1 << 20))} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

/** A full garbage collection, made available in this thread (V8's flag, read by a new context). */
function exposeGc(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
