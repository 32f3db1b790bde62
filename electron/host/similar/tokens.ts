// Tokens of a TypeScript or JavaScript file for the similarity check: what a student cannot change
// by renaming or re-wording. Names become `id`, numbers `num`, strings and template text `str`,
// regular expressions `regex`; keywords and punctuation stay as they are; comments and blanks are
// left out. The scanner never throws: a file that does not compile is still compared.

/** One token and where it is: rows from 0, columns in UTF-16 units from 0, the end exclusive. */
export interface Token {
  text: string;
  startRow: number;
  startCol: number;
  endRow: number;
  endCol: number;
}

/** Words kept as they are (the rest of the names become `id`): JavaScript's, TypeScript's and its built-in types. */
const KEYWORDS = new Set(`abstract any as asserts async await bigint boolean break case catch class const constructor
continue debugger declare default delete do else enum export extends false finally for from function get if implements
import in infer instanceof interface is keyof let namespace never new null number object of override private protected
public readonly return satisfies set static string super switch symbol this throw true try type typeof undefined unique
unknown var void while with yield`.split(/\s+/));

/** Operators and punctuation, longest first, so the scanner takes the longest that matches. */
const PUNCTUATORS = ['>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  '<<', '>>', '**'];

/** After these a `/` starts a regular expression (after a name, a number, `)`, `]` or `}` it divides). */
const BEFORE_REGEX = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case',
  'do', 'else', 'yield', 'await']);

const NAME = /[\p{ID_Start}$_#][\p{ID_Continue}$\u200c\u200d]*/uy;
const NUMBER = /(?:0[xX][\da-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?)n?/y;

/** The file's lines as the report shows them: split at \r\n, \n or \r. */
export function splitLines(source: string): string[] {
  return source.split(/\r\n|\n|\r/);
}

/** The tokens of `source`, in order; never throws (an unterminated string or comment runs to its line's or the file's end). */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  /** What each open `{` or `${` was, so a `}` knows whether template text follows it. */
  const braces: ('block' | 'template')[] = [];
  let i = 0;
  let row = 0;
  let col = 0;

  /** Moves from i to `end`, counting rows and columns. */
  const advance = (end: number) => {
    for (; i < end; i++) {
      const c = source.charCodeAt(i);
      if (c === 10 || (c === 13 && source.charCodeAt(i + 1) !== 10)) {
        row++;
        col = 0;
      } else col++;
    }
  };
  const emit = (text: string, end: number) => {
    const startRow = row;
    const startCol = col;
    advance(end);
    tokens.push({ text, startRow, startCol, endRow: row, endCol: col });
  };
  const regexAllowed = (): boolean => {
    const last = tokens[tokens.length - 1]?.text;
    if (last === undefined) return true;
    if (last === 'id' || last === 'num' || last === 'str' || last === 'regex') return false;
    if (last === ')' || last === ']' || last === '}' || last === 'this' || last === 'super') return false;
    return BEFORE_REGEX.has(last) || !/^[a-z]/.test(last);
  };
  /** From `start` (just after a backtick or a `}` closing `${`): the template text's end and whether `${` follows. */
  const templateText = (start: number): { end: number; opens: boolean } => {
    for (let j = start; j < source.length; j++) {
      const c = source[j];
      if (c === '\\') j++;
      else if (c === '`') return { end: j + 1, opens: false };
      else if (c === '$' && source[j + 1] === '{') return { end: j + 2, opens: true };
    }
    return { end: source.length, opens: false };
  };
  const template = (start: number) => {
    const { end, opens } = templateText(start);
    emit('str', end);
    if (opens) braces.push('template');
  };

  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (/\s/.test(c)) {
      advance(i + 1);
    } else if (c === '/' && next === '/') {
      advance(matchAt(/[^\r\n]*/y, source, i));
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      advance(end < 0 ? source.length : end + 2);
    } else if (c === '"' || c === "'") {
      emit('str', stringEnd(source, i));
    } else if (c === '`') {
      template(i + 1);
    } else if (c === '}' && braces[braces.length - 1] === 'template') {
      braces.pop();
      template(i + 1);
    } else if (c === '/' && regexAllowed() && regexEnd(source, i) > 0) {
      emit('regex', regexEnd(source, i));
    } else if (matchAt(NUMBER, source, i) > i) {
      emit('num', matchAt(NUMBER, source, i));
    } else if (matchAt(NAME, source, i) > i) {
      const end = matchAt(NAME, source, i);
      const word = source.slice(i, end);
      emit(KEYWORDS.has(word) ? word : 'id', end);
    } else {
      const punctuator = PUNCTUATORS.find((p) => source.startsWith(p, i) && !(p === '?.' && /\d/.test(source[i + 2] ?? '')));
      const text = punctuator ?? String.fromCodePoint(source.codePointAt(i)!);
      if (text === '{') braces.push('block');
      else if (text === '}') braces.pop();
      emit(text, i + text.length);
    }
  }
  return tokens;
}

/** Where the sticky `pattern` stops matching at `at` (`at` itself when it does not match). */
function matchAt(pattern: RegExp, source: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(source) ? pattern.lastIndex : at;
}

/** The end of the string literal opening at `at`: after its closing quote, or at its line's end when it has none. */
function stringEnd(source: string, at: number): number {
  const quote = source[at];
  for (let j = at + 1; j < source.length; j++) {
    const c = source[j];
    if (c === '\\') j++;
    else if (c === quote) return j + 1;
    else if (c === '\n' || c === '\r') return j;
  }
  return source.length;
}

/** The end of the regular expression opening at `at` (its flags included), or 0 when its line ends first. */
function regexEnd(source: string, at: number): number {
  let inClass = false;
  for (let j = at + 1; j < source.length; j++) {
    const c = source[j];
    if (c === '\n' || c === '\r') return 0;
    if (c === '\\') j++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) return matchAt(/[\p{ID_Continue}]*/uy, source, j + 1);
  }
  return 0;
}
