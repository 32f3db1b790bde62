// Home's "start here" and Compare's note on coinciding lines, in Chromium on the web mode with a
// fresh workspace: Home says to open 01-bit-allocator first, with the four steps and the kinds, and
// its link opens the workspace; Compare on 07-malloc's coalescing trace (your code, the starter
// here, with the reference and the engine's first fit), run to the end, notes the charts where
// their lines coincide; the Machine Explorer's quiz panel, whose arrow points where it goes and whose
// revealed working wraps in full. Screenshots of each, light and dark, go to .ci/out/screenshots/.
import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXERCISES, HAS_CHROMIUM, SCREENSHOTS, shoot, labFolders, launchChromium, newContext, openPage, plain, startLab, type LabFolders, type LabServer } from './lab';

describe.skipIf(!HAS_CHROMIUM)('Home\'s start here, Compare\'s coinciding lines, the Explorer\'s quiz (web mode)', { timeout: 120_000 }, () => {
  let folders: LabFolders;
  let server: LabServer;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    folders = labFolders('start-compare-quiz');
    [server, browser] = await Promise.all([startLab(folders), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    folders?.remove();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: Home says where to start and how; its link opens the first exercise`, async () => {
      const context = await newContext(browser, scheme);
      const { page, errors } = await openPage(context);
      await page.goto(`${server.url}#/`);
      await page.locator('[data-exercise]').nth(EXERCISES.length - 1).waitFor();
      const start = page.locator('[data-testid=start-here]');
      expect(await start.getAttribute('open')).not.toBeNull();
      expect(plain(await start.locator('summary').innerText())).toMatch(/^Start here: open 01-bit-allocator: .+ \(the exercises build on one another, in this order\)$/);
      expect(plain(await start.locator('.steps').innerText())).toMatch(/Read .*Edit .*Run .*Ctrl\+Enter.*Grade /s);
      expect(await start.locator('[data-kind]').evaluateAll((ks) => ks.map((k) => k.getAttribute('data-kind')))).toEqual(['api', 'malloc', 'tune']);
      // The start is in view above the cards at 1280 × 800, with the first row of cards under it.
      const box = (await start.boundingBox())!;
      const card = (await page.locator('[data-exercise]').first().boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(card.y);
      expect(card.y).toBeLessThan(800 / 2);
      await shoot(page, `home-start-${scheme}`, 20_000);
      await start.locator('[data-testid=start-exercise]').click();
      await page.waitForSelector('[data-testid=editor]');
      expect(new URL(page.url()).hash).toBe('#/exercise/01-bit-allocator');
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: Compare notes the allocators whose lines coincide`, async () => {
      const context = await newContext(browser, scheme);
      const { page, errors } = await openPage(context);
      await page.goto(`${server.url}#/compare/07-malloc/coalescing`);
      const run = page.locator('[data-testid=compare-run]');
      await run.waitFor();
      await page.waitForFunction(() => !document.querySelector<HTMLButtonElement>('[data-testid=compare-run]')?.disabled);
      await run.click();
      await page.locator('[data-testid=compare-summary]', { hasText: 'All replays ended' }).waitFor({ timeout: 90_000 });
      const notes = await page.locator('[data-testid^=chart-note-]').allInnerTexts();
      console.log(`[e2e] compare notes (${scheme}):\n${notes.join('\n')}`);
      expect(notes.length).toBeGreaterThan(0);
      for (const note of notes) expect(note).toMatch(/^.+ and .+ coincide( within 1 % of the axis)? on this chart/);
      expect(plain(await page.locator('[data-testid=chart-unit-work]').innerText())).toBe("One work unit = one call or loop step of the allocator's code, or one heap access.");
      // The starter and the engine's first fit give the same external fragmentation on this trace.
      expect(plain(await page.locator('[data-testid=chart-note-external]').innerText())).toMatch(/^your code and engine \(first fit\) coincide on this chart/);
      await page.locator('#compare-charts-title').scrollIntoViewIfNeeded();
      await page.evaluate(() => document.querySelector('#compare-charts-title')!.scrollIntoView({ block: 'start' }));
      await shoot(page, `compare-${scheme}`, 20_000);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: the Explorer's quiz arrow points where the panel goes, and its working wraps in full`, async () => {
      const context = await newContext(browser, scheme);
      const { page, errors } = await openPage(context);
      await page.goto(`${server.url}#/explorer`);
      const arrow = page.locator('[data-testid=explorer-quiz-arrow]');
      await arrow.waitFor();
      // Folded at the right edge, in vertical text: a left-pointing glyph set horizontally (not turned to point up).
      expect(await arrow.innerText()).toBe('◀');
      expect(await arrow.evaluate((e) => getComputedStyle(e).writingMode)).toBe('horizontal-tb');
      expect(await page.locator('[data-testid=explorer-quiz-toggle]').evaluate((e) => getComputedStyle(e).writingMode)).toBe('vertical-rl');
      await page.click('[data-testid=explorer-quiz-toggle]');
      expect(await arrow.innerText()).toBe('▶');
      await page.click('[data-testid=quiz-reveal]');
      const explanation = page.locator('[data-testid=quiz-solution] .explanation');
      await explanation.waitFor();
      // Every line is within the panel's width: nothing cut off or scrolled sideways.
      const fits = await explanation.evaluate((e) => ({ scroll: e.scrollWidth, client: e.clientWidth, wrap: getComputedStyle(e).whiteSpace }));
      expect(fits.wrap).toBe('pre-wrap');
      expect(fits.scroll).toBeLessThanOrEqual(fits.client + 1);
      // The open panel fits the view under the top bar and scrolls on its own: its end (the working's last line) can be reached.
      const panel = page.locator('[data-testid=explorer-quiz]');
      const panelBox = (await panel.boundingBox())!;
      expect(panelBox.y + panelBox.height).toBeLessThanOrEqual(801);
      await panel.evaluate((e) => { e.scrollTop = e.scrollHeight; });
      const box = (await explanation.boundingBox())!;
      expect(box.y + box.height).toBeLessThanOrEqual(801); // in view (scrolling may leave a fraction of a pixel)
      await shoot(page, `explorer-quiz-${scheme}`, 20_000);
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
