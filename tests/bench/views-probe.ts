// Bench probe: the live views in Debian's Chromium while a one-million-operation replay streams.
// Host and web server run in this process; the replay itself in the host's worker. Per round, in
// turn: the replay with no page drawing it (started on the host directly: its replayDone's ms), and
// the same replay started from the timeline page with every view of it open (heap map, six charts,
// controls), frames timed in the page (FRAME_LOOP: each frame's work, and the intervals between
// frames, which headless Chromium paces near 60 a second whatever the flags). Then 50 jumps to
// seeded random operations through the page's op field, timed in the page until the view shows that
// operation. Prints one JSON line.
// The frames counted are those from the page's load to the replay's end. Usage: views-probe.ts [ops] [rounds]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReplayEnd } from '../../electron/contract';
import { createLabHost } from '../../electron/host/lab';
import { ROOT, buildApp } from '../../electron/main/build';
import { startWebServer } from '../../electron/web/server';
import { launchChromium } from '../e2e/lab';

export interface ViewsProbe {
  operations: number;
  chromium: string;
  /** Per round: the replay's ms without and with the page; per frame its work and the intervals between frames (dropped: above 1.5 × the median). */
  rounds: {
    withoutMs: number; withMs: number; frames: number; workMedianMs: number; workP95Ms: number; workMaxMs: number;
    intervalMedianMs: number; intervalP95Ms: number; dropped: number;
  }[];
  jumps: number;
  jumpMedianMs: number;
  jumpP95Ms: number;
  built: string[];
}

const OPS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = Number(process.argv[3] ?? 2);
const JUMPS = 50;
const TRACE = `gen:randomSizes:ops=${OPS},seed=1`;
/**
 * Page text (a function here would carry tsx's __name helper into the page): per animation frame, its start (frames_) and its
 * work (work_): from the first rAF callback (this loop registers before anything a frame schedules) to the task after the frame's
 * rendering (a MessageChannel message posted from that callback), so rAF callbacks, style, layout and paint are counted.
 */
const FRAME_LOOP = `window.frames_ = []; window.work_ = []; window.stopFrames = false;
const channel = new MessageChannel(); let begun = 0;
channel.port1.onmessage = () => { window.work_.push(performance.now() - begun); };
requestAnimationFrame(function loop(t) { window.frames_.push(t); begun = performance.now(); channel.port2.postMessage(0); if (!window.stopFrames) requestAnimationFrame(loop); });`;

/** Page text: types op into the op field, submits, and resolves with the ms until the view shows that op and a frame is drawn. */
const JUMP = (op: number) => `new Promise((resolve) => {
  const view = document.querySelector('[data-testid=timeline-view]');
  const input = document.querySelector('[data-testid=timeline-op]');
  const t0 = performance.now();
  const done = () => requestAnimationFrame(() => resolve(performance.now() - t0));
  const observer = new MutationObserver(() => { if (view.getAttribute('data-op') === '${op}') { observer.disconnect(); done(); } });
  observer.observe(view, { attributes: true, attributeFilter: ['data-op'] });
  input.value = '${op}'; input.dispatchEvent(new Event('input'));
  input.form.requestSubmit();
})`;

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
};

async function main(): Promise<void> {
  const built = await buildApp();
  const host = createLabHost({ workspace: mkdtempSync(join(tmpdir(), 'bench-views-')), host: 'web', version: 'bench' });
  const server = await startWebServer({ host, rendererDir: join(ROOT, 'dist', 'renderer') });
  /** The next replay's end the host announces. */
  const nextEnd = () => new Promise<ReplayEnd>((resolve) => {
    const off = host.on('replayDone', (end) => {
      off();
      resolve(end);
    });
  });
  const browser = await launchChromium();
  const result: ViewsProbe = { operations: OPS, chromium: browser.version(), rounds: [], jumps: 0, jumpMedianMs: 0, jumpP95Ms: 0, built };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    let page = await context.newPage();
    for (let round = 0; round < ROUNDS; round++) {
      // Without views: the host replays, nobody draws (no page open).
      await page.close();
      const ended = nextEnd();
      const info = await host.replayStart({ exercise: '07-malloc', trace: { generator: 'randomSizes', options: { ops: OPS, seed: 1 } }, subject: { code: 'reference' } });
      const without = await ended;
      if (!without.ok) throw new Error(`the replay without views failed: ${without.error ?? without.failure?.reason}`);
      await host.replayClose(info.replayId);

      // With views: the timeline page opens on the reference and starts the same replay at once, drawing it as it streams.
      // The frame loop is page text: a function here would carry tsx's __name helper into the page.
      const withEnded = nextEnd();
      page = await context.newPage();
      await page.addInitScript(FRAME_LOOP);
      await page.goto(`${server.url}#/timeline/07-malloc/${encodeURIComponent(TRACE)}/0/reference`);
      const withViews = await withEnded;
      if (!withViews.ok) throw new Error(`the replay with views failed: ${withViews.error ?? withViews.failure?.reason}`);
      await page.waitForFunction((ops) => document.querySelector('[data-done]')?.getAttribute('data-done') === String(ops), OPS, { timeout: 60_000 });
      const [frames, work] = (await page.evaluate('window.stopFrames = true, [window.frames_, window.work_]')) as [number[], number[]];
      const intervals = frames.slice(1).map((t, k) => t - frames[k]!);
      const cadence = quantile(intervals, 0.5);
      result.rounds.push({
        withoutMs: without.ms, withMs: withViews.ms, frames: work.length,
        workMedianMs: quantile(work, 0.5), workP95Ms: quantile(work, 0.95), workMaxMs: Math.max(...work),
        intervalMedianMs: cadence, intervalP95Ms: quantile(intervals, 0.95), dropped: intervals.filter((i) => i > 1.5 * cadence).length,
      });
    }

    // Jumps: type an operation and submit, in the page; timed until the view shows it.
    let seed = 2024;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const times: number[] = [];
    for (let k = 0; k < JUMPS; k++) times.push((await page.evaluate(JUMP(next() % OPS))) as number);
    result.jumps = times.length;
    result.jumpMedianMs = quantile(times, 0.5);
    result.jumpP95Ms = quantile(times, 0.95);
  } finally {
    await browser.close();
    await server.close();
    await host.dispose();
  }
  console.log(JSON.stringify(result));
}

await main();
