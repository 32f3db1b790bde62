// Conformance: runScenario drives a target call by call and stops at the first answer that differs
// from the oracle's, a throw or a timeout, naming the call; sameValue, show and callText are the
// comparison and the report's text. localApiTarget runs a class in-process as plain data.
import { describe, expect, it } from 'vitest';
import { callText, compareMemory, runScenario, sameValue, show, type ApiTarget, type MemoryCheck, type Scenario } from '../../../engine/grader/Conformance';
import { localApiTarget } from '../../../engine/grader/LocalApiTarget';
import { TargetError } from '../../../engine/grader/ReplayTarget';

const scenario: Scenario = {
  args: [],
  calls: [
    { method: 'add', args: [1] },
    { method: 'add', args: [2] },
    { method: 'peek', args: [] },
    { method: 'add', args: [0x10000] },
  ],
};
const expected: unknown[] = [1, 3, { total: 3, items: [1, 2] }, 0x10003];

/** A hand-made target: answers `answers[k]` for call k, or throws it when it is an Error; counts calls. */
function target(answers: unknown[], work = 0): ApiTarget & { called: string[] } {
  const called: string[] = [];
  let units = work;
  return {
    name: 'hand-made',
    called,
    invoke(method, args) {
      const k = called.length;
      called.push(`${method}(${args.join(',')})`);
      units += 2;
      const answer = answers[k];
      if (answer instanceof Error || typeof answer === 'string') throw answer;
      return answer;
    },
    work: () => units,
    logs: () => [],
  };
}

describe('runScenario', () => {
  it('passes a target that answers every call as the oracle, counting its work from the start', () => {
    const t = target([1, 3, { items: [1, 2], total: 3 }, 0x10003], 100);
    const result = runScenario(scenario, expected, t);
    expect(result).toEqual({ ok: true, calls: 4, failure: null, work: 8 });
    expect(t.called).toEqual(['add(1)', 'add(2)', 'peek()', 'add(65536)']);
  });

  it('stops at the first mismatch, naming the call, what was expected and what came back', () => {
    const t = target([1, 3, { total: 3, items: [2, 1] }, 0x10003]);
    const result = runScenario(scenario, expected, t);
    expect(result.ok).toBe(false);
    expect(result.calls).toBe(2);
    expect(result.work).toBe(6);
    expect(result.failure).toEqual({
      op: 2, call: 'peek()', expected: { total: 3, items: [1, 2] }, got: { total: 3, items: [2, 1] }, kind: 'mismatch',
      reason: 'peek() returned {"total":3,"items":[2,1]}, FreeNOS returns {"total":3,"items":[1,2]}',
    });
    expect(t.called).toHaveLength(3);
  });

  it('shows large numbers in hex in the reason', () => {
    const result = runScenario(scenario, expected, target([1, 3, expected[2], 0x10004]));
    expect(result.failure?.reason).toBe('add(0x10000) returned 0x10004, FreeNOS returns 0x10003');
    expect(result.failure?.got).toBe(0x10004);
  });

  it('turns a throw into a target failure with the error message, and a timeout TargetError into a timeout', () => {
    const threw = runScenario(scenario, expected, target([1, new TargetError('threw', 'add(2) threw RangeError: no')]));
    expect(threw.failure).toEqual({ op: 1, call: 'add(2)', expected: 3, got: undefined, reason: 'add(2) threw RangeError: no', kind: 'target' });
    expect(threw.calls).toBe(1);
    const late = runScenario(scenario, expected, target([new TargetError('timeout', 'add(1) took more than 2 s')]));
    expect(late.failure).toMatchObject({ op: 0, kind: 'timeout', reason: 'add(1) took more than 2 s' });
    const plain = runScenario(scenario, expected, target([1, 3, new Error('boom')]));
    expect(plain.failure).toMatchObject({ op: 2, kind: 'target', reason: 'boom' });
    const text = runScenario(scenario, expected, target(['a string']));
    expect(text.failure).toMatchObject({ op: 0, kind: 'target', reason: 'a string' });
  });

  it('fails a missing answer (undefined) against a value, and counts no work when work() throws', () => {
    const t = { ...target([1]), work: () => { throw new Error('dead'); } };
    const result = runScenario(scenario, expected, t);
    expect(result.failure).toMatchObject({ op: 1, kind: 'mismatch', reason: 'add(2) returned undefined, FreeNOS returns 3' });
    expect(result.work).toBe(0);
  });

  it('passes an empty scenario', () => {
    expect(runScenario({ args: [], calls: [] }, [], target([]))).toEqual({ ok: true, calls: 0, failure: null, work: 0 });
  });
});

describe('sameValue', () => {
  it('compares plain data deeply, numbers with ===', () => {
    expect(sameValue(0, -0)).toBe(true);
    expect(sameValue(NaN, NaN)).toBe(false);
    expect(sameValue(1, '1')).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue(undefined, null)).toBe(false);
    expect(sameValue([1, [2, { a: 3 }]], [1, [2, { a: 3 }]])).toBe(true);
    expect(sameValue([1, 2], [1, 2, 3])).toBe(false);
    expect(sameValue({ result: 0, address: 5 }, { address: 5, result: 0 })).toBe(true);
    expect(sameValue({ result: 0 }, { result: 0, address: 0 })).toBe(false);
    expect(sameValue({ a: undefined }, { b: undefined })).toBe(false);
    expect(sameValue([1, 2], { 0: 1, 1: 2 })).toBe(false);
  });
});

describe('show and callText', () => {
  it('shows JSON with hex from 4096 up, undefined as a word, and clips long values', () => {
    expect(show(undefined)).toBe('undefined');
    expect(show(4095)).toBe('4095');
    expect(show(4096)).toBe('0x1000');
    expect(show(-5000)).toBe('-5000');
    expect(show(1.5e4 + 0.5)).toBe('15000.5');
    expect(show({ address: 1e308 })).toBe('{"address":1e+308}'); // not 256 hex digits
    expect(show(2 ** 53)).toBe('9007199254740992');
    expect(show({ result: 0, address: 0xb0002e64 })).toBe('{"result":0,"address":0xB0002E64}');
    expect(show(['a', null, true])).toBe('["a",null,true]');
    // A string that looks like a hex address stays a quoted string: a student cannot pass it off as a number.
    expect(show({ address: '0x1000' })).toBe('{"address":"0x1000"}');
    expect(show('0X1000')).toBe('"0X1000"');
    const long = show(Array.from({ length: 100 }, (_, k) => k));
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
  });

  it('writes a call with decimal small numbers and hex addresses', () => {
    expect(callText({ method: 'allocate', args: [4096, 0] })).toBe('allocate(0x1000, 0)');
    expect(callText({ method: 'release', args: [0xb0002e64] })).toBe('release(0xB0002E64)');
    expect(callText({ method: 'available', args: [] })).toBe('available()');
    expect(callText({ method: 'f', args: [4095, -1, 5000.5] })).toBe('f(4095, -1, 5000.5)');
  });
});

describe('localApiTarget', () => {
  class Counter {
    total: number;
    constructor(start: number, readonly label: string) {
      if (start < 0) throw new RangeError('negative start');
      this.total = start;
    }
    add(n: number) {
      this.total += n;
      return { total: this.total, label: this.label, when: new Date(0) };
    }
    nothing(): void {}
    fn() {
      return () => 1;
    }
    big() {
      return 1n;
    }
    boom(): number {
      throw new Error('no');
    }
  }

  it('constructs with the arguments, returns plain data (a JSON round trip) and counts calls as work', () => {
    const t = localApiTarget(Counter, [10, 'c']);
    expect(t.name).toBe('Counter');
    expect(t.invoke('add', [5])).toEqual({ total: 15, label: 'c', when: '1970-01-01T00:00:00.000Z' });
    expect(t.invoke('nothing', [])).toBeUndefined();
    expect(t.work()).toBe(2);
    expect(t.logs()).toEqual([]);
    expect(localApiTarget(Counter, [0, ''], 'reference').name).toBe('reference');
  });

  it('turns throws, missing methods and values that are not data into TargetErrors', () => {
    expect(() => localApiTarget(Counter, [-1, ''])).toThrow(new TargetError('threw', "the class's constructor threw RangeError: negative start"));
    const t = localApiTarget(Counter, [0, '']);
    const error = (call: () => unknown): TargetError => {
      try {
        call();
      } catch (e) {
        if (e instanceof TargetError) return e;
      }
      throw new Error('expected a TargetError');
    };
    expect(error(() => t.invoke('boom', [1]))).toMatchObject({ kind: 'threw', message: 'boom(1) threw Error: no' });
    expect(error(() => t.invoke('release', []))).toMatchObject({ kind: 'invalid', message: 'no method release to call' });
    expect(error(() => t.invoke('total', []))).toMatchObject({ kind: 'invalid' });
    expect(error(() => t.invoke('fn', []))).toMatchObject({ kind: 'invalid', message: 'fn() returned a value that is not plain data (a function)' });
    expect(error(() => t.invoke('big', []))).toMatchObject({ kind: 'invalid', message: 'big() returned a value that is not plain data (a bigint)' });
  });
});

describe('runScenario with heap checks', () => {
  const bytes = new Map<number, number>();
  const read8 = (address: number): number => bytes.get(address) ?? 0;
  const word = (address: number, value: number): void => [0, 1, 2, 3].forEach((b) => bytes.set(address + b, (value >>> (8 * b)) & 255));
  const header: MemoryCheck = { address: 0x10000000, bytes: [1, 0, 0, 0, 0x10, 0, 0, 0], what: 'the header', words: ['the count', 'the bitmap size'] };

  it('passes when every region holds the engine\'s bytes, and compares nothing without checks', () => {
    bytes.clear();
    word(0x10000000, 1);
    word(0x10000004, 0x10);
    const checks: MemoryCheck[][] = [[], [header], [], []];
    expect(runScenario(scenario, expected, target(expected), { checks, read8 })).toMatchObject({ ok: true, calls: 4 });
    expect(compareMemory([header], read8)).toBeNull();
  });

  it('stops after the call whose region differs, naming the word, both values and the call', () => {
    bytes.clear();
    word(0x10000000, 1);
    word(0x10000004, 0x8);
    const checks: MemoryCheck[][] = [[], [], [header], []];
    const t = target(expected);
    const result = runScenario(scenario, expected, t, { checks, read8 });
    expect(result).toMatchObject({ ok: false, calls: 2 });
    expect(t.called).toHaveLength(3);
    expect(result.failure).toEqual({
      op: 2, call: 'peek()', expected: 0x10, got: 8, kind: 'mismatch',
      reason: 'after call 3, peek(), the header at 0x10000000 (word 1, the bitmap size, at 0x10000004) is 0x8, FreeNOS has 0x10',
    });
  });

  it('names word 0 without repeating the address, and bytes of regions off a word', () => {
    bytes.clear();
    expect(compareMemory([{ address: 0x20, bytes: [0x56, 0x2a, 0x31, 0xf7], what: 'the postfix' }], read8)!.text)
      .toBe('the postfix at 0x20 (word 0) is 0x0, FreeNOS has 0xF7312A56');
    expect(compareMemory([{ address: 0x21, bytes: [0, 7], what: 'a field' }], read8))
      .toEqual({ text: 'a field at 0x21 (byte 1, at 0x22) is 0x0, FreeNOS has 0x7', expected: 7, got: 0 });
  });

  it('answers come first: a wrong answer is reported as before, heap checks or not', () => {
    const result = runScenario(scenario, expected, target([1, 4, 0, 0]), { checks: [[], [header], [], []], read8: () => 0 });
    expect(result.failure!.reason).toBe('add(2) returned 4, FreeNOS returns 3');
  });
});
