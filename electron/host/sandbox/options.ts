// Sandbox options: what a QuickJS target is given (heap layout, parent, limits, log caps) and the
// defaults filled in. A layout that cannot work is the caller's mistake: RangeError, not TargetError.
import { heapBaseOf } from '../../../engine/grader/LocalTarget';
import type { SubmissionMap } from './sourceMap';

export interface SandboxOptions {
  /** Name in reports. Default 'student'. */
  name?: string;
  /** First heap address: nonzero, 16-aligned. Default 0x10000000, or 0xB0001000 for a 'pages' heap (FreeNOS's UserHeap). */
  heapBase?: number;
  /** Most bytes the heap may grow to (16 B to 1 GiB). Default 32 MiB. */
  heapLimit?: number;
  /** 'sbrk' grants exactly what grow() asks; 'pages' rounds up to 128 KiB steps. Default 'sbrk'. */
  parent?: 'sbrk' | 'pages';
  /** Memory the sandbox may use beyond QuickJS's fixed 16 MiB, the heap included. Default heapLimit + 64 MiB. */
  memoryLimit?: number;
  /** Deadline of each host→sandbox call. Default 2000 ms. */
  callDeadlineMs?: number;
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
  /** compileSubmission's map of the code: errors thrown by it then name the student's line. Default none. */
  sourceMap?: SubmissionMap | null;
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
  const memoryLimit = options.memoryLimit ?? heapLimit + 64 * MiB;
  if (!(Number.isInteger(memoryLimit) && memoryLimit > 0 && memoryLimit <= 2048 * MiB)) throw new RangeError(`memoryLimit ${memoryLimit} must be an integer from 1 byte to 2 GiB`);
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
    memoryLimit,
    callDeadlineMs: positive(options.callDeadlineMs, 2000, 'callDeadlineMs'),
    logLines: positive(options.logLines, 200, 'logLines'),
    logLineLength: positive(options.logLineLength, 500, 'logLineLength'),
    api: options.api ?? null,
    sourceMap: options.sourceMap ?? null,
  };
}

/** '16 MiB' for whole MiB, else bytes. */
export function mib(bytes: number): string {
  return bytes % MiB === 0 ? `${bytes / MiB} MiB` : `${bytes} bytes`;
}
