// Helpers of the end-to-end tests: the web mode's server as a child process (`node --import tsx
// electron/web/main.ts`, one process, so a SIGKILL really kills the host), Debian's Chromium through
// playwright-core, and the few things the tests do to the page (Monaco's text, its markers, the save
// status). HOME and XDG_CONFIG_HOME of the server point into the test's temp folder, so no test
// reads or writes the real ~/FreeNOS-Lab or the remembered workspace (state.json).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');
/** Debian's Chromium (LAB_CHROMIUM names another binary, or a missing one to see the tests skip). */
export const CHROMIUM = process.env.LAB_CHROMIUM ?? '/usr/bin/chromium';
/** Whether the tests can run here (CI installs Chromium in .ci/run; a local machine may lack it). */
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const SCREENSHOTS = path.join(ROOT, '.ci', 'out', 'screenshots');
const TIMINGS = path.join(ROOT, '.ci', 'out', 'e2e-timings.json');
const MAIN = path.join(ROOT, 'electron', 'web', 'main.ts');

/** The eight built-in exercises, in Home's order. */
export const EXERCISES = [
  '01-bit-allocator', '02-bubble-allocator', '03-pool-allocator', '04-split-allocator',
  '05-page-tables', '06-fork-cow', '07-malloc', '08-fragmentation',
];

export const exerciseFile = (id: string, file: string): string => readFileSync(path.join(ROOT, 'exercises', id, file), 'utf8');

export interface LabFolders {
  base: string;
  /** The server's HOME and XDG_CONFIG_HOME (where state.json would go). */
  home: string;
  config: string;
  workspace: string;
  /** Deletes the whole temp folder. */
  remove(): void;
}

/** A temp folder for one test file: home/, config/ and workspace/ inside it. */
export function labFolders(name: string): LabFolders {
  const base = mkdtempSync(path.join(tmpdir(), `lab-e2e-${name}-`));
  const folders = { base, home: path.join(base, 'home'), config: path.join(base, 'config'), workspace: path.join(base, 'workspace') };
  mkdirSync(folders.home);
  mkdirSync(folders.config);
  return { ...folders, remove: () => rmSync(base, { recursive: true, force: true }) };
}

export interface LabServer {
  url: string;
  port: number;
  child: ChildProcessWithoutNullStreams;
  /** What the server printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code or signal once the process has ended. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** SIGTERM (a clean stop) unless it has ended already; resolves when it has. */
  stop(): Promise<void>;
}

/** Starts `npm run web -- --no-open --no-build --port <port> --workspace <workspace>` as a child; resolves once it prints its address. */
export async function startLab(folders: { home: string; config: string; workspace: string }, port = 0): Promise<LabServer> {
  // --no-build: globalSetup built the renderer once; a server must not rebuild it mid-run (a source
  // edited while the tests run would make the next server spend half a minute in Vite).
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--no-open', '--no-build', '--port', String(port), '--workspace', folders.workspace], {
    cwd: ROOT,
    env: { ...process.env, HOME: folders.home, XDG_CONFIG_HOME: folders.config },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  const found = await new Promise<RegExpExecArray>((resolve, reject) => {
    const pattern = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=[0-9a-f]{64}/;
    const timer = setTimeout(() => reject(new Error(`the web server printed no address in 30 s:\n${out}`)), 30_000);
    const look = () => {
      const match = pattern.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    };
    child.stdout.on('data', look);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the web server ended (${code}) before printing its address:\n${out}`));
    });
  });
  return {
    url: found[0],
    port: Number(found[1]),
    child,
    output: () => out,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Debian's Chromium, headless, as toolchain-notes.md §3 launches it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that keeps its console errors and page errors; beforeunload prompts are accepted. */
export async function openPage(context: BrowserContext): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => void d.accept());
  return { page, errors };
}

export const newContext = (browser: Browser, colorScheme: 'light' | 'dark' = 'light'): Promise<BrowserContext> =>
  browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme, permissions: ['clipboard-read', 'clipboard-write'] });

/**
 * Saves what the page shows as SCREENSHOTS/<name>.png (the mouse moved out of the way first) and
 * expects it to hold more than `atLeast` bytes: a blank page compresses to far less.
 */
export async function shoot(page: Page, name: string, atLeast: number): Promise<void> {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.mouse.move(0, 0);
  await page.screenshot({ path: file });
  expect(statSync(file).size).toBeGreaterThan(atLeast);
}

/** Text with Monaco's non-breaking spaces and runs of white space made plain. */
export const plain = (text: string | null): string => (text ?? '').replace(/\u00a0/g, ' ').replace(/\s+/g, ' ').trim();

/** Waits for the workspace's editor to be interactive with TypeScript answering (data-ts-ready). */
export async function editorReady(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForSelector('[data-testid=editor][data-ts-ready="true"]', { timeout });
}

/**
 * Replaces the editor's whole text as a student pastes it: the text on the clipboard, then select
 * all and Ctrl+V in the editor. (Typing it, even as one insertText, goes through Monaco's
 * auto-indent line by line and indents every line again.)
 */
export async function replaceCode(page: Page, text: string): Promise<void> {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.click('.monaco-editor .view-lines');
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
}

/**
 * The lines Monaco has rendered, in order: { number, text } (Monaco renders only what is in view).
 * The editor wraps long lines: the rows of a wrapped line (only its first has a number in the
 * margin) are joined back into it, without the wrap's indent; rows above the first numbered one,
 * the tail of a line that starts out of view, are left out.
 */
export function renderedLines(page: Page): Promise<{ number: number; text: string }[]> {
  return page.evaluate(() => {
    const top = (e: Element) => parseFloat((e as HTMLElement).style.top);
    const numbers = new Map<number, number>();
    for (const e of document.querySelectorAll('.monaco-editor .margin-view-overlays > div')) {
      const n = Number(e.textContent?.trim());
      if (Number.isInteger(n) && n > 0) numbers.set(top(e), n);
    }
    // A continuation row starts with the wrap's indent: a span without a token class (tokens have mtkN).
    const textOf = (e: Element, continued: boolean) => [...(e.firstElementChild?.children ?? [])]
      .filter((span, k) => !(continued && k === 0 && span.className === ''))
      .map((span) => span.textContent ?? '').join('').replace(/\u00a0/g, ' ');
    const rows = [...document.querySelectorAll('.monaco-editor .view-lines > .view-line')]
      .map((e) => ({ top: top(e), number: numbers.get(top(e)), text: textOf(e, !numbers.has(top(e))) }))
      .sort((a, b) => a.top - b.top);
    const lines: { number: number; text: string }[] = [];
    for (const row of rows) {
      if (row.number !== undefined) lines.push({ number: row.number, text: row.text });
      else if (lines.length > 0) lines[lines.length - 1]!.text += row.text;
    }
    return lines;
  });
}

/** The line numbers that carry a red squiggle (an error marker) among the rendered lines (a wrapped row counts as its line). */
export function squiggleLines(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const top = (e: Element) => parseFloat((e as HTMLElement).style.top);
    const numbered: Array<[number, number]> = [];
    for (const e of document.querySelectorAll('.monaco-editor .margin-view-overlays > div')) {
      const n = Number(e.textContent?.trim());
      if (Number.isInteger(n) && n > 0) numbered.push([top(e), n]);
    }
    numbered.sort((a, b) => a[0] - b[0]);
    const lineAt = (y: number) => numbered.filter(([t]) => t <= y).at(-1)?.[1] ?? -1;
    const lines = [...document.querySelectorAll('.monaco-editor .view-overlays .squiggly-error')]
      .map((e) => lineAt(top(e.parentElement!)));
    return [...new Set(lines)].sort((a, b) => a - b);
  });
}

/** Waits until the save status says the host confirmed the editor's text ("saved HH:MM:SS"). */
export async function saved(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction(() => /^saved \d/.test(document.querySelector('[data-testid=save-status]')?.textContent?.trim() ?? ''), undefined, { timeout });
}

/** Records a measured time (ms) in .ci/out/e2e-timings.json (the run's last value per name) and prints it. */
export function recordTiming(name: string, ms: number): void {
  mkdirSync(path.dirname(TIMINGS), { recursive: true });
  let all: Record<string, number> = {};
  try {
    all = JSON.parse(readFileSync(TIMINGS, 'utf8')) as Record<string, number>;
  } catch {
    // first timing of this run
  }
  all[name] = Math.round(ms);
  writeFileSync(TIMINGS, `${JSON.stringify(all, null, 2)}\n`);
  console.log(`[e2e] ${name}: ${Math.round(ms)} ms`);
}
