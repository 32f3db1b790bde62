// The similarity check's tokens (electron/host/similar/tokens.ts): names, numbers and strings are
// normalised so renaming does not change them, comments and layout are dropped, regular expressions
// and template literals are told apart from division and code, places are exact, and no input
// makes the scanner throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitLines, tokenize } from '../../../electron/host/similar/tokens';

const texts = (source: string): string[] => tokenize(source).map((t) => t.text);

describe('tokenize', () => {
  it('keeps keywords and punctuation, turns names, numbers and strings into id, num and str', () => {
    expect(texts('const need = Math.max(16, size + 0x7f) as number; // why')).toEqual(
      ['const', 'id', '=', 'id', '.', 'id', '(', 'num', ',', 'id', '+', 'num', ')', 'as', 'number', ';']);
    expect(texts("if (a !== 'x' && b >>>= 2n) return \"y\";")).toEqual(
      ['if', '(', 'id', '!==', 'str', '&&', 'id', '>>>=', 'num', ')', 'return', 'str', ';']);
  });

  it('gives the same tokens to code that differs only in names, numbers, comments and layout', () => {
    const one = 'function next(block: number): number {\n  return block + this.sizeOf(block); // the one after\n}';
    const two = '/* renamed */ function after(b: number): number { return b +\n    this.span(b) }'.replace(' }', '; }');
    expect(texts(one)).toEqual(texts(two));
    expect(texts('x = 8;')).toEqual(texts('y = 1_024;'));
    expect(texts('x = 8;')).not.toEqual(texts('x += 8;'));
  });

  it('tells a regular expression from a division by what comes before the slash', () => {
    expect(texts('a = b / c / d;')).toEqual(['id', '=', 'id', '/', 'id', '/', 'id', ';']);
    expect(texts('ok = /[/]x\\//g.test(s);')).toEqual(['id', '=', 'regex', '.', 'id', '(', 'id', ')', ';']);
    expect(texts('return /a/;')).toEqual(['return', 'regex', ';']);
    expect(texts('f(x) / 2')).toEqual(['id', '(', 'id', ')', '/', 'num']);
    expect(texts('a = / b')).toEqual(['id', '=', '/', 'id']); // no closing slash on the line: a division
  });

  it('reads template literals with code inside ${}, nested templates and braces included', () => {
    expect(texts('s = `a${x + `b${y}`}c${ {k: 1}.k }d`;')).toEqual(
      ['id', '=', 'str', 'id', '+', 'str', 'id', 'str', 'str', '{', 'id', ':', 'num', '}', '.', 'id', 'str', ';']);
  });

  it('places each token by row and column (from 0, the end exclusive), across \\r\\n, \\n and \\r', () => {
    const source = 'let a\r\n  = `x\ny`;\r/* c\n */ b';
    const tokens = tokenize(source);
    expect(tokens.map((t) => [t.text, t.startRow, t.startCol, t.endRow, t.endCol])).toEqual([
      ['let', 0, 0, 0, 3], ['id', 0, 4, 0, 5], ['=', 1, 2, 1, 3], ['str', 1, 4, 2, 2], [';', 2, 2, 2, 3], ['id', 4, 4, 4, 5]]);
    const lines = splitLines(source);
    expect(lines).toEqual(['let a', '  = `x', 'y`;', '/* c', ' */ b']);
    expect(lines[4]!.slice(4, 5)).toBe('b');
  });

  it('never throws, and its tokens are in order within the text, whatever the input', () => {
    const pieces = fc.constantFrom('`', '${', '}', '{', '/', '*', '//', '/*', '*/', '"', "'", '\\', '\n', '\r', 'x', '1', '.', ' ', 'é', '😀', '#', '@');
    fc.assert(fc.property(fc.array(pieces, { maxLength: 60 }).map((p) => p.join('')), (source) => {
      const tokens = tokenize(source);
      const lines = splitLines(source);
      let previous = [0, 0];
      for (const t of tokens) {
        expect(t.startRow > previous[0]! || (t.startRow === previous[0] && t.startCol >= previous[1]!)).toBe(true);
        expect(t.endRow > t.startRow || t.endCol > t.startCol).toBe(true);
        expect(t.endRow).toBeLessThan(lines.length);
        expect(t.endCol).toBeLessThanOrEqual(lines[t.endRow]!.length);
        previous = [t.endRow, t.endCol];
      }
    }), { numRuns: 500 });
  });

  it('runs an unterminated string to its line end and an unterminated comment or template to the file end', () => {
    expect(texts('a = "open\nb;')).toEqual(['id', '=', 'str', 'id', ';']);
    expect(texts('a; /* open\nb;')).toEqual(['id', ';']);
    expect(texts('a = `open\nb;')).toEqual(['id', '=', 'str']);
  });
});
