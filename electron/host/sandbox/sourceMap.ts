// Source positions for run-time errors: compileSubmission keeps a small source map of the script it
// returns (the student's file name, the index of its source and the VLQ `mappings`, already shifted
// past the wrapper's lines, and the column shifts the instrumentation made), and the host maps the
// first submission.js frame of a stack (`    at malloc (submission.js:29:15)`) back to the
// student's file. Plain data: it crosses workers.
import { inputColumn, type LineEdits } from './instrument';

export interface SubmissionMap {
  /** The student's file as named in messages. */
  file: string;
  /** Index of the student's file in the map's sources (other sources, e.g. 'freenos-lab', never map). */
  source: number;
  /** Source map v3 mappings of esbuild's script, as it sits in submission.js (one line down). */
  mappings: string;
  /** Column shifts the instrumentation made, per 0-based line of esbuild's script. */
  edits?: LineEdits;
}

export interface Position {
  file: string;
  /** 1-based line and column (UTF-16 units, like CompileError's); the column is where the mapped code starts. */
  line: number;
  column: number;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * The segments of generated line `line` (0-based) as absolute [column, source, sourceLine, sourceColumn]
 * (just [column] for an unmapped segment), in order; null when `mappings` is malformed.
 */
export function decodeLine(mappings: string, line: number): number[][] | null {
  const state = [0, 0, 0, 0]; // generated column, source, source line, source column (names unused)
  const segments: number[][] = [];
  let current = 0;
  let i = 0;
  while (i < mappings.length && current <= line) {
    const c = mappings[i];
    if (c === ';') {
      current++;
      state[0] = 0;
    }
    if (c === ';' || c === ',') {
      i++;
      continue;
    }
    let fields = 0;
    while (i < mappings.length && mappings[i] !== ',' && mappings[i] !== ';') {
      let value = 0, scale = 1, digit: number;
      do {
        digit = i < mappings.length ? BASE64.indexOf(mappings[i++]!) : -1;
        if (digit < 0 || scale > 2 ** 35) return null;
        value += (digit & 31) * scale;
        scale *= 32;
      } while (digit & 32);
      if (fields < 4) state[fields] += value % 2 === 1 ? -(value - 1) / 2 : value / 2;
      fields++;
    }
    if (fields !== 1 && fields !== 4 && fields !== 5) return null;
    if (current === line) segments.push(fields === 1 ? [state[0]!] : [...state]);
  }
  return segments;
}

/**
 * The student's position of 1-based `line`, `column` of the script: the last segment starting at or
 * before the column (the line's first when none does); null when it is not in the student's file.
 */
export function originalPosition(map: SubmissionMap, line: number, column: number): Position | null {
  if (map.edits && line >= 2) column = inputColumn(map.edits, line - 2, column - 1) + 1;
  const segments = decodeLine(map.mappings, line - 1);
  if (!segments || segments.length === 0) return null;
  let found = segments[0]!;
  for (const segment of segments) if (segment[0]! <= column - 1) found = segment;
  if (found.length < 4 || found[1] !== map.source) return null;
  return { file: map.file, line: found[2]! + 1, column: found[3]! + 1 };
}

const FRAME = /^\s*at (?:(.*) \()?submission\.js:(\d+)(?::(\d+))?\)?$/;

/**
 * ' (at mm.ts:7:12 in malloc)' for the first frame of a `stack` in submission.js that maps to
 * the student's file (prelude frames are skipped); '' when none does. Assumes nothing about `stack`.
 */
export function stackPosition(stack: string, map: SubmissionMap): string {
  for (const text of stack.split('\n', 64)) {
    const frame = FRAME.exec(text.length > 300 ? '' : text);
    if (!frame) continue;
    const at = originalPosition(map, Number(frame[2]), frame[3] === undefined ? 1 : Number(frame[3]));
    if (!at) continue;
    const name = (frame[1] ?? '').replace(/^(?:Object|Function)\./, '');
    // V8 names top-level code and anonymous arrows 'eval' (the compartment evaluates the program): no name shown.
    const where = name === '' || name === 'eval' || name.startsWith('<') ? '' : ` in ${name.length > 60 ? `${name.slice(0, 60)}…` : name}`;
    return ` (at ${at.file}:${at.line}:${at.column}${where})`;
  }
  return '';
}
