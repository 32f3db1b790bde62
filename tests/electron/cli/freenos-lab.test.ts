// The freenos-lab command: the demo shows the engine's real results, bad usage exits 2, every
// command answers --help with its usage, and the package's bin launcher runs it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demo } from '../../../electron/cli/demo';

const root = path.resolve(import.meta.dirname, '../../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const cli = path.join(root, 'electron', 'cli', 'freenos-lab.ts');

describe('freenos-lab', () => {
  it('demo shows next fit and the worked example\'s addresses and metadata', () => {
    const text = demo();
    expect(text).toContain('release 0x100000 (one chunk)   Success             [.####...........]');
    expect(text).toContain('allocate 1 chunk               Success  0x105000   [.#####..........]');
    expect(text).toMatch(/malloc\(1\)\s+16 B\s+7706\s+7708\s+0xB0002E64/);
    expect(text).toMatch(/malloc\(100000\)\s+131072 B\s+1\s+4\s+0xB00C104C/);
    expect(text).toContain('0xB0002E60  0xB0001000  owning pool');
  });

  it('demo runs the built-in shell on the machine and reports every page back', () => {
    const text = demo();
    expect(text).toContain('[pid 0] sh: hog exited with 0');
    expect(text).toContain("[pid 1] sh: cannot execute 'nosuchprogram'");
    expect(text).toContain('[pid 0] sh: broken exited with 2');
    expect(text).toMatch(/at the peak \d+ pages were in use/);
    expect(text).toContain('after every process exited 0 pages are still in use.');
  });

  it('runs as a command and rejects unknown commands with exit code 2', () => {
    expect(execFileSync(tsx, [cli, 'demo'], { encoding: 'utf8' })).toContain('0xB0021FCC');
    const bad = spawnSync(tsx, [cli, 'frobnicate'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown command 'frobnicate'");
  });

  it('the bin launcher runs the command line, and every command answers --help with exit 0', () => {
    const bin = path.join(root, 'electron', 'cli', 'bin.mjs');
    const commands: [string[], string][] = [
      [['help'], 'usage: freenos-lab <command>'],
      [['trace', '--help'], 'usage: freenos-lab trace gen'],
      [['trace', 'gen', '--help'], 'usage: freenos-lab trace gen'],
      [['replay', '--help'], 'usage: freenos-lab replay'],
      [['grade', '--help'], 'usage: freenos-lab grade <exercise>'],
      [['grade-batch', '--help'], 'usage: freenos-lab grade-batch'],
      [['exercises', '--help'], 'usage: freenos-lab exercises list'],
    ];
    for (const [args, usage] of commands) {
      const run = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      expect({ args, status: run.status, usage: run.stdout.includes(usage) }).toEqual({ args, status: 0, usage: true });
    }
  });

  it('exercises list, validate --run and pack: the lab\'s own 07-malloc is listed, sound and packs for students', { timeout: 240_000 }, () => {
    const list = spawnSync(tsx, [cli, 'exercises', 'list'], { encoding: 'utf8' });
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/^07-malloc\s+A malloc of your own {2}\(13 tests, 100 points\)/m);
    // --run: the reference must score full marks and the starter less (this is the CI check of the pack).
    const validate = spawnSync(tsx, [cli, 'exercises', 'validate', '--run'], { encoding: 'utf8' });
    expect(validate.stdout).toMatch(/^(\d+) of \1 exercises sound$/m);
    expect(validate.stderr).toMatch(/reference 100 \/ 100, starter \d+(\.\d+)? \/ 100/);
    expect(validate.status).toBe(0);
    const out = mkdtempSync(path.join(tmpdir(), 'lab-student-pack-'));
    const pack = spawnSync(tsx, [cli, 'exercises', 'pack', '07-malloc', '--student', '--out', out], { encoding: 'utf8' });
    expect(pack.stdout).toContain('07-malloc -> ');
    expect(pack.stdout).toContain('3 hidden traces left out');
    expect(spawnSync(tsx, [cli, 'exercises', 'validate', '--pack', out], { encoding: 'utf8' }).status).toBe(0);
    const missing = spawnSync(tsx, [cli, 'exercises', 'validate', 'no-such-exercise'], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("no exercise 'no-such-exercise'");
  });

  it('npm run cli reads relative paths from the directory it was typed in', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-npm-cwd-'));
    writeFileSync(path.join(dir, 'mine.trace'), 'freenos-lab-trace 1\na 0 16\nf 0\n');
    const run = spawnSync('npm', ['run', '--silent', '--prefix', root, 'cli', '--', 'trace', 'check', 'mine.trace'], { cwd: dir, encoding: 'utf8' });
    expect(run.stdout).toContain('mine.trace');
    expect(run.status).toBe(0);
  });

  it('exercises validate names the broken field of a broken exercise and exits 1', () => {
    const pack = mkdtempSync(path.join(tmpdir(), 'lab-pack-'));
    mkdirSync(path.join(pack, 'broken'));
    writeFileSync(path.join(pack, 'broken', 'exercise.yaml'), 'id: broken\ntitle: Broken\nkind: malloc\nstarter: s.ts\nreference: r.ts\ntraces: {}\n');
    const run = spawnSync(tsx, [cli, 'exercises', 'validate', '--pack', pack], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('exercise.yaml: traces: must name at least one trace');
    expect(run.stdout).toContain('0 of 1 exercises sound');
  });
});
