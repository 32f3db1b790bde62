// Student work is never lost: a process saving in a loop is killed (SIGKILL) at random moments,
// several times, and the submission on disk is always one complete version, never empty or torn;
// .prev is a complete version too, an older one. Run in a child Node process (through tsx).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const LOOP = path.join(import.meta.dirname, 'fixtures', 'saveLoop.ts');
const VERSION = /^\/\/ version (\d+)\nx*\n\/\/ end (\d+)\n$/;

/** The version number a complete file holds; fails the test for an empty or torn one. */
function versionOf(file: string): number {
  const text = readFileSync(file, 'utf8');
  const match = VERSION.exec(text);
  expect(match, `${file} is torn (${text.length} bytes)`).not.toBeNull();
  expect(match![1]).toBe(match![2]);
  return Number(match![1]);
}

/** Starts the saving loop; resolves once it has saved once. */
function startSaving(dir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', LOOP, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`the saving loop exited (code ${code}) before saving`)));
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, ready, exited };
}

describe('a kill during a save', () => {
  it('always leaves one complete version on disk', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lab-kill-'));
    let last = -1;
    for (let round = 0; round < 6; round++) {
      const { child, ready, exited } = startSaving(dir);
      await ready;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 300));
      child.kill('SIGKILL');
      await exited;
      const current = versionOf(path.join(dir, 'submission.ts'));
      const previous = versionOf(path.join(dir, 'submission.ts.prev'));
      // .prev is the version before (or, killed between keeping it and the rename, the same one);
      // each round starts again at version 0, after the last round's versions.
      if (current > 0) expect([current - 1, current]).toContain(previous);
      last = current;
    }
    expect(last).toBeGreaterThanOrEqual(0);
    // A killed save may leave its temp file; the next save removes it once it is old.
    expect(readdirSync(dir).filter((f) => !f.endsWith('.tmp')).sort()).toEqual(['submission.ts', 'submission.ts.prev']);
  }, 60_000);
});
