// End-to-end: the timeline in Debian's Chromium against the real web host. A 100 000-operation
// replay streams into the heap map and the charts (their pixels change as it goes and differ between
// operations); scrubbing (the op field, the slider's keys, step keys) lands on the operation asked
// for, and the state shown agrees with the engine's own Timeline of the same replay; a test that fails
// in the workspace opens the timeline at its failing operation. Screenshots go to .ci/out/screenshots.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTarget } from '../../engine/grader/LocalTarget';
import { replay } from '../../engine/grader/Replay';
import { Timeline } from '../../engine/grader/Timeline';
import { generate } from '../../engine/workload/generators';
import Reference from '../../exercises/07-malloc/reference';
import { HAS_CHROMIUM, SCREENSHOTS, editorReady, exerciseFile, labFolders, launchChromium, newContext, openPage, replaceCode, startLab, type LabFolders, type LabServer } from './lab';

const OPS = 100_000;
const TRACE = `gen:randomSizes:ops=${OPS},seed=1`;

/**
 * A hash and the count of drawn (not transparent) pixels of a canvas, read after two animation frames: the views paint
 * in the frame after their data changes (page text for the wait: a function here would carry tsx's __name into the page).
 */
async function pixels(page: Page, testid: string): Promise<{ hash: number; drawn: number }> {
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid="${id}"]`) as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let hash = 2166136261, drawn = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3]! > 0) drawn++;
      hash = Math.imul(hash ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24)), 16777619);
    }
    return { hash: hash >>> 0, drawn };
  }, testid);
}

const attr = (page: Page, name: string) => page.locator('[data-testid=timeline-view]').getAttribute(name);

/** Types `op` into the op field and waits until the view shows that operation. */
async function jump(page: Page, op: number): Promise<void> {
  await page.fill('[data-testid=timeline-op]', String(op));
  await page.press('[data-testid=timeline-op]', 'Enter');
  await page.waitForFunction((want) => document.querySelector('[data-testid=timeline-view]')?.getAttribute('data-op') === String(want), op, { timeout: 10_000 });
}

describe.skipIf(!HAS_CHROMIUM)('the timeline in Chromium', () => {
  let folders: LabFolders;
  let lab: LabServer;
  let browser: Browser;

  beforeAll(async () => {
    folders = labFolders('timeline');
    lab = await startLab(folders);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await lab?.stop();
    folders?.remove();
  });

  it('streams a 100 000-operation replay into the heap map and the charts, and scrubbing lands where asked', async () => {
    const { page, errors } = await openPage(await newContext(browser));
    await page.goto(`${lab.url}#/timeline/07-malloc/${encodeURIComponent(TRACE)}/0`);
    await page.waitForSelector('[data-testid=timeline-start]');
    await page.selectOption('[data-testid=timeline-subject]', 'reference');
    await page.click('[data-testid=timeline-start]');
    // Early in the stream: some operations done, not all.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=timeline-view]')?.getAttribute('data-done')) > 0, null, { timeout: 30_000 });
    const earlyDone = Number(await attr(page, 'data-done'));
    const earlyHeap = await pixels(page, 'heap-map');
    const earlyChart = await pixels(page, 'chart-heap');
    await page.waitForFunction((ops) => {
      const view = document.querySelector('[data-testid=timeline-view]');
      return view?.getAttribute('data-done') === String(ops) && view.getAttribute('data-status') === 'done';
    }, OPS, { timeout: 120_000 });
    expect(earlyDone).toBeLessThan(OPS);

    // The charts grew as operations came in; the heap map differs between two distant operations.
    const lateChart = await pixels(page, 'chart-heap');
    expect(lateChart.hash).not.toBe(earlyChart.hash);
    await jump(page, OPS - 1);
    const lastHeap = await pixels(page, 'heap-map');
    await jump(page, 200);
    const earlyOpHeap = await pixels(page, 'heap-map');
    expect(lastHeap.hash).not.toBe(earlyOpHeap.hash);
    expect(lastHeap.hash).not.toBe(earlyHeap.hash);
    expect(lastHeap.drawn).toBeGreaterThan(0);

    // Scrubbing: the op field, then keys; the view's state is the engine's at that operation.
    const trace = generate('randomSizes', { ops: OPS, seed: 1 });
    const result = replay(trace, localTarget(Reference, { limit: 32 * 2 ** 20, parent: 'pages' }), { addresses: true, series: true, heapLimit: 32 * 2 ** 20 });
    const timeline = new Timeline(trace, result);
    await jump(page, 54_321);
    expect(await page.locator('[data-testid=timeline-operation]').textContent()).toContain('54321');
    const summary = (await page.locator('[data-testid=heap-summary]').textContent()) ?? '';
    const state = timeline.at(54_321);
    expect(summary.replace(/[\s,]/g, '')).toContain(`${state.blocks.length}blocks`.replace(/\s/g, ''));
    await page.evaluate(() => document.querySelector('main.view')?.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'timeline-100k.png') });
    await page.locator('[data-testid=heap-map]').focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('[data-testid=timeline-view]')?.getAttribute('data-op') === '54322', null, { timeout: 10_000 });
    await page.locator('[data-testid=timeline-slider]').focus();
    await page.keyboard.press('End');
    await page.waitForFunction((last) => document.querySelector('[data-testid=timeline-view]')?.getAttribute('data-op') === String(last), OPS - 1, { timeout: 10_000 });
    expect(errors).toEqual([]);
  }, 180_000);

  it('opens the timeline at the failing operation of a failed test', async () => {
    const { page, errors } = await openPage(await newContext(browser, 'dark'));
    await page.goto(`${lab.url}#/exercise/07-malloc`);
    await editorReady(page);
    // The reference, except that its 250th malloc answers 4 bytes off: misaligned.
    const buggy = `${exerciseFile('07-malloc', 'reference.ts').replace('export default class SegregatedFit', 'class SegregatedFit')}
export default class OffByFour extends SegregatedFit {
  private calls = 0;
  malloc(size: number): number {
    const p = super.malloc(size);
    return ++this.calls === 250 && p !== 0 ? p + 4 : p;
  }
}
`;
    await replaceCode(page, buggy);
    await page.selectOption('[data-testid=run-target]', 'test:ramp-random');
    await page.click('[data-testid=run]');
    const show = page.locator('[data-testid=show-in-timeline]').first();
    await show.waitFor({ timeout: 60_000 });
    await show.click();
    await page.waitForSelector('[data-testid=replay-failure]', { timeout: 60_000 });
    const hash = await page.evaluate(() => location.hash);
    const op = Number(/\/(\d+)$/.exec(hash)?.[1]);
    expect(hash).toMatch(/^#\/timeline\/07-malloc\/ramp-random\/\d+$/);
    const failure = (await page.locator('[data-testid=replay-failure]').textContent()) ?? '';
    expect(failure).toMatch(/align/i);
    expect(failure).toContain(String(op));
    // The last state shown is the one before the failing operation.
    await page.waitForFunction((want) => document.querySelector('[data-testid=timeline-view]')?.getAttribute('data-op') === String(want), op - 1, { timeout: 10_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'timeline-failure.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 180_000);
});
