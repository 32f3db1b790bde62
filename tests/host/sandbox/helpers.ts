// Test helpers for the sandbox: compile-and-start a TypeScript submission in this file's sandbox
// worker (remote.ts), collect the TargetError a call or a start-up ends with, replay a trace or
// evaluate a tune submission there, and close the worker after the file. Also the bump allocator
// the tests use as a well-behaved submission.
import { afterAll } from 'vitest';
import { TargetError } from '../../../engine/grader/ReplayTarget';
import type { Trace } from '../../../engine/workload/Trace';
import { compileSubmission } from '../../../electron/host/sandbox/compile';
import type { DataResult, EvaluateOptions } from '../../../electron/host/sandbox/evaluateData';
import type { SandboxOptions } from '../../../electron/host/sandbox/options';
import type { Program } from '../../../electron/host/sandbox/program';
import type { ReplayFailure, TraceMetrics } from '../../../engine/grader/Replay';
import type { StartRequest } from './jobs/targetHost';
import { RemoteTarget, SandboxWorker } from './remote';

export { RemoteTarget } from './remote';

/** This test file's sandbox worker (one per file, closed after it). */
export const sandbox = new SandboxWorker();
afterAll(() => sandbox.close());

/** Compiles `source` as `file`; throws a plain Error if it does not compile. */
export async function compiled(source: string, file = 'student.ts'): Promise<Program> {
  const result = await compileSubmission(source, file);
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n'));
  return result;
}

/** Compiles `source` as student.ts and starts it in the sandbox worker. */
export async function start(source: string, options: SandboxOptions = {}, api?: StartRequest['api'], file = 'student.ts'): Promise<RemoteTarget> {
  return RemoteTarget.start(sandbox, { program: await compiled(source, file), options, api });
}

/** The TargetError that starting `source` rejects with. */
export async function startFailure(source: string, options: SandboxOptions = {}, api?: StartRequest['api']): Promise<TargetError> {
  return failure(() => start(source, options, api));
}

/** The TargetError that `call` rejects with. */
export async function failure(call: () => Promise<unknown>): Promise<TargetError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof TargetError) return error;
    throw error;
  }
  throw new Error('expected a TargetError');
}

export interface RemoteReplay {
  ok: boolean;
  failure: ReplayFailure | null;
  metrics: TraceMetrics;
  logs: string[];
}

/** Replays `trace` against `program` started fresh in the sandbox worker. */
export async function replayIn(program: Program, trace: Trace, options: SandboxOptions = {}, checkAll = false): Promise<RemoteReplay> {
  return (await sandbox.request({ op: 'replay', request: { program, options }, trace, checkAll })) as RemoteReplay;
}

/** evaluateData of `program` in the sandbox worker. */
export async function evaluateIn(program: Program, options: EvaluateOptions = {}): Promise<DataResult> {
  return (await sandbox.request({ op: 'evaluate', program, options })) as DataResult;
}

/** A submission whose class body is `body` (the constructor keeps the heap as this.heap). */
export function allocator(body: string, prologue = ''): string {
  return `import type { Heap, MallocAllocator } from 'freenos-lab';
${prologue}
export default class Student implements MallocAllocator {
  constructor(readonly heap: Heap) {}
  ${body}
  free(_address: number): void {}
}
`;
}

/** A correct bump allocator: 16-byte header holding the size, 16-aligned payloads, never reuses. */
export const BUMP = `import type { Heap, MallocAllocator } from 'freenos-lab';
import { log } from 'freenos-lab';

export default class Bump implements MallocAllocator {
  private next: number;

  constructor(private readonly heap: Heap) {
    this.next = heap.base;
  }

  malloc(size: number): number {
    if (size <= 0) return 0;
    const block = (size + 16 + 15) & ~15;
    while (this.heap.end() - this.next < block) {
      if (this.heap.grow(Math.max(block, 4096)) === 0) return 0;
    }
    this.heap.write32(this.next, size);
    const payload = this.next + 16;
    this.next += block;
    return payload;
  }

  free(address: number): void {
    if (address === 0) return;
    log('free', address, 'size', this.heap.read32(address - 16), 'word', this.heap.read32(address));
  }
}
`;
