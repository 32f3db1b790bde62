// Timing helpers of the replay store, pure (the clock and the frame scheduler are passed in): a
// coalescer that keeps only the newest pending value and applies it once per animation frame, a
// latest-wins gate for requests, and how far playback advances in a frame at a given speed.

export type Schedule = (fn: (time: number) => void) => number;
export type Cancel = (handle: number) => void;

export interface Coalescer<T> {
  /** Keeps `value` as the one pending (dropping an older one) and asks for a frame if none is asked. */
  push(value: T): void;
  /** Applies the pending value now (if any) and cancels the frame asked for. */
  flush(): void;
  /** Drops the pending value and the frame asked for. */
  cancel(): void;
}

/** A coalescer applying at most one value per scheduled frame: the newest pushed before it. */
export function coalescer<T>(apply: (value: T) => void, schedule: Schedule, cancelFrame: Cancel): Coalescer<T> {
  let pending: { value: T } | null = null;
  let handle: number | null = null;
  const run = () => {
    handle = null;
    const next = pending;
    pending = null;
    if (next) apply(next.value);
  };
  return {
    push(value) {
      pending = { value };
      if (handle === null) handle = schedule(run);
    },
    flush() {
      if (handle !== null) cancelFrame(handle);
      run();
    },
    cancel() {
      if (handle !== null) cancelFrame(handle);
      handle = null;
      pending = null;
    },
  };
}

/** Latest-wins: each request takes a ticket; only the newest ticket's answer is to be used. */
export function latestGate() {
  let issued = 0;
  return {
    /** A new ticket (superseding every earlier one). */
    next(): number { return ++issued; },
    isLatest(ticket: number): boolean { return ticket === issued; },
  };
}

/**
 * Playback: operations to advance after `dtMs` at `speed` operations a second, carrying the
 * fraction (`carry`) to the next frame, at most `maxStep` at once (the rest is dropped, so a slow
 * frame does not make a big jump). Returns the whole step and the new carry.
 */
export function advance(carry: number, speed: number, dtMs: number, maxStep: number): { step: number; carry: number } {
  const total = carry + (Math.max(0, speed) * Math.max(0, dtMs)) / 1000;
  const whole = Math.floor(total);
  if (whole > maxStep) return { step: maxStep, carry: 0 };
  return { step: whole, carry: total - whole };
}

/** The largest step a frame may take at `speed` (as if frames were 1/30 s apart), at least 1. */
export function maxStepFor(speed: number): number {
  return Math.max(1, Math.ceil(speed / 30));
}

/** Operations a second from `done` operations in `ms` milliseconds (0 before any time passed). */
export function opsPerSecond(done: number, ms: number): number {
  return ms > 0 ? (done * 1000) / ms : 0;
}

/**
 * The cursor a finished replay opens at: `wanted` (the route's operation) within the states there
 * are (-1 .. done - 1, from 0 when there is one); at or after a failure that is the last state
 * (failure.op - 1, the operation before the failing one).
 */
export function initialCursor(wanted: number, done: number, failureOp: number | null): number {
  const last = done - 1;
  if (failureOp !== null && wanted >= failureOp) return Math.min(last, failureOp - 1);
  return Math.max(Math.min(0, last), Math.min(last, wanted));
}
