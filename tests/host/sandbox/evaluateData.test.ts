// evaluateData (run in this file's sandbox worker): a compiled submission's default export comes
// back as plain data; a top level that loops, throws or eats memory, no default export, a function
// or a value JSON cannot hold each come back as a reason, and a replaced JSON.stringify changes nothing.
import { describe, expect, it } from 'vitest';
import type { EvaluateOptions } from '../../../electron/host/sandbox/evaluateData';
import { compiled, evaluateIn } from './helpers';

async function evaluate(source: string, options: EvaluateOptions = { units: 1_000_000 }) {
  return evaluateIn(await compiled(source, 'mine.ts'), options);
}

describe('evaluateData', { timeout: 30_000 }, () => {
  it('returns the default export as data, computed values and a logging import included', async () => {
    const result = await evaluate(`import { log } from 'freenos-lab';
      const sizes = [1, 2, 3].map((k) => 32 << k);
      log('hello');
      console.log('quiet');
      export default { config: { sizeClasses: sizes, fit: 'best', gone: undefined }, predictions: { q: null } };`);
    expect(result).toEqual({ ok: true, value: { config: { sizeClasses: [64, 128, 256], fit: 'best' }, predictions: { q: null } } });
  });

  it('runs with the default options', async () => {
    expect(await evaluate('export default { config: { n: [1, 2].length } };', {})).toEqual({ ok: true, value: { config: { n: 2 } } });
  });

  it('ignores a JSON.stringify the submission replaced', async () => {
    const result = await evaluate(`try { JSON.stringify = () => '{"config":{"fit":"worst"}}'; } catch {}\nexport default { config: { fit: 'next' } };`);
    expect(result).toEqual({ ok: true, value: { config: { fit: 'next' } } });
  });

  it('stops a top level that loops, and a getter that loops, at the units given', async () => {
    expect(await evaluate('for (;;) {}\nexport default {};')).toEqual({ ok: false, reason: "the file's top level did not finish within 1,000,000 units (an endless loop?)" });
    expect(await evaluate('export default { get config() { for (;;) {} } };', { units: 5000 }))
      .toEqual({ ok: false, reason: 'reading the default export did not finish within 5,000 units (an endless loop?)' });
  });

  // The top level's frame is V8's eval code: its name shows as ' in eval'.
  it('names a throw and where it came from', async () => {
    const result = await evaluate("const x = 1;\nif (x) throw new RangeError('no config yet');\nexport default {};");
    expect(result).toEqual({ ok: false, reason: "the file's top level threw RangeError: no config yet (at mine.ts:2:14)" });
    expect(await evaluate("throw 'oops'; export default {};")).toEqual({ ok: false, reason: "the file's top level threw \"oops\" (a string, not an Error)" });
    expect(await evaluate('export default { get config(): number { throw new TypeError("later"); } };'))
      .toEqual({ ok: false, reason: 'reading the default export threw TypeError: later (at mine.ts:1:47 in get config [as config])' });
  });

  it('reports a student\'s TypeError that imitates the grader\'s own refusals as thrown by their code', async () => {
    const result = await evaluate('export default { get config(): number { throw new TypeError("~all tests passed: 10 / 10"); } };');
    expect(result).toEqual({ ok: false, reason: 'reading the default export threw TypeError: ~all tests passed: 10 / 10 (at mine.ts:1:47 in get config [as config])' });
  });

  it('refuses eval and Function at run time', async () => {
    expect(await evaluate('const e = eval; e("1");\nexport default {};'))
      .toEqual({ ok: false, reason: "the file's top level threw TypeError: eval is not available in the lab: write the code itself (at mine.ts:1:17)" });
    expect(await evaluate('new Function("return 1")();\nexport default {};'))
      .toEqual({ ok: false, reason: "the file's top level threw TypeError: Function is not available in the lab: write the code itself (at mine.ts:1:1)" });
  });

  it('reports a memory bomb as running out of memory', async () => {
    const result = await evaluate('const a = []; for (;;) a.push(new Array(1e5).fill(1));\nexport default {};', { units: 1e9 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^the file's top level ran out of memory: it would hold \d+ MiB of JavaScript memory, more than the sandbox's 16 MiB$/);
  });

  it('takes a smaller JSON limit', async () => {
    expect(await evaluate('export default { config: { s: "abcdefghij" } };', { maxLength: 20 }))
      .toEqual({ ok: false, reason: 'the default export is 29 characters of JSON, more than the 20 allowed' });
  });

  it.each([
    ['export const config = {};', 'there is no default export: write `export default { config: {...}, predictions: {...} }`'],
    ['export default class Mine {}', 'the default export is a function or a class, not plain data: write `export default { config: {...}, predictions: {...} }`'],
    ['export default { config: { fit: () => "best" } };', 'the default export holds "fit", a function, not plain data'],
    ['export default { config: { growBy: 1 / 0 } };', 'the default export holds "growBy", Infinity, not a finite number'],
    ['export default { config: { k: Symbol("s") } };', 'the default export holds "k", a symbol, not plain data'],
    ['export default undefined;', 'the default export is undefined, not plain data'],
    ['export default 10n;', 'the default export is a bigint, not plain data'],
    ['export default { config: { sizeClasses: new Array(100000).fill(64) } };', 'the default export is 300028 characters of JSON, more than the 65536 allowed'],
  ])('refuses %s', async (source, reason) => {
    expect(await evaluate(source)).toEqual({ ok: false, reason });
  });
});
