// LocalApiTarget: a conformance exercise's class run in this JavaScript engine (no sandbox), for
// tests and the reference check; never for student code, which runs in the host's sandbox. Results
// go through a JSON round trip, so the runner sees the plain data a sandbox would hand back. Work
// units are the calls made. With withHeap, the class gets an sbrk heap in a host buffer (BufferHeap)
// as its first constructor argument, and the runner reads it back with peek8; with services (a
// harness subject's kernel calls), those are.
import type { ApiTarget } from './Conformance';
import { BufferHeap } from './LocalTarget';
import { TargetError } from './ReplayTarget';

/** Any class; it is constructed with the scenario's plain arguments. */
export type ApiClass = abstract new (...args: never[]) => object;

export interface LocalApiOptions {
  /** Build the class as new Class(heap, ...args) over a fresh BufferHeap at 0x10000000. */
  withHeap?: boolean;
  /** The heap's limit in bytes. Default 32 MiB. */
  heapLimit?: number;
  /** A harness's services (Conformance Harness): the class is built as new Class(services, ...args). */
  services?: Record<string, (...args: unknown[]) => unknown>;
}

/** An ApiTarget with the heap it was given (null without withHeap) and trusted reads of it. */
export type LocalApiTarget = ApiTarget & { heap: BufferHeap | null; peek8(address: number): number };

/** An ApiTarget over `new Class(...args)`; the constructor's throw is a TargetError ('threw'). */
export function localApiTarget(Class: ApiClass, args: unknown[], name: string = Class.name || 'local', options: LocalApiOptions = {}): LocalApiTarget {
  let instance: Record<string, unknown>;
  const heap = options.withHeap ? new BufferHeap({ limit: options.heapLimit }) : null;
  try {
    const first = heap ? [heap] : options.services ? [{ ...options.services }] : [];
    instance = new (Class as unknown as new (...a: unknown[]) => Record<string, unknown>)(...first, ...args);
  } catch (error) {
    throw new TargetError('threw', `the class's constructor threw ${describe(error)}`);
  }
  let calls = 0;
  return {
    name,
    invoke(method: string, callArgs: number[]): unknown {
      const what = `${method}(${callArgs.join(', ')})`;
      const fn = instance[method];
      if (typeof fn !== 'function') throw new TargetError('invalid', `no method ${method} to call`);
      calls++;
      let result: unknown;
      try {
        result = fn.apply(instance, callArgs);
      } catch (error) {
        throw new TargetError('threw', `${what} threw ${describe(error)}`);
      }
      if (result === undefined) return undefined;
      let text: string | undefined;
      try {
        text = JSON.stringify(result) as string | undefined;
      } catch {
        text = undefined; // a bigint, a cycle
      }
      if (text === undefined) throw new TargetError('invalid', `${what} returned a value that is not plain data (a ${typeof result})`);
      return JSON.parse(text) as unknown;
    },
    work: () => calls,
    logs: () => [],
    heap,
    peek8: (address: number) => (heap ? heap.peek(address, 1) : 0),
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `a ${typeof error}`;
}
