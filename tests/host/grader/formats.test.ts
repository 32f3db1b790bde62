// The grade command's report formats on hand-built reports: a passing test, a failed one whose log
// is hostile to every format (markup, `]]>`, NUL, escape sequences, a lone surrogate), a scored
// performance test, a hidden test, and a compile error. JUnit is checked with a small well-formedness
// parser written here (the project has no XML parser), Gradescope against its documented keys.
import { describe, expect, it } from 'vitest';
import { failAll, gradeReport, type GradeReport, type TestResult, type TraceOutcome } from '../../../engine/grader/Grade';
import type { TraceMetrics } from '../../../engine/grader/Replay';
import type { RubricTest } from '../../../engine/grader/Rubric';
import { formatGradescope, formatJson, formatJunit, formatText, withoutTiming } from '../../../electron/host/grader/formats';

const HOSTILE = 'free(<ptr>) & co ]]> end\u0000nul \u001b[31mred\u001b[0m "q" \'s\' lone\uD800 ff\u000C pair\uD83D\uDE00 bell\u0007';
/** HOSTILE as XML keeps it: the characters XML 1.0 forbids removed, the surrogate pair kept. */
const HOSTILE_IN_XML = 'free(<ptr>) & co ]]> endnul [31mred[0m "q" \'s\' lone ff pair\uD83D\uDE00 bell';

function metrics(utilization: number, work: number, operations = 100): TraceMetrics {
  return {
    operations, peakPayload: 1000, heapHighWater: Math.round(1000 / utilization), utilization, livePayload: 0, heapSize: 2048,
    holes: 1, holeBytes: 2048, largestHole: 2048, overhead: 0, external: 0, rss: 0, meanExternal: 0.1, work, workPerOp: work / operations,
  };
}

function outcome(trace: string, ok: boolean, ms: number, extra: Partial<TraceOutcome> = {}): TraceOutcome {
  return { trace, file: `traces/${trace}.rep`, ok, failure: null, metrics: metrics(0.8, 500), logs: [], ms, ...extra };
}

const basic: TestResult = {
  name: 'basic', number: '1', kind: 'correctness', visibility: 'visible', status: 'passed', score: 10, maxScore: 10,
  output: 'short: passed (100 operations, utilization 80.0 %, 500 work units)',
  performance: null, traces: [outcome('short', true, 120)], notRun: [], ms: 120,
};

const reallocFailure = { op: 41, line: 46, where: 'traces/realloc.rep:46', operation: 'r 3 4096', kind: 'contents' as const, reason: 'realloc lost bytes <0..8> & more' };
const realloc: TestResult = {
  name: 'realloc <&> "tricky"', number: '2', kind: 'correctness', visibility: 'visible', status: 'failed', score: 0, maxScore: 10,
  output: ['short: passed (100 operations, utilization 80.0 %, 500 work units)',
    'realloc: FAILED at operation 41 (traces/realloc.rep:46: r 3 4096): realloc lost bytes <0..8> & more',
    'log on realloc:', `  ${HOSTILE}`].join('\n'),
  performance: null,
  traces: [outcome('short', true, 200), outcome('realloc', false, 1300, { failure: reallocFailure, metrics: metrics(0.5, 80, 41), logs: [HOSTILE] })],
  notRun: [], ms: 1500,
};

const perf: TestResult = {
  name: 'performance', number: '3', kind: 'performance', visibility: 'after_due_date', status: 'passed', score: 7.2, maxScore: 10,
  output: 'binary: passed (...)\nperformance index 72.0 / 100: utilization 61.2 %',
  performance: { utilization: 0.6123, throughput: 0.8512, pUtilization: 0.3, pThroughput: 0.9, index: 72 },
  traces: [outcome('binary', true, 640, { metrics: metrics(0.6123, 9000) })], notRun: [], ms: 640,
};

const hidden: TestResult = {
  name: 'stress', number: '4', kind: 'correctness', visibility: 'hidden', status: 'failed', score: 0, maxScore: 10,
  output: 'stress: FAILED (start-up) the allocator threw\nstress2: not run (an earlier trace of this test used up its time limit)',
  performance: null, traces: [outcome('stress', false, 60000, { failure: { ...reallocFailure, op: -1, operation: 'start-up', reason: 'the allocator threw' }, metrics: null })],
  notRun: ['stress2'], ms: 60000,
};

const report: GradeReport = gradeReport('07-malloc', 'student & co.ts', [basic, realloc, perf, hidden], [], 62345.6);

const rubric: RubricTest[] = [
  { name: 'basic', number: '1', kind: 'correctness', traces: ['short'], points: 10, visibility: 'visible', timeLimitMs: 60000 },
  { name: 'performance', number: '2', kind: 'performance', traces: ['binary'], points: 30, visibility: 'hidden', timeLimitMs: 60000 },
];
const compileText = 'student.ts:3:7: Expected ";" but found "<"';
const broken: GradeReport = gradeReport('07-malloc', 'student.ts', failAll(rubric, `the submission does not compile:\n${compileText}`), ['student.ts does not compile:', compileText], 812);

/** Every `ms` value in a plain data tree, with its path. */
function msFields(value: unknown, path = '$'): [string, number][] {
  if (Array.isArray(value)) return value.flatMap((v, k) => msFields(v, `${path}[${k}]`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, v]) => (key === 'ms' ? [[`${path}.ms`, v as number] as [string, number]] : msFields(v, `${path}.${key}`)));
}

describe('formatText', () => {
  const text = formatText(report);
  const lines = text.split('\n');

  it('starts with the exercise, submission and score, and ends with the summary', () => {
    expect(report.score).toBe(17.2);
    expect(lines[0]).toBe('07-malloc: student & co.ts, score 17.2 / 40');
    expect(text.endsWith('\n2 of 4 tests passed, score 17.2 / 40\n')).toBe(true);
  });

  it('has one PASS/FAIL line per test with number, score, visibility when not visible, and seconds', () => {
    expect(lines.filter((l) => /^\[(PASS|FAIL)\]/.test(l))).toEqual([
      '[PASS] 1 basic (10 / 10, 0.12 s)',
      '[FAIL] 2 realloc <&> "tricky" (0 / 10, 1.50 s)',
      '[PASS] 3 performance (7.2 / 10, after_due_date, 0.64 s)',
      '[FAIL] 4 stress (0 / 10, hidden, 60.00 s)',
    ]);
    expect(lines).toContain('    realloc: FAILED at operation 41 (traces/realloc.rep:46: r 3 4096): realloc lost bytes <0..8> & more');
    expect(lines).toContain('    performance index 72.0 / 100: utilization 61.2 %');
  });

  it('shows control characters from student logs instead of sending them to the terminal', () => {
    expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
    expect(text).toContain('end\\x00nul \\x1b[31mred\\x1b[0m');
    expect(text).toContain('ff\\x0c pair\uD83D\uDE00 bell\\x07');
  });

  it('keeps a submission name and notes with line breaks or bidi overrides on their own line', () => {
    const spoof = gradeReport('07-malloc', 'eve\n[PASS] 1 basic (10 / 10, 0.12 s)\u202E', [basic], ['a note\r\n[PASS] 2 x (10 / 10)'], 1);
    const out = formatText(spoof).split('\n');
    expect(out.slice(0, 2)).toEqual(['07-malloc: eve\\x0a[PASS] 1 basic (10 / 10, 0.12 s)\\u{202E}, score 10 / 10', 'a note\\x0d\\x0a[PASS] 2 x (10 / 10)']);
    expect(out.filter((l) => l.startsWith('[PASS]'))).toEqual(['[PASS] 1 basic (10 / 10, 0.12 s)']);
  });

  it('colors PASS green and FAIL red only when asked', () => {
    const colored = formatText(report, { color: true });
    expect(colored).toContain('\u001b[32m[PASS]\u001b[0m 1 basic');
    expect(colored).toContain('\u001b[31m[FAIL]\u001b[0m 2 realloc');
    expect(colored.split('\u001b').length - 1).toBe(2 * report.tests.length);
    expect(colored.replace(/\u001b\[\d+m/g, '')).toBe(text);
  });

  it('puts the notes of a compile error before the tests', () => {
    const out = formatText(broken).split('\n');
    expect(out.slice(0, 3)).toEqual(['07-malloc: student.ts, score 0 / 40', 'student.ts does not compile:', compileText]);
    expect(out.filter((l) => l.startsWith('[FAIL]'))).toEqual(['[FAIL] 1 basic (0 / 10, 0.00 s)', '[FAIL] 2 performance (0 / 30, hidden, 0.00 s)']);
    expect(out).toContain(`    ${compileText}`);
    expect(out.at(-2)).toBe('0 of 2 tests passed, score 0 / 40');
  });
});

describe('formatJson', () => {
  const text = formatJson(report);
  const json = JSON.parse(text);

  it('is pretty-printed with a trailing newline', () => {
    expect(text.startsWith('{\n  "score": 17.2,\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('has exactly the results keys, with scores and seconds', () => {
    expect(Object.keys(json).sort()).toEqual(['execution_time', 'extra_data', 'max_score', 'output', 'score', 'tests']);
    expect(json).toMatchObject({ score: 17.2, max_score: 40, execution_time: 62.346, output: '' });
    expect(json.extra_data).toEqual({ exercise: '07-malloc', submission: 'student & co.ts' });
    for (const t of json.tests) expect(Object.keys(t).sort()).toEqual(['extra_data', 'max_score', 'name', 'number', 'output', 'score', 'status', 'visibility']);
    expect(json.tests.map((t: { name: string; number: string; score: number; max_score: number; status: string; visibility: string }) =>
      [t.number, t.name, t.score, t.max_score, t.status, t.visibility])).toEqual([
      ['1', 'basic', 10, 10, 'passed', 'visible'],
      ['2', 'realloc <&> "tricky"', 0, 10, 'failed', 'visible'],
      ['3', 'performance', 7.2, 10, 'passed', 'after_due_date'],
      ['4', 'stress', 0, 10, 'failed', 'hidden'],
    ]);
    expect(json.tests[1].output).toBe(realloc.output);
  });

  it("carries the lab's data per test: kind, performance index and every trace", () => {
    expect(json.tests[0].extra_data).toEqual({
      kind: 'correctness', performance: null,
      traces: [{ trace: 'short', file: 'traces/short.rep', ok: true, failure: null, metrics: metrics(0.8, 500), ms: 120 }],
      not_run: [],
    });
    expect(json.tests[1].extra_data.traces[1]).toEqual({ trace: 'realloc', file: 'traces/realloc.rep', ok: false, failure: reallocFailure, metrics: metrics(0.5, 80, 41), ms: 1300 });
    expect(json.tests[2].extra_data.kind).toBe('performance');
    expect(json.tests[2].extra_data.performance).toEqual({ utilization: 0.6123, throughput: 0.8512, index: 72 });
    expect(json.tests[3].extra_data.traces[0].metrics).toBeNull();
    expect(json.tests[3].extra_data.not_run).toEqual(['stress2']);
  });

  it('writes an infinite throughput ratio as null, and the notes as the output', () => {
    const infinite = gradeReport('x', 'y', [{ ...perf, performance: { ...perf.performance!, throughput: Infinity } }], [], 0);
    expect(JSON.parse(formatJson(infinite)).tests[0].extra_data.performance.throughput).toBeNull();
    expect(JSON.parse(formatJson(broken)).output).toBe(`student.ts does not compile:\n${compileText}`);
  });
});

describe('formatGradescope', () => {
  const TOP = ['score', 'execution_time', 'output', 'visibility', 'stdout_visibility', 'extra_data', 'tests', 'leaderboard'];
  const TEST = ['score', 'max_score', 'name', 'number', 'output', 'tags', 'visibility', 'status'];
  const ENTRY = ['name', 'value', 'order'];
  /** Fails on any key Gradescope does not document. */
  function documentedOnly(results: Record<string, unknown>): void {
    for (const key of Object.keys(results)) expect(TOP).toContain(key);
    for (const t of results.tests as Record<string, unknown>[]) for (const key of Object.keys(t)) expect(TEST).toContain(key);
    for (const e of (results.leaderboard ?? []) as Record<string, unknown>[]) expect(Object.keys(e).sort()).toEqual([...ENTRY].sort());
  }

  it('uses only documented keys and carries every test', () => {
    const results = JSON.parse(formatGradescope(report));
    documentedOnly(results);
    expect(Object.keys(results).sort()).toEqual(['execution_time', 'leaderboard', 'output', 'score', 'tests']);
    expect(results.score).toBe(17.2);
    expect(results.execution_time).toBe(62.346);
    expect(results.tests[2]).toEqual({ score: 7.2, max_score: 10, name: 'performance', number: '3', output: perf.output, tags: ['performance'], visibility: 'after_due_date', status: 'passed' });
    expect(results.tests.map((t: { tags: string[] }) => t.tags)).toEqual([['correctness'], ['correctness'], ['performance'], ['correctness']]);
    expect(results.tests[1].output).toBe(realloc.output);
  });

  it('has a leaderboard when a performance test was scored', () => {
    expect(JSON.parse(formatGradescope(report)).leaderboard).toEqual([
      { name: 'Utilization %', value: 61.2, order: 'desc' },
      { name: 'Throughput × reference', value: 0.851, order: 'desc' },
      { name: 'Score', value: 17.2, order: 'desc' },
    ]);
  });

  it('passes the visibility options through, and leaves out the leaderboard when nothing was scored', () => {
    const results = JSON.parse(formatGradescope(broken, { visibility: 'after_published', stdoutVisibility: 'hidden' }));
    documentedOnly(results);
    expect(Object.keys(results).sort()).toEqual(['execution_time', 'output', 'score', 'stdout_visibility', 'tests', 'visibility']);
    expect(results).toMatchObject({ score: 0, visibility: 'after_published', stdout_visibility: 'hidden', output: `student.ts does not compile:\n${compileText}` });
    expect(results.tests.map((t: { status: string; visibility: string }) => [t.status, t.visibility])).toEqual([['failed', 'visible'], ['failed', 'hidden']]);
  });
});

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Decodes the five entities and character references; throws on any other `&`. */
function decode(s: string): string {
  return s.replace(/&([^;]*);?/g, (all, ref: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (!all.endsWith(';')) throw new Error(`bare & in '${s}'`);
    if (ref in named) return named[ref]!;
    const m = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!m) throw new Error(`unknown entity &${ref};`);
    return String.fromCodePoint(m[1] ? parseInt(m[1], 16) : Number(m[2]));
  });
}

/** A small well-formedness check: declaration, balanced tags, quoted attributes, known entities, one root. */
function parseXml(xml: string): XmlElement {
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (!xml.startsWith(declaration)) throw new Error('no XML declaration');
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  for (let pos = declaration.length; pos < xml.length; pos = token.lastIndex) {
    token.lastIndex = pos;
    const m = token.exec(xml);
    if (!m) throw new Error(`not well-formed at ${pos}: ${xml.slice(pos, pos + 40)}`);
    const top = stack.at(-1)!;
    if (m[5] !== undefined) {
      if (m[5].includes(']]>')) throw new Error("']]>' in text");
      if (stack.length === 1 && m[5].trim() !== '') throw new Error('text outside the root');
      top.text += decode(m[5]);
    } else if (m[1]) {
      if (top.name !== m[2] || m[3] !== '' || m[4]) throw new Error(`</${m[2]}> closes <${top.name}>`);
      stack.pop();
    } else {
      const attributes: Record<string, string> = {};
      for (const a of m[3]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
        if (a[1]! in attributes) throw new Error(`attribute ${a[1]} given twice`);
        attributes[a[1]!] = decode(a[2]!);
      }
      const element: XmlElement = { name: m[2]!, attributes, children: [], text: '' };
      top.children.push(element);
      if (!m[4]) stack.push(element);
    }
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is not closed`);
  if (root.children.length !== 1) throw new Error('not exactly one root element');
  return root.children[0]!;
}

const child = (e: XmlElement, name: string) => e.children.filter((c) => c.name === name);
const properties = (e: XmlElement) => Object.fromEntries(child(child(e, 'properties')[0]!, 'property').map((p) => [p.attributes.name, p.attributes.value]));

describe('formatJunit', () => {
  const xml = formatJunit(report);
  const root = parseXml(xml);
  const suite = child(root, 'testsuite')[0]!;
  const cases = child(suite, 'testcase');

  it('has no character XML 1.0 forbids, and escapes the hostile log', () => {
    expect(xml).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
    expect(xml).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(xml).not.toContain(']]>');
    expect(xml).toContain('free(&lt;ptr&gt;) &amp; co ]]&gt; endnul [31mred[0m &quot;q&quot; &apos;s&apos; lone ff pair\uD83D\uDE00');
    expect(xml).toContain('name="realloc &lt;&amp;&gt; &quot;tricky&quot;"');
  });

  it('has one suite named after the exercise with the counts, time and score', () => {
    expect(root.name).toBe('testsuites');
    expect(child(root, 'testsuite')).toHaveLength(1);
    expect(suite.attributes).toMatchObject({ name: '07-malloc', tests: '4', failures: '2', time: '62.346' });
    expect(properties(suite)).toEqual({ submission: 'student & co.ts', score: '17.2', max_score: '40' });
  });

  it('has one case per test with its points; a failed case carries the whole output', () => {
    expect(cases.map((c) => [c.attributes.name, c.attributes.classname, c.attributes.time])).toEqual([
      ['basic', '07-malloc', '0.120'], ['realloc <&> "tricky"', '07-malloc', '1.500'], ['performance', '07-malloc', '0.640'], ['stress', '07-malloc', '60.000'],
    ]);
    expect(cases.map((c) => [properties(c).score, properties(c).max_score])).toEqual([['10', '10'], ['0', '10'], ['7.2', '10'], ['0', '10']]);
    expect(cases.map((c) => child(c, 'failure').length)).toEqual([0, 1, 0, 1]);
    const failure = child(cases[1]!, 'failure')[0]!;
    expect(failure.attributes.message).toBe('realloc: FAILED at operation 41 (traces/realloc.rep:46: r 3 4096): realloc lost bytes <0..8> & more');
    expect(failure.text).toBe(realloc.output.replace(HOSTILE, HOSTILE_IN_XML));
    expect(child(cases[3]!, 'failure')[0]!.attributes.message).toBe('stress: FAILED (start-up) the allocator threw');
  });

  it('fails every case of a compile error with its first line and keeps the notes', () => {
    const r = parseXml(formatJunit(broken));
    const s = child(r, 'testsuite')[0]!;
    expect(s.attributes).toMatchObject({ tests: '2', failures: '2' });
    expect(child(s, 'testcase').map((c) => child(c, 'failure')[0]!.attributes.message)).toEqual(['the submission does not compile:', 'the submission does not compile:']);
    expect(child(child(s, 'testcase')[0]!, 'failure')[0]!.text).toBe(`the submission does not compile:\n${compileText}`);
    expect(child(s, 'system-out')[0]!.text).toBe(`student.ts does not compile:\n${compileText}`);
  });

  it('the checker rejects what is not well-formed', () => {
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a><b></a></b>')).toThrow();
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a>x & y</a>')).toThrow();
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a>x ]]> y</a>')).toThrow();
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a b="1" b="2"/>')).toThrow();
    expect(() => parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<a/><b/>')).toThrow();
  });
});

describe('withoutTiming', () => {
  it('zeroes every ms and changes nothing else, leaving the report alone', () => {
    const before = structuredClone(report);
    const zeroed = withoutTiming(report);
    expect(report).toEqual(before);
    const fields = msFields(zeroed);
    expect(fields).toHaveLength(1 + 4 + 5);
    expect(fields.every(([, ms]) => ms === 0)).toBe(true);
    expect(msFields(report).some(([, ms]) => ms !== 0)).toBe(true);
    const expected = JSON.parse(JSON.stringify(report, (key, value) => (key === 'ms' ? 0 : value)));
    expect(zeroed).toEqual(expected);
    expect(zeroed.tests[1]).not.toBe(report.tests[1]);
    expect(zeroed.tests[1]!.traces[1]!.metrics).not.toBe(report.tests[1]!.traces[1]!.metrics);
  });

  it('makes every format the same for two gradings that differ only in wall time', () => {
    const slower = structuredClone(report);
    slower.ms *= 3;
    for (const t of slower.tests) {
      t.ms += 17;
      for (const o of t.traces) o.ms += 17;
    }
    for (const format of [formatJson, formatJunit, (r: GradeReport) => formatGradescope(r), (r: GradeReport) => formatText(r)]) {
      expect(format(withoutTiming(slower))).toBe(format(withoutTiming(report)));
      expect(format(slower)).not.toBe(format(report));
    }
  });
});
