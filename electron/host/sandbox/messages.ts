// Message text for sandbox failures, made by trusted code from a student's values without running
// any of the student's code: only primitives, own data properties of genuine Error objects, and
// type tags are read (never a getter, toString, valueOf or a proxy trap). Should a trap run anyway
// (a proxy deep in a prototype chain), it meets the meter outside a call and throws at once.
import { types } from 'node:util';

/** [type, name, message, stack] of a thrown value: name and message for errors, the text for primitives. */
export interface Described {
  type: string;
  name: string | null;
  message: string | null;
  stack: string | null;
}

/** What was thrown, read safely (see the file's comment). */
export function describeThrown(value: unknown): Described {
  const type = value === null ? 'null' : typeof value;
  if (type === 'string') return { type, name: clip(value as string, 500), message: null, stack: null };
  if (type === 'symbol' || type === 'bigint') return { type, name: null, message: null, stack: null };
  if (type !== 'object' && type !== 'function') return { type, name: String(value), message: null, stack: null };
  try {
    if (types.isProxy(value) || !types.isNativeError(value)) return { type, name: null, message: null, stack: null };
    return { type, name: errorName(value as object), message: dataString(value as object, 'message', false), stack: dataString(value as object, 'stack', false, 2000) };
  } catch {
    return { type, name: null, message: null, stack: null };
  }
}

/** The standard error prototypes and their names (SES makes their `name` an accessor: read from here instead). */
const STANDARD = new Map<object, string>([Error, RangeError, TypeError, SyntaxError, ReferenceError, EvalError, URIError, AggregateError]
  .map((E) => [E.prototype, E.name]));

/** An error's name: a data `name` on the object or a prototype of the student's, else its standard class's. */
function errorName(error: object): string | null {
  for (let o: object | null = error, depth = 0; o !== null && depth < 32; depth++) {
    const standard = STANDARD.get(o);
    if (standard) return standard;
    if (types.isProxy(o)) return null;
    const d = Object.getOwnPropertyDescriptor(o, 'name');
    if (d) return 'value' in d && typeof d.value === 'string' ? clip(d.value, 500) : null;
    o = Object.getPrototypeOf(o) as object | null;
  }
  return null;
}

/** The string value of a data property `key`, own or (when `inherited`) on the prototype chain; null otherwise. */
function dataString(object: object, key: string, inherited: boolean, max = 500): string | null {
  for (let o: object | null = object, depth = 0; o !== null && depth < 32; depth++) {
    if (types.isProxy(o)) return null;
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return 'value' in d && typeof d.value === 'string' ? clip(d.value, max) : null;
    if (!inherited) return null;
    o = Object.getPrototypeOf(o) as object | null;
  }
  return null;
}

/** How a thrown value reads, from describeThrown's parts ('a string' etc. for non-Errors). */
export function thrownText(d: Described): string {
  const { type, name, message } = d;
  if (type === 'object' || type === 'function') {
    if (name === null && message === null) return `${type === 'object' ? 'an object' : 'a function'} that is not an Error`;
    return message ? `${name ?? 'Error'}: ${message}` : (name ?? 'Error');
  }
  if (type === 'string') return `${JSON.stringify(name ?? '')} (a string, not an Error)`;
  if (type === 'null' || type === 'undefined') return `${type} (not an Error)`;
  if (type === 'symbol' || type === 'bigint') return `a ${type} (not an Error)`;
  return `${name ?? '?'} (a ${type}, not an Error)`;
}

/** How a returned non-address reads: '"abc" (a string)', 'an object', 'NaN'…; reads primitives only. */
export function valueText(value: unknown): string {
  switch (typeof value) {
    case 'number': return String(value);
    case 'string': return `${JSON.stringify(clip(value, 40))} (a string)`;
    case 'boolean': return `${value} (a boolean)`;
    case 'bigint': return 'a bigint'; // printing a huge one takes seconds
    case 'undefined': return 'undefined';
    case 'object': return value === null ? 'null' : 'an object';
    case 'function': return 'a function';
    default: return `a ${typeof value}`;
  }
}

/** `text` cut to `max` characters, with '…' when cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}
