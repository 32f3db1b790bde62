// The freenos-lab command: the demo shows the engine's real results, and bad usage exits 2.
import { execFileSync, spawnSync } from 'node:child_process';
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
});
