// EventLog: the ordered record of what the engine did, as plain serializable values.
// The FreeNOS classes keep FreeNOS's signatures (numeric result codes, caller's range filled in
// place) and push what happened here; views, the timeline and the grader read it back.
// Nothing in the engine knows who is watching: a component with no log records nothing.

/** What kind of allocator metadata a `metadata` event wrote into emulated memory. */
export type MetadataKind = 'pool-header' | 'bitmap' | 'prefix' | 'postfix';

export type EngineEvent =
  /** An allocate() call and its outcome; `granted` is the size reported back when it differs. */
  | { type: 'allocate'; allocator: string; size: number; alignment: number; result: number; address: number; granted?: number }
  /** A release() call and its outcome. */
  | { type: 'release'; allocator: string; address: number; result: number }
  /** Bits `from`..`to` (inclusive) of a bitmap now hold `value`; `changed` of them flipped. */
  | { type: 'bits'; bitmap: string; from: number; to: number; value: boolean; changed: number }
  /** Allocator metadata written into emulated memory at [address, address + size). */
  | { type: 'metadata'; allocator: string; address: number; size: number; what: MetadataKind }
  /** A PoolAllocator pool came into being, or was given back to the parent. */
  | { type: 'pool'; allocator: string; op: 'create' | 'release'; index: number; address: number; size: number; objects: number; bitmapSize: number }
  /** A debug-build assertion failed (the engine then throws an AssertionError). */
  | { type: 'assertion'; allocator: string; operation: string; address: number; reason: string }
  /** Release build: the C code would have undefined behaviour here; the engine did nothing. */
  | { type: 'undefined'; allocator: string; operation: string; address: number; reason: string }
  /** A system call made on an allocator's behalf (PageAllocator's VMCtl MapSparse). */
  | { type: 'syscall'; caller: string; call: string; operation: number; virt: number; size: number; result: number }
  /** A page-directory or page-table entry at physical `address` now holds `value` (for virtual `virt`). */
  | { type: 'entry'; context: string; level: 'directory' | 'table'; address: number; value: number; virt: number }
  /** The process table changed: a process was created, removed (memory freed), or reaped. */
  | { type: 'process'; op: 'create' | 'remove' | 'exit' | 'reap'; pid: number; parent: number; status?: number }
  /** A translation through the MMU failed (PageFault value, or Fault for a table outside RAM). */
  | { type: 'pagefault'; root: number; virt: number; access: 'read' | 'write' | 'execute'; fault: number }
  /** A copy-on-write fault gave process `pid` its own page at `virt` (frame `from` -> `to`; equal when it was the last user). */
  | { type: 'cow'; pid: number; virt: number; from: number; to: number }
  /** The machine ran one script step of process `pid`; `outcome` says what it did. */
  | { type: 'step'; pid: number; op: string; outcome: string }
  /** A process printed a line. */
  | { type: 'console'; pid: number; text: string }
  /** An access outside physical memory: the access did nothing and returned the fault value. */
  | { type: 'fault'; operation: string; address: number; size: number };

export class EventLog {
  /** Every event so far, oldest first. Read it; append only through push(). */
  readonly events: EngineEvent[] = [];

  push(event: EngineEvent): void {
    this.events.push(event);
  }

  /** A position to pass to since(): the number of events recorded so far. */
  mark(): number {
    return this.events.length;
  }

  /** The events recorded after `mark`, as a new array. */
  since(mark: number): EngineEvent[] {
    return this.events.slice(mark);
  }

  /** Runs fn and returns its value together with exactly the events it recorded. */
  capture<T>(fn: () => T): { value: T; events: EngineEvent[] } {
    const mark = this.mark();
    const value = fn();
    return { value, events: this.since(mark) };
  }

  clear(): void {
    this.events.length = 0;
  }
}
