// `freenos-lab trace gen|check|list` and `replay`, called in-process through their command
// functions (and once as a real process for the exit codes); the checked-in trace set is exactly
// what the generators make from its manifest.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../electron/cli/args';
import { replayCommand } from '../../../electron/cli/replay';
import { traceCommand } from '../../../electron/cli/trace';
import { generate } from '../../../engine/workload/generators';
import { writeLabTrace } from '../../../engine/workload/TraceFormat';

const root = path.resolve(import.meta.dirname, '../../..');
const traces = path.join(root, 'exercises', 'traces');

function run(command: typeof traceCommand, args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = command(args, (text) => out.push(text), (text) => err.push(text));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('freenos-lab trace', () => {
  it('gen writes the same lab-format text as the generator, to stdout or --out', () => {
    const printed = run(traceCommand, ['gen', 'ramp', '--seed', '3', '--ops', '40']);
    expect(printed.code).toBe(0);
    expect(printed.out).toBe(writeLabTrace(generate('ramp', { seed: 3, ops: 40 })).trimEnd());
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'lab-')), 'r.rep');
    expect(run(traceCommand, ['gen', 'ramp', '--seed', '3', '--ops', '40', '--format', '2016', '--out', file]).code).toBe(0);
    expect(readFileSync(file, 'utf8').split('\n').slice(1, 3)).toEqual(['20', '40']); // 20 ids, 40 operations
  });

  it('check summarizes good files and names file:line and the reason for bad ones (exit 1)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-'));
    writeFileSync(path.join(dir, 'bad.rep'), '20000\n2\n2\n1\na 0 10\nx 1 5\n');
    const result = run(traceCommand, ['check', path.join(traces, 'coalescing.trace'), path.join(dir, 'bad.rep')]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/coalescing\.trace: lab, 3838 operations \(1919 a, 0 r, 1919 f\), 100 ids, .* and 68 more$/);
    expect(result.err).toMatch(/bad\.rep:6: .*'x'/);
  });

  it('check shows a bad line\'s escape sequences instead of sending them to the terminal', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'lab-')), 'esc.rep');
    writeFileSync(file, '0\n2\n1\n1\na 0 16\n\u001b[2Jq\u001b]0;pwned\u0007 0\n');
    const result = run(traceCommand, ['check', file]);
    expect(result.code).toBe(1);
    expect(result.err).toContain("esc.rep:6: unknown operation '\\x1b[2Jq\\x1b]0;pwned\\x07' (expected a, r or f)");
    expect(result.err).not.toMatch(/[\u0000-\u0009\u000B-\u001F]/);
  });

  it('rejects unknown generators and options as usage errors', () => {
    expect(() => run(traceCommand, ['gen', 'nope'])).toThrow(UsageError);
    expect(() => run(traceCommand, ['gen', 'ramp', '--ops', '-3'])).toThrow(/option 'ops' must be an integer/);
    expect(() => run(traceCommand, ['frob'])).toThrow("unknown trace command 'frob'");
  });

  it('the checked-in trace set is exactly what its manifest regenerates', () => {
    const manifest = JSON.parse(readFileSync(path.join(traces, 'manifest.json'), 'utf8')) as Record<string, { generator: string; options: Record<string, string | number> }>;
    expect(Object.keys(manifest).length).toBeGreaterThanOrEqual(11);
    for (const [file, { generator, options }] of Object.entries(manifest)) {
      expect(readFileSync(path.join(traces, file), 'utf8'), file).toBe(writeLabTrace(generate(generator, options)));
    }
  });
});

describe('freenos-lab replay', () => {
  it('replays a checked-in trace against the reference and prints the verdict and metrics', () => {
    const result = run(replayCommand, [path.join(traces, 'binaryPathology.trace')]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('passed every check');
    expect(result.out).toMatch(/utilization\s+\d+\.\d %/);
    // Named for what it counts in process: heap accesses, not the sandbox's work units.
    expect(result.out).toMatch(/work \(heap accesses\)\s+\d+ \(\d+\.\d per operation; in process: the grader's sandbox also counts every call and loop step\)/);
  });

  it('exits 1 with file:line for a malformed trace, and 2 for usage errors (as a process)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-'));
    writeFileSync(path.join(dir, 'bad.rep'), 'freenos-lab-trace 1\na 0 ten\n');
    const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
    const cli = path.join(root, 'electron', 'cli', 'freenos-lab.ts');
    const bad = spawnSync(tsx, [cli, 'replay', path.join(dir, 'bad.rep')], { encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/bad\.rep:2: size 'ten' is not an integer/);
    const usage = spawnSync(tsx, [cli, 'replay'], { encoding: 'utf8' });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('usage: freenos-lab replay');
  });
});
