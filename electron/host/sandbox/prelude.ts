// The sandbox prelude: trusted JavaScript that QuickJS evaluates before any student code. It is a
// function expression; the host calls it once with its grow and log callbacks and keeps the object
// it returns. Everything trusted lives in the function's closure, out of the student's reach: the
// heap bytes (one ArrayBuffer), the current end, the log counters, and the intrinsics captured
// before student code could replace them. The checker's accessors (peek8/poke8/peek32/poke32) use
// only typed-array integer indexing, arithmetic and calls of closure variables, so a student who
// patches prototypes, Reflect or Function.prototype.call afterwards cannot change what they see.
// Globals it leaves: `__lab` (frozen, only `log`), and `console`, whose methods all go to `log`.

/**
 * The prelude's source: `(function (hostGrow, hostLog, base, limit, maxLineLength, maxLines, hostService) {...})`.
 * hostGrow(bytes) returns the new end or 0 (refused); hostLog(line) receives one capped string;
 * hostService(name, argsJson) answers a harness's kernel call: JSON, '~undefined', or '!' + an error message.
 * describe(e) returns [type, name, message, stack] for an object, [type, text] for anything else.
 * It returns { heap, peek8, poke8, peek32, poke32, getDefault, instantiate, instantiateWith, callJson,
 * method, describe, droppedLines, call1, call2, takeBad }.
 */
export const PRELUDE = String.raw`(function (hostGrow, hostLog, base, limit, maxLineLength, maxLines, hostService) {
  'use strict';
  var global = globalThis;
  var U8 = Uint8Array, U16 = Uint16Array, U32 = Uint32Array, AB = ArrayBuffer;
  var RangeErr = RangeError, isError = Error.isError;
  var freeze = Object.freeze, defineProperty = Object.defineProperty;
  var getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor, getPrototypeOf = Object.getPrototypeOf;
  var objectProto = Object.prototype, objToString = Object.prototype.toString;
  var apply = Reflect.apply, construct = Reflect.construct;
  // callWith(f, o, a, b) is f.call(o, a, b) with the call fixed now (a bound function, no lookups later).
  var callWith = Function.prototype.bind.call(Function.prototype.call, Function.prototype.call);
  var toStr = String, strSlice = String.prototype.slice, symToString = Symbol.prototype.toString;
  var stringify = JSON.stringify, parse = JSON.parse, isArray = Array.isArray;
  var DIGITS = '0123456789abcdef';

  var bytes = limit + 3 - (limit + 3) % 4;
  var buffer = new AB(bytes), u8 = new U8(buffer), u16 = new U16(buffer), u32 = new U32(buffer);
  var end = base;

  function hex(n) {
    var s = '';
    do { var d = n % 16; s = DIGITS[d] + s; n = (n - d) / 16; } while (n >= 1);
    return '0x' + s;
  }
  function clip(s, max) {
    return s.length > max ? apply(strSlice, s, [0, max]) + '…' : s;
  }
  function range() { return '[' + hex(base) + ', ' + hex(end) + ')'; }

  // The student's heap: bounds-checked against the current end.
  function index(op, a, n) {
    if (typeof a === 'number' && a >= base && a + n <= end && a % 1 === 0) return a - base;
    var t = typeof a;
    if (t !== 'number') {
      var what = t === 'undefined' ? t : a === null ? 'null' : (t === 'object' ? 'an ' : 'a ') + t;
      throw new RangeErr('heap.' + op + '(' + what + '): an address must be a number in the heap ' + range());
    }
    var shown = a >= 0 && a % 1 === 0 && a <= 9007199254740991 ? hex(a) : '' + a;
    throw new RangeErr('heap.' + op + '(' + shown + '): address outside the heap ' + range());
  }
  function read8(a) { return u8[index('read8', a, 1)]; }
  function read16(a) {
    var i = index('read16', a, 2);
    return (i & 1) === 0 ? u16[i >>> 1] : u8[i] | u8[i + 1] << 8;
  }
  function read32(a) {
    // The aligned in-heap case first, without a call: QuickJS pays for every call a student's loop makes.
    if (typeof a === 'number' && a >= base && a + 4 <= end && (a - base & 3) === 0 && a % 1 === 0) return u32[(a - base) >>> 2];
    var i = index('read32', a, 4);
    return (u8[i] | u8[i + 1] << 8 | u8[i + 2] << 16 | u8[i + 3] << 24) >>> 0;
  }
  function write8(a, v) { v = v & 255; u8[index('write8', a, 1)] = v; }
  function write16(a, v) {
    v = v & 65535;
    var i = index('write16', a, 2);
    if ((i & 1) === 0) u16[i >>> 1] = v; else { u8[i] = v & 255; u8[i + 1] = v >>> 8; }
  }
  function write32(a, v) {
    v = v >>> 0;
    if (typeof a === 'number' && a >= base && a + 4 <= end && (a - base & 3) === 0 && a % 1 === 0) { u32[(a - base) >>> 2] = v; return; }
    var i = index('write32', a, 4);
    if ((i & 3) === 0) u32[i >>> 2] = v;
    else { u8[i] = v & 255; u8[i + 1] = (v >>> 8) & 255; u8[i + 2] = (v >>> 16) & 255; u8[i + 3] = v >>> 24; }
  }
  function grow(n) {
    if (typeof n !== 'number') return 0;
    var next = hostGrow(n);
    if (typeof next !== 'number' || next === 0) return 0;
    var old = end;
    end = next;
    return old;
  }
  var heap = freeze({
    base: base, limit: limit,
    end() { return end; },
    grow: freeze(grow),
    read8: freeze(read8), read16: freeze(read16), read32: freeze(read32),
    write8: freeze(write8), write16: freeze(write16), write32: freeze(write32),
  });
  freeze(heap.end);

  // The checker's accessors: the host passes integers; outside [base, end) reads 0, writes nothing.
  function peek8(a) { return a >= base && a < end ? u8[a - base] : 0; }
  function poke8(a, v) { if (a >= base && a < end) u8[a - base] = v; }
  function peek32(a) {
    if (a >= base && a + 4 <= end) {
      var i = a - base;
      return (i & 3) === 0 ? u32[i >>> 2] : (u8[i] | u8[i + 1] << 8 | u8[i + 2] << 16 | u8[i + 3] << 24) >>> 0;
    }
    return (peek8(a) | peek8(a + 1) << 8 | peek8(a + 2) << 16 | peek8(a + 3) << 24) >>> 0;
  }
  function poke32(a, v) {
    if (a >= base && a + 4 <= end && ((a - base) & 3) === 0) { u32[(a - base) >>> 2] = v; return; }
    poke8(a, v & 255); poke8(a + 1, (v >>> 8) & 255); poke8(a + 2, (v >>> 16) & 255); poke8(a + 3, v >>> 24);
  }

  // The capped log: one string per call, at most maxLines lines, then only a count.
  var lines = 0, dropped = 0;
  function show(x) {
    var t = typeof x;
    if (t === 'string') return x;
    if (x === null) return 'null';
    if (t === 'symbol') { try { return apply(symToString, x, []); } catch (e) { return 'Symbol()'; } }
    if (t !== 'object' && t !== 'function') return '' + x;
    try {
      var proto = getPrototypeOf(x);
      var s = isArray(x) || proto === objectProto || proto === null ? stringify(x) : toStr(x);
      if (typeof s === 'string') return s;
    } catch (e) { /* fall through to the tag */ }
    try { return apply(objToString, x, []); } catch (e) { return '[object]'; }
  }
  function log() {
    if (lines >= maxLines) { dropped++; return; }
    var s = '';
    for (var k = 0; k < arguments.length && s.length <= maxLineLength; k++) s += (k > 0 ? ' ' : '') + show(arguments[k]);
    lines++;
    hostLog(clip(s, maxLineLength));
  }
  function droppedLines() { return dropped; }
  defineProperty(global, '__lab', { value: freeze({ log: freeze(log) }), writable: false, enumerable: false, configurable: false });
  defineProperty(global, 'console', {
    value: freeze({ log: log, info: log, warn: log, error: log, debug: log, trace: log }),
    writable: true, enumerable: false, configurable: true,
  });

  // Loading and describing, called by the host under the call's deadline.
  function Empty() {}
  function getDefault(ns) {
    if (ns === null || (typeof ns !== 'object' && typeof ns !== 'function')) return 'no-default';
    var C = ns['default'];
    if (typeof C !== 'function') return 'no-default';
    try { construct(Empty, [], C); } catch (e) { return 'not-class'; }
    return C;
  }
  function instantiate(C) { return new C(heap); }
  // A harness's kernel calls as one frozen object: each sends its arguments as JSON to the host and
  // returns the JSON answer, or throws the host's message as a RangeError at the student's call.
  function service(name) {
    return freeze(function () {
      var args = [];
      for (var k = 0; k < arguments.length; k++) args[k] = arguments[k];
      var reply = hostService(name, stringify(args));
      if (typeof reply !== 'string') throw new RangeErr('kernel.' + name + ': no answer');
      if (reply === '~undefined') return void 0;
      if (reply[0] === '!') throw new RangeErr(apply(strSlice, reply, [1]));
      return parse(reply);
    });
  }
  function services(namesJson) {
    var names = parse(namesJson), o = {};
    for (var k = 0; k < names.length; k++) defineProperty(o, names[k], { value: service(names[k]), enumerable: true });
    return freeze(o);
  }
  // A conformance exercise's class: built from plain arguments (after the heap, or the services), its results returned as JSON text.
  function instantiateWith(C, argsJson, withHeap, serviceNamesJson) {
    var args = parse(argsJson);
    var first = withHeap ? heap : typeof serviceNamesJson === 'string' ? services(serviceNamesJson) : void 0;
    if (first !== void 0) { var all = [first]; for (var k = 0; k < args.length; k++) all[k + 1] = args[k]; args = all; }
    return construct(C, args);
  }
  function callJson(f, o, argsJson) {
    var r = apply(f, o, parse(argsJson));
    if (r === void 0) return '~undefined';
    var s = stringify(r);
    return typeof s === 'string' ? s : '~unserializable';
  }
  function method(o, name) { var f = o[name]; return typeof f === 'function' ? f : void 0; }
  // An allocator call whose result must be an address: the address, or -1 with the value kept for takeBad().
  var bad;
  function address(r) {
    if (typeof r === 'number' && r >= 0 && r <= 4294967295 && r % 1 === 0) return r;
    bad = r;
    return -1;
  }
  function call1(f, o, a) { return address(callWith(f, o, a)); }
  function call2(f, o, a, b) { return address(callWith(f, o, a, b)); }
  function takeBad() { var r = bad; bad = void 0; return typeof r === 'string' ? clip(r, 60) : r; }
  function ownString(e, key) {
    try {
      for (var o = e, depth = 0; o !== null && depth < 32; depth++) {
        var d = getOwnPropertyDescriptor(o, key);
        if (d !== void 0) {
          var dv = getOwnPropertyDescriptor(d, 'value'); // not d.value: Object.prototype may have a 'value' getter
          return dv !== void 0 && typeof dv.value === 'string' ? clip(dv.value, 500) : void 0;
        }
        o = getPrototypeOf(o);
      }
    } catch (err) { /* a proxy or a throwing trap: no such string */ }
    return void 0;
  }
  // A real Error's own stack string, set by QuickJS when the Error is made (for a Proxy, no trap runs).
  function ownStack(e) {
    try {
      if (typeof isError !== 'function' || !isError(e)) return void 0;
      var d = getOwnPropertyDescriptor(e, 'stack');
      var dv = d === void 0 ? void 0 : getOwnPropertyDescriptor(d, 'value');
      return dv !== void 0 && typeof dv.value === 'string' ? clip(dv.value, 2000) : void 0;
    } catch (err) { return void 0; }
  }
  function describe(e) {
    var t = typeof e;
    if (e === null) return ['null', ''];
    if (t === 'object' || t === 'function') return [t, ownString(e, 'name'), ownString(e, 'message'), ownStack(e)];
    if (t === 'string') return [t, clip(e, 500)];
    if (t === 'symbol' || t === 'bigint') return [t, '']; // a huge bigint takes seconds to print
    return [t, '' + e];
  }
  return {
    heap: heap, peek8: peek8, poke8: poke8, peek32: peek32, poke32: poke32,
    getDefault: getDefault, instantiate: instantiate, instantiateWith: instantiateWith, callJson: callJson,
    method: method, describe: describe, droppedLines: droppedLines,
    call1: call1, call2: call2, takeBad: takeBad,
  };
})`;
