// End to end, a student's loop in the web mode (Chromium against `npm run web` and a real host on a
// temp workspace): Home lists the exercises; 01-bit-allocator opens with its instructions and
// Monaco with TypeScript ready; the reference pasted into the editor (clipboard, Ctrl+V) passes a
// visible test and grades 10 / 10, which Home then shows; a syntax error is reported at its line,
// in the results and as a squiggle in the editor; a reload finds the code kept, on disk too. The
// tests run in order and share the server and the page.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXERCISES, HAS_CHROMIUM, editorReady, exerciseFile, labFolders, launchChromium, newContext, openPage, plain,
  recordTiming, renderedLines, replaceCode, saved, squiggleLines, startLab, type LabFolders, type LabServer,
} from './lab';

const ID = '01-bit-allocator';
const REFERENCE = exerciseFile(ID, 'reference.ts');
/** The reference with a syntax error on line 9 (`const OUT_OF_MEMORY = 4;` loses its operand). */
const BROKEN_LINE = 9;
const BROKEN = REFERENCE.split('\n').map((line, k) => (k === BROKEN_LINE - 1 ? line.replace('= 4;', '= 4 +;') : line)).join('\n');

describe.skipIf(!HAS_CHROMIUM)('the lab in Chromium (web mode)', { timeout: 90_000 }, () => {
  let folders: LabFolders;
  let submission: string;
  let server: LabServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[] = [];

  beforeAll(async () => {
    expect(BROKEN).not.toBe(REFERENCE);
    folders = labFolders('workspace');
    submission = path.join(folders.workspace, ID, 'submission.ts');
    [server, browser] = await Promise.all([startLab(folders), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    folders?.remove();
  });

  it('opens on Home, listing the eight exercises, interactive at once', async () => {
    context = await newContext(browser);
    ({ page, errors } = await openPage(context));
    const started = Date.now();
    await page.goto(`${server.url}#/`);
    await page.locator('[data-exercise]').nth(EXERCISES.length - 1).waitFor({ state: 'visible' });
    recordTiming('home interactive (navigation → the exercise list visible)', Date.now() - started);

    const ids = await page.locator('[data-exercise]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-exercise')));
    expect(ids).toEqual(EXERCISES);
    const card = page.locator(`[data-exercise="${ID}"]`);
    expect(plain(await card.innerText())).toMatch(/The BitAllocator .* best — \/ 10 · 0 attempts/);
    // Interactive: the card is a link that opens the workspace.
    await card.click();
    await page.waitForSelector('[data-testid=editor]');
    expect(new URL(page.url()).hash).toBe(`#/exercise/${ID}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens 01-bit-allocator, takes the reference pasted into Monaco, runs a visible test and grades 10 / 10', async () => {
    // Cold start: a new browser profile straight to the workspace.
    context = await newContext(browser);
    ({ page, errors } = await openPage(context));
    const started = Date.now();
    await page.goto(`${server.url}#/exercise/${ID}`);
    await editorReady(page);
    recordTiming('workspace cold start (navigation → Monaco with TypeScript ready)', Date.now() - started);

    await expect.poll(() => page.locator('h1').first().innerText()).toBe('The BitAllocator');
    const instructions = page.locator('.panes .left');
    await instructions.waitFor({ state: 'visible' });
    expect(plain(await instructions.innerText())).toContain('BitAllocator');
    expect(await page.locator('[data-testid=save-status]').innerText()).toContain('Starter code');

    await replaceCode(page, REFERENCE);
    await saved(page);
    expect(readFileSync(submission, 'utf8')).toBe(REFERENCE);
    expect((await renderedLines(page)).length).toBeGreaterThan(5);

    // The selected target is the first visible test, 'small' (2 points).
    expect(await page.locator('[data-testid=run-target]').inputValue()).toBe('test:small');
    let t = Date.now();
    await page.click('[data-testid=run]');
    const small = page.locator('[data-test="small"]');
    await small.waitFor({ timeout: 60_000 });
    recordTiming('run of one test (click → result shown)', Date.now() - t);
    expect(await small.getAttribute('class')).toContain('pass');
    expect(plain(await small.innerText())).toMatch(/^pass small 2 \/ 2 pts/);
    expect(plain(await page.locator('[data-testid=summary]').innerText())).toMatch(/^2 \/ 2 points 1 of 1 test passed/);

    t = Date.now();
    await page.click('[data-testid=grade]');
    await page.locator('[data-testid=summary]', { hasText: '10 / 10 points' }).waitFor({ timeout: 60_000 });
    recordTiming('grade (click → score shown)', Date.now() - t);
    expect(plain(await page.locator('[data-testid=summary]').innerText())).toMatch(/^10 \/ 10 points 5 of 5 tests passed/);
    expect(await page.locator('[data-test].pass').count()).toBe(5);
    const history = readFileSync(path.join(folders.workspace, ID, 'history.jsonl'), 'utf8').trim().split('\n');
    expect(history).toHaveLength(1);
    expect(JSON.parse(history[0]!)).toMatchObject({ score: 10, maxScore: 10, passed: 5, tests: 5 });

    // Home shows the attempt.
    await page.click('a[aria-label="Back to the exercises"]');
    const card = page.locator(`[data-exercise="${ID}"]`);
    await expect.poll(async () => plain(await card.locator('.numbers').innerText())).toBe('best 10 / 10 · 1 attempt');
    expect(await card.locator('[role=progressbar]').getAttribute('aria-valuenow')).toBe('100');
    expect(errors).toEqual([]);
    // Back to the workspace for the next test.
    await card.click();
    await editorReady(page);
  });

  it('shows a syntax error at its line: in the results and as a squiggle in the editor', async () => {
    await replaceCode(page, BROKEN);
    await page.click('[data-testid=run]');
    const problems = page.locator('[data-testid=compile-errors] li');
    await problems.first().waitFor({ timeout: 60_000 });
    expect(plain(await page.locator('[data-testid=summary]').innerText())).toBe('Does not compile');
    const first = plain(await problems.first().innerText());
    expect(first).toMatch(new RegExp(`^line ${BROKEN_LINE}, column \\d+ `));
    // "line 9, column …" reveals the line; the error marker is drawn on it.
    await problems.first().locator('button').click();
    await expect.poll(() => squiggleLines(page), { timeout: 15_000 }).toContain(BROKEN_LINE);
    const lines = await renderedLines(page);
    expect(lines.find((l) => l.number === BROKEN_LINE)?.text).toBe('const OUT_OF_MEMORY = 4 +;');
    expect(errors).toEqual([]);
  });

  it('keeps the code over a reload: in the editor and in the workspace file', async () => {
    await saved(page);
    expect(readFileSync(submission, 'utf8')).toBe(BROKEN);
    await page.reload();
    await editorReady(page);
    await expect.poll(async () => (await renderedLines(page)).find((l) => l.number === BROKEN_LINE)?.text).toBe('const OUT_OF_MEMORY = 4 +;');
    const lines = await renderedLines(page);
    const expected = BROKEN.split('\n');
    for (const line of lines) expect(line.text).toBe(expected[line.number - 1]);
    expect(await page.locator('[data-testid=save-status]').innerText()).toMatch(/^saved \d/);
    expect(readFileSync(submission, 'utf8')).toBe(BROKEN);
    expect(errors).toEqual([]);
  });
});
