// End to end, a page whose token the host refuses (Chromium against `npm run web`): opened with a
// wrong token, or none, the lab says its address is out of date (or has no token) and where the
// right one is, and opens no further WebSocket; a page that was connected when the host restarted
// on the same port with a new token first shows the ordinary "reconnecting" (a real disconnect is
// retried), then, once the new host refuses its old token, the out-of-date message, and stops.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAS_CHROMIUM, labFolders, launchChromium, newContext, openPage, startLab, type LabFolders, type LabServer } from './lab';

const OUT_OF_DATE = 'This lab address is out of date: the lab was restarted and has a new token.';
const WHERE = /Open the address the lab printed in its terminal, the http:\/\/127\.0\.0\.1:…\/\?token=… line of npm start or npm run web/;

/** Counts the WebSockets the page opens from now on. */
function countSockets(page: Page): () => number {
  let opened = 0;
  page.on('websocket', () => opened++);
  return () => opened;
}

const banner = (page: Page) => page.locator('[data-testid=connection]');

describe.skipIf(!HAS_CHROMIUM)('a refused token in Chromium (web mode)', { timeout: 90_000 }, () => {
  let folders: LabFolders;
  let server: LabServer;
  let restarted: LabServer | undefined;
  let browser: Browser;

  beforeAll(async () => {
    folders = labFolders('token');
    [server, browser] = await Promise.all([startLab(folders), launchChromium()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await restarted?.stop();
    folders?.remove();
  });

  it('opened with a wrong token: says the address is out of date and where the new one is, and stops trying', async () => {
    const context = await newContext(browser);
    const { page, errors } = await openPage(context);
    const sockets = countSockets(page);
    await page.goto(`http://127.0.0.1:${server.port}/?token=${'0'.repeat(64)}#/`);
    await banner(page).filter({ hasText: OUT_OF_DATE }).waitFor({ timeout: 15_000 });
    expect(await banner(page).getAttribute('data-state')).toBe('token-refused');
    expect(await banner(page).innerText()).toMatch(WHERE);
    // Home's list failed with the same advice, not a generic "host disconnected".
    await expect.poll(() => page.locator('main').innerText(), { timeout: 5_000 }).toMatch(/address is out of date/);
    // No endless reconnect: over 4 s (the client's backoff would have tried 4 times) no new socket.
    await page.waitForTimeout(4_000);
    expect(sockets()).toBe(1);
    expect(await banner(page).innerText()).not.toMatch(/reconnecting/i);
    expect(errors.filter((e) => !/WebSocket|address is out of date/.test(e))).toEqual([]);
    await context.close();
  });

  it('opened without a token: says the address has none', async () => {
    const context = await newContext(browser);
    const { page } = await openPage(context);
    const sockets = countSockets(page);
    await page.goto(`http://127.0.0.1:${server.port}/#/`);
    await banner(page).filter({ hasText: 'This address has no token' }).waitFor({ timeout: 15_000 });
    expect(await banner(page).innerText()).toMatch(WHERE);
    await page.waitForTimeout(2_000);
    expect(sockets()).toBe(1);
    await context.close();
  });

  it('connected when the host restarts with a new token: reconnects through the outage, then says the address is out of date', async () => {
    const context = await newContext(browser);
    const { page } = await openPage(context);
    await page.goto(`${server.url}#/`);
    await page.locator('[data-exercise]').first().waitFor();
    expect(await banner(page).count()).toBe(0);

    const port = server.port;
    await server.stop();
    // A real disconnect: retried, and said so.
    await banner(page).filter({ hasText: 'Host disconnected — reconnecting' }).waitFor({ timeout: 10_000 });
    restarted = await startLab(folders, port);
    expect(restarted.url).not.toBe(server.url);
    const sockets = countSockets(page);
    await banner(page).filter({ hasText: OUT_OF_DATE }).waitFor({ timeout: 30_000 });
    const afterRefusal = sockets();
    await page.waitForTimeout(4_000);
    expect(sockets()).toBe(afterRefusal);

    // The address the new host printed works.
    await page.goto(`${restarted.url}#/`);
    await page.locator('[data-exercise]').first().waitFor();
    expect(await banner(page).count()).toBe(0);
    await context.close();
  });
});
