// End to end, the host killed while it saves: a student types in 01-bit-allocator and saves after
// every keystroke (Ctrl+S) while the web server's process gets SIGKILL. The page shows "host
// disconnected"; the file on disk is one whole version the page sent (the last one the host
// confirmed, or one sent after it whose reply the kill cut off), never empty or torn; a new server
// on the same workspace serves that version to the reloaded page. The saves are seen on the wire
// (the page's WebSocket frames), so the test knows exactly which versions were sent and confirmed.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { transform } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, editorReady, exerciseFile, labFolders, launchChromium, newContext, openPage, renderedLines, startLab, type LabFolders, type LabServer } from './lab';

const ID = '01-bit-allocator';
const STARTER = exerciseFile(ID, 'starter.ts');

/**
 * The saveCode calls the page sent (in order) and the ids of the ones the host answered ok;
 * `onSave` hears each call as it leaves the page.
 */
function watchSaves(page: Page, onSave: () => void): { sent: { id: number; source: string }[]; confirmed: Set<number> } {
  const sent: { id: number; source: string }[] = [];
  const confirmed = new Set<number>();
  page.on('websocket', (ws) => {
    ws.on('framesent', ({ payload }) => {
      const call = JSON.parse(String(payload)) as { id: number; method: string; args: unknown[] };
      if (call.method !== 'saveCode' || call.args[0] !== ID) return;
      sent.push({ id: call.id, source: call.args[1] as string });
      onSave();
    });
    ws.on('framereceived', ({ payload }) => {
      const reply = JSON.parse(String(payload)) as { id?: number; ok?: boolean };
      if (typeof reply.id === 'number' && reply.ok) confirmed.add(reply.id);
    });
  });
  return { sent, confirmed };
}

describe.skipIf(!HAS_CHROMIUM)('the host killed during a save', { timeout: 90_000 }, () => {
  let folders: LabFolders;
  let dir: string;
  let first: LabServer;
  let second: LabServer | undefined;
  let browser: Browser;

  beforeAll(async () => {
    folders = labFolders('killed');
    dir = path.join(folders.workspace, ID);
    [first, browser] = await Promise.all([startLab(folders), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await first?.stop();
    await second?.stop();
    folders?.remove();
  });

  it('leaves the last good version on disk, says the host is gone, and shows that version after a restart', async () => {
    const context = await newContext(browser);
    const { page } = await openPage(context);
    // Armed after 1.5 s of typing: SIGKILL as the next save leaves the page, so it lands while the
    // host receives, writes or renames that save (or just after its reply).
    let armed = false;
    let killedAt = -1;
    const saves = watchSaves(page, () => {
      if (!armed || killedAt >= 0) return;
      killedAt = saves.sent.length;
      first.child.kill('SIGKILL');
    });
    await page.goto(`${first.url}#/exercise/${ID}`);
    await editorReady(page);

    // A new first line, then keystrokes on it, each followed by Ctrl+S, for 2.5 s.
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.type('// edits');
    const typing = Date.now();
    for (let k = 1; Date.now() - typing < 2_500; k++) {
      armed = Date.now() - typing > 1_500;
      await page.keyboard.type(` ${k}`);
      await page.keyboard.press('Control+S');
    }
    expect(killedAt).toBeGreaterThan(0);
    expect(await first.exited).toBe('SIGKILL');
    await page.locator('[data-testid=connection]', { hasText: 'Host disconnected' }).waitFor({ timeout: 10_000 });

    // Saves were confirmed before the kill; the edits after it are not saved, and the page says so.
    const confirmed = saves.sent.filter((s) => saves.confirmed.has(s.id)).length;
    expect(confirmed).toBeGreaterThanOrEqual(3);
    expect(await page.locator('[data-testid=save-status]').innerText()).toMatch(/^(Saving…|Not saved: host disconnected|Unsaved changes)/);

    // On disk: one whole version, the last confirmed one or one sent after it; never empty or torn.
    const onDisk = readFileSync(path.join(dir, 'submission.ts'), 'utf8');
    const at = saves.sent.findIndex((s) => s.source === onDisk);
    const lastConfirmed = Math.max(...saves.sent.map((s, k) => (saves.confirmed.has(s.id) ? k : -1)));
    expect(at, 'submission.ts is a version the page sent').toBeGreaterThanOrEqual(0);
    expect(at, 'not older than the last confirmed save').toBeGreaterThanOrEqual(lastConfirmed);
    console.log(`[e2e] SIGKILL as save ${killedAt} left the page; ${confirmed} saves confirmed; on disk: save ${at + 1} (last confirmed: ${lastConfirmed + 1})`);
    expect(onDisk.startsWith('// edits 1')).toBe(true);
    expect(onDisk.endsWith(STARTER)).toBe(true);
    await expect(transform(onDisk, { loader: 'ts' })).resolves.toBeDefined();
    // The version before it is kept whole too.
    const previous = readFileSync(path.join(dir, 'submission.ts.prev'), 'utf8');
    expect(saves.sent.some((s) => s.source === previous)).toBe(true);

    // A new server on the same workspace (same port; a new token, so the old page cannot reconnect).
    second = await startLab(folders, first.port);
    expect(existsSync(path.join(dir, 'submission.ts'))).toBe(true);
    await page.goto(`${second.url}#/exercise/${ID}`);
    await editorReady(page);
    await expect.poll(async () => (await renderedLines(page)).find((l) => l.number === 1)?.text).toBe(onDisk.split('\n')[0]);
    const lines = await renderedLines(page);
    for (const line of lines) expect(line.text).toBe(onDisk.split('\n')[line.number - 1]);
    expect(await page.locator('[data-testid=connection]').count()).toBe(0);
    expect(await page.locator('[data-testid=save-status]').innerText()).toMatch(/^saved \d/);
    expect(readFileSync(path.join(dir, 'submission.ts'), 'utf8')).toBe(onDisk);
    await context.close();
  });
});
