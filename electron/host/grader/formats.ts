// Report formats for `freenos-lab grade --format`: a readable text report, the results object in
// Gradescope's shape with the lab's own data (json), a strict Gradescope results.json, and JUnit XML.
// Pure functions of a GradeReport; only the `ms` fields differ between two gradings of the same
// code, and withoutTiming zeroes them for tests that compare outputs.
import {
  describeOutcome, type GradeReport, printable, type TestResult, type TraceOutcome, type Visibility,
} from '../../../engine/grader';

export interface TextOptions {
  /** ANSI colors (green PASS, red FAIL); for a terminal only. */
  color?: boolean;
}

export interface GradescopeOptions {
  /** Visibility of the whole result (Gradescope's default when absent). */
  visibility?: Visibility;
  /** Visibility of the autograder's stdout (Gradescope's default when absent). */
  stdoutVisibility?: Visibility;
}

/** Milliseconds as seconds rounded to the millisecond. */
const seconds = (ms: number): number => Math.round(ms) / 1000;
const passedCount = (report: GradeReport): number => report.tests.filter((t) => t.status === 'passed').length;

// ---------------------------------------------------------------------------------------------- text

/** A multi-line text with every line printable (printable.ts: controls and bidi characters as escapes), its line breaks kept. */
const visible = (s: string): string => s.split('\n').map(printable).join('\n');
const indent = (s: string, by: string): string => s.split('\n').map((line) => (line === '' ? '' : by + line)).join('\n');

/** 'random 11, realloc 12' for a report's seeds; 'none (every trace is a file)' for null. */
export function seedText(seed: Record<string, number> | null): string {
  return seed === null ? 'none (every trace is a file)' : Object.entries(seed).map(([trace, n]) => `${trace} ${n}`).join(', ');
}

/** The stamp line of a stamped report: 'grader 1a2b3c4d5e6f (code …, exercise …); seeds: random 11'; none when unstamped. */
function stampLine(report: GradeReport): string[] {
  const g = report.grader;
  return g ? [`grader ${g.version} (code ${g.code}, exercise ${g.exercise}); seeds: ${seedText(report.seed ?? null)}`] : [];
}

/** The stamp as data for extra_data: the grader's version and the seeds; nothing when unstamped. */
function stampData(report: GradeReport) {
  return report.grader ? { grader: report.grader, seed: report.seed ?? null } : {};
}

/** The report for a person: header (with the grader's stamp), notes, one block per test with its output, a summary line. */
export function formatText(report: GradeReport, options: TextOptions = {}): string {
  const paint = (code: number, s: string): string => (options.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  // The header and each note are one line whatever the names in them hold (a folder name with a line break).
  const lines = [printable(`${report.exercise}: ${report.submission}, score ${report.score} / ${report.maxScore}`), ...stampLine(report).map(printable)];
  lines.push(...report.notes.map(printable));
  for (const test of report.tests) {
    const mark = test.status === 'passed' ? paint(32, '[PASS]') : paint(31, '[FAIL]');
    const details = [`${test.score} / ${test.maxScore}`, ...(test.visibility === 'visible' ? [] : [test.visibility]), `${seconds(test.ms).toFixed(2)} s`];
    lines.push('', `${mark} ${visible(`${test.number} ${test.name} (${details.join(', ')})`)}`);
    if (test.output !== '') lines.push(indent(visible(test.output), '    '));
  }
  lines.push('', `${passedCount(report)} of ${report.tests.length} tests passed, score ${report.score} / ${report.maxScore}`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------- json

/**
 * Where a time limit stopped a trace, for tools: the 0-based operation (call) it stopped at, of how
 * many, the student's call that ran out, its trace line (0 if generated) and how many passed; else null.
 */
function stoppedData(o: TraceOutcome) {
  const f = o.failure;
  if (o.ok || !f || f.kind !== 'timeout' || f.op < 0 || o.total === undefined) return null;
  return { at: f.op, of: o.total, call: f.call ?? f.operation, line: f.line, passed: o.metrics?.operations ?? o.calls ?? f.op };
}

/** The lab's own data on one test: its kind, performance index, partial credit and every trace's verdict and metrics (a question's: the judged prediction). */
function testExtraData(test: TestResult) {
  const p = test.performance;
  return {
    kind: test.kind,
    performance: p && { utilization: p.utilization, throughput: p.throughput, index: p.index },
    ...(test.partial ? { partial_credit: test.partial } : {}),
    traces: test.traces.map((o) => ({
      trace: o.trace, file: o.file, ok: o.ok, failure: o.failure, metrics: o.metrics, ...(o.calls === undefined ? {} : { calls: o.calls }),
      ...(o.total === undefined ? {} : { total: o.total }), ...(stoppedData(o) ? { stopped: stoppedData(o) } : {}),
      ...(o.answer ? { answer: { predicted: o.answer.predicted ?? null, correct: o.answer.correct, observed: o.answer.observed } } : {}), ms: o.ms,
    })),
    not_run: test.notRun,
  };
}

/** The results object in Gradescope's shape plus the lab's data in extra_data (Infinity, NaN become null). */
export function formatJson(report: GradeReport): string {
  const results = {
    score: report.score,
    max_score: report.maxScore,
    execution_time: seconds(report.ms),
    output: report.notes.join('\n'),
    tests: report.tests.map((t) => ({
      name: t.name, number: t.number, score: t.score, max_score: t.maxScore, status: t.status, visibility: t.visibility, output: t.output,
      extra_data: testExtraData(t),
    })),
    extra_data: { exercise: report.exercise, submission: report.submission, ...stampData(report) },
  };
  return JSON.stringify(results, null, 2) + '\n';
}

// ---------------------------------------------------------------------------------------- gradescope

interface LeaderboardEntry {
  name: string;
  value: number;
  order: 'asc' | 'desc';
}

/** Leaderboard entries when a performance test was scored: utilization %, throughput ratio, the score. */
function leaderboard(report: GradeReport): LeaderboardEntry[] {
  const scored = report.tests.filter((t) => t.performance !== null);
  if (scored.length === 0) return [];
  const entries: LeaderboardEntry[] = [];
  for (const test of scored) {
    const suffix = scored.length > 1 ? ` (${test.name})` : '';
    const p = test.performance!;
    entries.push({ name: `Utilization %${suffix}`, value: Math.round(p.utilization * 1000) / 10, order: 'desc' });
    entries.push({ name: `Throughput × reference${suffix}`, value: Math.round(p.throughput * 1000) / 1000, order: 'desc' });
  }
  entries.push({ name: 'Score', value: report.score, order: 'desc' });
  return entries.filter((e) => Number.isFinite(e.value));
}

/**
 * Gradescope's results.json with only the keys Gradescope documents. The grader's stamp goes in the
 * top-level extra_data (kept by Gradescope, not shown to students: the seeds of an instructor's
 * generated hidden traces stay private).
 */
export function formatGradescope(report: GradeReport, options: GradescopeOptions = {}): string {
  const board = leaderboard(report);
  const results = {
    score: report.score,
    execution_time: seconds(report.ms),
    output: report.notes.join('\n'),
    ...(options.visibility ? { visibility: options.visibility } : {}),
    ...(options.stdoutVisibility ? { stdout_visibility: options.stdoutVisibility } : {}),
    tests: report.tests.map((t) => ({
      score: t.score, max_score: t.maxScore, name: t.name, number: t.number, output: t.output, tags: [t.kind], visibility: t.visibility, status: t.status,
    })),
    ...(board.length > 0 ? { leaderboard: board } : {}),
    ...(report.grader ? { extra_data: stampData(report) } : {}),
  };
  return JSON.stringify(results, null, 2) + '\n';
}

// --------------------------------------------------------------------------------------------- junit

/** Characters XML 1.0 forbids anywhere: C0 controls but tab, LF and CR; lone surrogates; U+FFFE and U+FFFF. */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/gu;
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/** Text content: forbidden characters dropped, markup characters escaped (so `]]>` cannot appear). */
export function xmlText(s: string): string {
  return s.replace(XML_FORBIDDEN, '').replace(/[&<>"']|\r/g, (c) => XML_ESCAPES[c]!);
}

/** An attribute value: as text, and tabs and line breaks kept as character references. */
export function xmlAttribute(s: string): string {
  return s.replace(XML_FORBIDDEN, '').replace(/[&<>"'\t\n\r]/g, (c) => XML_ESCAPES[c]!);
}

const property = (name: string, value: string | number): string => `<property name="${xmlAttribute(name)}" value="${xmlAttribute(String(value))}"/>`;

/** The failure message of a failed test: its first failed trace's verdict (with where a time limit stopped it), else the output's first line. */
function failureMessage(test: TestResult): string {
  const failed = test.traces.find((o) => !o.ok);
  if (failed) return describeOutcome(failed);
  return test.output.split('\n').find((line) => line.trim() !== '') ?? 'failed';
}

/** One <testcase>: points as properties, a <failure> with the whole output, or the output as system-out. */
function testcase(test: TestResult, classname: string): string[] {
  const lines = [`    <testcase name="${xmlAttribute(test.name)}" classname="${xmlAttribute(classname)}" time="${seconds(test.ms).toFixed(3)}">`];
  lines.push('      <properties>');
  const partial = test.partial ? [['partial_credit', String(Math.round(test.partial.fraction * 1000) / 1000)] as const] : [];
  for (const [name, value] of [['number', test.number], ['kind', test.kind], ['visibility', test.visibility], ['score', test.score], ['max_score', test.maxScore], ...partial] as const) {
    lines.push(`        ${property(name, value)}`);
  }
  lines.push('      </properties>');
  if (test.status === 'failed') lines.push(`      <failure message="${xmlAttribute(failureMessage(test))}" type="${test.kind}">${xmlText(test.output)}</failure>`);
  else if (test.output !== '') lines.push(`      <system-out>${xmlText(test.output)}</system-out>`);
  lines.push('    </testcase>');
  return lines;
}

/** The grader's stamp as suite properties: grader (the version), grader_code, grader_exercise and seed ('random=11,realloc=12' or 'none'). */
function stampProperties(report: GradeReport): string[] {
  const g = report.grader;
  if (!g) return [];
  const seed = report.seed ? Object.entries(report.seed).map(([trace, n]) => `${trace}=${n}`).join(',') : 'none';
  return [property('grader', g.version), property('grader_code', g.code), property('grader_exercise', g.exercise), property('seed', seed)];
}

/** JUnit XML: one suite named after the exercise, one case per test, the score and the grader's stamp as suite properties. */
export function formatJunit(report: GradeReport): string {
  const failures = report.tests.length - passedCount(report);
  const counts = `tests="${report.tests.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(report.ms).toFixed(3)}"`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttribute(report.exercise)}" ${counts}>`,
    `  <testsuite name="${xmlAttribute(report.exercise)}" ${counts}>`,
    '    <properties>',
    ...[property('submission', report.submission), property('score', report.score), property('max_score', report.maxScore), ...stampProperties(report)].map((p) => `      ${p}`),
    '    </properties>',
    ...report.tests.flatMap((t) => testcase(t, report.exercise)),
  ];
  if (report.notes.length > 0) lines.push(`    <system-out>${xmlText(report.notes.join('\n'))}</system-out>`);
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}

// -------------------------------------------------------------------------------------------- timing

/** A deep copy of the report with every `ms` (report, tests, traces) set to 0. */
export function withoutTiming(report: GradeReport): GradeReport {
  const copy = structuredClone(report);
  copy.ms = 0;
  for (const test of copy.tests) {
    test.ms = 0;
    for (const trace of test.traces) trace.ms = 0;
  }
  return copy;
}
