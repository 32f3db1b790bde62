// MemoryBus: what allocators and kernel code need from memory, in bytes and little-endian words.
// PhysicalMemory implements it; a process's MMU-translated view implements it too, so the same
// PoolAllocator code writes its headers into physical RAM or into a user heap.
import type { EventLog } from '../EventLog';

/**
 * The value an access returns when it cannot be done (outside physical memory, or, through
 * an MMU, an untranslatable address). Valid data is never negative, so `-1` is unambiguous.
 */
export const Fault = -1;
export type Fault = typeof Fault;

/** Access counters: the deterministic cost model scores throughput from these. */
export interface AccessCounters {
  reads: number;
  writes: number;
  bytesRead: number;
  bytesWritten: number;
  faults: number;
}

export interface MemoryBus {
  /** Where the components using this bus record events, or null for none. */
  log: EventLog | null;
  readonly counters: AccessCounters;
  /** Unsigned value at `address`, or Fault. */
  read8(address: number): number;
  read16(address: number): number;
  read32(address: number): number;
  /** 0 when written (the value is truncated to the width, as C would), or Fault. */
  write8(address: number, value: number): number;
  write16(address: number, value: number): number;
  write32(address: number, value: number): number;
  /** A copy of `size` bytes at `address`, or Fault (nothing is read partly). */
  read(address: number, size: number): Uint8Array | Fault;
  /** Writes all of `bytes`; returns the count, or Fault (then nothing is written). */
  write(address: number, bytes: Uint8Array): number;
  /** MemoryBlock::set: `size` bytes of `value & 0xFF`; returns size, or Fault. */
  fill(address: number, value: number, size: number): number;
  /** MemoryBlock::copy (overlap-safe); returns size, or Fault. */
  copy(destination: number, source: number, size: number): number;
  /** MemoryBlock::compare: true when the two ranges hold equal bytes, or Fault. */
  compare(a: number, b: number, size: number): boolean | Fault;
}
