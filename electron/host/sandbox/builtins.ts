// Built-ins that scan or make many elements, charged to the meter by the elements they touch, and
// built-ins that allocate, refused before they pass the sandbox's memory. Installed on the shared
// intrinsics of a sandbox worker before SES freezes them (realm.ts), so a submission reaches only
// these versions, however it finds them (a global, a prototype, a species constructor). Outside a
// student call they cost nothing and behave exactly as the originals (trusted code uses them too).
// Without this, a malloc that keeps its bookkeeping in a string and searches it with indexOf
// would do its work where no unit is counted; and a typed-array bomb is not counted by V8's heap limits.
/* eslint-disable prefer-rest-params -- the wrappers pass `arguments` on as it is: no array made per call of a hot built-in */
import { types } from 'node:util';
import { charge, isActive, reserve } from './meter';

/** The original memmove of typed arrays, for the trusted heap's copy() (the wrapped one charges the whole heap). */
export const rawCopyWithin = Uint8Array.prototype.copyWithin;

type Cost = (self: unknown, args: IArguments) => number;
type Bytes = (self: unknown, args: IArguments) => number;

const isArray = Array.isArray;
const log2 = Math.log2;

/** Elements of a string, an array or a typed array; 0 for anything else (its length is not read). */
function size(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (isArray(value) || types.isTypedArray(value)) return (value as { length: number }).length;
  return 0;
}

/** Elements `Array.from` makes of `value`: size(), else an array-like's length or a collection's size (read in the student's call). */
function lengthOf(value: unknown): number {
  const n = size(value);
  if (n > 0 || typeof value !== 'object' || value === null) return n;
  const o = value as { length?: unknown; size?: unknown };
  const length = typeof o.length === 'number' ? o.length : typeof o.size === 'number' ? o.size : 0;
  return length > 0 && length < 2 ** 32 ? length : 0;
}

const number = (value: unknown): number => (typeof value === 'number' && value > 0 ? value : 0);
const scan: Cost = (self) => 1 + size(self);
const sorting: Cost = (self) => {
  const n = size(self);
  return 1 + Math.ceil(n * log2(n + 1));
};
const withArgs: Cost = (self, args) => {
  let n = 1 + size(self);
  for (let k = 0; k < args.length; k++) n += size(args[k]);
  return n;
};
/** A new array as long as the receiver: 8 bytes an element. */
const copyOf: Bytes = (self) => 8 * size(self);
/** A typed array's copy: its bytes. */
const bytesOf: Bytes = (self) => (types.isTypedArray(self) ? (self as Uint8Array).byteLength : 0);

/**
 * Replaces `owner[name]` with a method that, during a student call, reserves `bytes(...)` (V8 heap
 * and array buffers count together) and charges `cost(...)` units before running the original.
 */
function wrap(owner: object, name: string | symbol, cost: Cost, bytes?: Bytes): void {
  const descriptor = Object.getOwnPropertyDescriptor(owner, name);
  const original = descriptor?.value as ((...args: unknown[]) => unknown) | undefined;
  if (typeof original !== 'function') return;
  const key = typeof name === 'symbol' ? `[${name.description ?? ''}]` : name;
  // A method (not a constructor), named and sized as the original, passing `arguments` on unchanged.
  const methods = {
    [key](this: unknown): unknown {
      if (isActive()) {
        if (bytes) reserve(bytes(this, arguments));
        charge(cost(this, arguments));
      }
      return Reflect.apply(original, this, arguments);
    },
  };
  const wrapped = methods[key]!;
  Object.defineProperty(wrapped, 'length', { value: original.length });
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(owner, name, { ...descriptor, value: wrapped });
}

/** Replaces `owner[name]` with a method charged, during a student call, 1 + the length of the string it returned (after it ran: before, it is unknown). */
function wrapAfter(owner: object, name: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(owner, name)!;
  const original = descriptor.value as (...args: unknown[]) => unknown;
  const wrapped = { [name](this: unknown): unknown {
    const n = isActive() ? 1 + size(this) : 0;
    if (n > 0) charge(n);
    const result = Reflect.apply(original, this, arguments);
    if (isActive()) charge(1 + size(result));
    return result;
  } }[name]!;
  Object.defineProperty(wrapped, 'length', { value: original.length });
  Object.defineProperty(wrapped, 'name', { value: original.name });
  Object.defineProperty(owner, name, { ...descriptor, value: wrapped });
}

const STRING_SCANS = ['indexOf', 'lastIndexOf', 'includes', 'startsWith', 'endsWith', 'search', 'match', 'matchAll',
  'split', 'slice', 'substring', 'substr', 'trim', 'trimStart', 'trimEnd', 'toLowerCase', 'toUpperCase', 'toLocaleLowerCase',
  'toLocaleUpperCase', 'normalize', 'localeCompare', 'toWellFormed', 'isWellFormed'];
const ARRAY_SCANS = ['indexOf', 'lastIndexOf', 'includes', 'find', 'findIndex', 'findLast', 'findLastIndex', 'forEach', 'reduce',
  'reduceRight', 'some', 'every', 'reverse', 'shift', 'unshift', 'fill', 'copyWithin', 'toString', 'toLocaleString'];
const ARRAY_COPIES = ['map', 'filter', 'slice', 'splice', 'flat', 'flatMap', 'toReversed', 'toSpliced', 'with'];
const TYPED_SCANS = ['indexOf', 'lastIndexOf', 'includes', 'find', 'findIndex', 'findLast', 'findLastIndex', 'forEach', 'reduce',
  'reduceRight', 'some', 'every', 'reverse', 'fill', 'copyWithin', 'set', 'toString', 'toLocaleString'];
const TYPED_COPIES = ['map', 'filter', 'slice', 'toReversed', 'with'];
const TYPED_ARRAYS = ['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array'];

let installed = false;

/** Installs the charged and guarded built-ins in this thread; once, before SES is loaded. */
export function installChargedBuiltins(): void {
  if (installed) return;
  installed = true;
  const strings = String.prototype as unknown as object;
  for (const name of STRING_SCANS) wrap(strings, name, scan);
  // replace and replaceAll can make far more than they scan: charged by the receiver, then by what they made.
  wrapAfter(strings, 'replace');
  wrapAfter(strings, 'replaceAll');
  for (const name of ['keys', 'values', 'entries']) wrapAfter(Object, name);
  wrap(strings, 'concat', withArgs, (self, args) => 2 * withArgs(self, args));
  wrap(strings, 'repeat', (self, args) => 1 + size(self) * number(args[0]), (self, args) => 2 * size(self) * number(args[0]));
  for (const name of ['padStart', 'padEnd']) wrap(strings, name, (self, args) => 1 + Math.max(size(self), number(args[0])), (_self, args) => 2 * number(args[0]));
  wrap(String, 'fromCharCode', (_self, args) => 1 + args.length);
  wrap(String, 'fromCodePoint', (_self, args) => 1 + args.length);

  const arrays = Array.prototype as unknown as object;
  for (const name of ARRAY_SCANS) wrap(arrays, name, scan, name === 'fill' ? copyOf : undefined);
  for (const name of ARRAY_COPIES) wrap(arrays, name, scan, copyOf);
  // join makes a string as long as its elements together: charged by what it made (the memory check follows from the charge).
  wrapAfter(arrays, 'join');
  wrap(arrays, 'concat', withArgs, (self, args) => 8 * withArgs(self, args));
  wrap(arrays, 'sort', sorting);
  wrap(arrays, 'toSorted', sorting, copyOf);
  wrap(Array, 'from', (_self, args) => 1 + lengthOf(args[0]), (_self, args) => 8 * lengthOf(args[0]));
  wrap(Array, 'of', (_self, args) => 1 + args.length);

  const typed = Object.getPrototypeOf(Uint8Array.prototype) as object;
  for (const name of TYPED_SCANS) wrap(typed, name, name === 'set' ? (_self, args) => 1 + size(args[0]) : scan);
  wrapAfter(typed, 'join');
  for (const name of TYPED_COPIES) wrap(typed, name, scan, bytesOf);
  wrap(typed, 'sort', sorting);
  wrap(typed, 'toSorted', sorting, bytesOf);

  const buffers = ArrayBuffer.prototype as unknown as object;
  wrap(buffers, 'slice', (self) => 1 + (types.isArrayBuffer(self) ? (self as ArrayBuffer).byteLength : 0), (self) => (types.isArrayBuffer(self) ? (self as ArrayBuffer).byteLength : 0));
  wrap(buffers, 'resize', (_self, args) => 1 + number(args[0]), (self, args) => Math.max(0, number(args[0]) - (self as ArrayBuffer).byteLength));
  // Node 20 has no transfer() and no immutable buffers: SES would shim them with allocations this file
  // cannot see (and make ArrayBuffer.prototype.slice unconfigurable). A submission has no use for them:
  // they are defined here first, refusing, so SES's shims stand aside.
  const refuse = { transfer(): never { throw new TypeError('this ArrayBuffer method is not available in the lab'); } }.transfer;
  for (const name of ['transfer', 'transferToFixedLength', 'sliceToImmutable', 'transferToImmutable']) {
    if (!Object.hasOwn(buffers, name)) Object.defineProperty(buffers, name, { value: refuse, writable: true, configurable: true });
  }
  if (!Object.hasOwn(buffers, 'immutable')) Object.defineProperty(buffers, 'immutable', { get: { immutable: () => false }.immutable, configurable: true });

  wrap(JSON, 'parse', (_self, args) => 1 + size(args[0]));
  const stringify = JSON.stringify;
  // Charged by what it wrote, once it has: the length is not known before.
  Object.defineProperty(JSON, 'stringify', {
    value: { stringify(this: unknown): unknown {
      const text = Reflect.apply(stringify, this, arguments) as unknown;
      if (isActive()) charge(1 + size(text));
      return text;
    } }.stringify,
    writable: true, configurable: true, enumerable: false,
  });
  Object.defineProperty(JSON.stringify, 'length', { value: stringify.length });
  const exec = RegExp.prototype as unknown as object;
  wrap(exec, 'exec', (_self, args) => 1 + size(args[0]));
  wrap(exec, 'test', (_self, args) => 1 + size(args[0]));

  guardConstructor('ArrayBuffer', (args) => number(args[0]));
  for (const name of TYPED_ARRAYS) {
    const perElement = (globalThis as unknown as Record<string, { BYTES_PER_ELEMENT: number }>)[name]!.BYTES_PER_ELEMENT;
    guardConstructor(name, (args) => elementsOf(args[0]) * perElement, true);
  }
  for (const name of ['Map', 'Set']) guardConstructor(name, (args) => 8 * size(args[0]));
}

/** How many elements `new TypedArray(value)` makes: a length, or a copy's; a buffer makes none (a view). */
function elementsOf(value: unknown): number {
  if (typeof value === 'number') return number(value);
  if (types.isArrayBuffer(value) || types.isSharedArrayBuffer(value)) return 0;
  return size(value);
}

/**
 * Puts a proxy in place of the constructor `name` (on the global and as its prototype's
 * constructor, which species lookups read) that reserves `bytes(args)` and charges as many
 * elements during a student call. An iterable that is not an array is read into one first, so
 * its size is known before the allocation.
 */
function guardConstructor(name: string, bytes: (args: unknown[]) => number, spreadIterables = false): void {
  const global = globalThis as unknown as Record<string, new (...args: unknown[]) => object>;
  const Original = global[name]!;
  const guarded: typeof Original = new Proxy(Original, {
    construct(target, args: unknown[], newTarget): object {
      if (isActive()) {
        const first = args[0];
        if (spreadIterables && typeof first === 'object' && first !== null && !isArray(first) && !types.isTypedArray(first)
          && !types.isArrayBuffer(first) && !types.isSharedArrayBuffer(first)) {
          args = [Array.from(first as ArrayLike<unknown>), ...args.slice(1)];
        }
        const n = bytes(args);
        reserve(n);
        charge(1 + Math.ceil(n / 8));
      }
      return Reflect.construct(target, args, newTarget === guarded ? target : newTarget);
    },
  });
  global[name] = guarded;
  Object.defineProperty(Original.prototype, 'constructor', { value: guarded, writable: true, enumerable: false, configurable: true });
}
