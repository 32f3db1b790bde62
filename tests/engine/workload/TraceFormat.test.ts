// TraceFormat (engine/workload/TraceFormat.ts): malloc-lab traces with 2002 and 2016 headers (CRLF,
// blank lines, `f -1`, sizes above 4 GiB), the variant rule, the lab format (comments, directives,
// phases), every error as a TraceError with its exact `file:line: reason`, the writers' round trips
// and peakLivePayload on a case worked by hand.
import { describe, expect, it } from 'vitest';
import {
  TraceError, parseTrace, peakLivePayload, writeLabTrace, writeMallocLabTrace, type ParseTraceOptions,
} from '../../../engine/workload/TraceFormat';
import { OpKind, traceOf, type Trace } from '../../../engine/workload/Trace';

const { Alloc, Realloc, Free } = OpKind;

/** Operations as [kind, id, size, line] rows. */
function rows(trace: Trace): number[][] {
  return Array.from({ length: trace.length }, (_, k) => [trace.kind[k]!, trace.id[k]!, trace.size[k]!, trace.line[k]!]);
}

/** The TraceError parseTrace throws for `text` (fails the test when it throws anything else or nothing). */
function errorOf(text: string, file: string, options?: ParseTraceOptions): TraceError {
  try {
    parseTrace(text, file, options);
  } catch (error) {
    if (error instanceof TraceError) return error;
    throw error;
  }
  throw new Error(`parseTrace accepted ${JSON.stringify(text.slice(0, 80))}`);
}

/** The TraceError a writer throws. */
function writeError(write: () => string): TraceError {
  try {
    write();
  } catch (error) {
    if (error instanceof TraceError) return error;
    throw error;
  }
  throw new Error('the writer accepted the trace');
}

/** Every field but `line` (which follows the text's layout), arrays as plain arrays. */
function fields(trace: Trace): Record<string, unknown> {
  return {
    name: trace.name, file: trace.file, format: trace.format, alignment: trace.alignment, weight: trace.weight,
    ids: trace.ids, statedPeak: trace.statedPeak, phases: trace.phases, length: trace.length,
    kind: Array.from(trace.kind), id: Array.from(trace.id), size: Array.from(trace.size),
  };
}

/** Lines joined with `eol`, ending with one. */
function text(lines: string[], eol = '\n'): string {
  return lines.join(eol) + eol;
}

describe('parseTrace: malloc-lab traces', () => {
  it('reads a trace saved with a UTF-8 byte-order mark, as text or as latin1 bytes, like one without', () => {
    const plain = parseTrace(text(['20000', '3', '5', '1', 'a 0 2040', 'a 1 8', 'r 0 4072', 'f 1', 'a 2 0']), 'bom.rep');
    expect(rows(parseTrace(`\uFEFF${text(['20000', '3', '5', '1', 'a 0 2040', 'a 1 8', 'r 0 4072', 'f 1', 'a 2 0'])}`, 'bom.rep'))).toEqual(rows(plain));
    expect(rows(parseTrace(`\u00EF\u00BB\u00BF${text(['20000', '3', '5', '1', 'a 0 2040', 'a 1 8', 'r 0 4072', 'f 1', 'a 2 0'])}`, 'bom.rep'))).toEqual(rows(plain));
  });

  it('reads a 2002 trace: heap size on line 1, weight on line 4, alignment 8', () => {
    const trace = parseTrace(text(['20000', '3', '5', '1', 'a 0 2040', 'a 1 8', 'r 0 4072', 'f 1', 'a 2 0']), 'traces/amptjp-bal.rep');
    expect(trace).toMatchObject({
      name: 'amptjp-bal', file: 'traces/amptjp-bal.rep', format: 'malloc-lab-2002', alignment: 8, weight: null,
      ids: 3, statedPeak: null, phases: [], length: 5,
    });
    expect(rows(trace)).toEqual([
      [Alloc, 0, 2040, 5], [Alloc, 1, 8, 6], [Realloc, 0, 4072, 7], [Free, 1, 0, 8], [Alloc, 2, 0, 9],
    ]);
    expect(trace.kind).toBeInstanceOf(Uint8Array);
    expect(trace.id).toBeInstanceOf(Int32Array);
    expect(trace.size).toBeInstanceOf(Float64Array);
    expect(trace.line).toBeInstanceOf(Uint32Array);
    expect(trace.kind.length).toBe(5);
  });

  it('reads a 2016 trace with CRLF, f -1 and a size above 4 GiB: weight on line 1, peak on line 4, alignment 16', () => {
    const trace = parseTrace(text(['2', '2', '5', '8589934600', 'a 0 8589934592', 'f -1', 'a 1 8', 'r 1 0', 'f 0'], '\r\n'), 'C:\\labs\\traces\\bigsize.rep');
    expect(trace).toMatchObject({
      name: 'bigsize', format: 'malloc-lab-2016', alignment: 16, weight: 2, ids: 2, statedPeak: 8589934600, phases: [],
    });
    expect(rows(trace)).toEqual([
      [Alloc, 0, 8589934592, 5], [Free, -1, 0, 6], [Alloc, 1, 8, 7], [Realloc, 1, 0, 8], [Free, 0, 0, 9],
    ]);
  });

  it('skips blank lines (also inside the header) and extra spaces and tabs; line numbers stay the file\'s', () => {
    const trace = parseTrace('\n1 \r\n\t2\n\n2\n  100  \n\na\t0   7 \r\n\n  f  1\t\n\n', 'dir/mixed.trace.rep');
    expect(trace.name).toBe('mixed.trace');
    expect(trace.format).toBe('malloc-lab-2016');
    expect(rows(trace)).toEqual([[Alloc, 0, 7, 8], [Free, 1, 0, 10]]);
  });

  it('accepts the largest size 2^53-1, leading zeros, a byte-order mark, and a name without extension', () => {
    const trace = parseTrace('\ufeff20000\n1\n2\n1\na 00 9007199254740991\nf 0\n', 'noext');
    expect(trace.name).toBe('noext');
    expect(rows(trace)).toEqual([[Alloc, 0, 9007199254740991, 5], [Free, 0, 0, 6]]);
  });

  it('accepts a trace with no operations and no ids, and one with only f -1', () => {
    expect(parseTrace('20000\n0\n0\n1\n', 'empty.rep')).toMatchObject({ ids: 0, length: 0, format: 'malloc-lab-2002' });
    expect(rows(parseTrace('20000\n0\n2\n1\nf -1\nf -1\n', 'null.rep'))).toEqual([[Free, -1, 0, 5], [Free, -1, 0, 6]]);
  });

  it('tells the variants apart: line 1 in 0..3 and line 4 above 1 is 2016; line 1 in 4..20 then is a bad weight', () => {
    const variant = (first: number, fourth: number) => {
      try {
        return parseTrace(text([String(first), '1', '1', String(fourth), 'a 0 8']), 'v.rep').format;
      } catch (error) {
        return (error as Error).message;
      }
    };
    expect(variant(0, 2)).toBe('malloc-lab-2016');
    expect(variant(3, 123456)).toBe('malloc-lab-2016');
    expect(variant(1, 1)).toBe('malloc-lab-2002');
    expect(variant(3, 0)).toBe('malloc-lab-2002');
    expect(variant(20000, 1)).toBe('malloc-lab-2002');
    expect(variant(20000, 5)).toBe('malloc-lab-2002');
    expect(variant(21, 2)).toBe('malloc-lab-2002');
    expect(variant(4, 2)).toBe('v.rep:1: weight 4 is above 3');
    expect(variant(7, 100)).toBe('v.rep:1: weight 7 is above 3');
    expect(variant(20, 2)).toBe('v.rep:1: weight 20 is above 3');
    expect(variant(7, 1)).toBe('malloc-lab-2002');
  });

  it('names the file, the line and the bad token for every operation error', () => {
    const header = ['20000', '3', '2', '1'];
    const cases: [string, string][] = [
      ['x 0 1', "unknown operation 'x' (expected a, r or f)"],
      ['A 0 1', "unknown operation 'A' (expected a, r or f)"],
      ['alloc 0 1', "unknown operation 'alloc' (expected a, r or f)"],
      ['a', "'a' is missing the id and the size"],
      ['r 0', "'r 0' is missing the size"],
      ['f', "'f' is missing the id"],
      ['f 0 5', "unexpected '5' after 'f 0'"],
      ['a 0 1 2', "unexpected '2' after 'a 0 1'"],
      ['a 0 12abc', "size '12abc' is not an integer"],
      ['a 0 -5', "size '-5' is negative"],
      ['a 0 -0', "size '-0' is negative"],
      ['a 0 1e400', "size '1e400' is not an integer"],
      ['a 0 0x10', "size '0x10' is not an integer"],
      ['a 0 +5', "size '+5' is not an integer"],
      ['a 0 1.5', "size '1.5' is not an integer"],
      ['a 0 \u0661\u0662', "size '\u0661\u0662' is not an integer"],
      ['a 0 9007199254740992', 'size 9007199254740992 is above 2^53-1'],
      ['a 0 99999999999999999999', 'size 99999999999999999999 is above 2^53-1'],
      ['a x 1', "id 'x' is not an integer"],
      ['f 1abc', "id '1abc' is not an integer"],
      ['a -1 1', "id -1 (free(NULL)) is only allowed with 'f'"],
      ['r -1 1', "id -1 (free(NULL)) is only allowed with 'f'"],
      ['f -2', "id '-2' is negative (only 'f -1' is allowed)"],
      ['f -0', "id '-0' is negative (only 'f -1' is allowed)"],
      ['a 3 1', "id 3 is not below the header's 3 ids"],
      ['f 99999999999', "id 99999999999 is not below the header's 3 ids"],
    ];
    for (const [line, reason] of cases) {
      const error = errorOf(text([...header, 'a 2 1', line]), 'bad.rep');
      expect([error.file, error.line, error.reason, error.message]).toEqual(['bad.rep', 6, reason, `bad.rep:6: ${reason}`]);
    }
  });

  it('cuts a long bad token to 40 characters in the message', () => {
    const error = errorOf(text(['20000', '1', '1', '1', `a 0 ${'7'.repeat(50)}x`]), 'long.rep');
    expect(error.message).toBe(`long.rep:5: size '${'7'.repeat(40)}...' is not an integer`);
  });

  it('names the header line for every header error', () => {
    const cases: [string, string][] = [
      ['', 'h.rep: the file ends after 0 of the 4 header lines'],
      ['\r\n\n', 'h.rep: the file ends after 0 of the 4 header lines'],
      ['20000\n3\n', 'h.rep: the file ends after 2 of the 4 header lines'],
      ['abc\n3\n2\n1\n', "h.rep:1: header line 1 (heap size or weight) must be a non-negative integer, found 'abc'"],
      ['20000\n-3\n2\n1\n', "h.rep:2: header line 2 (id count) must be a non-negative integer, found '-3'"],
      ['20000\n\n3 4\n2\n1\n', "h.rep:3: header line 2 (id count) has an extra '4'"],
      ['20000\n3\n0x10\n1\n', "h.rep:3: header line 3 (operation count) must be a non-negative integer, found '0x10'"],
      ['20000\n3\n99999999999999999999\n1\n', 'h.rep:3: header line 3 (operation count) 99999999999999999999 is above 2^53-1'],
      ['20000\n3\n2\n1.0\n', "h.rep:4: header line 4 (weight or peak live bytes) must be a non-negative integer, found '1.0'"],
      ['20000\n3\n2\na 0 1\n', "h.rep:4: header line 4 (weight or peak live bytes) must be a non-negative integer, found 'a'"],
      ['20000\n3000000000\n0\n1\n', 'h.rep:2: id count 3000000000 is above 16777216'],
      ['20000\n1\n6000000\n1\n', 'h.rep:3: more than 5000000 operations (the header says 6000000)'],
    ];
    for (const [input, message] of cases) expect(errorOf(input, 'h.rep').message).toBe(message);
  });

  it('checks the operation count and the largest id against the header', () => {
    const ops19 = Array.from({ length: 19 }, (_, i) => `a ${i % 10} 8`);
    const cases: [string, string][] = [
      [text(['20000', '10', '20', '1', ...ops19]), 'c.rep:3: header says 20 operations, found 19'],
      [text(['20000', '10', '1', '1', ...ops19]), 'c.rep:3: header says 1 operation, found 19'],
      [text(['20000', '10', '2', '1', 'a 0 1', 'a 7 1']), 'c.rep:2: header says 10 ids but the largest id used is 7'],
      [text(['20000', '10', '1', '1', 'a 12 5']), "c.rep:5: id 12 is not below the header's 10 ids"],
      [text(['20000', '1', '1', '1', 'a 1 5']), "c.rep:5: id 1 is not below the header's 1 id"],
      [text(['20000', '5', '0', '1']), 'c.rep:2: header says 5 ids but no id is used'],
      [text(['20000', '5', '1', '1', 'f -1']), 'c.rep:2: header says 5 ids but no id is used'],
      [text(['20000', '0', '1', '1', 'a 0 5']), "c.rep:5: id 0 is not below the header's 0 ids"],
    ];
    for (const [input, message] of cases) expect(errorOf(input, 'c.rep').message).toBe(message);
  });

  it('stops at maxOperations: from the header, or at the first operation past the limit', () => {
    expect(errorOf(text(['20000', '1', '4', '1', 'a 0 1', 'f 0', 'a 0 2', 'f 0']), 'm.rep', { maxOperations: 3 }).message)
      .toBe('m.rep:3: more than 3 operations (the header says 4)');
    expect(errorOf(text(['20000', '1', '2', '1', 'a 0 1', 'f 0', 'a 0 2', 'f 0']), 'm.rep', { maxOperations: 3 }).message)
      .toBe('m.rep:8: more than 3 operations');
    expect(parseTrace(text(['20000', '1', '3', '1', 'a 0 1', 'f 0', 'a 0 2']), 'm.rep', { maxOperations: 3 }).length).toBe(3);
  });

  it('rejects bad options as a TraceError, not line-bound', () => {
    expect(errorOf('20000\n0\n0\n1\n', 'o.rep', { maxOperations: -1 }).message).toBe('o.rep: maxOperations must be a non-negative integer, got -1');
    expect(errorOf('20000\n0\n0\n1\n', 'o.rep', { maxOperations: 1.5 }).line).toBe(0);
    const format = 'yaml' as unknown as 'lab';
    expect(errorOf('20000\n0\n0\n1\n', 'o.rep', { format }).message).toBe("o.rep: unknown format 'yaml' (expected auto, malloc-lab or lab)");
  });

  it('TraceError: message is file:line: reason, or file: reason when line is 0', () => {
    const tied = new TraceError('x.rep', 7, 'why');
    const whole = new TraceError('x.rep', 0, 'why');
    expect([tied.message, tied.name, tied instanceof Error]).toEqual(['x.rep:7: why', 'TraceError', true]);
    expect([whole.message, whole.file, whole.line, whole.reason]).toEqual(['x.rep: why', 'x.rep', 0, 'why']);
  });
});

describe('parseTrace: the lab format', () => {
  const sample = [
    '# A lab trace: ramp up, then drain.', //  1
    'freenos-lab-trace 1   # version 1',    //  2
    'name demo',                            //  3
    'alignment 16',                         //  4
    'weight 2 # utilization only',          //  5
    '',                                     //  6
    'a 0 100  # before any phase',          //  7
    'phase ramp',                           //  8
    'a 1 200',                              //  9
    '   # a comment line',                  // 10
    'r 0 50#no space needed',               // 11
    'phase drain',                          // 12
    'f 0',                                  // 13
    'f 1',                                  // 14
    'f -1',                                 // 15
    'phase empty',                          // 16
  ];

  it('reads comments, directives, operations and phases [start, end)', () => {
    const trace = parseTrace(text(sample, '\r\n'), 'labs/sample.trace');
    expect(trace).toMatchObject({
      name: 'demo', file: 'labs/sample.trace', format: 'lab', alignment: 16, weight: 2, ids: 2, statedPeak: null,
      phases: [{ name: 'ramp', start: 1, end: 3 }, { name: 'drain', start: 3, end: 6 }, { name: 'empty', start: 6, end: 6 }],
    });
    expect(rows(trace)).toEqual([
      [Alloc, 0, 100, 7], [Alloc, 1, 200, 9], [Realloc, 0, 50, 11], [Free, 0, 0, 13], [Free, 1, 0, 14], [Free, -1, 0, 15],
    ]);
  });

  it('defaults: name from the file, alignment 8, weight null, ids = largest id + 1, no phases', () => {
    const trace = parseTrace(text(['freenos-lab-trace 1', 'a 5 8', 'phase p', 'phase q', 'a 9 8 # ids 0..9']), '/x/y/plain.lab');
    expect(trace).toMatchObject({
      name: 'plain', alignment: 8, weight: null, ids: 10,
      phases: [{ name: 'p', start: 1, end: 1 }, { name: 'q', start: 1, end: 2 }],
    });
    expect(parseTrace('freenos-lab-trace 1\n', 'none.lab')).toMatchObject({ ids: 0, length: 0, phases: [] });
    expect(parseTrace('freenos-lab-trace 1\nf -1\n', 'none.lab')).toMatchObject({ ids: 0, length: 1 });
  });

  it('accepts alignment 1 and 4096 and weight 0; auto-detection needs the magic first', () => {
    expect(parseTrace('freenos-lab-trace 1\nalignment 1\nweight 0\n', 'a.lab')).toMatchObject({ alignment: 1, weight: 0 });
    expect(parseTrace('freenos-lab-trace 1\nalignment 4096\n', 'a.lab').alignment).toBe(4096);
    expect(errorOf('20000\nfreenos-lab-trace 1\n', 'a.lab').message)
      .toBe("a.lab:2: header line 2 (id count) must be a non-negative integer, found 'freenos-lab-trace'");
  });

  it('honours a forced format', () => {
    expect(errorOf('20000\n0\n0\n1\n', 'f.lab', { format: 'lab' }).message).toBe("f.lab:1: a lab-format trace starts with 'freenos-lab-trace 1'");
    expect(errorOf('', 'f.lab', { format: 'lab' }).message).toBe("f.lab: a lab-format trace starts with 'freenos-lab-trace 1'");
    expect(errorOf('freenos-lab-trace 1\n', 'f.rep', { format: 'malloc-lab' }).message)
      .toBe("f.rep:1: header line 1 (heap size or weight) must be a non-negative integer, found 'freenos-lab-trace'");
    expect(parseTrace('20000\n0\n0\n1\n', 'f.rep', { format: 'malloc-lab' }).format).toBe('malloc-lab-2002');
  });

  it('names the file, the line and the reason for every lab-format error', () => {
    const magic = 'freenos-lab-trace 1';
    const cases: [string[], number, string][] = [
      [['freenos-lab-trace 2'], 1, "unsupported lab trace version '2' (this lab reads version 1)"],
      [['freenos-lab-trace'], 1, "'freenos-lab-trace' needs a version (1)"],
      [['freenos-lab-trace 1 extra'], 1, "unexpected 'extra' after 'freenos-lab-trace 1'"],
      [[magic, 'name x', 'name y'], 3, "'name' is given twice (first on line 2)"],
      [[magic, 'alignment 8', '', 'alignment 8'], 4, "'alignment' is given twice (first on line 2)"],
      [[magic, 'weight 1', 'weight 2'], 3, "'weight' is given twice (first on line 2)"],
      [[magic, 'a 0 1', 'name x'], 3, "'name' must come before the first operation"],
      [[magic, 'phase p', 'a 0 1', 'alignment 16'], 4, "'alignment' must come before the first operation"],
      [[magic, 'f -1', 'weight 1'], 3, "'weight' must come before the first operation"],
      [[magic, 'alignment 24'], 2, 'alignment 24 is not a power of two from 1 to 4096'],
      [[magic, 'alignment 0'], 2, 'alignment 0 is not a power of two from 1 to 4096'],
      [[magic, 'alignment 8192'], 2, 'alignment 8192 is not a power of two from 1 to 4096'],
      [[magic, 'alignment 0x10'], 2, "alignment '0x10' is not a non-negative integer"],
      [[magic, 'weight 4'], 2, 'weight 4 is above 3'],
      [[magic, 'weight -1'], 2, "weight '-1' is not a non-negative integer"],
      [[magic, 'name'], 2, "'name' needs a name"],
      [[magic, 'phase # no name'], 2, "'phase' needs a name"],
      [[magic, 'alignment'], 2, "'alignment' needs a number"],
      [[magic, 'phase warm up'], 2, "unexpected 'up' after 'phase warm'"],
      [[magic, 'malloc 10'], 2, "unknown directive or operation 'malloc' (expected a, r, f, phase, name, alignment or weight)"],
      [[magic, 'freenos-lab-trace 1'], 2, "unknown directive or operation 'freenos-lab-trace' (expected a, r, f, phase, name, alignment or weight)"],
      [[magic, 'a 16777216 1'], 2, 'id 16777216 is above 16777215'],
      [[magic, 'a -1 1'], 2, "id -1 (free(NULL)) is only allowed with 'f'"],
      [[magic, 'f'], 2, "'f' is missing the id"],
      [[magic, 'a 0 1 # ok', 'r 0 -3'], 3, "size '-3' is negative"],
    ];
    for (const [lines, line, reason] of cases) {
      const error = errorOf(text(lines), 'bad.lab');
      expect([error.line, error.reason, error.message]).toEqual([line, reason, `bad.lab:${line}: ${reason}`]);
    }
    expect(errorOf(text([magic, 'f -1', 'f -1', 'f -1']), 'bad.lab', { maxOperations: 2 }).message).toBe('bad.lab:4: more than 2 operations');
  });
});

describe('writers: round trips', () => {
  it('malloc-lab 2002: parse(write(t)) is t, and the text is the canonical one', () => {
    const source = text(['20000000', '3', '6', '1', 'a 0 8', 'a 1 8589934592', 'r 0 16', 'f -1', 'f 1', 'a 2 0']);
    const trace = parseTrace(source, 'r/two.rep');
    const written = writeMallocLabTrace(trace, '2002');
    expect(written).toBe(source);
    const again = parseTrace(written, 'r/two.rep');
    expect(fields(again)).toEqual(fields(trace));
    expect(Array.from(again.line)).toEqual(Array.from(trace.line));
  });

  it('malloc-lab 2016: weight and statedPeak survive; a null statedPeak is computed from the operations', () => {
    const trace = parseTrace('3\r\n2\r\n4\r\n999\r\na 0 100\r\na 1 50\r\nf 0\r\nf 1\r\n', 'sixteen.rep');
    const written = writeMallocLabTrace(trace, '2016');
    expect(written).toBe('3\n2\n4\n999\na 0 100\na 1 50\nf 0\nf 1\n');
    expect(fields(parseTrace(written, 'sixteen.rep'))).toEqual(fields(trace));

    const computed = writeMallocLabTrace({ ...trace, statedPeak: null, weight: null }, '2016');
    expect(computed.split('\n').slice(0, 4)).toEqual(['1', '2', '4', '150']);
    expect(parseTrace(computed, 'sixteen.rep')).toMatchObject({ weight: 1, statedPeak: 150, alignment: 16 });
  });

  it('the lab format: name, alignment, weight, ids, operations and phases survive', () => {
    const trace = traceOf('ramp-and-drain', [
      [Alloc, 0, 8], [Alloc, 1, 9007199254740991], [Realloc, 0, 0], [Free, -1], [Free, 1], [Free, 0], [Alloc, 2, 64],
    ], {
      file: 'generator:ramp', alignment: 32, weight: 0,
      phases: [{ name: 'ramp', start: 1, end: 4 }, { name: 'drain', start: 4, end: 6 }, { name: 'tail', start: 6, end: 7 }],
    });
    const written = writeLabTrace(trace);
    expect(written).toBe(text([
      'freenos-lab-trace 1', 'name ramp-and-drain', 'alignment 32', 'weight 0',
      'a 0 8', 'phase ramp', 'a 1 9007199254740991', 'r 0 0', 'f -1', 'phase drain', 'f 1', 'f 0', 'phase tail', 'a 2 64',
    ]));
    const again = parseTrace(written, 'generator:ramp');
    expect(fields(again)).toEqual(fields(trace));
    expect(Array.from(again.line)).toEqual([5, 7, 8, 9, 11, 12, 14]);
  });

  it('the lab format: a parsed lab trace writes back and reads back as itself, empty phases included', () => {
    const trace = parseTrace(text(['freenos-lab-trace 1', 'phase first', 'phase second', 'a 0 5', 'phase last']), 'e.lab');
    const again = parseTrace(writeLabTrace(trace), 'e.lab');
    expect(fields(again)).toEqual(fields(trace));
    expect(again.phases).toEqual([{ name: 'first', start: 0, end: 0 }, { name: 'second', start: 0, end: 1 }, { name: 'last', start: 1, end: 1 }]);
  });

  it('a malloc-lab trace written in the lab format keeps its operations, alignment and weight', () => {
    const trace = parseTrace('1\n2\n3\n300\na 0 100\na 1 200\nf 0\n', 'm.rep');
    const lab = parseTrace(writeLabTrace(trace), 'm.rep');
    expect(fields(lab)).toEqual({ ...fields(trace), format: 'lab', statedPeak: null });
  });

  it('refuses to write what could not read back as the same trace', () => {
    const small = traceOf('tiny', [[Alloc, 0, 1], [Free, 0]]);
    expect(writeError(() => writeMallocLabTrace(small, '2016')).message)
      .toBe('generator:tiny: cannot write: a 2016 header cannot state a peak of 1 byte: it reads back as 2002 (see docs/trace-format.md)');
    expect(writeMallocLabTrace(small, '2002')).toBe('20000000\n1\n2\n1\na 0 1\nf 0\n');
    expect(writeError(() => writeLabTrace({ ...small, name: 'two words' })).message)
      .toBe("generator:tiny: cannot write: name 'two words' is not one word without '#'");
    expect(writeError(() => writeLabTrace({ ...small, phases: [{ name: 'p', start: 0, end: 1 }] })).reason)
      .toBe("cannot write: phase 'p' [0, 1) does not end where the next phase starts (or at the end): lab-format phases run back to back");
    expect(writeError(() => writeLabTrace({ ...small, alignment: 12 })).reason).toBe('cannot write: alignment 12 is not a power of two from 1 to 4096');
    expect(writeError(() => writeMallocLabTrace({ ...small, weight: 5 }, '2016')).reason).toBe('cannot write: weight 5 is not 0, 1, 2 or 3');
    expect(writeError(() => writeMallocLabTrace({ ...small, ids: 4 }, '2002')).reason).toBe('cannot write: ids is 4 but the largest id used is 0');
    const badSize = traceOf('bad', [[Alloc, 0, 1.5]]);
    expect(writeError(() => writeLabTrace(badSize)).reason).toBe('cannot write: operation 0 (kind 0, id 0, size 1.5) is not a valid a, r or f');
  });
});

describe('peakLivePayload', () => {
  it('is the largest sum of live payload sizes: realloc replaces a size, f -1 does nothing', () => {
    const trace = traceOf('peak', [
      [Alloc, 0, 100], //  100
      [Alloc, 1, 50], //   150
      [Realloc, 0, 300], // 350
      [Free, 1], //        300
      [Free, -1], //       300
      [Alloc, 2, 60], //   360  <- peak
      [Free, 0], //         60
      [Realloc, 2, 10], //  10
      [Alloc, 3, 200], //  210
    ]);
    expect(peakLivePayload(trace)).toBe(360);
    expect(peakLivePayload(traceOf('none', []))).toBe(0);
    expect(peakLivePayload(traceOf('big', [[Alloc, 0, 2 ** 33], [Alloc, 1, 2 ** 33]]))).toBe(2 ** 34);
  });
});
