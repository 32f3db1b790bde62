// evaluateData: a compiled submission's default export comes back as plain data; a top level that
// loops, throws or eats memory, no default export, a function or a value JSON cannot hold each come
// back as a reason, and a replaced JSON.stringify changes nothing.
import { describe, expect, it } from 'vitest';
import { compileSubmission } from '../../../electron/host/sandbox/compile';
import { evaluateData } from '../../../electron/host/sandbox/evaluateData';

async function evaluate(source: string, timeLimitMs = 500) {
  const compiled = await compileSubmission(source, 'mine.ts');
  if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('\n'));
  return evaluateData(compiled.code, { timeLimitMs, sourceMap: compiled.map });
}

describe('evaluateData', { timeout: 30_000 }, () => {
  it('returns the default export as data, computed values and a logging import included', async () => {
    const result = await evaluate(`import { log } from 'freenos-lab';
      const sizes = [1, 2, 3].map((k) => 32 << k);
      log('hello');
      export default { config: { sizeClasses: sizes, fit: 'best', gone: undefined }, predictions: { q: null } };`);
    expect(result).toEqual({ ok: true, value: { config: { sizeClasses: [64, 128, 256], fit: 'best' }, predictions: { q: null } } });
  });

  it('ignores a JSON.stringify the submission replaced', async () => {
    const result = await evaluate(`JSON.stringify = () => '{"config":{"fit":"worst"}}'; export default { config: { fit: 'next' } };`);
    expect(result).toEqual({ ok: true, value: { config: { fit: 'next' } } });
  });

  it('stops a top level that loops, and a getter that loops', async () => {
    expect(await evaluate('for (;;) {}\nexport default {};')).toEqual({ ok: false, reason: "the file's top level did not finish within 500 ms (an endless loop?)" });
    expect(await evaluate('export default { get config() { for (;;) {} } };')).toEqual({ ok: false, reason: 'reading the default export did not finish within 500 ms (an endless loop?)' });
  });

  it('names a throw and where it came from', async () => {
    const result = await evaluate("const x = 1;\nif (x) throw new RangeError('no config yet');\nexport default {};");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^the file's top level threw RangeError: no config yet \(at mine\.ts:2:\d+/);
    expect(await evaluate("throw 'oops'; export default {};")).toEqual({ ok: false, reason: "the file's top level threw \"oops\" (a string, not an Error)" });
  });

  it('reports a memory bomb as running out of memory', async () => {
    const result = await evaluate('const a = []; for (;;) a.push(new Array(1e5).fill(1));\nexport default {};', 10_000);
    expect(result).toEqual({ ok: false, reason: "the file's top level ran out of memory (the limit is 16 MiB)" });
  });

  it.each([
    ['export const config = {};', 'there is no default export: write `export default { config: {...}, predictions: {...} }`'],
    ['export default class Mine {}', 'the default export is a function or a class, not plain data: write `export default { config: {...}, predictions: {...} }`'],
    ['export default { config: { fit: () => "best" } };', 'the default export holds "fit", a function, not plain data'],
    ['export default { config: { growBy: 1 / 0 } };', 'the default export holds "growBy", Infinity, not a finite number'],
    ['export default 10n;', 'the default export is a bigint, not plain data'],
    ['export default { config: { sizeClasses: new Array(100000).fill(64) } };', 'the default export is 300028 characters of JSON, more than the 65536 allowed'],
  ])('refuses %s', async (source, reason) => {
    expect(await evaluate(source)).toEqual({ ok: false, reason });
  });
});
