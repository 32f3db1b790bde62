// evaluateData: runs a compiled submission whose default export is plain data (a 'tune' exercise's
// config and predictions) in a fresh compartment of this worker, and hands back that data as JSON,
// never as a live object: the host only ever parses a string. The whole evaluation (top level,
// getters, toJSON) runs under the meter's units and a memory cap; a loop, a throw, a memory bomb,
// a missing default export or one holding functions comes back as a reason a student can act on.
import { describeThrown, thrownText } from './messages';
import { count, metered, reset, stopped, tick } from './meter';
import { UNITS_PER_SECOND, MiB, unitsText } from './options';
import type { Program } from './program';
import { evaluateProgram, hardenWorker } from './realm';
import { stackPosition } from './sourceMap';

export interface EvaluateOptions {
  /** Work units the whole evaluation may use. Default 2 s at the nominal speed (200 million). */
  units?: number;
  /** JavaScript memory the evaluation may hold. Default 16 MiB. */
  memoryLimit?: number;
  /** The longest JSON text accepted. Default 64 KiB. */
  maxLength?: number;
}

export type DataResult = { ok: true; value: unknown } | { ok: false; reason: string };

const SHAPE = 'write `export default { config: {...}, predictions: {...} }`';

/** Evaluates `program` (compileSubmission's output) and returns its default export as plain data, or why not. */
export async function evaluateData(program: Program, options: EvaluateOptions = {}): Promise<DataResult> {
  hardenWorker();
  const units = options.units ?? 2 * UNITS_PER_SECOND;
  const memoryLimit = options.memoryLimit ?? 16 * MiB;
  const maxLength = options.maxLength ?? 64 * 1024;
  reset(memoryLimit);
  const end = count() + units;
  const reason = (kind: 'units' | 'wall') => (kind === 'units' ? `did not finish within ${unitsText(units)} (an endless loop?)` : 'ran past the wall-clock backstop');
  /** Runs `run` as the student's code within what is left of the units; a failure becomes its reason. */
  const step = <T>(what: string, run: () => T): { value: T } | { reason: string } => {
    try {
      return { value: metered(Math.max(1, end - count()), 20_000, Infinity, reason, run) };
    } catch (error) {
      const stop = stopped();
      if (stop) return { reason: `${what} ${stop.reason}` };
      if (error instanceof Refusal) return { reason: error.reason };
      const described = describeThrown(error);
      const at = described.stack ? stackPosition(described.stack, program.map) : '';
      return { reason: `${what} threw ${thrownText(described)}${at}` };
    }
  };
  const silent = harden({ log() {} }.log);
  const evaluated = step("the file's top level", () => evaluateProgram(program, tick, {
    console: harden({ log: silent, info: silent, warn: silent, error: silent, debug: silent, trace: silent }), __lab: harden({ log: silent }),
  }));
  if ('reason' in evaluated) return { ok: false, reason: evaluated.reason };
  const exported = step('reading the default export', () => exportedText(evaluated.value));
  if ('reason' in exported) return { ok: false, reason: exported.reason };
  const text = exported.value;
  if (text === '~no-default') return { ok: false, reason: `there is no default export: ${SHAPE}` };
  if (text === '~function') return { ok: false, reason: `the default export is a function or a class, not plain data: ${SHAPE}` };
  if (text.length > maxLength) return { ok: false, reason: `the default export is ${text.length} characters of JSON, more than the ${maxLength} allowed` };
  return { ok: true, value: JSON.parse(text) as unknown };
}

/**
 * This file's own verdict on the exported value. Its class is out of the compartment's reach, so
 * whatever the student throws (a TypeError('~…') included) is reported as thrown by their code,
 * never as the grader's reason.
 */
class Refusal {
  constructor(readonly reason: string) {}
}

/**
 * The namespace's default export as JSON text ('~no-default', '~function' when it has none or a
 * function); throws a Refusal saying which value is not plain data. Runs the student's getters and
 * toJSON: call under the meter.
 */
function exportedText(ns: unknown): string {
  if (ns === null || typeof ns !== 'object' || !('default' in ns)) return '~no-default';
  const value = (ns as { default: unknown }).default;
  if (typeof value === 'function') return '~function';
  const text = JSON.stringify(value, (key: string, v: unknown) => {
    const t = typeof v;
    if (t === 'undefined' && key !== '') return v; // left out, as JSON does
    const what = key === '' ? 'the default export is ' : `the default export holds "${key}", `;
    if (t === 'function' || t === 'symbol' || t === 'bigint' || t === 'undefined') throw new Refusal(`${what}${t === 'undefined' ? t : `a ${t}`}, not plain data`);
    if (t === 'number' && !Number.isFinite(v)) throw new Refusal(`${what}${String(v)}, not a finite number`);
    return v;
  }) as string | undefined;
  return typeof text === 'string' ? text : '~no-default';
}
