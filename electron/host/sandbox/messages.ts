// Message text for sandbox failures, built on the host from primitive parts only: the sandbox's
// describe() hands over strings, never objects, so no student code runs while a message is made.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';

/** How a thrown value reads, from describe()'s [type, name, message] ('a string' etc. for non-Errors). */
export function thrownText(type: string, name: string | null, message: string | null): string {
  if (type === 'object' || type === 'function') {
    if (name === null && message === null) return `${type === 'object' ? 'an object' : 'a function'} that is not an Error`;
    return message ? `${name ?? 'Error'}: ${message}` : (name ?? 'Error');
  }
  if (type === 'string') return `${JSON.stringify(name ?? '')} (a string, not an Error)`;
  if (type === 'null' || type === 'undefined') return `${type} (not an Error)`;
  if (type === 'symbol' || type === 'bigint') return `a ${type} (not an Error)`;
  return `${name ?? '?'} (a ${type}, not an Error)`;
}

/** How a returned non-address reads: '"abc" (a string)', 'an object', 'NaN'…; reads numbers, booleans and short strings only. */
export function valueText(ctx: QuickJSContext, handle: QuickJSHandle): string {
  const type = ctx.typeof(handle);
  switch (type) {
    case 'number': return String(ctx.getNumber(handle));
    case 'string': return `${JSON.stringify(clip(ctx.getString(handle), 40))} (a string)`;
    case 'boolean': return `${ctx.sameValue(handle, ctx.true)} (a boolean)`;
    case 'bigint': return 'a bigint'; // printing a huge one takes seconds, outside any deadline
    case 'undefined': return 'undefined';
    case 'object': return ctx.sameValue(handle, ctx.null) ? 'null' : 'an object';
    case 'function': return 'a function';
    default: return `a ${type}`;
  }
}

/** `text` cut to `max` characters, with '…' when cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}

/** '0x10000010' for an address, the plain number for anything else. */
export function hex(n: number): string {
  return Number.isInteger(n) && n >= 0 ? `0x${n.toString(16)}` : String(n);
}
