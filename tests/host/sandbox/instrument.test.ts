// instrument(): the meter calls it puts at every function entry and loop step (after directives,
// inside expression-bodied arrows, in every loop kind, class members included), its refusal of
// import() and direct eval with their offsets, the escapes that keep literals' values while hiding
// what SES refuses, the column map back to the input, and counts that never vary. Pure: the
// instrumented code runs here through new Function with a counting meter (no sandbox, no worker).
import { describe, expect, it } from 'vitest';
import { CATCH_UNITS, inputColumn, instrument } from '../../../electron/host/sandbox/instrument';

/** The instrumented code of `source`; fails the test on a refusal. */
function code(source: string, known: readonly string[] = []): string {
  const result = instrument(source, known);
  if (!result.ok) throw new Error(`refused at ${result.offset}: ${result.message}`);
  expect(result.meter).toBe('__meter0');
  return result.code;
}

/** Runs instrumented `source` (a script body; its `return` is the value) with a meter that counts. */
function run(source: string): { value: unknown; units: number } {
  let units = 0;
  const body = code(source);
  const value = (new Function('__meter0', body) as (meter: (n?: number) => void) => unknown)((n = 1) => { units += n; });
  return { value, units };
}

/** Runs `source` as it is, without instrumentation (for comparing values). */
function plain(source: string): unknown {
  return (new Function(source) as () => unknown)();
}

describe('instrument: meter calls', () => {
  it('opens every function body, after its directives', () => {
    expect(code(`function f(a) { 'use strict'; "x"; return a; }`)).toBe(`function f(a) { 'use strict'; "x";__meter0(); return a; }`);
    expect(code('function g() {}')).toBe('function g() {__meter0();}');
    expect(code('const k = async (x) => { return x; };')).toBe('const k = async (x) => {__meter0(); return x; };');
    expect(code('const o = { m() { return 1; }, f: function () {} };')).toBe('const o = { m() {__meter0(); return 1; }, f: function () {__meter0();} };');
  });

  it('wraps an expression-bodied arrow, nested ones included', () => {
    expect(code('const h = (x) => x + 1;')).toBe('const h = (x) => (__meter0(), x + 1);');
    expect(code('f(() => () => 1);')).toBe('f(() => (__meter0(), () => (__meter0(), 1)));');
    expect(code('const o = () => ({ a: 1 });')).toBe('const o = () => ((__meter0(), { a: 1 }));');
  });

  it('opens every loop body, a bare statement put in a block', () => {
    expect(code('for (let i = 0; i < 3; i++) s++;')).toBe('for (let i = 0; i < 3; i++) {__meter0();s++;}');
    expect(code('for (const k in o) { s++; }')).toBe('for (const k in o) {__meter0(); s++; }');
    expect(code('for (const v of a) s++;')).toBe('for (const v of a) {__meter0();s++;}');
    expect(code('while (s < 3) s++;')).toBe('while (s < 3) {__meter0();s++;}');
    expect(code('do s++; while (s < 3);')).toBe('do {__meter0();s++;} while (s < 3);');
    expect(code('outer: for (;;) for (;;) continue outer;')).toBe('outer: for (;;) {__meter0();for (;;) {__meter0();continue outer;}}');
  });

  it('opens class constructors, methods, getters, setters and static methods', () => {
    expect(code('class A { constructor() { this.x = 1; } get y() { return 1; } set y(v) {} m() { return 2; } static s() {} }'))
      .toBe('class A { constructor() {__meter0(); this.x = 1; } get y() {__meter0(); return 1; } set y(v) {__meter0();} m() {__meter0(); return 2; } static s() {__meter0();} }');
  });

  it('opens arrows in class fields and loops in static blocks (a static block is no call)', () => {
    expect(code('class A { f = () => 1; static { for (;;) break; } }')).toBe('class A { f = () => (__meter0(), 1); static { for (;;) {__meter0();break;} } }');
  });

  it('puts the meter before a literal it escapes at the same offset', () => {
    expect(code("const f = () => '-->'; while (a) 'import(';")).toBe("const f = () => (__meter0(), '--\\x3e'); while (a) {__meter0();'impor\\x74(';}");
    expect(run("const f = () => '<!--'; return [f(), f()];")).toEqual({ value: ['<!--', '<!--'], units: 2 });
  });

  it('counts one unit per call and per loop step, of every kind', () => {
    const cases: [string, unknown, number][] = [
      ['function f() { return 1; } return f() + f() + f();', 3, 3],
      ['let s = 0; for (let i = 0; i < 5; i++) s += i; return s;', 10, 5],
      ['let s = 0; for (const k in { a: 1, b: 2 }) s++; return s;', 2, 2],
      ['let s = 0; for (const v of [1, 2, 3, 4]) s += v; return s;', 10, 4],
      ['let s = 0; while (s < 7) s++; return s;', 7, 7],
      ['let s = 0; do s++; while (s < 4); return s;', 4, 4],
      ['let s = 0; do s++; while (false); return s;', 1, 1],
      ['return [1, 2, 3].map((x) => x * 2);', [2, 4, 6], 3],
      // 2 outer steps, each with 2 inner steps before `continue outer`.
      ['let n = 0; outer: for (let i = 0; i < 2; i++) for (let j = 0; j < 5; j++) { n++; if (j === 1) continue outer; } return n;', 4, 6],
      ['let i = 0; again: while (i++ < 5) continue again; return i;', 6, 5],
      ['class A { constructor(v) { this.v = v; } get twice() { return this.v * 2; } set value(v) { this.v = v; } static make() { return new A(1); } }\nconst a = A.make(); a.value = 4; return a.twice;', 8, 4],
      ['const g = function* () { yield 1; yield 2; }; let s = 0; for (const v of g()) s += v; return s;', 3, 3],
    ];
    for (const [source, value, units] of cases) {
      expect(run(source), source).toEqual({ value, units });
      expect(plain(source), source).toEqual(value);
    }
  });

  it('charges CATCH_UNITS on entering a catch or finally block, and nothing for a try that does not throw', () => {
    expect(code('try { a(); } catch (e) { b(e); } finally { c(); }')).toBe(`try { a(); } catch (e) {__meter0(${CATCH_UNITS}); b(e); } finally {__meter0(${CATCH_UNITS}); c(); }`);
    expect(code('try { a(); } catch { }')).toBe(`try { a(); } catch {__meter0(${CATCH_UNITS}); }`);
    expect(run('try { null.x; } catch { return 1; }')).toEqual({ value: 1, units: CATCH_UNITS });
    expect(run('let s = 0; try { s = 1; } catch { s = 2; } return s;')).toEqual({ value: 1, units: 0 });
    expect(run('let s = 0; try { s = 1; } finally { s++; } return s;')).toEqual({ value: 2, units: CATCH_UNITS });
    // A retry in the catch at the bottom of the stack: every catch entered is paid for.
    const deep = run('let n = 0; const f = (d) => { if (d === 3) throw 0; try { return f(d + 1); } catch { n++; return d; } }; return [f(0), n];');
    expect(deep).toEqual({ value: [2, 1], units: 4 + CATCH_UNITS });
  });

  it('counts the same on every run and instruments the same on every call', () => {
    const source = 'let s = 0; for (let i = 0; i < 100; i++) { s += [i, i + 1].reduce((a, b) => a + b, 0); } return s;';
    expect(instrument(source, [])).toEqual(instrument(source, []));
    const first = run(source);
    expect(first).toEqual({ value: 10000, units: 300 });
    for (let k = 0; k < 5; k++) expect(run(source)).toEqual(first);
  });
});

describe('instrument: refusals', () => {
  const IMPORT = "import() is not available: a submission may import only 'freenos-lab', with an import statement";
  const EVAL = 'eval() is not available in the lab: write the code itself';

  it('refuses a dynamic import and a direct eval with the offset of the call', () => {
    expect(instrument("a;\n  import('x');", [])).toEqual({ ok: false, offset: 5, message: IMPORT });
    expect(instrument("a;\nb(eval('1'));", [])).toEqual({ ok: false, offset: 5, message: EVAL });
    expect(instrument("eval?.('1');", [])).toEqual({ ok: false, offset: 0, message: EVAL });
    expect(instrument("function f() { return () => eval('x'); }", [])).toEqual({ ok: false, offset: 28, message: EVAL });
  });

  it('reports the first refusal met', () => {
    expect(instrument("a;\n  import('x');\neval('1');", [])).toEqual({ ok: false, offset: 5, message: IMPORT });
    expect(instrument("eval('1');\nimport('x');", [])).toEqual({ ok: false, offset: 0, message: EVAL });
  });

  it('leaves indirect eval and a method named eval on an object to the realm', () => {
    expect(instrument("(0, eval)('1'); o.eval(2);", [])).toMatchObject({ ok: true, code: "(0, eval)('1'); o.eval(2);" });
  });

  it('throws on a syntax error (a fault of the compiler, not the student)', () => {
    expect(() => instrument('let = ;', [])).toThrow(SyntaxError);
  });
});

describe('instrument: literals SES would refuse', () => {
  it('escapes strings, templates and regular expressions, keeping every value', () => {
    const source = 'return [\'import(\', "eval (", \'<!--\', "-->", `a${1}import(b`, `eval(${2})-->`, /eval\\s*\\(/.test("eval ("), /<!--|-->/.test("-->"), \'import /* c */\', "import// x", "import"];';
    const out = code(source);
    expect(out).toBe('return [\'impor\\x74(\', "eva\\x6c (", \'<\\x21--\', "--\\x3e", `a${1}impor\\x74(b`, `eva\\x6c(${2})--\\x3e`, /eval\\s*\\(/.test("eva\\x6c ("), /<\\x21--|--\\x3e/.test("--\\x3e"), \'impor\\x74 /* c */\', "impor\\x74// x", "import"];');
    expect(out).not.toMatch(/import\s*\(|eval\s*\(|<!--|-->/);
    const expected = ['import(', 'eval (', '<!--', '-->', 'a1import(b', 'eval(2)-->', true, true, 'import /* c */', 'import// x', 'import'];
    expect(plain(source)).toEqual(expected);
    expect(run(source)).toEqual({ value: expected, units: 0 });
  });

  it('keeps what an escaped regular expression matches', () => {
    const source = 'const r = /import\\s*\\(|eval\\(/g; const s = /<!--x-->/; return [r.test("import ("), "eval(1) import(2)".replace(/eval\\(|import\\(/g, "#"), s.test("a<!--x-->b"), s.test("<!-x->")];';
    expect(run(source).value).toEqual([true, '#1) #2)', true, false]);
    expect(plain(source)).toEqual([true, '#1) #2)', true, false]);
  });

  // Known faults: the escapes change a tagged template's raw text and the meaning of a character class.
  it.fails('keeps String.raw of a template holding import( (raw text is escaped too)', () => {
    expect(run('return String.raw`import(`;').value).toBe('import(');
  });

  // Known fault: a regular expression's source text shows the escape (it matches the same).
  it.fails("keeps the source text of a regular expression holding '-->'", () => {
    expect(run('return /a-->b/.source;').value).toBe('a-->b');
  });

  // Known fault, out of reach through compileSubmission (esbuild ends every statement with ';'): the
  // meter goes right after a directive, so a directive without ';' runs into it.
  it.fails("opens a body after a directive written without ';'", () => {
    expect(run('function f() { "use strict"\n return 1; } return f();')).toEqual({ value: 1, units: 1 });
  });

  it('keeps a regular expression whose character class holds eval( or -->', () => {
    expect(run('return [/a[-->]/.test("a>"), /[eval(]/.test("(")];').value).toEqual([true, true]);
  });
});

describe('instrument: names, globals and columns', () => {
  it('names the meter after every identifier the script uses', () => {
    expect(instrument('var __meter0, __meter1; f();', [])).toMatchObject({ ok: true, meter: '__meter2', code: 'var __meter0, __meter1; f();' });
    expect(instrument('function f() {}\nvar __meter0;', [])).toMatchObject({ ok: true, meter: '__meter1', code: 'function f() {__meter1();}\nvar __meter0;' });
  });

  it('keeps counting when the student names a variable like the meter, escaped or in an inner scope', () => {
    /** Runs instrumented `source` with its own meter name bound to a counting meter. */
    const runAs = (source: string) => {
      const result = instrument(source, []);
      if (!result.ok) throw new Error(result.message);
      let units = 0;
      const value = (new Function(result.meter, result.code) as (meter: () => void) => unknown)(() => { units++; });
      return { meter: result.meter, value, units };
    };
    // The student's __meter0 would shadow a meter of that name: it is called never, the meter each time.
    const inner = 'function g() { const __meter0 = () => { throw new Error("student meter"); }; let n = 0; for (const x of [1, 2, 3]) n += x; return [typeof __meter0, n]; } return g();';
    expect(runAs(inner)).toEqual({ meter: '__meter1', value: ['function', 6], units: 4 });
    // \u005f is '_': the same name written with an escape, and one with an escaped letter.
    expect(runAs('var \\u005f_meter0 = 5; function f() {} f(); return __meter0;')).toEqual({ meter: '__meter1', value: 5, units: 1 });
    expect(runAs('let __mete\\u{72}0 = 1, __meter1 = 2; const f = () => __meter0 + __meter1; return f();')).toEqual({ meter: '__meter2', value: 3, units: 1 });
    // A property of that name is enough to pass the name over (no harm done).
    expect(runAs('const o = { __meter0: 7 }; return (() => o.__meter0)();')).toEqual({ meter: '__meter1', value: 7, units: 1 });
  });

  it('lists the known globals the script names, in the order known', () => {
    expect(instrument('Math.max(JSON.parse("1"), Object.keys({}).length); let Symbol2;', ['Object', 'Math', 'JSON', 'Symbol', 'Array']))
      .toMatchObject({ ok: true, globals: ['Object', 'Math', 'JSON'] });
  });

  it('keeps every edit on its line and maps output columns back to the input', () => {
    const source = 'let a = 1;\nconst h = (x) => x + 1;\nwhile (a < 3) a++; const s = "-->";';
    const result = instrument(source, []);
    if (!result.ok) throw new Error('refused');
    const input = source.split('\n');
    const output = result.code.split('\n');
    expect(output).toHaveLength(3);
    expect(output[0]).toBe(input[0]);
    expect(result.edits).toEqual({ 1: [[17, 0, 13], [22, 0, 1]], 2: [[14, 0, 12], [18, 0, 1], [29, 5, 8]] });
    expect(inputColumn(result.edits, 0, 4)).toBe(4); // no edits on the line
    expect(inputColumn(result.edits, 1, 16)).toBe(16); // before the insertion
    expect(inputColumn(result.edits, 1, 17)).toBe(17); // inside the inserted '(__meter0(), ': where it went
    expect(inputColumn(result.edits, 1, 29)).toBe(17);
    expect(inputColumn(result.edits, 1, 30)).toBe(17); // 'x' of 'x + 1'
    expect(inputColumn(result.edits, 1, 34)).toBe(21); // '1'
    expect(inputColumn(result.edits, 1, 35)).toBe(22); // the inserted ')'
    expect(inputColumn(result.edits, 1, 36)).toBe(22); // ';'
    // Every output character outside inserted text is the input's character at the mapped column.
    for (const line of [1, 2]) {
      const out = output[line]!;
      const inp = input[line]!;
      let same = 0;
      for (let column = 0; column < out.length; column++) {
        const at = inputColumn(result.edits, line, column);
        expect(at).toBeGreaterThanOrEqual(0);
        expect(at).toBeLessThanOrEqual(inp.length);
        if (out[column] === inp[at]) same++;
      }
      expect(same).toBeGreaterThanOrEqual(inp.length - 5);
    }
    expect(inputColumn(result.edits, 2, output[2]!.indexOf('const'))).toBe(input[2]!.indexOf('const'));
    expect(inputColumn(result.edits, 2, output[2]!.indexOf('"--'))).toBe(input[2]!.indexOf('"-->"'));
    expect(inputColumn(result.edits, 2, output[2]!.length - 1)).toBe(input[2]!.length - 1);
  });
});
