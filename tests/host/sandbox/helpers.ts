// Test helpers for the sandbox: compile-and-start a TypeScript submission, collect the TargetError a
// call or a start-up ends with, and dispose every target a test made. Also the bump allocator the
// tests use as a well-behaved submission.
import { afterEach } from 'vitest';
import { TargetError } from '../../../engine/grader/ReplayTarget';
import { compileSubmission } from '../../../electron/host/sandbox/compile';
import { createSandboxTarget, type SandboxOptions, type SandboxTarget } from '../../../electron/host/sandbox/QuickJSTarget';

const live: SandboxTarget[] = [];
afterEach(() => {
  for (const target of live.splice(0)) target.dispose();
});

/** Compiles `source` as student.ts and starts it with its source map; throws a plain Error if it does not compile. */
export async function start(source: string, options: SandboxOptions = {}): Promise<SandboxTarget> {
  const compiled = await compileSubmission(source, 'student.ts');
  if (!compiled.ok) throw new Error(compiled.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join('\n'));
  const target = await createSandboxTarget(compiled.code, { sourceMap: compiled.map, ...options });
  live.push(target);
  return target;
}

/** The TargetError that starting `source` rejects with. */
export async function startFailure(source: string, options: SandboxOptions = {}): Promise<TargetError> {
  try {
    await start(source, options);
  } catch (error) {
    if (error instanceof TargetError) return error;
    throw error;
  }
  throw new Error('expected the submission to fail at start-up');
}

/** The TargetError that `call` throws. */
export function failure(call: () => unknown): TargetError {
  try {
    call();
  } catch (error) {
    if (error instanceof TargetError) return error;
    throw error;
  }
  throw new Error('expected a TargetError');
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
