// sourceLimits: what a submission's text may be before the compiler sees it. esbuild's parser
// recurses once per nesting level (400 KB of `[` overflowed its stack and killed its service for
// every later compile), and it reports one error per bad token with the whole line's text (a 50 KB
// line of `-` made 25,000 errors, 2.5 GB and 25 s). Bounding size, line length and nesting keeps
// every compile, and its error list, small. Strings and comments are skipped when nesting is counted.
import type { CompileError } from './compile';

/** The largest source compiled, in UTF-16 code units (a whole malloc-lab allocator is ~20 K). */
export const MAX_SOURCE_CHARS = 128 * 1024;
/** The longest line; the worst error list is then about MAX_SOURCE_CHARS × MAX_LINE_CHARS / 2 bytes (32 MB, ~1 s). */
export const MAX_LINE_CHARS = 500;
/** The deepest nesting of (), [] and {} (a real allocator stays under 20). */
export const MAX_NESTING = 256;

/** Why `source` (named `file`) is refused, at its 1-based line and column; null when within the limits. */
export function sourceProblem(source: string, file: string): CompileError | null {
  const at = (offset: number, message: string): CompileError => {
    const before = source.slice(0, offset);
    const line = before.split('\n').length;
    return { file, line, column: offset - before.lastIndexOf('\n'), message };
  };
  if (source.length > MAX_SOURCE_CHARS) {
    return { file, line: 1, column: 1, message: `the file has ${source.length.toLocaleString('en-US')} characters: at most ${MAX_SOURCE_CHARS.toLocaleString('en-US')} are compiled` };
  }
  let start = 0;
  while (start <= source.length) {
    const end = source.indexOf('\n', start);
    const stop = end < 0 ? source.length : end;
    if (stop - start > MAX_LINE_CHARS) {
      return at(start, `this line has ${(stop - start).toLocaleString('en-US')} characters: at most ${MAX_LINE_CHARS.toLocaleString('en-US')} are compiled (split it)`);
    }
    start = stop + 1;
  }
  const deepest = deepestNesting(source);
  return deepest === null ? null : at(deepest, `brackets are nested more than ${MAX_NESTING} deep here`);
}

/**
 * The offset where (), [] and {} outside strings and comments first nest deeper than MAX_NESTING;
 * null if never. A template's `${...}` counts as code: its brackets nest inside the template's.
 */
function deepestNesting(source: string): number | null {
  let depth = 0;
  // The depths at which an open template's `${` began: its `}` resumes the template.
  const templates: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') i = skipTo(source, '\n', i + 2) - 1;
    else if (c === '/' && source[i + 1] === '*') i = skipTo(source, '*/', i + 2) + 1;
    else if (c === '"' || c === "'") i = stringEnd(source, c, i + 1);
    else if (c === '`' || (c === '}' && templates.at(-1) === depth)) {
      if (c === '}') depth = templates.pop()! - 1;
      i = templateEnd(source, i + 1);
      if (source.startsWith('${', i)) {
        templates.push(++depth);
        if (depth > MAX_NESTING) return i;
        i++;
      }
    } else if (c === '(' || c === '[' || c === '{') {
      if (++depth > MAX_NESTING) return i;
    } else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return null;
}

/** The offset of `text` from `from`, or the source's end. */
function skipTo(source: string, text: string, from: number): number {
  const found = source.indexOf(text, from);
  return found < 0 ? source.length : found;
}

/** The offset of the quote closing a string opened before `from`, or of its line's end. */
function stringEnd(source: string, quote: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === quote || c === '\n') return i;
  }
  return source.length;
}

/** The offset of the '`' ending a template's text from `from`, or of the next `${`, or the source's end. */
function templateEnd(source: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') i++;
    else if (c === '`' || (c === '$' && source[i + 1] === '{')) return i;
  }
  return source.length;
}
