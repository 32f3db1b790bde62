// Program: a compiled submission as the sandbox runs it, plain data that crosses workers. compile.ts
// makes it (esbuild, then instrument.ts); realm.ts evaluates it in a compartment.
import type { SubmissionMap } from './sourceMap';

export interface Program {
  /** The body of a function returning the module namespace (its `default` is the class, or the data). */
  code: string;
  /** The meter's name in `code` (a name the submission does not use). */
  meter: string;
  /** The compartment globals `code` reads, bound as constants when it is evaluated. */
  globals: string[];
  /** Positions of `code` back to the student's file. */
  map: SubmissionMap;
}

/** Every name a submission's compartment may offer as a global (what instrument() looks for). */
export const COMPARTMENT_GLOBALS = [
  'AggregateError', 'Array', 'ArrayBuffer', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView', 'Date', 'Error',
  'EvalError', 'Float32Array', 'Float64Array', 'Function', 'Int16Array', 'Int32Array', 'Int8Array', 'JSON', 'Map', 'Math', 'Number', 'Object', 'Promise', 'Proxy',
  'RangeError', 'ReferenceError', 'Reflect', 'RegExp', 'Set', 'String', 'Symbol', 'SyntaxError', 'TypeError', 'URIError',
  'Uint16Array', 'Uint32Array', 'Uint8Array', 'Uint8ClampedArray', 'WeakMap', 'WeakSet', 'decodeURI', 'decodeURIComponent',
  'encodeURI', 'encodeURIComponent', 'escape', 'globalThis', 'isFinite', 'isNaN', 'parseFloat', 'parseInt', 'unescape',
  'console', '__lab',
];
