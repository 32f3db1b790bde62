// SandboxTarget: a student's compiled allocator running in a SES compartment of this worker, seen
// by the replay driver and the checker as a ReplayTarget (or, for an api exercise, as an ApiTarget).
// The compartment's only endowments are the hardened heap face or kernel services, a capped log
// and console; the checker reads the heap bytes directly (heap.ts). Every call runs under the meter
// (meter.ts): its units are the allocator's work, its budget ends endless loops the same way on any
// machine. Every failure becomes a TargetError made without running student code; after a stop
// (units, memory, wall clock) the target is dead. Runs only in a worker (realm.ts refuses the main thread).
import { type ApiTarget, callText, type ReplayTarget, TargetError } from '../../../engine/grader';
import { SandboxHeap } from './heap';
import { lowerHex } from '../../../engine/format';
import { clip, describeThrown, thrownText, valueText } from './messages';
import { charge, count, metered, reset, stopped, tick, unmetered } from './meter';
import { UNITS_PER_SECOND, mib, settle, unitsText, type SandboxApi, type SandboxOptions, type SandboxSettings } from './options';
import type { Program } from './program';
import { evaluateProgram, hardenWorker } from './realm';
import { stackPosition } from './sourceMap';

export type { SandboxOptions } from './options';

/** What a test's limit gives a target: shared by all its calls from now on. */
export interface SandboxBudget {
  setTimeLimit(ms: number): void;
  /** `units` work units and `wallMs` of wall clock (the backstop), from the test's limit of `limitMs` (named in messages). */
  setBudget(units: number, wallMs: number, limitMs: number): void;
  /** Units this target's code used in all, its top level included. */
  used(): number;
}

export interface SandboxTarget extends ReplayTarget, SandboxBudget {
  /** Frees the sandbox; safe at any time, any number of times. */
  dispose(): void;
}

/** A conformance exercise's class in the sandbox: constructed with `api.args` (after the heap or the services), called through invoke(). */
export interface SandboxApiTarget extends ApiTarget, SandboxBudget {
  dispose(): void;
  /** The sandbox heap, for a class built with api.withHeap: granted range and trusted reads (as ReplayTarget's). */
  heapBase(): number;
  heapEnd(): number;
  peek8(address: number): number;
  peek32(address: number): number;
}

/**
 * Starts `program` (compileSubmission's output) in a fresh compartment and constructs its default
 * export with the sandbox heap. Rejects with TargetError when the module or the constructor throws,
 * runs out of units or memory, or there is no default export class with malloc and free. Thrown
 * errors end with ' (at mm.ts:57:12 in malloc)'.
 */
export async function createSandboxTarget(program: Program, options: SandboxOptions = {}): Promise<SandboxTarget> {
  return start(program, { ...options, api: null });
}

/** Starts `program` and constructs its default export with `options.api.args`; rejects like createSandboxTarget. */
export async function createSandboxApiTarget(program: Program, options: SandboxOptions & { api: SandboxApi }): Promise<SandboxApiTarget> {
  return start(program, options);
}

async function start(program: Program, options: SandboxOptions): Promise<SesTarget> {
  hardenWorker();
  const target = new SesTarget(settle(options), program);
  target.start();
  return target;
}

/** The longest JSON text a conformance call may return. */
const MAX_RESULT = 64 * 1024;
type Method = (...args: unknown[]) => unknown;

class SesTarget implements SandboxTarget, SandboxApiTarget {
  readonly name: string;
  hasRealloc = false;
  private readonly heap: SandboxHeap;
  private instance: object | null = null;
  private methods: { malloc: Method; free: Method; realloc: Method | null } | null = null;
  private readonly apiMethods = new Map<string, Method>();
  /** Units of the allocator's own calls (its constructor included), and of all its code. */
  private spent = 0;
  private total = 0;
  /** The test's limit: the unit count and the time it ends at, and its length in ms. */
  private workEnd = Infinity;
  private wallEnd = Infinity;
  private limitMs = 0;
  private budgetUnits = 0;
  private readonly lines: string[] = [];
  private dropped = 0;
  private dead: string | null = null;

  constructor(private readonly s: SandboxSettings, private readonly program: Program) {
    this.name = s.name;
    // The heap is the lab's, not the submission's memory: made before the accounting starts.
    this.heap = new SandboxHeap(s.heapBase, s.heapLimit, s.parent);
    reset(s.memoryLimit);
  }

  /** Runs the submission's top level, then its constructor; throws TargetError. */
  start(): void {
    const { s } = this;
    const log = harden({ log: (...args: unknown[]) => this.record(args) }.log);
    const endowments = {
      console: harden({ log, info: log, warn: log, error: log, debug: log, trace: log }),
      __lab: harden({ log }),
    };
    const ns = this.call("the submission's top level", () => evaluateProgram(this.program, tick, endowments), false);
    const Class = this.call('loading the default export', () => defaultClass(ns), false);
    if (typeof Class === 'string') {
      throw new TargetError('invalid', `${Class === 'not-class' ? 'the default export is not a class' : 'the submission has no default export class'}: write \`export default class ... implements ${s.api ? 'the exercise\'s interface' : 'MallocAllocator'}\``);
    }
    const api = s.api;
    const instance = api
      ? this.call("the class's constructor", () => Reflect.construct(Class, [...(api.withHeap ? [this.heap.face] : api.services ? [this.services(api.services)] : []), ...plain(api.args)]) as object)
      : this.call("the allocator's constructor", () => Reflect.construct(Class, [this.heap.face]) as object);
    this.instance = instance;
    const method = (name: string): Method | null => {
      const f = this.call(`looking up ${name}`, () => (instance as Record<string, unknown>)[name], false);
      return typeof f === 'function' ? (f as Method) : null;
    };
    if (api) {
      for (const name of api.methods) {
        const f = method(name);
        if (!f) throw new TargetError('invalid', `the class has no ${name} method (it needs ${api.methods.join(', ')})`);
        this.apiMethods.set(name, f);
      }
      return;
    }
    const malloc = method('malloc'), free = method('free'), realloc = method('realloc');
    if (!malloc || !free) throw new TargetError('invalid', `the allocator has no ${malloc ? 'free' : 'malloc'} method`);
    this.methods = { malloc, free, realloc };
    this.hasRealloc = realloc !== null;
  }

  malloc(size: number): number {
    const m = this.methods!;
    return this.address(() => `malloc(${size})`, this.call(() => `malloc(${size})`, () => Reflect.apply(m.malloc, this.instance, [size])));
  }

  free(address: number): void {
    const m = this.methods!;
    this.call(() => `free(${lowerHex(address)})`, () => Reflect.apply(m.free, this.instance, [address]));
  }

  realloc(address: number, size: number): number {
    const realloc = this.methods?.realloc;
    if (!realloc) throw new TargetError('invalid', 'the allocator has no realloc method');
    const what = () => `realloc(${lowerHex(address)}, ${size})`;
    return this.address(what, this.call(what, () => Reflect.apply(realloc, this.instance, [address, size])));
  }

  /** A conformance call: the method's result as plain data (undefined when it returned nothing). */
  invoke(method: string, args: number[]): unknown {
    const fn = this.apiMethods.get(method);
    if (!fn) throw new TargetError('invalid', `no method ${method} to call`);
    const what = () => callText({ method, args });
    // The result is turned into text inside the call: its getters, toJSON or traps are the student's work.
    const text = this.call(what, () => {
      const result = Reflect.apply(fn, this.instance, plain(args));
      return result === undefined ? '~undefined' : (JSON.stringify(result) as string | undefined) ?? '~unserializable';
    });
    if (text === '~undefined') return undefined;
    if (text === '~unserializable') throw new TargetError('invalid', `${what()} returned a value that is not plain data (a function or a symbol)`);
    if (text.length > MAX_RESULT) throw new TargetError('invalid', `${what()} returned ${text.length} characters of data, more than the ${MAX_RESULT} allowed`);
    return JSON.parse(text) as unknown;
  }

  heapBase(): number { return this.s.heapBase; }
  heapEnd(): number { return this.heap.current(); }
  peek8(address: number): number { return this.heap.peek8(address); }
  poke8(address: number, value: number): void { this.heap.poke8(address, value); }
  peek32(address: number): number { return this.heap.peek32(address); }
  poke32(address: number, value: number): void { this.heap.poke32(address, value); }
  /** The checker's view of [address, address + size): the live bytes, not a copy. */
  bytes(address: number, size: number): Uint8Array { return this.heap.bytes(address, size); }

  work(): number { return this.spent; }

  setTimeLimit(ms: number): void {
    if (!(ms > 0)) throw new RangeError(`time limit ${ms} ms must be positive`);
    // The backstop: three times the limit and 5 s more (a loaded machine must not turn a pass into a failure).
    this.setBudget(Math.round((ms / 1000) * UNITS_PER_SECOND), 3 * ms + 5000, ms);
  }

  setBudget(units: number, wallMs: number, limitMs: number): void {
    if (!(units >= 0 && wallMs > 0 && limitMs > 0)) throw new RangeError(`a budget of ${units} units, ${wallMs} ms (limit ${limitMs} ms) is not possible`);
    this.limitMs = limitMs;
    this.budgetUnits = units;
    this.workEnd = count() + units;
    this.wallEnd = performance.now() + wallMs;
  }

  used(): number { return this.total; }

  logs(): string[] {
    return this.dropped > 0 ? [...this.lines, `… ${this.dropped} more lines dropped`] : [...this.lines];
  }

  dispose(): void {
    this.dead ??= 'it was disposed';
    this.instance = null;
    this.methods = null;
    this.heap.retire();
  }

  /**
   * Runs `run` as the student's code under the meter; its units count as work when `work`. Returns
   * its value, or throws the TargetError of what it threw or why it was stopped.
   */
  private call<T>(what: string | (() => string), run: () => T, work = true): T {
    if (this.dead) throw new TargetError('crash', `the sandbox is no longer usable: ${this.dead}`);
    const left = this.workEnd - count();
    if (left <= 0) throw this.kill('timeout', `the test's time limit (${seconds(this.limitMs)}) ran out before ${typeof what === 'string' ? what : what()}`);
    this.byTest = left < this.s.callUnits;
    const before = count();
    try {
      return metered(this.byTest ? left : this.s.callUnits, this.s.callWallMs, this.wallEnd, this.reason, run);
    } catch (error) {
      throw this.failure(typeof what === 'string' ? what : what(), error);
    } finally {
      if (work) this.spent += count() - before;
      this.total += count() - before;
    }
  }

  /** Whether the call running is bounded by the test's limit rather than its own budget (for the reason of a stop). */
  private byTest = false;

  /** The reason of a stop by units or by the wall clock (the call's name is added by failure()). */
  private readonly reason = (kind: 'units' | 'wall', ms: number): string => {
    const test = `the test's time limit (${seconds(this.limitMs)}`;
    if (kind === 'wall') {
      return `ran past the wall-clock backstop (${ms} ms in this call; ${this.wallEnd < Infinity ? `${test} allows ${seconds(3 * this.limitMs + 5000)})` : `a call may take ${seconds(this.s.callWallMs)}`}): it spent its time where no work unit is counted`;
    }
    return this.byTest
      ? `did not finish within ${test}: ${unitsText(this.budgetUnits)})`
      : `did not finish within ${unitsText(this.s.callUnits)}, the most one call may use (an endless loop?)`;
  };

  private failure(what: string, error: unknown): TargetError {
    const stop = stopped();
    if (stop) return this.kill(stop.kind, `${what} ${stop.reason}`);
    const described = describeThrown(error);
    const at = described.stack ? stackPosition(described.stack, this.program.map) : '';
    if (described.name === 'RangeError' && /^(Array buffer allocation failed|Invalid string length)/.test(described.message ?? '')) {
      // The operating system's or V8's own limit met first: a memory verdict all the same (the sandbox is spent).
      return this.kill('memory', `${what} ran out of memory: ${(described.message ?? '').toLowerCase()} (the process's limit came before the sandbox's ${mib(this.s.memoryLimit)})`);
    }
    if (described.name === 'RangeError' && described.message === 'Maximum call stack size exceeded') {
      return new TargetError('threw', `${what} threw: stack overflow (recursion too deep)${at}`);
    }
    return new TargetError('threw', `${what} threw ${thrownText(described)}${at}`);
  }

  private kill(kind: 'timeout' | 'memory', message: string): TargetError {
    this.dead = `an earlier call failed (${message})`;
    return new TargetError(kind, message);
  }

  /** A returned value that must be an address, or TargetError 'invalid' saying what it was. */
  private address(what: () => string, value: unknown): number {
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value;
    const text = valueText(value);
    throw new TargetError('invalid', `${what()} returned ${text}${typeof value === 'number' ? ', not an address (an integer from 0 to 2^32 - 1)' : ', not an address'}`);
  }

  /** One log line from the student's arguments (shown as strings, JSON or their own toString, all the student's work). */
  private record(args: unknown[]): void {
    charge(1);
    if (this.lines.length >= this.s.logLines) {
      this.dropped++;
      return;
    }
    const max = this.s.logLineLength;
    let line = '';
    for (let k = 0; k < args.length && line.length <= max; k++) line += (k > 0 ? ' ' : '') + show(args[k]);
    this.lines.push(clip(line, max));
  }

  /** A harness's kernel calls: plain data in, plain data out, the host's errors as RangeErrors. */
  private services(table: Record<string, (...args: unknown[]) => unknown>): object {
    const calls: Record<string, Method> = {};
    for (const name of Object.keys(table)) {
      const fn = table[name]!;
      calls[name] = { [name](...args: unknown[]): unknown {
        const text = JSON.stringify(args);
        const reply = unmetered(() => {
          try {
            const result = fn(...(JSON.parse(text ?? '[]') as unknown[]));
            return { text: result === undefined ? undefined : JSON.stringify(result) };
          } catch (error) {
            return { error: clip(error instanceof Error ? error.message : String(error), 500) };
          }
        });
        if ('error' in reply) throw new RangeError(reply.error);
        return reply.text === undefined ? undefined : JSON.parse(reply.text);
      } }[name]!;
    }
    return harden(calls);
  }
}

/** The namespace's default export if it is a class: else 'no-default' or 'not-class'. Student code (esbuild's getter) may run: call under the meter. */
function defaultClass(ns: unknown): (new (...args: unknown[]) => unknown) | 'no-default' | 'not-class' {
  if (ns === null || (typeof ns !== 'object' && typeof ns !== 'function')) return 'no-default';
  const C = (ns as { default?: unknown }).default;
  if (typeof C !== 'function') return 'no-default';
  try {
    Reflect.construct(function Empty() {}, [], C); // a constructor check that runs none of C's code
  } catch {
    return 'not-class';
  }
  return C as new (...args: unknown[]) => unknown;
}

/** A fresh copy of plain data (JSON's), made in the trusted code. */
function plain(values: unknown[]): unknown[] {
  return JSON.parse(JSON.stringify(values)) as unknown[];
}

/** How the log shows one value: strings as they are, plain objects and arrays as JSON, others by their toString. */
function show(x: unknown): string {
  if (typeof x === 'string') return x;
  if (x === null) return 'null';
  if (typeof x === 'symbol') return x.toString();
  if (typeof x !== 'object' && typeof x !== 'function') return String(x);
  try {
    const proto = Object.getPrototypeOf(x) as unknown;
    const s = Array.isArray(x) || proto === Object.prototype || proto === null ? JSON.stringify(x) : String(x);
    if (typeof s === 'string') return s;
  } catch {
    /* fall through to the tag */
  }
  try {
    return Object.prototype.toString.call(x);
  } catch {
    return '[object]';
  }
}

/** '2.5 s' or '800 ms'. */
function seconds(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(3)} s` : `${ms} ms`;
}
