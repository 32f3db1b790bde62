// printable: a student's string stays one line in a report, with nothing a terminal or a reader
// would obey or misread: line breaks, escape sequences, NUL, bidi overrides and zero-width characters
// become visible escapes; everything else (accents, CJK, emoji) is left alone.
import { describe, expect, it } from 'vitest';
import { describeOutcome, scoreTest, type TraceOutcome } from '../../../engine/grader/Grade';
import { printable } from '../../../engine/grader/Printable';

describe('printable', () => {
  it('escapes controls, bidi and zero-width characters and keeps the rest', () => {
    expect(printable('ok\n[PASS] 1 fake (10 / 10)')).toBe('ok\\x0a[PASS] 1 fake (10 / 10)');
    expect(printable('a\rb\u0000c\u001b[2Jd\tz')).toBe('a\\x0db\\x00c\\x1b[2Jd\\x09z');
    expect(printable('\u202Etxt.exe\u202C \u200Bx\uFEFF\u2066y\u2069\u0085')).toBe('\\u{202E}txt.exe\\u{202C} \\u{200B}x\\u{FEFF}\\u{2066}y\\u{2069}\\x85');
    expect(printable('café 日本 🙂 — “quotes”')).toBe('café 日本 🙂 — “quotes”');
  });

  it('keeps a failure reason that quotes the student on its verdict line', () => {
    const o: TraceOutcome = {
      trace: 't', file: 't.rep', ok: false, metrics: null, logs: ['fine', 'x\n[PASS] 1 t (10 / 10)'], ms: 1,
      failure: { op: 3, line: 5, where: 't.rep:5', operation: 'a 1 16', kind: 'target', reason: 'malloc threw: boom\n[PASS] everything' },
    };
    expect(describeOutcome(o)).toBe('t: FAILED at operation 3 (t.rep:5: a 1 16): malloc threw: boom\\x0a[PASS] everything');
    const result = scoreTest({ name: 't', number: '1', kind: 'correctness', visibility: 'visible', traces: ['t'], points: 10, timeLimitMs: 1000, partialCredit: false }, [o], {}, { utilization: { min: 0, max: 1 }, throughput: { min: 0, max: 1 } });
    expect(result.output.split('\n').filter((line) => line.includes('[PASS]'))).toEqual([
      't: FAILED at operation 3 (t.rep:5: a 1 16): malloc threw: boom\\x0a[PASS] everything',
      '  | x\\x0a[PASS] 1 t (10 / 10)',
    ]);
  });
});
