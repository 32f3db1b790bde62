// @vitest-environment happy-dom
// The workspace store: opening loads the saved code, edits autosave after the debounce, save()
// (Ctrl+S) writes at once, dirty follows the host's confirmation, a failed save keeps the text.
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AUTOSAVE_MS, useWorkspaceStore } from '../../../renderer/src/stores/workspace';
import { installFakeLab, settle, type FakeLab } from '../fakeLab';

let fake: FakeLab;
beforeEach(() => {
  setActivePinia(createPinia());
  ({ fake } = installFakeLab());
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

async function opened() {
  const workspace = useWorkspaceStore();
  await workspace.open('01-bit-allocator');
  return workspace;
}

describe('workspace store', () => {
  it('opens an exercise with the code loadCode returns (the starter at first), clean', async () => {
    fake.files.set('01-bit-allocator', 'saved before the reload');
    const workspace = await opened();
    expect(workspace.exercise?.id).toBe('01-bit-allocator');
    expect(workspace.code).toBe('saved before the reload');
    expect(workspace.dirty).toBe(false);
    expect(workspace.status).toBe('saved');
  });

  it('autosaves once, AUTOSAVE_MS after the last edit, then is clean', async () => {
    const workspace = await opened();
    workspace.setCode('a');
    vi.advanceTimersByTime(AUTOSAVE_MS - 100);
    workspace.setCode('ab');
    expect(workspace.dirty).toBe(true);
    vi.advanceTimersByTime(AUTOSAVE_MS - 1);
    expect(fake.callsOf('saveCode')).toEqual([]);
    vi.advanceTimersByTime(1);
    await settle();
    expect(fake.callsOf('saveCode')).toEqual([['01-bit-allocator', 'ab']]);
    expect(workspace.dirty).toBe(false);
    expect(workspace.status).toBe('saved');
    expect(workspace.savedAt).toBe(new Date(2026, 0, 1, 12, 3, 4).toISOString());
  });

  it('save() (Ctrl+S) writes at once, cancelling the timer; on clean code only when forced', async () => {
    const workspace = await opened();
    await workspace.save();
    expect(fake.callsOf('saveCode')).toEqual([]);
    await workspace.save(true);
    expect(fake.callsOf('saveCode')).toHaveLength(1);
    workspace.setCode('typed');
    await workspace.save(true);
    vi.advanceTimersByTime(AUTOSAVE_MS * 2);
    await settle();
    expect(fake.callsOf('saveCode').map(([, source]) => source)).toEqual(['// starter of 01-bit-allocator\n', 'typed']);
  });

  it('keeps edits made during a save dirty and saves them next', async () => {
    const workspace = await opened();
    workspace.setCode('one');
    const first = workspace.save();
    workspace.setCode('two');
    await first;
    expect(workspace.dirty).toBe(true);
    vi.advanceTimersByTime(AUTOSAVE_MS);
    await settle();
    expect(fake.files.get('01-bit-allocator')).toBe('two');
    expect(workspace.dirty).toBe(false);
  });

  it('shows a failed save without losing the text, and retries on Ctrl+S', async () => {
    const workspace = await opened();
    fake.saveFails = 'EACCES: permission denied';
    workspace.setCode('precious');
    vi.advanceTimersByTime(AUTOSAVE_MS);
    await settle();
    expect(workspace.status).toBe('error');
    expect(workspace.saveError).toBe('EACCES: permission denied');
    expect(workspace.code).toBe('precious');
    expect(workspace.dirty).toBe(true);
    fake.saveFails = null;
    await workspace.save(true);
    expect(workspace.status).toBe('saved');
    expect(fake.files.get('01-bit-allocator')).toBe('precious');
  });

  it('flushes pending edits before opening another exercise and before exporting', async () => {
    const workspace = await opened();
    workspace.setCode('pending');
    await workspace.open('07-malloc');
    expect(fake.files.get('01-bit-allocator')).toBe('pending');
    workspace.setCode('malloc code');
    const file = await workspace.exportFile();
    expect(file).toEqual({ fileName: '07-malloc.ts', content: 'malloc code' });
  });

  it('reports an exercise that cannot be opened', async () => {
    const workspace = useWorkspaceStore();
    await workspace.open('missing');
    expect(workspace.loadError).toBe("no exercise 'missing'");
    expect(workspace.exercise).toBeNull();
  });
});
