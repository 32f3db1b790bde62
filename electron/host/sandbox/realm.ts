// The hardened realm of a sandbox worker: SES's lockdown (every intrinsic frozen, the Function and
// eval constructors tamed, Date.now and Math.random refused in compartments) after the charged
// built-ins are installed, once per worker thread and never on the main thread; then one
// Compartment per submission, whose globals are the standard library alone (no evaluators, no
// Compartment, no harden, no text codecs), and which evaluates a compiled program with the meter
// and the globals it uses bound as constants (a global lookup through SES's scope costs ~150 ns).
import v8 from 'node:v8';
import { isMainThread } from 'node:worker_threads';
import type { Program } from './program';
import { installChargedBuiltins } from './builtins';
import { loadSes, offerSesCache } from './sesCache';

declare global {
  // Installed by the 'ses' package (see its types.d.ts).
  function lockdown(options?: Record<string, string>): void;
  function harden<T>(value: T): T;
  var Compartment: new (options: { globals?: Record<string, unknown>; __options__: true }) => { globalThis: Record<string, unknown>; evaluate(source: string): unknown };
}

let hardened = false;

/** Set in the environment of a child process that exists only to run sandboxes (ProcessPool): its main thread may be hardened. */
export const SANDBOX_PROCESS = 'FREENOS_LAB_SANDBOX_PROCESS';

/**
 * Hardens this worker's realm, once; throws on the main thread (lockdown would freeze the host's own
 * intrinsics) unless this process is a sandbox process of its own.
 */
export function hardenWorker(): void {
  if (hardened) return;
  if (isMainThread && process.env[SANDBOX_PROCESS] !== '1') throw new Error('the sandbox runs student code only in a worker thread (lockdown would freeze the host)');
  // A regular expression that backtracks without end (ReDoS) falls back to V8's linear engine;
  // backreferences and lookarounds it cannot take are left to the watchdog (runInWorker).
  v8.setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  installChargedBuiltins();
  loadSes();
  lockdown({
    errorTaming: 'unsafe', // stacks stay readable: the host maps them to the student's lines
    stackFiltering: 'verbose',
    consoleTaming: 'unsafe',
    overrideTaming: 'moderate',
    domainTaming: 'unsafe',
    reporting: 'none',
    // A student's unhandled rejection or error must not print to the host's stderr.
    errorTrapping: 'none',
    unhandledRejectionTrapping: 'none',
  });
  // A student's promise callback runs between calls, where the meter refuses it: its rejection is expected, not fatal.
  process.on('unhandledRejection', () => {});
  hardened = true;
  // A first compartment compiles what every compartment runs; then the host may keep the compiled ses for its next workers.
  new Compartment({ __options__: true }).evaluate('0');
  offerSesCache();
}

/** Globals removed from a submission's compartment: evaluators, nested compartments, SES's own and the text codecs. */
const REMOVED = ['Compartment', 'lockdown', 'harden', 'TextEncoder', 'TextDecoder', 'assert'];

/**
 * Evaluates `program` in a fresh compartment whose extra globals are `endowments` (its `console`
 * and `__lab`), with `meter` as the program's meter. Returns the program's completion value (its
 * module namespace). Throws what the program's top level throws; call inside the meter.
 */
export function evaluateProgram(program: Program, meter: (units?: number) => void, endowments: Record<string, unknown>): unknown {
  hardenWorker();
  // SES keeps the float arrays out of compartments for the NaN side channel, no concern here; they are hardened already.
  const floats = { Float32Array: globalThis.Float32Array, Float64Array: globalThis.Float64Array };
  const compartment = new Compartment({ globals: { ...floats, ...endowments }, __options__: true });
  const global = compartment.globalThis;
  for (const name of REMOVED) delete global[name];
  const refuse = (what: string) => {
    const stub = { [what]: function () { throw new TypeError(`${what} is not available in the lab: write the code itself`); } }[what]!;
    // Functions stay instances of Function: the stub's prototype is the real one.
    stub.prototype = Function.prototype;
    return harden(stub);
  };
  global.eval = refuse('eval');
  global.Function = refuse('Function');
  const bound = program.globals.filter((name) => name in global && !UNBINDABLE.has(name));
  const source = `((${[program.meter, ...bound].join(', ')}) => {\n${program.code}\n})\n//# sourceURL=submission.js`;
  const run = compartment.evaluate(source) as (...values: unknown[]) => unknown;
  return run(meter, ...bound.map((name) => global[name]));
}

/** Names a parameter cannot take in strict code, or need not (constants the engine already knows). */
const UNBINDABLE = new Set(['eval', 'arguments', 'undefined', 'NaN', 'Infinity']);
