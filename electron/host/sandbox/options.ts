// Sandbox options: what a sandbox target is given (heap layout, parent, limits, log caps) and the
// defaults filled in. A layout that cannot work is the caller's mistake: RangeError, not TargetError.
// Limits are counted in work units (meter.ts), so a verdict does not depend on the machine or its
// load; the wall clock is only a generous backstop for work no unit sees (a regular expression).
import { heapBaseOf } from '../../../engine/grader';

/** How many units a second of a test's time limit buys: a nominal speed, about this machine's on plain allocator code. */
export const UNITS_PER_SECOND = 100_000_000;

export interface SandboxOptions {
  /** Name in reports. Default 'student'. */
  name?: string;
  /** First heap address: nonzero, 16-aligned. Default 0x10000000, or 0xB0001000 for a 'pages' heap (FreeNOS's UserHeap). */
  heapBase?: number;
  /** Most bytes the heap may grow to (16 B to 1 GiB). Default 32 MiB. */
  heapLimit?: number;
  /** 'sbrk' grants exactly what grow() asks; 'pages' rounds up to 128 KiB steps. Default 'sbrk'. */
  parent?: 'sbrk' | 'pages';
  /** JavaScript memory (objects, strings, array buffers) the submission may hold besides its heap. Default 192 MiB. */
  memoryLimit?: number;
  /** Work units one call (malloc, free, a constructor, the top level) may use. Default 500 million (about 5 s at the nominal speed). */
  callUnits?: number;
  /** Wall-clock backstop of one call, in ms. Default 20 000. */
  callWallMs?: number;
  /**
   * A class with another API than malloc's (a conformance exercise): the methods it must have, and
   * the constructor's arguments (plain data), after the sandbox heap when withHeap (for a class that
   * keeps its metadata in memory), or after the services object when `services` (a harness's kernel
   * calls: each gets plain data, returns plain data, throws an Error the student sees as a RangeError).
   * Default null: a MallocAllocator.
   */
  api?: SandboxApi | null;
  /** Most log lines kept, and most characters per line. Defaults 200 and 500. */
  logLines?: number;
  logLineLength?: number;
}

export interface SandboxApi {
  methods: string[];
  args: unknown[];
  withHeap?: boolean;
  services?: Record<string, (...args: unknown[]) => unknown>;
}

export type SandboxSettings = Required<SandboxOptions>;

export const MiB = 1024 * 1024;

/** The options with every default filled in; throws RangeError for a heap that cannot be laid out. */
export function settle(options: SandboxOptions): SandboxSettings {
  const heapBase = options.heapBase ?? heapBaseOf(options.parent ?? 'sbrk');
  const heapLimit = options.heapLimit ?? 32 * MiB;
  if (!Number.isInteger(heapBase) || heapBase <= 0 || heapBase % 16 !== 0) throw new RangeError(`heapBase ${heapBase} must be a nonzero multiple of 16`);
  if (!Number.isInteger(heapLimit) || heapLimit < 16 || heapLimit > 1024 * MiB) throw new RangeError(`heapLimit ${heapLimit} must be an integer from 16 to 1 GiB`);
  if (heapBase + heapLimit > 2 ** 32) throw new RangeError('heapBase + heapLimit must not pass 2^32');
  const positive = (value: number | undefined, fallback: number, what: string): number => {
    const v = value ?? fallback;
    if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`${what} ${v} must be a positive integer`);
    return v;
  };
  return {
    name: options.name ?? 'student',
    heapBase,
    heapLimit,
    parent: options.parent ?? 'sbrk',
    memoryLimit: positive(options.memoryLimit, 192 * MiB, 'memoryLimit'),
    callUnits: positive(options.callUnits, 500_000_000, 'callUnits'),
    callWallMs: positive(options.callWallMs, 20_000, 'callWallMs'),
    logLines: positive(options.logLines, 200, 'logLines'),
    logLineLength: positive(options.logLineLength, 500, 'logLineLength'),
    api: options.api ?? null,
  };
}

/** '16 MiB' for whole MiB, else bytes. */
export function mib(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}

/** '1,500,000 units' (the thousands grouped). */
export function unitsText(units: number): string {
  return `${Math.round(units).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',')} units`;
}
