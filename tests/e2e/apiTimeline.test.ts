// End-to-end: the timeline of an api exercise in Debian's Chromium against the real web host.
// 01-bit-allocator with a deliberately wrong submission (first fit instead of next fit): its failed
// test's "Show in timeline" opens the scenario call by call, the calls are listed with FreeNOS's
// answers and the student's, "jump to the first difference" selects the failing call, and the
// engine's bitmap with its next-fit cursor is drawn. Screenshots light and dark to .ci/out/screenshots.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, SCREENSHOTS, editorReady, exerciseFile, labFolders, launchChromium, newContext, openPage, replaceCode, startLab, type LabFolders, type LabServer } from './lab';

const ID = '01-bit-allocator';
/** The reference with next fit made first fit: every search starts at chunk 0. */
const FIRST_FIT = exerciseFile(ID, 'reference.ts').replace(/this\.last = [^;]+;/g, 'this.last = 0;');

const call = (page: Page) => page.locator('[data-testid=api-timeline]').getAttribute('data-call');
const waitCall = (page: Page, want: number) => page.waitForFunction((w) => document.querySelector('[data-testid=api-timeline]')?.getAttribute('data-call') === String(w), want, { timeout: 10_000 });

describe.skipIf(!HAS_CHROMIUM)('the api timeline in Chromium', () => {
  let folders: LabFolders;
  let lab: LabServer;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    folders = labFolders('api-timeline');
    [lab, browser] = await Promise.all([startLab(folders), launchChromium()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
    folders?.remove();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: a wrong submission's failed test opens its calls, the first difference and the bitmap`, async () => {
      const { page, errors } = await openPage(await newContext(browser, scheme));
      await page.goto(`${lab.url}#/exercise/${ID}`);
      await editorReady(page);
      await replaceCode(page, FIRST_FIT);
      await page.selectOption('[data-testid=run-target]', 'test:fill-and-wrap');
      await page.click('[data-testid=run]');
      const show = page.locator('[data-testid=show-in-timeline]').first();
      await show.waitFor({ timeout: 60_000 });
      expect(await show.textContent()).toMatch(/call \d+ of scenario fill-and-wrap/);
      await show.click();
      await page.waitForSelector('[data-testid=api-timeline][data-status=done]', { timeout: 60_000 });
      expect(await page.evaluate(() => location.hash)).toMatch(/^#\/timeline\/01-bit-allocator\/fill-and-wrap\/\d+$/);

      // Every call listed, the first difference marked and named in the summary.
      const rows = page.locator('[data-testid=api-calls] tbody tr[data-status]');
      expect(await rows.count()).toBe(200);
      const summary = (await page.locator('[data-testid=api-summary]').textContent()) ?? '';
      const k = Number(/First difference at call (\d+) of 200/.exec(summary)?.[1]) - 1;
      expect(k).toBeGreaterThan(0);
      expect(await rows.nth(k).getAttribute('data-status')).toBe('differs');
      await waitCall(page, k);

      // Back to the start with Home, step with the arrows, then j and the button jump to the difference.
      await page.keyboard.press('Home');
      await waitCall(page, -1);
      expect(await page.locator('[data-testid=api-position]').textContent()).toBe('Before the first call (200 calls)');
      await page.keyboard.press('ArrowRight');
      await waitCall(page, 0);
      await page.click('[data-testid=api-first-difference]');
      await waitCall(page, k);
      expect(await call(page)).toBe(String(k));
      const selected = (await page.locator('[data-testid=api-selected]').textContent()) ?? '';
      expect(selected).toContain(`Call ${k + 1} of 200`);
      expect(selected).toMatch(/FreeNOS returns/);

      // The engine's bitmap after that call: 32 chunks, the used ones drawn, the cursor marked.
      const bitmap = page.locator('[data-testid=api-bitmap]').first();
      await bitmap.waitFor();
      expect(await bitmap.locator('.cell').count()).toBe(32);
      expect(await bitmap.locator('.cell[data-cell="1"]').count()).toBeGreaterThan(0);
      expect(await bitmap.locator('.cell.cursor').count()).toBe(1);
      expect(await page.locator('[data-testid=api-state]').textContent()).toContain('next-fit cursor');

      await page.mouse.move(0, 0);
      await page.screenshot({ path: path.join(SCREENSHOTS, `api-timeline-${scheme}.png`), fullPage: true });
      expect(errors).toEqual([]);
    }, 180_000);
  }

  it("03's pools: every bitmap of 1,024 objects stays inside its panel at 1400x900", async () => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const { page, errors } = await openPage(context);
    // The picture is FreeNOS's own state: it is drawn whatever the student's (starter) code answers.
    await page.goto(`${lab.url}#/timeline/03-pool-allocator/growth/12`);
    await page.waitForSelector('[data-testid=api-timeline][data-status=done]', { timeout: 60_000 });
    await page.locator('[data-testid=api-bitmap]').first().waitFor();
    const spill = await page.evaluate(() => {
      const panel = document.querySelector('[data-testid=api-state]')!.getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid=api-bitmap] .cell')].map((c) => c.getBoundingClientRect().right - panel.right);
    });
    expect(spill.length).toBeGreaterThanOrEqual(1024);
    expect(Math.max(...spill)).toBeLessThanOrEqual(0);
    expect(errors).toEqual([]);
  }, 120_000);
});
