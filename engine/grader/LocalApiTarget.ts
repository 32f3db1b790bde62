// LocalApiTarget: a conformance exercise's class run in this JavaScript engine (no sandbox), for
// tests and the reference check; never for student code, which runs in the QuickJS sandbox. Results
// go through a JSON round trip, so the runner sees the plain data a sandbox would hand back. Work
// units are the calls made.
import type { ApiTarget } from './Conformance';
import { TargetError } from './ReplayTarget';

/** Any class; it is constructed with the scenario's plain arguments. */
export type ApiClass = abstract new (...args: never[]) => object;

/** An ApiTarget over `new Class(...args)`; the constructor's throw is a TargetError ('threw'). */
export function localApiTarget(Class: ApiClass, args: unknown[], name: string = Class.name || 'local'): ApiTarget {
  let instance: Record<string, unknown>;
  try {
    instance = new (Class as unknown as new (...a: unknown[]) => Record<string, unknown>)(...args);
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
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : `a ${typeof error}`;
}
