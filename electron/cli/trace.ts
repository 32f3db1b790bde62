// `freenos-lab trace gen|check`: writes a seeded generated trace, or reads trace files and says
// what is in them (or the first error, with file:line and the reason). Exit codes: 0 fine,
// 1 a trace is malformed, 2 usage error.
import { printable } from '../../engine/grader';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  generate, generators, OpKind, parseTrace, peakLivePayload, TraceError, writeLabTrace, writeMallocLabTrace,
} from '../../engine/workload';
import { UsageError, parseArgs } from './args';

export const traceUsage = `usage: freenos-lab trace gen <generator> [--seed N] [--<option> VALUE ...] [--format lab|2002|2016] [--out FILE]
       freenos-lab trace check <file> [<file> ...]
       freenos-lab trace list

generators: ${Object.keys(generators).join(', ')}`;

/** Runs a trace subcommand; returns the exit code. Output goes through `print` (stdout) and `warn` (stderr). */
export function traceCommand(args: string[], print: (text: string) => void, warn: (text: string) => void): number {
  const [sub, ...rest] = args;
  if (args.includes('--help')) {
    print(traceUsage);
    return 0;
  }
  if (sub === 'list') {
    for (const [name, entry] of Object.entries(generators)) {
      const options = Object.entries(entry.options).map(([key, spec]) => `--${key} ${spec.default}`).join(' ');
      print(`${name.padEnd(20)} ${entry.describe}\n${''.padEnd(20)} ${options}`);
    }
    return 0;
  }
  if (sub === 'gen') return gen(rest, print);
  if (sub === 'check') return check(rest, print, warn);
  throw new UsageError(sub === undefined ? traceUsage : `unknown trace command '${sub}'\n\n${traceUsage}`);
}

function gen(args: string[], print: (text: string) => void): number {
  const { positional, options } = parseArgs(args);
  const [name] = positional;
  if (!name) throw new UsageError(traceUsage);
  const format = options.get('format') ?? 'lab';
  const out = options.get('out');
  options.delete('format');
  options.delete('out');
  const given: Record<string, number | string> = {};
  for (const [key, value] of options) given[key] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  let trace;
  try {
    trace = generate(name, given);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const text = format === 'lab' ? writeLabTrace(trace) : format === '2002' || format === '2016' ? writeMallocLabTrace(trace, format)
    : (() => { throw new UsageError(`--format must be lab, 2002 or 2016, got '${format}'`); })();
  if (out) writeFileSync(out, text);
  else print(text.trimEnd());
  return 0;
}

function check(files: string[], print: (text: string) => void, warn: (text: string) => void): number {
  if (files.length === 0) throw new UsageError(traceUsage);
  let bad = 0;
  for (const file of files) {
    try {
      const trace = parseTrace(readFileSync(file, 'latin1'), file);
      const counts = [0, 0, 0];
      trace.kind.forEach((kind) => counts[kind]!++);
      print(`${printable(file)}: ${trace.format}, ${trace.length} operations (${counts[OpKind.Alloc]} a, ${counts[OpKind.Realloc]} r, `
        + `${counts[OpKind.Free]} f), ${trace.ids} ids, peak live payload ${peakLivePayload(trace)} bytes, alignment ${trace.alignment}`
        + printable(phaseList(trace.phases.map((p) => p.name))));
    } catch (error) {
      bad++;
      // The message quotes the trace's own text: its escape sequences are shown, not obeyed.
      if (error instanceof TraceError) warn(printable(error.message));
      else warn(printable(`${file}: ${(error as Error).message}`));
    }
  }
  return bad > 0 ? 1 : 0;
}

/** ", phases a, b, c" (the first 8, then how many more), or nothing. */
function phaseList(names: string[]): string {
  if (names.length === 0) return '';
  const more = names.length > 8 ? ` and ${names.length - 8} more` : '';
  return `, phases ${names.slice(0, 8).join(', ')}${more}`;
}
