// QuickJSTarget: a student's compiled allocator running in its own QuickJS instance (WebAssembly),
// seen by the replay driver and the checker as a ReplayTarget. The heap bytes live inside QuickJS
// (see prelude.ts); the host keeps the break, handles to the instance's methods and to the trusted
// accessors, a per-call deadline, and a count of QuickJS's interrupt polls as the work measure.
// Every failure becomes a TargetError whose message never ran student code on the host side;
// after a timeout, running out of memory or a host-level fault, the target is dead ('crash').
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten-core';
import { callText, type ApiTarget } from '../../../engine/grader/Conformance';
import { TargetError, type ReplayTarget } from '../../../engine/grader/ReplayTarget';
import { clip, hex, thrownText, valueText } from './messages';
import { mib, settle, type SandboxApi, type SandboxOptions, type SandboxSettings } from './options';
import { PRELUDE } from './prelude';
import { stackPosition } from './sourceMap';
import { newQuickJSInstance } from './wasm';

export type { SandboxOptions } from './options';

export interface SandboxTarget extends ReplayTarget {
  /** From now on, every call fails with 'timeout' once `ms` milliseconds have passed (a test's time limit). */
  setTimeLimit(ms: number): void;
  /** Frees the sandbox; safe at any time, any number of times. */
  dispose(): void;
}

/**
 * Starts `code` (compileSubmission's output) in a fresh QuickJS instance and constructs its default
 * export with the sandbox heap. Rejects with TargetError when the module or the constructor throws,
 * times out or runs out of memory, or there is no default export class with malloc and free. With
 * options.sourceMap (compileSubmission's map), thrown errors end with ' (at mm.ts:57:12 in malloc)'.
 */
export async function createSandboxTarget(code: string, options: SandboxOptions = {}): Promise<SandboxTarget> {
  return start(code, { ...options, api: null });
}

/** A conformance exercise's class in the sandbox: constructed with `api.args` (after the heap or the services), called through invoke(). */
export interface SandboxApiTarget extends ApiTarget {
  setTimeLimit(ms: number): void;
  dispose(): void;
  /** The sandbox heap, for a class built with api.withHeap: granted range and trusted reads (as ReplayTarget's). */
  heapBase(): number;
  heapEnd(): number;
  peek8(address: number): number;
  peek32(address: number): number;
}

/** Starts `code` and constructs its default export with `options.api.args`; rejects like createSandboxTarget. */
export async function createSandboxApiTarget(code: string, options: SandboxOptions & { api: SandboxApi }): Promise<SandboxApiTarget> {
  return start(code, options);
}

async function start(code: string, options: SandboxOptions): Promise<QuickJSTarget> {
  const settings = settle(options);
  const target = new QuickJSTarget(await newQuickJSInstance(settings.memoryLimit), settings);
  try {
    target.start(code);
  } catch (error) {
    target.dispose();
    throw error;
  }
  return target;
}

const PAGE_STEP = 128 * 1024;
const TRUSTED = ['peek8', 'poke8', 'peek32', 'poke32', 'getDefault', 'instantiate', 'instantiateWith', 'callJson', 'method', 'describe', 'droppedLines', 'call1', 'call2', 'takeBad'] as const;
/** The longest JSON text a conformance call may return. */
const MAX_RESULT = 64 * 1024;
type Trusted = Record<(typeof TRUSTED)[number], QuickJSHandle>;
type Result = { value: QuickJSHandle; error?: undefined } | { error: QuickJSHandle };

class QuickJSTarget implements SandboxTarget, SandboxApiTarget {
  readonly name: string;
  hasRealloc = false;
  private readonly rt: QuickJSRuntime;
  private readonly ctx: QuickJSContext;
  private readonly owned: QuickJSHandle[] = [];
  private trusted: Trusted | null = null;
  private instance: QuickJSHandle | null = null;
  private methods: { malloc: QuickJSHandle; free: QuickJSHandle; realloc: QuickJSHandle | null } | null = null;
  private readonly apiMethods = new Map<string, QuickJSHandle>();
  private end: number;
  private deadline = 0;
  private interrupted = false;
  /** The test's time limit: the time it ends (Infinity when none) and its length in ms. */
  private limitAt = Infinity;
  private limitMs = 0;
  /** Interrupt polls during the allocator's own calls (the checker's accessor calls are not its work). */
  private polls = 0;
  private counting = false;
  private readonly lines: string[] = [];
  private hostDropped = 0;
  private sandboxDropped = 0;
  private dead: string | null = null;
  private crashed = false;
  private disposed = false;

  constructor(module: QuickJSWASMModule, private readonly s: SandboxSettings) {
    this.name = s.name;
    this.end = s.heapBase;
    this.rt = module.newRuntime();
    this.rt.setMaxStackSize(256 * 1024); // larger stacks overflow the host's own stack (toolchain notes §4)
    this.rt.setMemoryLimit(s.memoryLimit);
    this.rt.setInterruptHandler(() => {
      if (this.counting) this.polls++;
      if (Date.now() <= this.deadline) return false;
      this.interrupted = true;
      return true;
    });
    this.ctx = this.rt.newContext();
  }

  /** Runs the prelude, then the submission, then its constructor; throws TargetError. */
  start(code: string): void {
    const { ctx, s } = this;
    const grow = this.own(ctx.newFunction('hostGrow', (n) => ctx.newNumber(this.grant(n && ctx.typeof(n) === 'number' ? ctx.getNumber(n) : NaN))));
    const log = this.own(ctx.newFunction('hostLog', (line) => { if (line && ctx.typeof(line) === 'string') this.record(ctx.getString(line)); }));
    const service = this.own(ctx.newFunction('hostService', (name, args) => ctx.newString(this.serve(name, args))));
    const factory = this.own(this.check('the sandbox prelude', this.guard(() => ctx.evalCode(PRELUDE, 'lab-prelude.js', { type: 'global', strict: true }))));
    const numbers = [s.heapBase, s.heapLimit, s.logLineLength, s.logLines].map((n) => this.own(ctx.newNumber(n)));
    const where = `a ${s.heapLimit}-byte heap in a sandbox limited to ${mib(s.memoryLimit)}`;
    const api = this.own(this.check(where, this.guard(() => ctx.callFunction(factory, ctx.undefined, [grow, log, ...numbers, service]))));
    this.trusted = Object.fromEntries(TRUSTED.map((key) => [key, this.own(this.guard(() => ctx.getProp(api, key)))])) as Trusted;

    const ns = this.own(this.check("the submission's top level", this.guard(() => ctx.evalCode(code, 'submission.js', { type: 'global' }))));
    const Class = this.own(this.call('loading the default export', this.trusted.getDefault, [ns]));
    if (ctx.typeof(Class) === 'string') {
      const notClass = ctx.getString(Class) === 'not-class';
      throw new TargetError('invalid', `${notClass ? 'the default export is not a class' : 'the submission has no default export class'}: write \`export default class ... implements ${s.api ? 'the exercise\'s interface' : 'MallocAllocator'}\``);
    }
    const instance = this.own(this.counted(() => s.api
      ? this.call("the class's constructor", this.trusted!.instantiateWith, [Class, this.own(ctx.newString(JSON.stringify(s.api.args))), s.api.withHeap ? 1 : 0,
        s.api.services ? this.own(ctx.newString(JSON.stringify(Object.keys(s.api.services)))) : ctx.undefined])
      : this.call("the allocator's constructor", this.trusted!.instantiate, [Class])));
    this.instance = instance;
    const method = (name: string): QuickJSHandle | null => {
      const h = this.own(this.call(`looking up ${name}`, this.trusted!.method, [instance, this.own(ctx.newString(name))]));
      return ctx.typeof(h) === 'function' ? h : null;
    };
    if (s.api) {
      for (const name of s.api.methods) {
        const h = method(name);
        if (!h) throw new TargetError('invalid', `the class has no ${name} method (it needs ${s.api.methods.join(', ')})`);
        this.apiMethods.set(name, h);
      }
      return;
    }
    const malloc = method('malloc'), free = method('free'), realloc = method('realloc');
    if (!malloc || !free) throw new TargetError('invalid', `the allocator has no ${malloc ? 'free' : 'malloc'} method`);
    this.methods = { malloc, free, realloc };
    this.hasRealloc = realloc !== null;
  }

  malloc(size: number): number {
    return this.counted(() => this.address(() => `malloc(${size})`, this.trusted!.call1, [this.methods!.malloc, this.instance!, size]));
  }

  free(address: number): void {
    this.counted(() => this.call(() => `free(${hex(address)})`, this.methods!.free, [address], this.instance!)).dispose();
  }

  realloc(address: number, size: number): number {
    const realloc = this.methods?.realloc;
    if (!realloc) throw new TargetError('invalid', 'the allocator has no realloc method');
    return this.counted(() => this.address(() => `realloc(${hex(address)}, ${size})`, this.trusted!.call2, [realloc, this.instance!, address, size]));
  }

  /** A conformance call: the method's result as plain data (undefined when it returned nothing). */
  invoke(method: string, args: number[]): unknown {
    const fn = this.apiMethods.get(method);
    if (!fn) throw new TargetError('invalid', `no method ${method} to call`);
    const what = () => callText({ method, args });
    const json = this.ctx.newString(JSON.stringify(args));
    try {
      const text = this.counted(() => this.call(what, this.trusted!.callJson, [fn, this.instance!, json])).consume((h) => (this.ctx.typeof(h) === 'string' ? this.ctx.getString(h) : ''));
      if (text === '~undefined') return undefined;
      if (text === '~unserializable') throw new TargetError('invalid', `${what()} returned a value that is not plain data (a function or a symbol)`);
      if (text.length > MAX_RESULT) throw new TargetError('invalid', `${what()} returned ${text.length} characters of data, more than the ${MAX_RESULT} allowed`);
      return JSON.parse(text) as unknown;
    } finally {
      json.dispose();
    }
  }

  heapBase(): number { return this.s.heapBase; }
  heapEnd(): number { return this.end; }

  peek8(address: number): number {
    return this.inside(address, 1) ? this.number(this.call('peek8', this.trusted!.peek8, [address])) : 0;
  }
  poke8(address: number, value: number): void {
    if (this.inside(address, 1)) this.call('poke8', this.trusted!.poke8, [address, value & 255]).dispose();
  }
  peek32(address: number): number {
    return this.inside(address, 4) ? this.number(this.call('peek32', this.trusted!.peek32, [address])) : 0;
  }
  poke32(address: number, value: number): void {
    if (this.inside(address, 4)) this.call('poke32', this.trusted!.poke32, [address, value >>> 0]).dispose();
  }

  work(): number { return this.polls; }

  setTimeLimit(ms: number): void {
    if (!(ms > 0)) throw new RangeError(`time limit ${ms} ms must be positive`);
    this.limitMs = ms;
    this.limitAt = Date.now() + ms;
  }

  logs(): string[] {
    this.refreshDropped();
    const dropped = this.hostDropped + this.sandboxDropped;
    return dropped > 0 ? [...this.lines, `… ${dropped} more lines dropped`] : [...this.lines];
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.dead ??= 'it was disposed';
    if (this.crashed) return; // a faulted WebAssembly instance is not touched again; GC takes it
    try {
      for (const handle of this.owned) if (handle.alive) handle.dispose();
      this.ctx.dispose();
      this.rt.dispose();
    } catch {
      this.crashed = true;
    }
  }

  /** Whether any byte of [address, address + size) may be granted (the sandbox checks each byte). */
  private inside(address: number, size: number): boolean {
    return Number.isInteger(address) && address + size > this.s.heapBase && address < this.end;
  }

  /**
   * A service call from the sandbox (api.services[name] with the JSON arguments): its result as JSON,
   * '~undefined', or '!' and the message of what it threw (the prelude throws that as a RangeError).
   */
  private serve(nameHandle: QuickJSHandle | undefined, argsHandle: QuickJSHandle | undefined): string {
    const text = (h: QuickJSHandle | undefined) => (h && this.ctx.typeof(h) === 'string' ? this.ctx.getString(h) : '');
    const name = text(nameHandle);
    const fn = this.s.api?.services && Object.hasOwn(this.s.api.services, name) ? this.s.api.services[name] : undefined;
    if (!fn) return `!kernel.${name}: no such call`;
    try {
      const args = JSON.parse(text(argsHandle) || '[]') as unknown[];
      const result = fn(...args);
      return result === undefined ? '~undefined' : JSON.stringify(result);
    } catch (error) {
      return `!${clip(error instanceof Error ? error.message : String(error), 500)}`;
    }
  }

  /** grow(bytes) from the sandbox: the new end, or 0 when refused. */
  private grant(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0) return 0;
    const step = this.s.parent === 'pages' ? Math.ceil(bytes / PAGE_STEP) * PAGE_STEP : bytes;
    if (this.end - this.s.heapBase + step > this.s.heapLimit) return 0;
    this.end += step;
    return this.end;
  }

  private record(line: string): void {
    if (this.lines.length >= this.s.logLines) this.hostDropped++;
    else this.lines.push(clip(line, this.s.logLineLength));
  }

  /** The count of lines the sandbox's log dropped (kept as it was when the target is dead). */
  private refreshDropped(): void {
    if (this.dead || !this.trusted) return;
    try {
      this.sandboxDropped = this.number(this.call('counting dropped lines', this.trusted.droppedLines, []));
    } catch {
      /* keep the last count */
    }
  }

  private own(handle: QuickJSHandle): QuickJSHandle {
    this.owned.push(handle);
    return handle;
  }

  private number(handle: QuickJSHandle): number {
    return handle.consume((h) => (this.ctx.typeof(h) === 'number' ? this.ctx.getNumber(h) : 0));
  }

  /** Calls fn in the sandbox under a fresh deadline: the result handle (the caller disposes it). */
  private call(what: string | (() => string), fn: QuickJSHandle, args: (number | QuickJSHandle)[], thisValue?: QuickJSHandle): QuickJSHandle {
    if (this.dead) throw new TargetError('crash', `the sandbox is no longer usable: ${this.dead}`);
    if (Date.now() > this.limitAt) throw this.kill('timeout', `the test's time limit (${seconds(this.limitMs)}) ran out before ${typeof what === 'string' ? what : what()}`);
    const ctx = this.ctx;
    const made: QuickJSHandle[] = [];
    const handles = args.map((a) => {
      if (typeof a !== 'number') return a;
      const h = ctx.newNumber(a);
      made.push(h);
      return h;
    });
    try {
      return this.check(what, this.guard(() => ctx.callFunction(fn, thisValue ?? ctx.undefined, handles)));
    } finally {
      for (const h of made) h.dispose();
    }
  }

  /** Runs a QuickJS operation with a fresh deadline; a host-level exception kills the target. */
  private guard<T>(operation: () => T): T {
    this.interrupted = false;
    this.deadline = Math.min(Date.now() + this.s.callDeadlineMs, this.limitAt);
    try {
      return operation();
    } catch (error) {
      this.crashed = true;
      this.dead = 'the sandbox crashed';
      const message = error instanceof Error ? error.message : String(error);
      throw new TargetError('crash', `the sandbox crashed: ${clip(message, 500)}`);
    }
  }

  /** The value of a call or eval, or throws the TargetError its exception means. */
  private check(what: string | (() => string), result: Result): QuickJSHandle {
    if (!result.error) return result.value;
    const error = result.error;
    try {
      throw this.failure(typeof what === 'string' ? what : what(), error);
    } finally {
      if (error.alive) error.dispose();
    }
  }

  private failure(what: string, error: QuickJSHandle): TargetError {
    const memory = `the sandbox's limit is ${mib(this.s.memoryLimit)}`;
    if (this.interrupted && this.deadline === this.limitAt) return this.kill('timeout', `${what} was stopped: the test's time limit (${seconds(this.limitMs)}) ran out`);
    if (this.interrupted) return this.kill('timeout', `${what} did not return within ${this.s.callDeadlineMs} ms`);
    const described = this.trusted ? this.describe(error) : null;
    if (!described) {
      if (this.interrupted) return new TargetError('threw', `${what} threw a value that could not be described in time`);
      return this.kill('memory', `${what} ran out of memory (${memory})`);
    }
    const { ctx } = this;
    const part = (k: number): string | null => ctx.getProp(described, k).consume((h) => (ctx.typeof(h) === 'string' ? ctx.getString(h) : null));
    const [type, name, message, stack] = [part(0) ?? '', part(1), part(2), part(3)];
    described.dispose();
    const at = stack !== null && this.s.sourceMap ? stackPosition(stack, this.s.sourceMap) : '';
    // QuickJS throws null when it cannot even allocate the error object (or the student threw null).
    if (type === 'null') return this.kill('memory', `${what} ran out of memory or threw null (${memory})`);
    if (name === 'InternalError' && message === 'out of memory') return this.kill('memory', `${what} ran out of memory (${memory})`);
    if (name === 'InternalError' && message === 'stack overflow') return new TargetError('threw', `${what} threw: stack overflow (recursion too deep)${at}`);
    return new TargetError('threw', `${what} threw ${thrownText(type, name, message)}${at}`);
  }

  /** describe(error) in the sandbox within the failed call's own deadline; null if that failed too. */
  private describe(error: QuickJSHandle): QuickJSHandle | null {
    const deadline = this.deadline;
    const result = this.guard(() => {
      this.deadline = deadline;
      return this.ctx.callFunction(this.trusted!.describe, this.ctx.undefined, error);
    });
    if (!result.error) return result.value;
    result.error.dispose();
    return null;
  }

  private kill(kind: 'timeout' | 'memory', message: string): TargetError {
    if (kind === 'timeout') this.refreshDropped();
    this.dead = `an earlier call failed (${message})`;
    return new TargetError(kind, message);
  }

  /** Runs one of the allocator's own calls with its interrupt polls counted as work. */
  private counted<T>(call: () => T): T {
    this.counting = true;
    try {
      return call();
    } finally {
      this.counting = false;
    }
  }

  /** Calls an allocator method through call1/call2, which return the address or -1 for anything else. */
  private address(what: () => string, via: QuickJSHandle, args: (number | QuickJSHandle)[]): number {
    const value = this.call(what, via, args).consume((h) => this.ctx.getNumber(h));
    if (Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value;
    const returned = this.call('takeBad', this.trusted!.takeBad, []).consume((h) => {
      const text = valueText(this.ctx, h);
      return this.ctx.typeof(h) === 'number' ? `${text}, not an address (an integer from 0 to 2^32 - 1)` : `${text}, not an address`;
    });
    throw new TargetError('invalid', `${what()} returned ${returned}`);
  }
}

/** '2.5 s' or '800 ms'. */
function seconds(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(3)} s` : `${ms} ms`;
}
