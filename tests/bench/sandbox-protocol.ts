// What the bench and its sandbox worker (sandbox-host.ts) say to each other, and the address hash
// both engines' replays are compared by.
import type { ReplayTarget } from '../../engine/grader/ReplayTarget';
import type { Trace } from '../../engine/workload/Trace';
import type { Program } from '../../electron/host/sandbox/program';
import type { SandboxOptions } from '../../electron/host/sandbox/SandboxTarget';

export type HostRequest =
  | { op: 'first'; program: Program; options: SandboxOptions }
  | { op: 'replay'; program: Program; options: SandboxOptions; trace: Trace }
  /** Times loading the 'ses' package alone (no lockdown after it: use a worker that does nothing else). */
  | { op: 'load-ses' };

export interface FirstAnswer {
  /** hardenWorker(): loading ses, the charged built-ins, lockdown. */
  lockdownMs: number;
  /** The first createSandboxTarget: a compartment, the program evaluated in it, the allocator's constructor. */
  targetMs: number;
  /** Its first malloc(16) and the address it gave. */
  mallocMs: number;
  address: number;
  /** A bare `new Compartment()` after that, and a second createSandboxTarget (what every later trace pays). */
  compartmentMs: number;
  nextTargetMs: number;
}

export interface ReplayAnswer {
  ok: boolean;
  failure: { kind: string; reason: string } | null;
  metrics: { work: number; utilization: number; operations: number; heapHighWater: number } | null;
  /** createSandboxTarget, then replay() with the checker, in this worker's clock. */
  startMs: number;
  ms: number;
  /** FNV-1a over every address malloc and realloc returned. */
  hash: number;
}

export const FNV_START = 0x811c9dc5;
export const fnv = (hash: number, value: number): number => Math.imul(hash ^ value, 16777619) >>> 0;

/** `target` seen through a forwarder that folds every address malloc and realloc return into a hash. */
export function hashing(target: ReplayTarget): { target: ReplayTarget; hash: () => number } {
  let hash = FNV_START;
  const fold = (address: number): number => ((hash = fnv(hash, address)), address);
  const wrapped: ReplayTarget = {
    name: target.name, hasRealloc: target.hasRealloc,
    malloc: (size) => fold(target.malloc(size)), free: (address) => target.free(address), realloc: (address, size) => fold(target.realloc(address, size)),
    heapBase: () => target.heapBase(), heapEnd: () => target.heapEnd(), peek8: (a) => target.peek8(a), poke8: (a, v) => target.poke8(a, v),
    peek32: (a) => target.peek32(a), poke32: (a, v) => target.poke32(a, v), work: () => target.work(), logs: () => target.logs(),
    ...(target.bytes ? { bytes: (a: number, n: number) => target.bytes!(a, n) } : {}),
  };
  return { target: wrapped, hash: () => hash };
}
