// parseProgram (engine/machine/Program.ts, parseProgram.ts): a program image in canonical form
// (numbers from "0x..", "K" and "M" strings, access letters, numbers or flag names, the default
// entry, argv, fill and access), and every kind of error as a ProgramError naming the file, the
// field path and the reason. Segments live in UserData (§5.2: 0x80000000, 256 MiB). The four
// built-in programs parse.
import { describe, expect, it } from 'vitest';
import { Memory, ProgramError, builtinPrograms, parseProgram } from '../../../engine/index';

const FILE = 'test.json';
const TEXT = { virt: '0x80000000', size: '16K', access: 'rx' };

/** A minimal valid image, with `extra` fields replacing its own. */
function image(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'demo', segments: [TEXT], script: [{ op: 'exit', status: 0 }], ...extra };
}

/** The ProgramError parseProgram throws for `json` (fails the test when it does not throw). */
function errorOf(json: unknown, file = FILE): ProgramError {
  try {
    parseProgram(json, file);
  } catch (error) {
    if (error instanceof ProgramError) return error;
    throw error;
  }
  throw new Error('parseProgram accepted the image');
}

/** [field, reason] of the error for `json`. */
function problem(json: unknown): [string, string] {
  const error = errorOf(json);
  return [error.field, error.reason];
}

/** `depth` levels of repeat around one exit step. */
function nested(depth: number): unknown[] {
  let script: unknown[] = [{ op: 'exit' }];
  for (let i = 0; i < depth; i++) script = [{ op: 'repeat', times: 1, body: script }];
  return script;
}

describe('parseProgram: a valid image in canonical form', () => {
  it('reads numbers written as "0x..", "K" and "M" strings', () => {
    const program = parseProgram(image({
      segments: [{ virt: '0x80000000', size: '64K' }, { virt: '0x80400000', size: '2M' }, { virt: 2148532224, size: 4096 }],
      script: [{ op: 'malloc', size: '2M', as: 'big' }, { op: 'sleep', steps: '0x10' }],
    }), FILE);
    expect(program.segments.map((s) => [s.virt, s.size])).toEqual([
      [0x80000000, 64 * 1024], [0x80400000, 2 * 1024 * 1024], [0x80100000, 4096],
    ]);
    expect(program.script).toEqual([{ op: 'malloc', size: 2 * 1024 * 1024, as: 'big' }, { op: 'sleep', steps: 16 }]);
  });

  it('reads access as "rwx" letters, a number, or an array of Memory.Access names', () => {
    const program = parseProgram(image({
      segments: [
        { virt: '0x80000000', size: '4K', access: 'rx' },
        { virt: '0x80001000', size: '4K', access: 'rw' },
        { virt: '0x80002000', size: '4K', access: 'r' },
        { virt: '0x80003000', size: '4K', access: 3 },
        { virt: '0x80004000', size: '4K', access: ['Readable', 'Executable'] },
        { virt: '0x80005000', size: '4K' },
      ],
    }), FILE);
    expect(program.segments.map((s) => s.access)).toEqual([
      Memory.Readable | Memory.Executable,
      Memory.Readable | Memory.Writable,
      Memory.Readable,
      3,
      Memory.Readable | Memory.Executable,
      Memory.Readable | Memory.Writable | Memory.Executable, // default "rwx"
    ]);
  });

  it('fills in the defaults: entry = the first segment, argv = [name], fill 0, offset 0, exit status 0, an empty script', () => {
    const program = parseProgram({
      name: 'demo',
      segments: [{ virt: '0x80004000', size: '8K', fill: 7 }, { virt: '0x80000000', size: '4K' }],
    }, FILE);
    expect(program).toEqual({
      name: 'demo',
      entry: 0x80004000,
      segments: [
        { virt: 0x80004000, size: 8192, access: 7, fill: 7 },
        { virt: 0x80000000, size: 4096, access: 7, fill: 0 },
      ],
      argv: ['demo'],
      script: [],
    });
  });

  it('returns every step in canonical form', () => {
    const program = parseProgram(image({
      argv: ['demo', '-v'],
      entry: '0x80000010',
      script: [
        { op: 'read', address: '0x80000000', size: '1K' },
        { op: 'write', region: 'UserHeap', offset: 16, size: 4, value: 255 },
        { op: 'touch', at: 'buffer', size: '64K' },
        { op: 'free', name: 'buffer' },
        { op: 'fork', child: [{ op: 'exit', status: 3 }] },
        { op: 'fork' },
        { op: 'execve', path: 'hog', argv: ['hog', '1'] },
        { op: 'spawn', path: 'hog', as: 'h' },
        { op: 'launch', path: 'hog' },
        { op: 'wait', name: 'h' },
        { op: 'kill', pid: 3, status: 9 },
        { op: 'print', text: 'status {status}' },
        { op: 'repeat', times: 2, body: [{ op: 'sleep', steps: 1 }] },
        { op: 'exit' },
      ],
    }), FILE);
    expect(program.entry).toBe(0x80000010);
    expect(program.argv).toEqual(['demo', '-v']);
    expect(program.script).toEqual([
      { op: 'read', address: 0x80000000, region: undefined, at: undefined, offset: 0, size: 1024, value: undefined },
      { op: 'write', address: undefined, region: 'UserHeap', at: undefined, offset: 16, size: 4, value: 255 },
      { op: 'touch', address: undefined, region: undefined, at: 'buffer', offset: 0, size: 65536, value: undefined },
      { op: 'free', name: 'buffer' },
      { op: 'fork', child: [{ op: 'exit', status: 3 }], as: undefined },
      { op: 'fork', child: [], as: undefined },
      { op: 'execve', path: 'hog', argv: ['hog', '1'] },
      { op: 'spawn', path: 'hog', argv: undefined, as: 'h' },
      { op: 'launch', path: 'hog', argv: undefined, as: undefined },
      { op: 'wait', pid: undefined, name: 'h' },
      { op: 'kill', pid: 3, name: undefined, status: 9 },
      { op: 'print', text: 'status {status}' },
      { op: 'repeat', times: 2, body: [{ op: 'sleep', steps: 1 }] },
      { op: 'exit', status: 0 },
    ]);
  });

  it('accepts segments filling UserData up to its last byte and 8 levels of nesting', () => {
    const program = parseProgram(image({ segments: [{ virt: '0x8FFFF000', size: '4K' }], script: nested(8) }), FILE);
    expect(program.segments[0]).toEqual({ virt: 0x8ffff000, size: 4096, access: 7, fill: 0 });
    expect(JSON.stringify(program.script).match(/repeat/g)).toHaveLength(8);
  });

  it('accepts exactly 10000 steps, nested ones included', () => {
    const body = Array.from({ length: 9999 }, () => ({ op: 'sleep', steps: 0 }));
    const program = parseProgram(image({ script: [{ op: 'repeat', times: 2, body }] }), FILE);
    expect(program.script).toHaveLength(1);
  });
});

describe('parseProgram: errors name the file, the field and the reason', () => {
  it('ProgramError carries .file, .field and .reason, and the message joins them', () => {
    const error = errorOf({ segments: [TEXT] }, 'programs/mine.json');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ProgramError');
    expect(error.file).toBe('programs/mine.json');
    expect(error.field).toBe('name');
    expect(error.reason).toBe('must be a non-empty string');
    expect(error.message).toBe('programs/mine.json: name: must be a non-empty string');
  });

  it('a program that is not an object', () => {
    expect(problem([])).toEqual(['(program)', 'must be an object']);
  });

  it('missing name, or an empty one', () => {
    expect(problem(image({ name: undefined }))).toEqual(['name', 'must be a non-empty string']);
    expect(problem(image({ name: '' }))).toEqual(['name', 'must be a non-empty string']);
  });

  it('missing or empty segments', () => {
    expect(problem(image({ segments: [] }))).toEqual(['segments', 'must be a non-empty array']);
    expect(problem(image({ segments: undefined }))).toEqual(['segments', 'must be a non-empty array']);
  });

  it('a virt that is not page-aligned', () => {
    expect(problem(image({ segments: [TEXT, { virt: '0x80008010', size: '4K' }] })))
      .toEqual(['segments[1].virt', 'must be page-aligned (a multiple of 4096), got 0x80008010']);
  });

  it('a segment outside UserData, below it or running past its end', () => {
    const reason = 'must lie inside UserData (0x80000000 to 0x90000000)';
    expect(problem(image({ segments: [{ virt: '0x7FFFF000', size: '4K' }] }))).toEqual(['segments[0]', reason]);
    expect(problem(image({ segments: [{ virt: '0x8FFFF000', size: '8K' }] }))).toEqual(['segments[0]', reason]);
    expect(problem(image({ segments: [TEXT, { virt: '0xA0000000', size: '4K' }] }))).toEqual(['segments[1]', reason]);
  });

  it('overlapping segments name the later one and the start of the one it overlaps', () => {
    expect(problem(image({ segments: [TEXT, { virt: '0x80003000', size: '4K' }] })))
      .toEqual(['segments[1]', 'overlaps the segment at 0x80000000']);
  });

  it('segments overlap by page: a 4097-byte segment takes two pages', () => {
    expect(problem(image({ segments: [{ virt: '0x80000000', size: 4097 }, { virt: '0x80001000', size: '4K' }] })))
      .toEqual(['segments[1]', 'overlaps the segment at 0x80000000']);
  });

  it('an entry outside every segment', () => {
    expect(problem(image({ entry: '0x80004000' }))).toEqual(['entry', 'must lie inside a segment']);
    expect(problem(image({ entry: '0x7FFFFFFF' }))).toEqual(['entry', 'must lie inside a segment']);
  });

  it('access letters other than r, w and x; unknown flag names; numbers over 255', () => {
    expect(problem(image({ segments: [{ ...TEXT, access: 'rwz' }] })))
      .toEqual(['segments[0].access', 'must use the letters r, w and x, got "rwz"']);
    expect(problem(image({ segments: [{ ...TEXT, access: ['Readable', 'Writeable'] }] })))
      .toEqual(['segments[0].access[1]', 'is not an access flag (Readable, Writable, Executable, User, ...)']);
    expect(problem(image({ segments: [{ ...TEXT, access: 256 }] })))
      .toEqual(['segments[0].access', 'must be from 0 to 255, got 256']);
  });

  it('numbers that are not whole, or not numbers at all', () => {
    expect(problem(image({ segments: [{ virt: '0x80000000', size: '4G' }] })))
      .toEqual(['segments[0].size', 'must be a whole number such as 4096, "0x1000" or "4K", got "4G"']);
    expect(problem(image({ segments: [{ virt: true, size: '4K' }] })))
      .toEqual(['segments[0].virt', 'must be a number, got boolean']);
  });

  it('an unknown op lists the valid ones', () => {
    expect(problem(image({ script: [{ op: 'print', text: 'hi' }, { op: 'jump' }] }))).toEqual([
      'script[1].op',
      '"jump" is not a step (read, write, touch, malloc, free, fork, execve, spawn, launch, wait, kill, sleep, print, repeat, exit)',
    ]);
  });

  it('a step without op', () => {
    expect(problem(image({ script: [{ size: 4 }] }))).toEqual(['script[0].op', 'must be a non-empty string']);
  });

  it('a missing size (malloc, read, write, touch)', () => {
    expect(problem(image({ script: [{ op: 'malloc', as: 'x' }] }))).toEqual(['script[0].size', 'must be a number, got undefined']);
    expect(problem(image({ script: [{ op: 'read', region: 'UserHeap' }] }))).toEqual(['script[0].size', 'must be a number, got undefined']);
  });

  it('read, write and touch need exactly one of address, region or at', () => {
    const reason = 'needs exactly one of address, region or at';
    expect(problem(image({ script: [{ op: 'read', size: 4 }] }))).toEqual(['script[0]', reason]);
    expect(problem(image({ script: [{ op: 'write', address: '0x80000000', region: 'UserData', size: 4 }] }))).toEqual(['script[0]', reason]);
    expect(problem(image({ script: [{ op: 'touch', region: 'UserHeap', at: 'p', size: 4 }] }))).toEqual(['script[0]', reason]);
  });

  it('a region name that is not a user region', () => {
    expect(problem(image({ script: [{ op: 'read', region: 'KernelData', size: 4 }] })))
      .toEqual(['script[0].region', 'must be one of UserData, UserHeap, UserStack, UserPrivate, UserShare, UserArgs']);
  });

  it('wait and kill need exactly one of pid or name', () => {
    const reason = 'needs exactly one of pid or name';
    expect(problem(image({ script: [{ op: 'wait' }] }))).toEqual(['script[0]', reason]);
    expect(problem(image({ script: [{ op: 'kill', pid: 1, name: 'child' }] }))).toEqual(['script[0]', reason]);
  });

  it('nesting deeper than 8 levels names the innermost body', () => {
    expect(problem(image({ script: nested(9) })))
      .toEqual([`script[0]${'.body[0]'.repeat(8)}.body`, 'nests deeper than 8 levels']);
  });

  it('fork children count as nesting too', () => {
    let script: unknown[] = [{ op: 'exit' }];
    for (let i = 0; i < 9; i++) script = [{ op: 'fork', child: script }];
    expect(problem(image({ script }))).toEqual([`script[0]${'.child[0]'.repeat(8)}.child`, 'nests deeper than 8 levels']);
  });

  it('more than 10000 steps names the step that is one too many', () => {
    const script = Array.from({ length: 10001 }, () => ({ op: 'exit' }));
    expect(problem(image({ script }))).toEqual(['script[10000]', 'the script has more than 10000 steps']);
  });

  it('a step that is not an object', () => {
    expect(problem(image({ script: [{ op: 'exit' }, 'exit'] }))).toEqual(['script[1]', 'must be an object']);
    expect(problem(image({ script: [null] }))).toEqual(['script[0]', 'must be an object']);
  });

  it('a script that is not an array', () => {
    expect(problem(image({ script: { op: 'exit' } }))).toEqual(['script', 'must be an array of steps']);
  });
});

describe('parseProgram: the built-in programs', () => {
  it('all four parse, under their file names', () => {
    expect(builtinPrograms.map(([file]) => file)).toEqual(['sh.json', 'hog.json', 'server.json', 'broken.json']);
    const programs = builtinPrograms.map(([file, json]) => parseProgram(json, file));
    expect(programs.map((p) => p.name)).toEqual(['sh', 'hog', 'server', 'broken']);
    expect(programs.map((p) => p.entry)).toEqual([0x80000000, 0x80000000, 0x80000000, 0x80000000]);
    expect(programs.map((p) => p.argv)).toEqual([['sh'], ['hog'], ['server'], ['broken']]);
  });

  it('the built-ins have a 16 KiB rx text segment (and, except broken, an 8 KiB rw data segment)', () => {
    const [sh, , , broken] = builtinPrograms.map(([file, json]) => parseProgram(json, file));
    expect(sh!.segments).toEqual([
      { virt: 0x80000000, size: 16384, access: Memory.Readable | Memory.Executable, fill: 0 },
      { virt: 0x80004000, size: 8192, access: Memory.Readable | Memory.Writable, fill: 0 },
    ]);
    expect(broken!.segments).toHaveLength(1);
  });

  it('hog mallocs and writes 64 KiB 32 times', () => {
    const hog = parseProgram(builtinPrograms[1]![1], 'hog.json');
    expect(hog.script[0]).toEqual({
      op: 'repeat', times: 32, body: [
        { op: 'malloc', size: 65536, as: 'block' },
        { op: 'write', address: undefined, region: undefined, at: 'block', offset: 0, size: 65536, value: 90 },
      ],
    });
  });
});
