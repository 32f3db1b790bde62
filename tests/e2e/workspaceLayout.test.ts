// End to end, what a student sees of 07-malloc at 1400x900 in Chromium against the web mode: the
// editor shows at least 30 lines (long ones wrapped, nothing cut off at its right edge, the page
// never scrolls sideways); Escape then Tab leaves the editor for the results without typing a
// thing, Shift+Tab goes back to the run bar, Ctrl+M makes Tab move focus (the status line says so)
// and its height never changes; a grade of the starter shows its progress while it goes (a bar,
// "k of n tests", each test listed as it ends) and then the line that explains the score
// (utilization, throughput) inside the window. Screenshots, light and dark: the workspace with
// the README, during and after the grade (workspace-07-*.png).
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HAS_CHROMIUM, SCREENSHOTS, shoot, editorReady, exerciseFile, labFolders, launchChromium, openPage, plain, startLab, type LabFolders, type LabServer,
} from './lab';

const ID = '07-malloc';
const VIEWPORT = { width: 1400, height: 900 };

/** The editor's rows (wrapped parts count as rows) wholly inside its visible box. */
const visibleRows = (page: Page) => page.evaluate(() => {
  const box = document.querySelector('.monaco-editor .overflow-guard')!.getBoundingClientRect();
  return [...document.querySelectorAll('.monaco-editor .view-lines > .view-line')]
    .map((e) => e.getBoundingClientRect())
    .filter((r) => r.height > 0 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5).length;
});
/** The focused element's data-testid (or tag and class, for Monaco's input). */
const focused = (page: Page) => page.evaluate(() => {
  const a = document.activeElement as HTMLElement | null;
  if (!a) return 'none';
  return a.dataset.testid ?? (a.closest('.monaco-editor') ? 'monaco' : `${a.tagName.toLowerCase()}.${a.className}`);
});
const editorHeight = (page: Page) => page.evaluate(() => document.querySelector('[data-testid=editor]')!.getBoundingClientRect().height);
const tabMode = (page: Page) => page.getAttribute('[data-testid=editor-keys]', 'data-tab-mode');
/** The editor's text as Monaco holds it (its model, not what it draws). */
const editorText = (page: Page) => page.evaluate(() => {
  const lines = [...document.querySelectorAll('.monaco-editor .view-lines > .view-line')].map((e) => e.textContent);
  return lines.join('\n');
});

describe.skipIf(!HAS_CHROMIUM)('07-malloc at 1400x900 in Chromium (web mode)', { timeout: 120_000 }, () => {
  let folders: LabFolders;
  let server: LabServer;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    folders = labFolders('layout');
    [server, browser] = await Promise.all([startLab(folders), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    folders?.remove();
  });

  it('shows at least 30 lines of code, wraps the long ones, and the page never scrolls sideways', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const { page, errors } = await openPage(context);
    await page.goto(`${server.url}#/exercise/${ID}`);
    await editorReady(page);
    expect(await visibleRows(page)).toBeGreaterThanOrEqual(30);
    // No line runs off the editor's right edge: Monaco wraps the long ones (the starter has lines
    // of 124 characters), so every drawn line ends inside the editor.
    const edges = await page.evaluate(() => {
      const guard = document.querySelector('.monaco-editor .overflow-guard')!.getBoundingClientRect();
      const rights = [...document.querySelectorAll('.monaco-editor .view-lines > .view-line > span')].map((e) => e.getBoundingClientRect().right);
      return { guard: guard.right, right: Math.max(...rights), lines: rights.length };
    });
    expect(edges.lines).toBeGreaterThanOrEqual(30);
    expect(edges.right).toBeLessThanOrEqual(edges.guard);
    expect(exerciseFile(ID, 'starter.ts').split('\n').some((l) => l.length > 110)).toBe(true);
    // The README's wide code blocks scroll in their own box; the page and the panes do not.
    const overflow = await page.evaluate(() => {
      const view = document.querySelector('.view') as HTMLElement;
      const instructions = document.querySelector('.instructions') as HTMLElement;
      const wide = [...instructions.querySelectorAll('pre')].filter((p) => p.scrollWidth > p.clientWidth);
      return {
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        view: view.scrollWidth - view.clientWidth,
        instructions: instructions.scrollWidth - instructions.clientWidth,
        wide: wide.length,
        wideScroll: wide.map((p) => getComputedStyle(p).overflowX),
      };
    });
    expect(overflow).toMatchObject({ page: 0, view: 0, instructions: 0 });
    expect(overflow.wide).toBeGreaterThan(0);
    expect(new Set(overflow.wideScroll)).toEqual(new Set(['auto']));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('leaves the editor by the keyboard: Escape then Tab to the results, Shift+Tab to the run bar, Ctrl+M for Tab to move focus', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const { page, errors } = await openPage(context);
    await page.goto(`${server.url}#/exercise/${ID}`);
    await editorReady(page);
    const before = await editorText(page);
    const height = await editorHeight(page);
    await page.click('.monaco-editor .view-lines');
    expect(await focused(page)).toBe('monaco');
    expect(plain(await page.locator('[data-testid=editor-keys]').innerText())).toBe('Tab indents · Esc then Tab leaves the editor · Ctrl+M Tab moves focus');

    await page.keyboard.press('Escape');
    expect(await tabMode(page)).toBe('leave');
    expect(plain(await page.locator('[data-testid=editor-keys]').innerText())).toMatch(/^Tab leaves the editor now/);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('results');
    expect(await tabMode(page)).toBe('indent');
    expect(await editorText(page)).toBe(before);

    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('grade');

    // Any other key after Escape stays in the editor; Tab indents again.
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Escape');
    await page.keyboard.press('ArrowDown');
    expect(await tabMode(page)).toBe('indent');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('monaco');
    await page.keyboard.press('Control+Z');

    // Ctrl+M: Tab moves focus until Ctrl+M again, and the status line says so.
    await page.keyboard.press('Control+M');
    expect(await tabMode(page)).toBe('moves-focus');
    expect(plain(await page.locator('[data-testid=editor-keys]').innerText())).toBe('Tab moves focus · Ctrl+M to indent with Tab again');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('results');
    await page.click('.monaco-editor .view-lines');
    await page.keyboard.press('Control+M');
    expect(await tabMode(page)).toBe('indent');
    await expect.poll(() => editorText(page)).toBe(before);
    // The status line changed its words, never its height, nor the editor's.
    expect(await editorHeight(page)).toBe(height);
    expect(errors).toEqual([]);
    await context.close();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: a grade of the starter shows its progress as tests end, then the score and the line that explains it, in view`, async () => {
      const context = await browser.newContext({ viewport: VIEWPORT, colorScheme: scheme });
      const { page, errors } = await openPage(context);
      await page.goto(`${server.url}#/exercise/${ID}`);
      await editorReady(page);
      expect(await page.locator('.instructions h2', { hasText: 'The contract' }).isVisible()).toBe(true);
      await shoot(page, `workspace-07-${scheme}`, 50_000);
      const height = await editorHeight(page);

      await page.click('[data-testid=grade]');
      const bar = page.locator('[data-testid=progress-bar]');
      await bar.waitFor();
      // Tests end one by one: the bar and the count follow, each finished test is listed.
      await page.waitForFunction(() => Number(document.querySelector('[data-testid=progress-bar]')?.getAttribute('aria-valuenow')) >= 2, undefined, { timeout: 60_000 });
      const total = Number(await bar.getAttribute('aria-valuemax'));
      expect(total).toBe(13);
      const done = Number(await bar.getAttribute('aria-valuenow'));
      expect(plain(await page.locator('[data-testid=progress-count]').innerText())).toMatch(new RegExp(`^(${done}|${done + 1}) of 13 tests done`));
      const listed = await page.locator('[data-testid=progress-tests] li').count();
      expect(listed).toBeGreaterThanOrEqual(done);
      expect(plain(await page.locator('[data-testid=progress-tests] li').first().innerText())).toMatch(/^pass ramp-random 1 \/ 13$/);
      expect(plain(await page.locator('[data-testid=run-progress]').innerText())).toMatch(/^Grading… \d+ of 13 tests$/);
      expect(await editorHeight(page)).toBe(height);
      await shoot(page, `workspace-07-grading-${scheme}`, 50_000);

      const summary = page.locator('[data-testid=summary]');
      await summary.waitFor({ timeout: 90_000 });
      expect(plain(await summary.innerText())).toMatch(/^\d+(\.\d)? \/ 100 points 13 of 13 tests passed/);
      const line = page.locator('[data-testid=score-explained]');
      expect(plain(await line.innerText())).toMatch(/^performance index \d+\.\d \/ 100: utilization [\d.]+ % \(band .*\); [\d,]+ work units vs the reference's [\d,]+ \([\d.]+× its work\) → throughput [\d,]+ \/ [\d,]+ = [\d.]+ \(band .*\)$/);
      // The score's explanation is inside the window, unscrolled, and the editor kept its 30 lines.
      const box = (await line.boundingBox())!;
      expect(box.y).toBeGreaterThan(0);
      expect(box.y + box.height).toBeLessThanOrEqual(VIEWPORT.height);
      expect(await page.evaluate(() => document.querySelector('.view')!.scrollTop)).toBe(0);
      expect(await visibleRows(page)).toBeGreaterThanOrEqual(30);
      expect(await editorHeight(page)).toBe(height);
      await shoot(page, `workspace-07-graded-${scheme}`, 50_000);
      const history = readFileSync(path.join(folders.workspace, ID, 'history.jsonl'), 'utf8').trim().split('\n');
      expect(history.length).toBe(scheme === 'light' ? 1 : 2);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
