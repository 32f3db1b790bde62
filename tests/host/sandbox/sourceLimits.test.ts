// A submission's text is bounded before esbuild sees it (size, line length, nesting outside strings,
// comments and template text), and a compiler that dies is replaced: one file's compile failure
// stays that file's. Before these bounds, 400 KB of nested brackets killed esbuild's service for
// every later compile in the process, and a 50 KB line of `-` took 25 s and 2.5 GB.
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { compileSubmission } from '../../../electron/host/sandbox/compile';
import { MAX_LINE_CHARS, MAX_NESTING, MAX_SOURCE_CHARS, sourceProblem } from '../../../electron/host/sandbox/sourceLimits';
import { BUMP } from './helpers';

describe('sourceProblem', () => {
  it('passes an ordinary submission', () => {
    expect(sourceProblem(BUMP, 'mm.ts')).toBeNull();
  });

  it('refuses a file over the size limit, naming both sizes', () => {
    const big = `// ${'x'.repeat(900)}\n`.repeat(Math.ceil(MAX_SOURCE_CHARS / 900));
    expect(sourceProblem(big, 'mm.ts')).toEqual({ file: 'mm.ts', line: 1, column: 1, message: `the file has ${big.length.toLocaleString('en-US')} characters: at most 131,072 are compiled` });
  });

  it('refuses the first line over the length limit at its line', () => {
    const source = `let a = 1;\nlet b = 2;\nlet c = 1${'-'.repeat(MAX_LINE_CHARS)};\n`;
    expect(sourceProblem(source, 'mm.ts')).toMatchObject({ line: 3, column: 1, message: expect.stringMatching(/^this line has 510 characters: at most 500 are compiled/) });
  });

  it('refuses brackets nested past the limit where they pass it, counting template expressions', () => {
    const nested = `let x =\n${'[\n'.repeat(MAX_NESTING + 1)}`;
    expect(sourceProblem(nested, 'mm.ts')).toMatchObject({ line: MAX_NESTING + 2, column: 1, message: `brackets are nested more than ${MAX_NESTING} deep here` });
    const inTemplate = `let s = \`a\${\n${'(\n'.repeat(MAX_NESTING)}1${')\n'.repeat(MAX_NESTING)}}\`;\n`;
    expect(sourceProblem(inTemplate, 'mm.ts')).toMatchObject({ line: MAX_NESTING + 1, message: expect.stringContaining('nested more than') });
  });

  it('does not count brackets inside strings, comments or template text', () => {
    const quiet = [
      `const a = "${'['.repeat(400)}";`,
      `const b = '${'{'.repeat(400)}';`,
      `// ${'('.repeat(400)}`,
      `/* ${'['.repeat(400)} */`,
      `const c = \`${'{'.repeat(200)}\${1 + [2][0]}${'('.repeat(200)}\`;`,
    ].join('\n');
    expect(sourceProblem(quiet, 'mm.ts')).toBeNull();
  });
});

describe('compileSubmission within the bounds', () => {
  it('answers the 50 KB line of `-` at once, and the next file compiles', async () => {
    const bad = await compileSubmission(`let x = 1${'-'.repeat(50_000)};`, 'dash.ts');
    expect(bad).toEqual({ ok: false, errors: [{ file: 'dash.ts', line: 1, column: 1, message: 'this line has 50,010 characters: at most 500 are compiled (split it)' }] });
    expect((await compileSubmission(BUMP, 'mm.ts')).ok).toBe(true);
  });

  it('keeps at most 50 of esbuild\'s errors for a file with a thousand', async () => {
    const line = `x = 1${'-'.repeat(40)};\n`;
    const result = await compileSubmission(`let x = 0;\n${line.repeat(50)}`, 'many.ts');
    if (result.ok) throw new Error('expected errors');
    expect(result.errors).toHaveLength(50);
    expect(result.errors[0]).toMatchObject({ file: 'many.ts', line: 2 });
  });

  it('compiles a file whose compiler was stopped under it (a death caused by another file) on a new one', async () => {
    const compiling = compileSubmission(BUMP, 'mm.ts');
    await esbuild.stop();
    const result = await compiling;
    expect(result.ok).toBe(true);
    expect((await compileSubmission(BUMP, 'again.ts')).ok).toBe(true);
  });
});
