// The workspace's files: the history appended line by line (a torn last line skipped, and never
// gluing itself to the next attempt), the settings file remembering opened packs across a restart,
// and setWorkspace remembered in the state file.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Attempt } from '../../../electron/contract';
import { createLabHost } from '../../../electron/host/lab';
import { appendAttempt, readHistory, readSettings, saveAtomically } from '../../../electron/host/lab/workspace';

const temp = (prefix: string) => mkdtempSync(path.join(tmpdir(), prefix));
const attempt = (score: number): Attempt => ({ at: new Date(0).toISOString(), score, maxScore: 10, hash: 'ab'.repeat(32), passed: 1, tests: 2 });
const FIXTURE = path.join(import.meta.dirname, '../grader/fixtures/tiny');

describe('the attempt history', () => {
  it('appends one JSON line per attempt and reads them back in order', async () => {
    const dir = temp('lab-history-');
    expect(await readHistory(dir)).toEqual([]);
    await appendAttempt(dir, attempt(3));
    await appendAttempt(dir, attempt(7));
    expect(readFileSync(path.join(dir, 'history.jsonl'), 'utf8').split('\n')).toHaveLength(3);
    expect((await readHistory(dir)).map((a) => a.score)).toEqual([3, 7]);
  });

  it('skips a torn last line, and the next append does not glue onto it', async () => {
    const dir = temp('lab-history-');
    await appendAttempt(dir, attempt(3));
    appendFileSync(path.join(dir, 'history.jsonl'), '{"at":"2026-01-01T00:00:00.000Z","sco');
    expect((await readHistory(dir)).map((a) => a.score)).toEqual([3]);
    await appendAttempt(dir, attempt(9));
    expect((await readHistory(dir)).map((a) => a.score)).toEqual([3, 9]);
  });

  it('skips lines that are JSON but not an attempt', async () => {
    const dir = temp('lab-history-');
    writeFileSync(path.join(dir, 'history.jsonl'), '{"score":"ten"}\n[]\n');
    await appendAttempt(dir, attempt(4));
    expect(await readHistory(dir)).toEqual([attempt(4)]);
  });
});

describe('saveAtomically', () => {
  it('creates the folder, and keeps no .prev on the first save', async () => {
    const dir = path.join(temp('lab-save-'), 'new', 'ex');
    const saved = await saveAtomically(dir, 'één\n');
    expect(saved.bytes).toBe(6);
    expect(readFileSync(saved.path, 'utf8')).toBe('één\n');
    expect(() => readFileSync(`${saved.path}.prev`)).toThrow(/ENOENT/);
  });
});

describe('packs and the workspace folder', () => {
  it('remembers an opened pack in the workspace settings, so it is back after a restart', async () => {
    const workspace = temp('lab-ws-');
    const pack = temp('lab-pack-');
    cpSync(FIXTURE, path.join(pack, 'tiny'), { recursive: true });
    const first = createLabHost({ workspace, warn: () => undefined });
    const list = await first.openPack(pack);
    expect(list.find((e) => e.id === 'tiny')).toMatchObject({ pack, kind: 'malloc' });
    expect(list.some((e) => e.id === '01-bit-allocator')).toBe(true);
    expect(await readSettings(workspace)).toEqual({ packs: [pack] });
    await first.dispose();
    const second = createLabHost({ workspace, warn: () => undefined });
    expect((await second.openExercise('tiny')).pack).toBe(pack);
    await second.dispose();
  });

  it('refuses a folder without exercises', async () => {
    const host = createLabHost({ workspace: temp('lab-ws-'), warn: () => undefined });
    await expect(host.openPack(temp('lab-empty-'))).rejects.toThrow(/no exercises there/);
    await host.dispose();
  });

  it('moves to another workspace folder and remembers it in the state file', async () => {
    const state = path.join(temp('lab-state-'), 'config', 'state.json');
    const moved = path.join(temp('lab-ws-'), 'elsewhere');
    const host = createLabHost({ stateFile: state, warn: () => undefined });
    expect((await host.setWorkspace(moved)).workspace).toBe(moved);
    await host.saveCode('01-bit-allocator', '// here\n');
    expect(readFileSync(path.join(moved, '01-bit-allocator', 'submission.ts'), 'utf8')).toBe('// here\n');
    await host.dispose();
    const again = createLabHost({ stateFile: state, warn: () => undefined });
    expect((await again.info()).workspace).toBe(moved);
    expect((await again.loadCode('01-bit-allocator')).source).toBe('// here\n');
    await again.dispose();
  });
});
