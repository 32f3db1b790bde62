// Fuzzing parseTrace (engine/workload/TraceFormat.ts): random strings and bytes, token soup, valid
// traces in all three formats mutated character by character and line by line, and inputs of about
// 2 MB (one long line, many lines). Whatever the input, parseTrace returns a well-formed Trace that
// writes and reads back as itself, or throws a TraceError whose line is 0..(lines in the text) and
// whose reason is not empty; anything else thrown fails the test. Fixed seed: every run is the same.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TraceError, parseTrace, writeLabTrace, writeMallocLabTrace } from '../../../engine/workload/TraceFormat';
import { OpKind, traceOf, type Phase, type Trace } from '../../../engine/workload/Trace';

const SEED = 20261124;
const RUNS = 300;
const FILE = 'fuzz.rep';
const { Alloc, Realloc, Free } = OpKind;

/** Every field but `line`, arrays as plain arrays. */
function fields(trace: Trace): Record<string, unknown> {
  return {
    name: trace.name, file: trace.file, format: trace.format, alignment: trace.alignment, weight: trace.weight,
    ids: trace.ids, statedPeak: trace.statedPeak, phases: trace.phases, length: trace.length,
    kind: Array.from(trace.kind), id: Array.from(trace.id), size: Array.from(trace.size),
  };
}

/** The trace in its own format, as the writers produce it. */
function writeSame(trace: Trace): string {
  if (trace.format === 'lab') return writeLabTrace(trace);
  return writeMallocLabTrace(trace, trace.format === 'malloc-lab-2016' ? '2016' : '2002');
}

/** Checks what parseTrace made of `text`: a sound Trace that round-trips, or a well-placed TraceError. */
function outcome(text: string, maxOperations = 100_000): Trace | TraceError {
  let trace: Trace;
  try {
    trace = parseTrace(text, FILE, { maxOperations });
  } catch (error) {
    if (!(error instanceof TraceError)) throw error;
    expect(Number.isInteger(error.line)).toBe(true);
    expect(error.line).toBeGreaterThanOrEqual(0);
    expect(error.line).toBeLessThanOrEqual(text.split('\n').length);
    expect(error.reason.length).toBeGreaterThan(0);
    expect(error.file).toBe(FILE);
    return error;
  }
  checkTrace(trace, text);
  return trace;
}

/** Arrays sized to length; lines increasing inside the text; ids and sizes in range; phases back to back; round trip. */
function checkTrace(trace: Trace, text: string): void {
  const n = trace.length;
  expect([trace.kind.length, trace.id.length, trace.size.length, trace.line.length]).toEqual([n, n, n, n]);
  const lines = text.split('\n').length;
  let maxId = -1;
  for (let k = 0; k < n; k++) {
    const [kind, id, size, line] = [trace.kind[k]!, trace.id[k]!, trace.size[k]!, trace.line[k]!];
    const ok = kind <= Free && id >= (kind === Free ? -1 : 0) && id < Math.max(trace.ids, 1)
      && Number.isSafeInteger(size) && size >= 0 && line >= 1 && line <= lines && (k === 0 || line > trace.line[k - 1]!);
    if (!ok) expect.fail(`operation ${k} of ${JSON.stringify(text.slice(0, 200))} is [${kind}, ${id}, ${size}, ${line}]`);
    maxId = Math.max(maxId, id);
  }
  expect(maxId).toBe(trace.ids - 1);
  trace.phases.forEach((phase, i) => {
    const end = i + 1 < trace.phases.length ? trace.phases[i + 1]!.start : n;
    if (phase.start > phase.end || phase.end !== end) expect.fail(`phase ${i} is ${JSON.stringify(phase)}, the next starts at ${end}`);
  });
  expectSame(parseTrace(writeSame(trace), FILE), trace);
}

/** Same fields but `line`; plain loops, since deep equality on 400,000-element arrays is slow. */
function expectSame(actual: Trace, expected: Trace): void {
  const scalars = (t: Trace) => ({ ...fields(t), kind: null, id: null, size: null, phases: JSON.stringify(t.phases) });
  expect(scalars(actual)).toEqual(scalars(expected));
  for (let k = 0; k < expected.length; k++) {
    if (actual.kind[k] !== expected.kind[k] || actual.id[k] !== expected.id[k] || actual.size[k] !== expected.size[k]) {
      expect.fail(`operation ${k} reads back as ${actual.kind[k]} ${actual.id[k]} ${actual.size[k]}`);
    }
  }
}

/** Counts how many inputs parsed and how many failed, so a property cannot pass by testing nothing. */
class Tally {
  parsed = 0;
  failed = 0;
  add(result: Trace | TraceError): void {
    if (result instanceof TraceError) this.failed++;
    else this.parsed++;
  }
}

// ---------------------------------------------------------------------------------------------
// Inputs.

const latin1 = new TextDecoder('latin1');

/** Pieces of traces and of things that look like numbers but are not. */
const Nasty = [
  '1e400', '-0', '0x10', '\u0661\u0662', '\uff11\uff12', '\ud835\udfd9', '+5', '1.5', 'NaN', 'Infinity', '-1', '-2',
  '9007199254740991', '9007199254740992', '99999999999999999999999', '2147483647', '2147483648', '4294967296',
  '0', '00', '', ' ', '\t', '\r', '\r\n', '\n', '\v', '\f', '#', '\u00a0', '\u2028', '\ufeff', '\u0000',
  'a', 'r', 'f', 'phase', 'name x', 'alignment 3', 'alignment 16', 'weight 9', 'weight 2', 'freenos-lab-trace 1',
];
const Soup = [
  'a', 'r', 'f', ' ', ' ', ' ', '\t', '\n', '\n', '\r\n', '0', '1', '2', '3', '7', '100', '-1', '20000', '#',
  'freenos-lab-trace', 'phase', 'name', 'alignment', 'weight', 'x', '8589934592', '1e400', '-0', '0x10',
];
const Starts = ['', '20000\n3\n2\n1\n', '1\n3\n4\n100\n', '7\n3\n2\n100\n', 'freenos-lab-trace 1\n'];

/** A random valid trace as [trace, text] in one of the three formats, LF or CRLF. */
const validTrace = fc.record({
  ops: fc.array(fc.tuple(
    fc.constantFrom(Alloc, Realloc, Free), fc.integer({ min: -1, max: 7 }),
    fc.oneof(fc.nat({ max: 5000 }), fc.constantFrom(0, 1, 8589934592, 2 ** 53 - 1)),
  ), { maxLength: 30 }),
  format: fc.constantFrom('2002', '2016', 'lab'),
  cuts: fc.uniqueArray(fc.nat({ max: 31 }), { maxLength: 4 }),
  phaseNames: fc.array(fc.constantFrom('ramp', 'peak', 'drain', 'p-1', 'x.y', '\u00e9t\u00e9'), { minLength: 4, maxLength: 4 }),
  alignment: fc.constantFrom(1, 8, 16, 4096),
  weight: fc.constantFrom(null, 0, 1, 2, 3),
  crlf: fc.boolean(),
}).map(({ ops, format, cuts, phaseNames, alignment, weight, crlf }) => {
  // Frees carry no size; a 2016 header's peak must stay below 2^53, so its sizes stay below 2^40.
  const list = ops.map(([kind, id, size]): [OpKind, number, number] => (kind === Free ? [kind, id, 0]
    : [kind, Math.max(id, 0), format === '2016' ? size % 2 ** 40 : size]));
  if (format === '2016') list.unshift([Alloc, 0, 2]);
  const starts = cuts.filter((c) => c <= list.length).sort((a, b) => a - b);
  const phases: Phase[] = format !== 'lab' ? [] : starts.map((start, i) => ({
    name: phaseNames[i]!, start, end: i + 1 < starts.length ? starts[i + 1]! : list.length,
  }));
  const trace = traceOf('fuzz', list, {
    file: FILE, phases, format: format === 'lab' ? 'lab' : `malloc-lab-${format}`,
    alignment: format === '2002' ? 8 : format === '2016' ? 16 : alignment, weight: format === '2002' ? null : weight ?? (format === '2016' ? 1 : null),
  });
  if (format === '2016') trace.statedPeak = null;
  const written = format === 'lab' ? writeLabTrace(trace) : writeMallocLabTrace(trace, format);
  if (format === '2016') trace.statedPeak = Number(written.split('\n')[3]);
  return { trace, text: crlf ? written.replaceAll('\n', '\r\n') : written };
});

type Mutation = { how: number; at: number; other: number; token: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  how: fc.nat({ max: 7 }), at: fc.nat(), other: fc.nat(), token: fc.oneof(fc.constantFrom(...Nasty), fc.string({ maxLength: 3 })),
});

/** Applies one edit: delete/insert/replace a character, delete/duplicate/swap lines, swap/replace tokens. */
function mutate(text: string, { how, at, other, token }: Mutation): string {
  const i = at % (text.length + 1);
  const lines = text.split('\n');
  const l = at % lines.length;
  const tokens = lines[l]!.split(' ');
  const t = other % tokens.length;
  switch (how) {
    case 0: return text.slice(0, i) + text.slice(i + 1);
    case 1: return text.slice(0, i) + token + text.slice(i);
    case 2: return text.slice(0, i) + token + text.slice(i + 1);
    case 3: lines.splice(l, 1); break;
    case 4: lines.splice(l, 0, lines[l]!); break;
    case 5: [lines[l], lines[other % lines.length]] = [lines[other % lines.length]!, lines[l]!]; break;
    case 6: [tokens[t], tokens[(t + 1) % tokens.length]] = [tokens[(t + 1) % tokens.length]!, tokens[t]!]; lines[l] = tokens.join(' '); break;
    default: tokens[t] = token; lines[l] = tokens.join(' '); break;
  }
  return lines.join('\n');
}

/** A deterministic pseudo-random generator (LCG), for the 2 MB inputs fast-check would be slow to build. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state;
  };
}

// ---------------------------------------------------------------------------------------------

describe('parseTrace on random input returns a Trace or throws a TraceError', () => {
  it('random strings (binary and ASCII units)', () => {
    const tally = new Tally();
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'binary-ascii', maxLength: 200 })), (text) => {
      tally.add(outcome(text));
    }), { seed: SEED, numRuns: RUNS });
    expect(tally.parsed + tally.failed).toBe(RUNS);
  });

  it('random bytes decoded as latin1', () => {
    const tally = new Tally();
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      tally.add(outcome(latin1.decode(bytes)));
    }), { seed: SEED, numRuns: RUNS });
    expect(tally.parsed + tally.failed).toBe(RUNS);
  });

  it('token soup after a plausible start', () => {
    const tally = new Tally();
    fc.assert(fc.property(fc.constantFrom(...Starts), fc.array(fc.constantFrom(...Soup), { maxLength: 80 }), (start, soup) => {
      tally.add(outcome(start + soup.join('')));
    }), { seed: SEED, numRuns: RUNS });
    expect(tally.failed).toBeGreaterThan(0);
    expect(tally.parsed).toBeGreaterThan(0);
  });
});

describe('valid traces, then mutated', () => {
  it('every generated trace parses back as itself in its format', () => {
    fc.assert(fc.property(validTrace, ({ trace, text }) => {
      const parsed = outcome(text);
      if (parsed instanceof TraceError) expect.fail(`${parsed.message} in ${JSON.stringify(text)}`);
      expect(fields(parsed)).toEqual(fields(trace));
    }), { seed: SEED, numRuns: RUNS });
  });

  it('after up to five edits (characters, lines, tokens, nasty numbers) the result is a Trace or a TraceError', () => {
    const tally = new Tally();
    fc.assert(fc.property(validTrace, fc.array(mutation, { minLength: 1, maxLength: 5 }), ({ text }, edits) => {
      tally.add(outcome(edits.reduce(mutate, text)));
    }), { seed: SEED, numRuns: RUNS });
    expect(tally.failed).toBeGreaterThan(0);
    expect(tally.parsed).toBeGreaterThan(0);
  });
});

describe('inputs of about 2 MB parse or fail without hanging', () => {
  const MB2 = 2_000_000;
  const magic = 'freenos-lab-trace 1\n';

  it('one long line: a 2 MB number, spaces, tokens, a comment, carriage returns', () => {
    const huge = outcome(`20000\n1\n1\n1\na 0 ${'9'.repeat(MB2)}\n`);
    expect(huge).toBeInstanceOf(TraceError);
    expect((huge as TraceError).message).toBe(`${FILE}:5: size ${'9'.repeat(40)}... is above 2^53-1`);
    expect((outcome(' '.repeat(MB2)) as TraceError).message).toBe(`${FILE}: the file ends after 0 of the 4 header lines`);
    expect((outcome('\r'.repeat(MB2)) as TraceError).message).toBe(`${FILE}: the file ends after 0 of the 4 header lines`);
    expect((outcome(`20000\n1\n1\n1\n${'a '.repeat(MB2 / 2)}`) as TraceError).message).toBe(`${FILE}:5: unexpected 'a' after 'a a a'`);
    expect(outcome(`${magic}a 0 8 #${'#x '.repeat(MB2 / 3)}`)).toMatchObject({ length: 1, ids: 1 });
    expect((outcome(`freenos-lab-trace 1${' '.repeat(MB2)}x`) as TraceError).reason).toBe("unexpected 'x' after 'freenos-lab-trace 1'");
  });

  it('many lines: blank lines, 400,000 operations, 250,000 phases, the operation limit', () => {
    expect((outcome('\n'.repeat(MB2)) as TraceError).line).toBe(0);
    const frees = outcome(magic + 'f -1\n'.repeat(400_000), 5_000_000) as Trace;
    expect([frees.length, frees.ids, frees.line[399_999]]).toEqual([400_000, 0, 400_001]);
    const phases = outcome(`${magic}a 0 1\n${'phase p\n'.repeat(250_000)}f 0\n`, 5_000_000) as Trace;
    expect(phases.phases).toHaveLength(250_000);
    expect(phases.phases[249_999]).toEqual({ name: 'p', start: 1, end: 2 });
    const pairs = 160_000;
    const big = outcome(`1\n1\n${2 * pairs}\n100\n${'a 0 100\nf 0\n'.repeat(pairs)}`, 5_000_000) as Trace;
    expect([big.format, big.length, big.statedPeak]).toEqual(['malloc-lab-2016', 2 * pairs, 100]);
    expect((outcome(`20000\n1\n${2 * pairs}\n1\n${'a 0 100\nf 0\n'.repeat(pairs)}`, 1000) as TraceError).message)
      .toBe(`${FILE}:3: more than 1000 operations (the header says ${2 * pairs})`);
    expect((outcome(`${magic}${'a 0 100\nf 0\n'.repeat(pairs)}`, 1000) as TraceError).message).toBe(`${FILE}:1002: more than 1000 operations`);
  });

  it('2 MB of seeded token soup, in both formats', () => {
    const next = lcg(SEED);
    for (const start of Starts) {
      const parts: string[] = [start];
      let length = start.length;
      while (length < MB2) {
        const piece = Soup[next() % Soup.length]!;
        parts.push(piece);
        length += piece.length;
      }
      const result = outcome(parts.join(''), 5_000_000);
      expect(result instanceof TraceError || result.length > 0).toBe(true);
    }
  });
});
