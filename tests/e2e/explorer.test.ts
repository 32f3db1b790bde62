// End to end, the Machine Explorer in Chromium against the real web host: from the top bar's link,
// boot a 16 MiB Intel machine, boot sh, fork it; the child appears with its OWN page directory (a
// different root and different second-level tables), the frame map's pixels change with the
// fork's new frames (outline of the selected process off, so only frames count), the translator
// shows the MMU's walk, the quiz side panel asks a translate question. Screenshot: explorer.png.
// Then by the keyboard: the focus after Boot and after a busy call, '1 process', a VMCtl error that
// replaces the old result, and a reload that keeps the machine (or, after the host restarted, says
// it is gone).
import { statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, SCREENSHOTS, labFolders, launchChromium, newContext, openPage, plain, startLab, type LabFolders, type LabServer } from './lab';

/** The frame map canvas's RGBA pixels. */
const pixels = (page: Page) => page.evaluate(() => {
  const canvas = document.querySelector('[data-testid=frame-map]') as HTMLCanvasElement;
  return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
});
const text = async (page: Page, selector: string) => plain(await page.locator(selector).first().innerText());
const legendCount = async (page: Page, owner: string) => Number((await text(page, `[data-testid=frame-legend] li[data-owner=${owner}] strong`)));

describe.skipIf(!HAS_CHROMIUM)('the Machine Explorer in Chromium (web mode)', { timeout: 90_000 }, () => {
  let folders: LabFolders;
  let server: LabServer;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    folders = labFolders('explorer');
    [server, browser] = await Promise.all([startLab(folders), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    folders?.remove();
  });

  it('boots, forks a process that gets its own page directory and frames, translates an address', async () => {
    const context = await newContext(browser);
    const { page, errors } = await openPage(context);
    await page.goto(`${server.url}#/`);
    await page.click('[data-testid=nav-explorer]');
    await page.waitForSelector('[data-testid=boot-form]');
    expect(new URL(page.url()).hash).toBe('#/explorer');

    // A RAM size out of range is refused at its field.
    await page.fill('[data-testid=boot-ram]', '4');
    await page.click('[data-testid=boot]');
    expect(await text(page, '[data-testid=boot-ram-error]')).toBe('Intel boots with 8 to 896 MiB; 4 MiB is out of range.');
    expect(await page.locator('[data-testid=processes]').count()).toBe(0);

    await page.fill('[data-testid=boot-ram]', '16');
    await page.click('[data-testid=boot]');
    await page.waitForSelector('[data-testid=processes]');
    expect(await text(page, '[data-testid=machine-summary]')).toMatch(/^Intel · 16 MiB · copy-on-write fork on · 0 processes · \d+ of 4096 frames free/);
    await page.selectOption('[data-testid=program]', 'sh');
    await page.click('[data-testid=boot-program]');
    await page.waitForSelector('[data-pid="0"]');
    const parentRoot = await text(page, '[data-testid=directory-root]');
    const parentTables = await page.locator('[data-testid=entry-table]').allInnerTexts();
    expect(parentTables.length).toBeGreaterThan(0);

    // Frames only: the selected process's outline off, so a change of selection changes no pixel.
    await page.uncheck('.outline input');
    const directories = await legendCount(page, 'Directory');
    const before = await pixels(page);
    expect(before.some((v) => v !== 0)).toBe(true);

    await page.click('[data-pid="0"] [data-testid=fork]');
    await page.waitForSelector('[data-pid="1"]');
    expect(await page.getAttribute('[data-pid="1"]', 'aria-current')).toBe('true');
    expect(await text(page, '[data-pid="1"]')).toMatch(/^1 0 Ready sh/);
    expect(await text(page, '[data-testid=page-tables] h2')).toBe('Page tables of pid 1 (sh)');
    const childRoot = await text(page, '[data-testid=directory-root]');
    expect(childRoot).toMatch(/^0x[0-9A-F]{8}$/);
    expect(childRoot).not.toBe(parentRoot);
    const childTables = await page.locator('[data-testid=entry-table]').allInnerTexts();
    expect(childTables.length).toBe(parentTables.length);
    expect(childTables.filter((t) => parentTables.includes(t))).toEqual([]);
    expect(await text(page, '[data-pid="1"] td:nth-child(5)')).toBe(childRoot);

    // The fork's frames: one more page directory in the legend, and the canvas drew them.
    expect(await legendCount(page, 'Directory')).toBe(directories + 1);
    const after = await pixels(page);
    expect(after.length).toBe(before.length);
    const changed = after.filter((v, i) => v !== before[i]).length;
    expect(changed).toBeGreaterThan(8 * 8 * 4);

    // Hovering a cell names its frame.
    await page.locator('[data-testid=frame-map]').scrollIntoViewIfNeeded();
    const box = (await page.locator('[data-testid=frame-map]').boundingBox())!;
    await page.mouse.move(box.x + 3, box.y + 3);
    await expect.poll(() => text(page, '[data-testid=frame-info]')).toBe('Frame 0 at 0x00000000: firmware');
    await page.check('.outline input');

    // The translator: the child's first data page, walked through its own directory.
    await page.fill('[data-testid=translate-virt]', 'nonsense');
    await page.click('[data-testid=translate]');
    expect(await text(page, '[data-testid=translate-error]')).toMatch(/^"nonsense" is not a number/);
    await page.fill('[data-testid=translate-virt]', '0x80000000');
    await page.click('[data-testid=translate]');
    await page.waitForSelector('[data-testid=walk-steps]');
    const levels = await page.locator('[data-testid=walk-steps] tbody tr td:first-child').allInnerTexts();
    expect(levels).toEqual(['directory', 'table']);
    expect(await text(page, '[data-testid=walk-tlb]')).toBe('TLB miss');
    expect(await text(page, '[data-testid=walk-result]')).toMatch(/^physical 0x[0-9A-F]{8}$/);
    expect(await text(page, '[data-testid=walk]')).toContain(`directory ${childRoot}`);
    expect(await text(page, '[data-testid=tlb-counters]')).toMatch(/MMU: directory 0x[0-9A-F]{8} \(pid 1\)/);

    // The child's data entry expanded to its copy-on-write runs; the screenshot from the top.
    await page.click('[data-entry="512"] button');
    expect(await text(page, '#explorer-entry-512')).toContain('copy-on-write');
    await page.setViewportSize({ width: 1400, height: 2000 });
    await page.evaluate(() => document.querySelector('.view')!.scrollTo(0, 0));
    const wide = (await page.locator('[data-testid=frame-map]').boundingBox())!;
    await page.mouse.move(wide.x + 300, wide.y + 20);
    await expect.poll(() => text(page, '[data-testid=frame-info]')).toMatch(/^Frame \d+ at 0x[0-9A-F]{8}: /);
    const file = path.join(SCREENSHOTS, 'explorer.png');
    await page.screenshot({ path: file });
    expect(statSync(file).size).toBeGreaterThan(50_000);

    // The quiz at the side, next to the page tables.
    await page.click('[data-testid=explorer-quiz-toggle]');
    await page.waitForSelector('#explorer-quiz-body [data-testid=quiz-question]');
    expect(await page.getAttribute('[data-testid=quiz-question]', 'aria-label')).toMatch(/^Question: translate, seed \d+$/);
    expect(await page.isVisible('[data-testid=page-tables]')).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the focus by the keyboard, replaces an old VMCtl result with the new error, and keeps the machine over a reload', async () => {
    const context = await newContext(browser);
    const { page, errors } = await openPage(context);
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.tagName);
    await page.goto(`${server.url}#/explorer`);
    await page.fill('[data-testid=boot-ram]', '16');
    // Boot by the keyboard: the focus moves on to the program to boot, not to the page.
    await page.focus('[data-testid=boot]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=processes]');
    await expect.poll(focused).toBe('program');
    await page.keyboard.press('Tab');
    expect(await focused()).toBe('boot-program');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-pid="0"]');
    expect(await text(page, '[data-testid=machine-summary]')).toMatch(/^Intel · 16 MiB · copy-on-write fork on · 1 process · /);
    // The button its call disabled while busy has the focus back.
    await expect.poll(focused).toBe('boot-program');
    await page.focus('[data-pid="0"] [data-testid=fork]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-pid="1"]');
    await expect.poll(focused).toBe('fork');
    expect(await text(page, '[data-testid=machine-summary]')).toMatch(/ · 2 processes · /);

    // VMCtl: a lookup that works, then a request with a bad pid: the error replaces "0 Success".
    await page.selectOption('[data-testid=vmctl-operation]', 'LookupVirtual');
    await page.fill('[data-testid=vmctl-pid]', '1');
    await page.fill('[data-testid=vmctl-virt]', '0x80000000');
    await page.click('[data-testid=vmctl-send]');
    await expect.poll(() => text(page, '[data-testid=vmctl-result]')).toMatch(/^0 Success It worked/);
    await page.fill('[data-testid=vmctl-pid]', 'one');
    await page.click('[data-testid=vmctl-send]');
    await expect.poll(() => text(page, '[data-testid=vmctl-result]')).toBe('not sent Check pid: the message is at the field.');
    expect(await page.getAttribute('[data-testid=vmctl-result]', 'role')).toBe('alert');
    expect(await page.locator('[data-testid=vmctl]', { hasText: '0 Success' }).count()).toBe(0);
    await page.fill('[data-testid=vmctl-pid]', '1');
    await page.click('[data-testid=vmctl-send]');
    await expect.poll(() => text(page, '[data-testid=vmctl-result]')).toMatch(/^0 Success/);

    // A reload: the host still has the machine, and the page takes it back as it was.
    const root = await text(page, '[data-testid=directory-root]');
    const summary = (await text(page, '[data-testid=machine-summary]')).replace(/ · working….*$/, '');
    await page.reload();
    await page.waitForSelector('[data-pid="1"]');
    expect(await text(page, '[data-testid=explorer-notice]')).toMatch(/^This is the machine you booted before the page was reloaded: the host kept it\./);
    expect(await text(page, '[data-testid=machine-summary]')).toBe(summary);
    expect(await page.getAttribute('[data-pid="1"]', 'aria-current')).toBe('true');
    expect(await text(page, '[data-testid=directory-root]')).toBe(root);
    expect(await page.inputValue('[data-testid=boot-ram]')).toBe('16');
    expect(await text(page, '[data-testid=vmctl-result]')).toMatch(/^0 Success/);
    expect(await text(page, '[data-testid=activity]')).toContain('fork of pid 0: child pid 1');

    // The server restarted (a new host, no machines): the page says the machine is gone.
    await server.stop();
    server = await startLab(folders, server.port);
    await page.goto(`${server.url}#/explorer`);
    await page.waitForSelector('[data-testid=explorer-notice]');
    expect(await text(page, '[data-testid=explorer-notice]')).toMatch(/^The machine booted before the page was reloaded is gone: the host was restarted, .* Boot a new one\./);
    expect(await page.locator('[data-testid=processes]').count()).toBe(0);
    expect(errors.filter((e) => !/WebSocket|ERR_CONNECTION_REFUSED|net::/.test(e))).toEqual([]);
    await context.close();
  });
});
