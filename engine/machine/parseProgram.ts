// parseProgram: checks a program image (parsed JSON, from a user or built in) and returns it in
// canonical form, or throws ProgramError naming the file, the field path and the reason.
// Segments must be page-aligned inside UserData (0x80000000, 256 MiB) and must not overlap.
import { lowerHex } from '../format';
import { Memory } from '../kernel/Memory';
import { ProgramError, RegionNames, type ProgramImage, type Segment, type Step } from './Program';

const UserData = { virt: 0x80000000, size: 0x10000000 };
const MaxDepth = 8;
const MaxSteps = 10000;
const Units: Record<string, number> = { '': 1, K: 1024, M: 1024 * 1024 };

type Json = unknown;

class Reader {
  steps = 0;
  constructor(readonly file: string) {}

  fail(field: string, reason: string): never {
    throw new ProgramError(this.file, field, reason);
  }

  object(value: Json, field: string): Record<string, Json> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'must be an object');
    return value as Record<string, Json>;
  }

  /** A u32 from a number or a string: decimal, 0x hexadecimal, or with a K or M suffix. */
  number(value: Json, field: string, min = 0, max = 0xffffffff): number {
    let n = Number.NaN;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string') {
      const match = /^\s*(0x[0-9a-f]+|\d+)\s*([KM]?)\s*$/i.exec(value);
      if (match) n = Number(match[1]) * Units[match[2]!.toUpperCase()]!;
    } else this.fail(field, `must be a number, got ${typeof value}`);
    if (!Number.isInteger(n)) this.fail(field, `must be a whole number such as 4096, "0x1000" or "4K", got ${JSON.stringify(value)}`);
    if (n < min || n > max) this.fail(field, `must be from ${min} to ${max}, got ${n}`);
    return n;
  }

  string(value: Json, field: string): string {
    if (typeof value !== 'string' || value.length === 0) this.fail(field, 'must be a non-empty string');
    return value;
  }

  strings(value: Json, field: string): string[] {
    if (!Array.isArray(value)) this.fail(field, 'must be an array of strings');
    return value.map((item, i) => this.string(item, `${field}[${i}]`));
  }

  /** "rwx" letters, a number, or an array of Memory.Access names. */
  access(value: Json, field: string): number {
    if (typeof value === 'number') return this.number(value, field, 0, 255);
    if (typeof value === 'string') {
      if (!/^[rwx]+$/.test(value)) this.fail(field, `must use the letters r, w and x, got "${value}"`);
      return (value.includes('r') ? Memory.Readable : 0) | (value.includes('w') ? Memory.Writable : 0)
        | (value.includes('x') ? Memory.Executable : 0);
    }
    if (Array.isArray(value)) {
      return value.reduce<number>((acc, name, i) => {
        const flag = typeof name === 'string' ? (Memory.Access as unknown as Record<string, number>)[name] : undefined;
        if (flag === undefined) this.fail(`${field}[${i}]`, `is not an access flag (Readable, Writable, Executable, User, ...)`);
        return acc | flag;
      }, 0);
    }
    return this.fail(field, 'must be "rwx" letters, a number or an array of flag names');
  }

  script(value: Json, field: string, depth: number): Step[] {
    if (!Array.isArray(value)) this.fail(field, 'must be an array of steps');
    if (depth > MaxDepth) this.fail(field, `nests deeper than ${MaxDepth} levels`);
    return value.map((step, i) => this.step(step, `${field}[${i}]`, depth));
  }

  step(value: Json, field: string, depth: number): Step {
    if (++this.steps > MaxSteps) this.fail(field, `the script has more than ${MaxSteps} steps`);
    const s = this.object(value, field);
    const op = this.string(s.op, `${field}.op`);
    const optional = <T>(key: string, read: (v: Json, f: string) => T): T | undefined =>
      (s[key] === undefined ? undefined : read(s[key], `${field}.${key}`));
    const name = (key: string) => optional(key, (v, f) => this.string(v, f));
    switch (op) {
      case 'read': case 'write': case 'touch': {
        const region = optional('region', (v, f) => {
          if (!RegionNames.includes(v as never)) this.fail(f, `must be one of ${RegionNames.join(', ')}`);
          return v as (typeof RegionNames)[number];
        });
        const address = optional('address', (v, f) => this.number(v, f));
        const at = name('at');
        if ([region, address, at].filter((x) => x !== undefined).length !== 1) {
          this.fail(field, 'needs exactly one of address, region or at');
        }
        return { op, address, region, at, offset: optional('offset', (v, f) => this.number(v, f)) ?? 0,
          size: this.number(s.size, `${field}.size`, 1, 0x10000000), value: optional('value', (v, f) => this.number(v, f, 0, 255)) };
      }
      case 'malloc':
        return { op, size: this.number(s.size, `${field}.size`), as: name('as') };
      case 'free':
        return { op, name: this.string(s.name, `${field}.name`) };
      case 'fork':
        return { op, child: this.script(s.child ?? [], `${field}.child`, depth + 1), as: name('as') };
      case 'execve':
        return { op, path: this.string(s.path, `${field}.path`), argv: optional('argv', (v, f) => this.strings(v, f)) };
      case 'spawn': case 'launch':
        return { op, path: this.string(s.path, `${field}.path`), argv: optional('argv', (v, f) => this.strings(v, f)), as: name('as') };
      case 'wait': case 'kill': {
        const pid = optional('pid', (v, f) => this.number(v, f, 0, 65535));
        const target = name('name');
        if ((pid === undefined) === (target === undefined)) this.fail(field, 'needs exactly one of pid or name');
        return op === 'wait' ? { op, pid, name: target }
          : { op, pid, name: target, status: optional('status', (v, f) => this.number(v, f, 0, 255)) };
      }
      case 'sleep':
        return { op, steps: this.number(s.steps, `${field}.steps`, 0, 1_000_000) };
      case 'print':
        return { op, text: this.string(s.text, `${field}.text`) };
      case 'repeat':
        return { op, times: this.number(s.times, `${field}.times`, 0, 1_000_000), body: this.script(s.body, `${field}.body`, depth + 1) };
      case 'exit':
        return { op, status: this.number(s.status ?? 0, `${field}.status`, 0, 255) };
      default:
        return this.fail(`${field}.op`, `"${op}" is not a step (read, write, touch, malloc, free, fork, execve, spawn, launch, wait, kill, sleep, print, repeat, exit)`);
    }
  }
}

/** The program image in `json` (from `file`), checked; throws ProgramError on the first problem. */
export function parseProgram(json: Json, file: string): ProgramImage {
  const r = new Reader(file);
  const top = r.object(json, '(program)');
  const name = r.string(top.name, 'name');
  const rawSegments = top.segments;
  if (!Array.isArray(rawSegments) || rawSegments.length === 0) r.fail('segments', 'must be a non-empty array');
  const segments: Segment[] = (rawSegments as Json[]).map((value, i) => {
    const s = r.object(value, `segments[${i}]`);
    const virt = r.number(s.virt, `segments[${i}].virt`);
    const size = r.number(s.size, `segments[${i}].size`, 1, UserData.size);
    if (virt % 4096 !== 0) r.fail(`segments[${i}].virt`, `must be page-aligned (a multiple of 4096), got ${lowerHex(virt)}`);
    if (virt < UserData.virt || virt + size > UserData.virt + UserData.size) {
      r.fail(`segments[${i}]`, 'must lie inside UserData (0x80000000 to 0x90000000)');
    }
    return { virt, size, access: r.access(s.access ?? 'rwx', `segments[${i}].access`),
      fill: s.fill === undefined ? 0 : r.number(s.fill, `segments[${i}].fill`, 0, 255) };
  });
  const sorted = [...segments].sort((a, b) => a.virt - b.virt);
  sorted.forEach((s, i) => {
    const next = sorted[i + 1];
    if (next && Math.ceil((s.virt + s.size) / 4096) * 4096 > next.virt) {
      r.fail(`segments[${segments.indexOf(next)}]`, `overlaps the segment at ${lowerHex(s.virt)}`);
    }
  });
  const entry = top.entry === undefined ? segments[0]!.virt : r.number(top.entry, 'entry');
  if (!segments.some((s) => entry >= s.virt && entry < s.virt + s.size)) r.fail('entry', 'must lie inside a segment');
  return {
    name,
    entry,
    segments,
    argv: top.argv === undefined ? [name] : r.strings(top.argv, 'argv'),
    script: r.script(top.script ?? [], 'script', 0),
  };
}
