// evaluateData: runs a compiled submission whose default export is plain data (a 'tune' exercise's
// config and predictions) in a fresh QuickJS instance, and hands back that data as JSON, never as a
// live object: the host only ever parses a string. The whole evaluation (top level, getters,
// toJSON) runs under one deadline and a memory cap; a loop, a throw, a memory bomb, a missing
// default export or one holding functions comes back as a reason a student can act on.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { clip, thrownText } from './messages';
import { stackPosition, type SubmissionMap } from './sourceMap';
import { newQuickJSInstance } from './wasm';

export interface EvaluateOptions {
  /** The whole evaluation's deadline. Default 2000 ms. */
  timeLimitMs?: number;
  /** Memory the instance may use beyond QuickJS's own. Default 16 MiB. */
  memoryLimit?: number;
  /** The longest JSON text accepted. Default 64 KiB. */
  maxLength?: number;
  /** compileSubmission's map: a throw then names the student's line. */
  sourceMap?: SubmissionMap | null;
}

export type DataResult = { ok: true; value: unknown } | { ok: false; reason: string };

// Trusted helpers, evaluated before the submission: they capture JSON.stringify and the reflection
// functions first, so a submission that replaces them later changes nothing here.
const HELPERS = String.raw`(function () {
  'use strict';
  var stringify = JSON.stringify, getOwn = Object.getOwnPropertyDescriptor, getProto = Object.getPrototypeOf;
  Object.defineProperty(globalThis, '__lab', { value: Object.freeze({ log: function () {} }), enumerable: false });
  function ownString(e, key) {
    try {
      for (var o = e, depth = 0; o !== null && depth < 32; depth++) {
        var d = getOwn(o, key);
        if (d !== void 0) return typeof d.value === 'string' ? d.value.slice(0, 500) : null;
        o = getProto(o);
      }
    } catch (err) { /* a proxy's trap threw */ }
    return null;
  }
  function describe(e) {
    var t = typeof e;
    if (e === null) return stringify(['null', null, null, null]);
    if (t === 'object' || t === 'function') return stringify([t, ownString(e, 'name'), ownString(e, 'message'), ownString(e, 'stack')]);
    if (t === 'string') return stringify([t, e.slice(0, 200), null, null]);
    return stringify([t, t === 'symbol' || t === 'bigint' ? null : String(e), null, null]);
  }
  function exported(ns) {
    if (ns === null || typeof ns !== 'object' || !('default' in ns)) return '~no-default';
    var value = ns['default'];
    if (typeof value === 'function') return '~function';
    var text = stringify(value, function (key, v) {
      var t = typeof v;
      if (t === 'undefined' && key !== '') return v; // left out, as JSON does
      var what = key === '' ? 'the default export is ' : 'the default export holds "' + key + '", ';
      if (t === 'function' || t === 'symbol' || t === 'bigint' || t === 'undefined') throw new TypeError('~' + what + (t === 'undefined' ? t : 'a ' + t) + ', not plain data');
      if (t === 'number' && !isFinite(v)) throw new TypeError('~' + what + v + ', not a finite number');
      return v;
    });
    return typeof text === 'string' ? text : '~no-default';
  }
  return [describe, exported];
})()`;

/** Evaluates `code` (compileSubmission's output) and returns its default export as plain data, or why not. */
export async function evaluateData(code: string, options: EvaluateOptions = {}): Promise<DataResult> {
  const timeLimitMs = options.timeLimitMs ?? 2000;
  const memoryLimit = options.memoryLimit ?? 16 * 1024 * 1024;
  const maxLength = options.maxLength ?? 64 * 1024;
  const module = await newQuickJSInstance(memoryLimit);
  const rt = module.newRuntime();
  rt.setMaxStackSize(256 * 1024);
  rt.setMemoryLimit(memoryLimit);
  const deadline = Date.now() + timeLimitMs;
  let interrupted = false;
  rt.setInterruptHandler(() => (interrupted = Date.now() > deadline));
  const ctx = rt.newContext();
  const handles: QuickJSHandle[] = [];
  const keep = (h: QuickJSHandle): QuickJSHandle => (handles.push(h), h);
  let crashed = false;
  try {
    const helpers = keep(ctx.unwrapResult(ctx.evalCode(HELPERS, 'lab-helpers.js', { type: 'global', strict: true })));
    const [describe, exported] = [0, 1].map((k) => keep(ctx.getProp(helpers, k)));
    /** The reason an evaluation failed, from the thrown value (described by the trusted helper). */
    const failure = (what: string, error: QuickJSHandle): string => {
      if (interrupted) return `${what} did not finish within ${timeLimitMs} ms (an endless loop?)`;
      const described = ctx.callFunction(describe!, ctx.undefined, error);
      if (described.error) {
        described.error.dispose();
        return interrupted ? `${what} did not finish within ${timeLimitMs} ms (an endless loop?)` : `${what} ran out of memory (the limit is ${memoryLimit / 1024 / 1024} MiB)`;
      }
      const text = described.value.consume((h) => stringOf(ctx, h));
      const [type, name, message, stack] = JSON.parse(text ?? '["null",null,null,null]') as [string, string | null, string | null, string | null];
      if (name === 'InternalError' && message === 'out of memory') return `${what} ran out of memory (the limit is ${memoryLimit / 1024 / 1024} MiB)`;
      if (type === 'object' && name === 'TypeError' && message?.startsWith('~')) return message.slice(1);
      const at = stack && options.sourceMap ? stackPosition(stack, options.sourceMap) : '';
      return `${what} threw ${thrownText(type, name, message)}${at}`;
    };
    const evaluated = ctx.evalCode(code, 'submission.js', { type: 'global' });
    if (evaluated.error) return { ok: false, reason: evaluated.error.consume((e) => failure("the file's top level", e)) };
    const ns = keep(evaluated.value);
    const result = ctx.callFunction(exported!, ctx.undefined, ns);
    if (result.error) return { ok: false, reason: result.error.consume((e) => failure('reading the default export', e)) };
    const text = result.value.consume((h) => stringOf(ctx, h)) ?? '~no-default';
    if (text === '~no-default') return { ok: false, reason: 'there is no default export: write `export default { config: {...}, predictions: {...} }`' };
    if (text === '~function') return { ok: false, reason: 'the default export is a function or a class, not plain data: write `export default { config: {...}, predictions: {...} }`' };
    if (text.length > maxLength) return { ok: false, reason: `the default export is ${text.length} characters of JSON, more than the ${maxLength} allowed` };
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    crashed = true;
    return { ok: false, reason: `the sandbox crashed: ${clip(error instanceof Error ? error.message : String(error), 300)}` };
  } finally {
    if (!crashed) {
      for (const h of handles) if (h.alive) h.dispose();
      ctx.dispose();
      rt.dispose();
    }
  }
}

/** A string handle's text, or null for anything else. */
function stringOf(ctx: QuickJSContext, handle: QuickJSHandle): string | null {
  return ctx.typeof(handle) === 'string' ? ctx.getString(handle) : null;
}
