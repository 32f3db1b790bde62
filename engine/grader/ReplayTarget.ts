// ReplayTarget: what the replay driver and the checker need from an allocator under test, whoever
// runs it (the engine in-process, or a student's code in the sandbox). The checker reads
// and writes heap bytes through trusted accessors that the allocator's own code cannot replace, so
// a payload check cannot be forged. Every call may throw TargetError: the allocator threw, ran out
// of time or memory, or returned something that is not a number; the replay then fails that
// operation with the error's message.

export class TargetError extends Error {
  /** 'threw': the allocator's code threw; 'timeout': deadline passed; 'memory': memory limit; 'invalid': bad return value; 'crash': the sandbox died. */
  constructor(readonly kind: 'threw' | 'timeout' | 'memory' | 'invalid' | 'crash', message: string) {
    super(message);
    this.name = 'TargetError';
  }
}

export interface ReplayTarget {
  /** Name in reports: 'reference', 'student', an engine allocator's name. */
  readonly name: string;
  /** Whether the allocator has its own realloc (else the driver emulates it with malloc, copy, free). */
  readonly hasRealloc: boolean;
  malloc(size: number): number;
  free(address: number): void;
  /** Only called when hasRealloc. */
  realloc(address: number, size: number): number;
  /** The heap granted so far: [base, end). */
  heapBase(): number;
  heapEnd(): number;
  /**
   * Trusted heap access for the checker: a byte, or a little-endian 32-bit word at any byte address.
   * Only [base, end) is reachable: reads outside return 0, writes outside are ignored.
   */
  peek8(address: number): number;
  poke8(address: number, value: number): void;
  peek32(address: number): number;
  poke32(address: number, value: number): void;
  /**
   * Optional fast path for the checker: the live bytes [address, address + size) as a view (not a
   * copy), or a shorter view when part of the range is outside [base, end).
   */
  bytes?(address: number, size: number): Uint8Array;
  /** Deterministic work done by the allocator so far (counted operations; same code and input, same count). */
  work(): number;
  /** Lines the allocator logged (capped), oldest first. */
  logs(): string[];
}
