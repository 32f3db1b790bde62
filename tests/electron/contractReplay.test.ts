// The replay methods' argument checks (electron/contractReplay.ts) through checkCall: replayStart's
// request (exercise, trace by name or generator with its options and the operation limit, subject),
// replayFrame's op and heap window, replayCharts' range and buckets, replayBlock's address, every
// replay id, and replayPolicies' request (the paper's policies named as the engine names them); good values pass, bad ones are refused with a message naming the argument and the field.
import { describe, expect, it } from 'vitest';
import { checkCall } from '../../electron/contract';
import { PAPER_POLICIES } from '../../electron/contractPolicies';
import {
  heapWindow, MAX_CHART_BUCKETS, MAX_HEAP_CELLS, MAX_REPLAY_OPS, replayAddress, replayBuckets, replayId, replayOp, replayRequest,
} from '../../electron/contractReplay';
import { PAPER_POLICY_IDS, paperPolicy } from '../../engine/workload/paperPolicies';

const ID = 'replay-12-lzx9ab';
const GENERATED_TRACE = { generator: 'randomSizes', options: { ops: 30_000, seed: 3 } };
const request = (patch: Record<string, unknown> = {}) => ({
  exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops: 30_000, seed: 3 } }, subject: { code: 'reference' }, ...patch,
});

describe('replay ids', () => {
  it('accepts the host\'s ids and refuses anything else, in every method that takes one', () => {
    for (const good of [ID, 'replay-1-0', 'replay-999-abc123']) expect(replayId(good)).toBeNull();
    for (const bad of ['', 'replay-', 'replay-1', 'replay-x-abc', 'replay-1-ABC', 'replay-1-a b', ' replay-1-a', 'machine-1-a', 42, null, undefined, {}]) {
      expect(replayId(bad)).toBe('must be a replay id');
    }
    expect(checkCall('replayStop', [ID])).toBeNull();
    expect(checkCall('replayClose', [ID])).toBeNull();
    expect(checkCall('replayStop', ['nope'])).toBe('replayStop: args[0] (replayId): must be a replay id');
    expect(checkCall('replayClose', [7])).toBe('replayClose: args[0] (replayId): must be a replay id');
    expect(checkCall('replayFrame', ['x', 0, { cells: 10 }])).toBe('replayFrame: args[0] (replayId): must be a replay id');
    expect(checkCall('replayCharts', [null, 0, 10, 5])).toBe('replayCharts: args[0] (replayId): must be a replay id');
    expect(checkCall('replayBlock', ['replay', 0, 0])).toBe('replayBlock: args[0] (replayId): must be a replay id');
  });

  it('counts the arguments', () => {
    expect(checkCall('replayStop', [])).toBe('replayStop: takes 1 argument, got 0');
    expect(checkCall('replayFrame', [ID, 0])).toBe('replayFrame: takes 3 arguments, got 2');
    expect(checkCall('replayCharts', [ID, 0, 1, 2, 3])).toBe('replayCharts: takes 4 arguments, got 5');
  });
});

describe('replayFrame: op and heap window', () => {
  it('accepts ops from -1 to MAX_REPLAY_OPS - 1 and windows with cells and optional from/to', () => {
    for (const op of [-1, 0, 1, 12345, MAX_REPLAY_OPS - 1]) expect(checkCall('replayFrame', [ID, op, { cells: 64 }])).toBeNull();
    for (const window of [{ cells: 1 }, { cells: MAX_HEAP_CELLS }, { cells: 8, from: 0 }, { cells: 8, to: 1 }, { cells: 8, from: 0xb0001000, to: 0xb0001010 },
      { cells: 8, from: 2 ** 53 - 1, to: 2 ** 53 }, { cells: 8, from: undefined }]) {
      expect(checkCall('replayFrame', [ID, 0, window])).toBeNull();
    }
  });

  it('refuses an op that is not an integer in range, naming op', () => {
    const message = `replayFrame: args[1] (op): must be an operation index (an integer from -1 to ${MAX_REPLAY_OPS - 1})`;
    for (const op of [-2, MAX_REPLAY_OPS, 1.5, Number.NaN, Infinity, '3', null]) {
      expect(replayOp(op)).not.toBeNull();
      expect(checkCall('replayFrame', [ID, op, { cells: 10 }])).toBe(message);
    }
  });

  it('refuses a window that is not an object, with unknown fields, bad cells, bad addresses or an empty range, naming the field', () => {
    const bad: [unknown, string][] = [
      [null, 'must be { cells, from?, to? }'],
      [[], 'must be { cells, from?, to? }'],
      [10, 'must be { cells, from?, to? }'],
      [{ cells: 10, zoom: 2 }, 'zoom: not a field of a heap window (cells, from, to)'],
      [{}, `cells must be an integer from 1 to ${MAX_HEAP_CELLS}`],
      [{ cells: 0 }, `cells must be an integer from 1 to ${MAX_HEAP_CELLS}`],
      [{ cells: MAX_HEAP_CELLS + 1 }, `cells must be an integer from 1 to ${MAX_HEAP_CELLS}`],
      [{ cells: 2.5 }, `cells must be an integer from 1 to ${MAX_HEAP_CELLS}`],
      [{ cells: '10' }, `cells must be an integer from 1 to ${MAX_HEAP_CELLS}`],
      [{ cells: 10, from: -1 }, 'from must be an address (a whole number ≥ 0)'],
      [{ cells: 10, from: 1.5 }, 'from must be an address (a whole number ≥ 0)'],
      [{ cells: 10, from: '0' }, 'from must be an address (a whole number ≥ 0)'],
      [{ cells: 10, from: null }, 'from must be an address (a whole number ≥ 0)'],
      [{ cells: 10, to: 2 ** 53 + 2 }, 'to must be an address (a whole number ≥ 0)'],
      [{ cells: 10, to: Infinity }, 'to must be an address (a whole number ≥ 0)'],
      [{ cells: 10, from: 100, to: 100 }, 'to must be above from'],
      [{ cells: 10, from: 100, to: 50 }, 'to must be above from'],
    ];
    for (const [window, message] of bad) {
      expect(heapWindow(window)).toBe(message);
      expect(checkCall('replayFrame', [ID, 0, window])).toBe(`replayFrame: args[2] (window): ${message}`);
    }
  });
});

describe('replayCharts and replayBlock', () => {
  it('accepts a range of ops and 1 to MAX_CHART_BUCKETS buckets; refuses others naming from, to or buckets', () => {
    expect(checkCall('replayCharts', [ID, 0, 30_000, 1])).toBeNull();
    expect(checkCall('replayCharts', [ID, -1, MAX_REPLAY_OPS - 1, MAX_CHART_BUCKETS])).toBeNull();
    expect(checkCall('replayCharts', [ID, -5, 10, 10])).toMatch(/^replayCharts: args\[1\] \(from\): must be an operation index/);
    expect(checkCall('replayCharts', [ID, 0, 0.5, 10])).toMatch(/^replayCharts: args\[2\] \(to\): must be an operation index/);
    for (const buckets of [0, MAX_CHART_BUCKETS + 1, 2.5, '10', null]) {
      expect(replayBuckets(buckets)).toBe(`must be an integer from 1 to ${MAX_CHART_BUCKETS}`);
      expect(checkCall('replayCharts', [ID, 0, 10, buckets])).toBe(`replayCharts: args[3] (buckets): must be an integer from 1 to ${MAX_CHART_BUCKETS}`);
    }
  });

  it('accepts whole addresses from 0 to 2^53 and refuses others naming address', () => {
    for (const address of [0, 1, 0xb0001000, 2 ** 53]) expect(checkCall('replayBlock', [ID, 3, address])).toBeNull();
    for (const address of [-1, 0.5, 2 ** 53 + 2, Number.NaN, '0xb0001000', null]) {
      expect(replayAddress(address)).toBe('must be an address (a whole number ≥ 0)');
      expect(checkCall('replayBlock', [ID, 3, address])).toBe('replayBlock: args[2] (address): must be an address (a whole number ≥ 0)');
    }
    expect(checkCall('replayBlock', [ID, -3, 0])).toMatch(/^replayBlock: args\[1\] \(op\)/);
  });
});

describe('replayStart: the request', () => {
  const start = (r: unknown) => checkCall('replayStart', [r]);

  it('accepts every subject and both kinds of trace', () => {
    const good: unknown[] = [
      request(),
      request({ trace: { trace: 'random-uniform' } }),
      request({ trace: { generator: 'binaryPathology', options: {} } }),
      request({ trace: { generator: 'randomSizes', options: { ops: MAX_REPLAY_OPS, order: 'fifo', seed: 1 } } }),
      request({ subject: { code: 'submission', source: 'export default class A {}' } }),
      request({ subject: { code: 'submission', source: '' } }),
      request({ subject: { code: 'starter' } }),
      request({ exercise: '08-fragmentation', subject: { code: 'engine', config: { fit: 'best' } } }),
      request({ subject: { code: 'engine', config: {} } }),
      request({ subject: { code: 'submission', source: 'x'.repeat(1_000_000) } }),
      ...PAPER_POLICY_IDS.map((policy) => request({ subject: { code: 'policy', policy } })),
    ];
    for (const r of good) expect(start(r)).toBeNull();
  });

  it('refuses a request with a message naming the field', () => {
    const bad: [unknown, string][] = [
      [null, 'must be { exercise, trace, subject }'],
      [[request()], 'must be { exercise, trace, subject }'],
      [request({ exercise: '../07-malloc' }), 'exercise must be an exercise id (letters, digits, . _ -)'],
      [request({ exercise: '' }), 'exercise must be an exercise id (letters, digits, . _ -)'],
      [request({ exercise: 7 }), 'exercise must be an exercise id (letters, digits, . _ -)'],
      [request({ trace: 'peak' }), 'trace must be { trace } or { generator, options }'],
      [request({ trace: null }), 'trace must be { trace } or { generator, options }'],
      [request({ trace: { trace: '' } }), 'trace.trace must be a trace name (1 to 200 characters)'],
      [request({ trace: { trace: 'x'.repeat(201) } }), 'trace.trace must be a trace name (1 to 200 characters)'],
      [request({ trace: { trace: 3 } }), 'trace.trace must be a trace name (1 to 200 characters)'],
      [request({ trace: {} }), 'trace.generator must be a generator name'],
      [request({ trace: { generator: 'random sizes', options: {} } }), 'trace.generator must be a generator name'],
      [request({ trace: { generator: '1abc', options: {} } }), 'trace.generator must be a generator name'],
      [request({ trace: { generator: 'randomSizes' } }), 'trace.options must be an object of numbers and strings'],
      [request({ trace: { generator: 'randomSizes', options: [3] } }), 'trace.options must be an object of numbers and strings'],
      [request({ trace: { generator: 'randomSizes', options: { ops: true } } }), 'trace.options.ops must be a number or a short string'],
      [request({ trace: { generator: 'randomSizes', options: { seed: null } } }), 'trace.options.seed must be a number or a short string'],
      [request({ trace: { generator: 'randomSizes', options: { order: 'x'.repeat(101) } } }), 'trace.options.order must be a number or a short string'],
      [request({ trace: { generator: 'randomSizes', options: { ops: MAX_REPLAY_OPS + 1 } } }), `trace.options.ops must be at most ${MAX_REPLAY_OPS}`],
      [request({ subject: null }), "subject must be { code: 'submission', source }, { code: 'reference' }, { code: 'starter' }, { code: 'engine', config } or { code: 'policy', policy }"],
      [request({ subject: { code: 'submission' } }), 'subject.source must be a string (at most 1 MB)'],
      [request({ subject: { code: 'submission', source: 'x'.repeat(1_000_001) } }), 'subject.source must be a string (at most 1 MB)'],
      [request({ subject: { code: 'engine' } }), 'subject.config must be an object (TuningConfig fields)'],
      [request({ subject: { code: 'engine', config: ['best'] } }), 'subject.config must be an object (TuningConfig fields)'],
      [request({ subject: { code: 'engine', config: { x: 'y'.repeat(70_000) } } }), 'subject.config must be an object (TuningConfig fields)'],
      [request({ subject: { code: 'solution' } }), "subject.code must be 'submission', 'reference', 'starter', 'engine' or 'policy'"],
      [request({ subject: {} }), "subject.code must be 'submission', 'reference', 'starter', 'engine' or 'policy'"],
      [request({ subject: { code: 'policy', policy: 'worst-fit' } }), `subject.policy must be one of ${PAPER_POLICY_IDS.join(', ')}`],
      [request({ subject: { code: 'policy' } }), `subject.policy must be one of ${PAPER_POLICY_IDS.join(', ')}`],
    ];
    for (const [r, message] of bad) {
      expect(replayRequest(r)).toBe(message);
      expect(start(r)).toBe(`replayStart: args[0] (request): ${message}`);
    }
  });

  it('names the paper\'s policies as the engine does, and replayPolicies takes an exercise and a trace', () => {
    expect(PAPER_POLICIES).toEqual(PAPER_POLICY_IDS.map((id) => ({ id, label: paperPolicy(id).label })));
    expect(checkCall('replayPolicies', [{ exercise: '07-malloc', trace: { trace: 'peak' } }])).toBeNull();
    expect(checkCall('replayPolicies', [{ exercise: '07-malloc', trace: GENERATED_TRACE }])).toBeNull();
    expect(checkCall('replayPolicies', [null])).toBe('replayPolicies: args[0] (request): must be { exercise, trace }');
    expect(checkCall('replayPolicies', [{ exercise: '../x', trace: { trace: 'peak' } }])).toBe('replayPolicies: args[0] (request): exercise must be an exercise id (letters, digits, . _ -)');
    expect(checkCall('replayPolicies', [{ exercise: '07-malloc', trace: { generator: 'ramp', options: { ops: MAX_REPLAY_OPS + 1 } } }]))
      .toBe(`replayPolicies: args[0] (request): trace.options.ops must be at most ${MAX_REPLAY_OPS}`);
  });

  it('holds the operation limit for ops given as a numeric string too (generators read "3000000" as 3000000)', () => {
    // The generators turn a string that spells a number into that number (generatorKit's numeric), so the
    // limit must hold for it as well; otherwise a 10-million-operation replay gets past MAX_REPLAY_OPS.
    expect(start(request({ trace: { generator: 'randomSizes', options: { ops: String(MAX_REPLAY_OPS + 1) } } }))).toBe(
      `replayStart: args[0] (request): trace.options.ops must be at most ${MAX_REPLAY_OPS}`,
    );
    expect(start(request({ trace: { generator: 'randomSizes', options: { ops: '5000' } } }))).toBeNull();
  });
});
