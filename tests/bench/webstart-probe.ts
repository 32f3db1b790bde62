// Bench probe: the web mode's cold start in Debian's Chromium. Starts the lab host and the web server
// in this process (a temp workspace), then for each run launches a fresh headless Chromium (a cold
// cache and a fresh profile) and times, from navigation: Home listing the exercises, and, opening
// 01-bit-allocator's workspace directly, Monaco's editor on screen and TypeScript's diagnostics
// ready. Prints one JSON line (WebStartProbe). Usage: webstart-probe.ts RUNS
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabHost } from '../../electron/host/lab';
import { ROOT, buildApp } from '../../electron/main/build';
import { startWebServer } from '../../electron/web/server';
import { launchChromium } from '../e2e/lab';

export interface WebStartProbe {
  runs: { homeMs: number; editorMs: number; typescriptMs: number }[];
  exercises: number;
  chromium: string;
  built: string[];
}


async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const built = await buildApp();
  const workspace = mkdtempSync(join(tmpdir(), 'bench-web-'));
  const host = createLabHost({ workspace, host: 'web', version: 'bench' });
  const server = await startWebServer({ host, rendererDir: join(ROOT, 'dist', 'renderer') });
  const result: WebStartProbe = { runs: [], exercises: 0, chromium: '', built };
  try {
    await host.openExercise('01-bit-allocator'); // the typings are made once per host, not per page
    for (let k = 0; k < runs; k++) {
      const browser = await launchChromium();
      result.chromium = browser.version();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const t0 = performance.now();
        await page.goto(server.url);
        await page.waitForSelector('[data-exercise]');
        const homeMs = performance.now() - t0;
        result.exercises = await page.locator('[data-exercise]').count();
        const workspaceUrl = `${server.url}#/exercise/01-bit-allocator`;
        // A new context: its own cache, so the workspace's start is as cold as Home's.
        const fresh = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
        const t1 = performance.now();
        await fresh.goto(workspaceUrl);
        await fresh.waitForSelector('.monaco-editor .view-lines');
        const editorMs = performance.now() - t1;
        await fresh.waitForSelector('[data-ts-ready="true"]', { timeout: 60_000 });
        const typescriptMs = performance.now() - t1;
        result.runs.push({ homeMs, editorMs, typescriptMs });
      } finally {
        await browser.close();
      }
    }
  } finally {
    await server.close();
    await host.dispose();
  }
  console.log(JSON.stringify(result));
}

if (process.argv[1]?.endsWith('webstart-probe.ts')) await main();
