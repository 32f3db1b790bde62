// Screenshots for people to look at, light and dark (the page follows the system's colour scheme):
// Home, the workspace after a failing run (01-bit-allocator's starter on its visible test 'small'),
// and a compile error with its squiggle. Written to .ci/out/screenshots/ (ignored by git, kept by
// CI). The test checks what each one should show before it is taken.
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXERCISES, HAS_CHROMIUM, SCREENSHOTS, shoot, editorReady, exerciseFile, labFolders, launchChromium, newContext, openPage,
  replaceCode, squiggleLines, startLab, type LabFolders, type LabServer,
} from './lab';

const ID = '01-bit-allocator';
const STARTER = exerciseFile(ID, 'starter.ts');
/** The starter with `available()` missing its closing parenthesis (line 53). */
const BROKEN_LINE = STARTER.split('\n').findIndex((l) => l.includes('available(): number {')) + 1;
const BROKEN = STARTER.replace('available(): number {', 'available(: number {');

/** The page's background colour, as the theme sets it ('rgb(r, g, b)'). */
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
const brightness = (rgb: string) => rgb.match(/\d+/g)!.slice(0, 3).map(Number).reduce((a, b) => a + b, 0) / 3;

describe.skipIf(!HAS_CHROMIUM)('screenshots, light and dark', { timeout: 90_000 }, () => {
  let folders: LabFolders;
  let server: LabServer;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    folders = labFolders('screenshots');
    [server, browser] = await Promise.all([startLab(folders), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    folders?.remove();
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`${scheme}: Home, a failing run, a compile error`, async () => {
      const context = await newContext(browser, scheme);
      const { page, errors } = await openPage(context);
      await page.goto(`${server.url}#/`);
      await page.locator('[data-exercise]').nth(EXERCISES.length - 1).waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
      const shade = brightness(await background(page));
      expect(scheme === 'dark' ? shade < 80 : shade > 200, `body background ${await background(page)}`).toBe(true);
      await shoot(page, `home-${scheme}`, 20_000);

      await page.click(`[data-exercise="${ID}"]`);
      await editorReady(page);
      expect(await page.locator('.monaco-editor').first().getAttribute('class')).toContain(scheme === 'dark' ? 'vs-dark' : 'vs');
      await replaceCode(page, STARTER);
      await page.click('[data-testid=run]');
      const small = page.locator('[data-test="small"]');
      await small.waitFor({ timeout: 60_000 });
      expect(await small.getAttribute('class')).toContain('fail');
      expect(await small.locator('.output').innerText()).not.toBe('');
      // The starter type-checks against the 'freenos-lab' typings: once TypeScript has looked at
      // the pasted text (its diagnostics lag edits by about half a second), no squiggle is left.
      await expect.poll(() => squiggleLines(page), { timeout: 15_000 }).toEqual([]);
      await shoot(page, `workspace-failing-${scheme}`, 20_000);

      await replaceCode(page, BROKEN);
      await page.click('[data-testid=run]');
      const problem = page.locator('[data-testid=compile-errors] li').first();
      await problem.waitFor({ timeout: 60_000 });
      expect(await problem.innerText()).toContain(`line ${BROKEN_LINE},`);
      await problem.locator('button').click();
      await expect.poll(() => squiggleLines(page), { timeout: 15_000 }).toContain(BROKEN_LINE);
      await shoot(page, `compile-error-${scheme}`, 20_000);

      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
