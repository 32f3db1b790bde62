// What `npm start` and `npm run web` build before they serve the lab: the renderer when it is
// missing or older than its sources, announced in one line (Vite shows only its warnings), and
// nothing when it is up to date; a failed build throws with Vite's output. The renderer's Vite
// config turns off the bundler's timing report (PLUGIN_TIMINGS) and the gzip size report.
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureRenderer, staleBecause } from '../../../electron/main/build';
import viteConfig from '../../../renderer/vite.config';

describe('ensureRenderer', () => {
  it('builds a missing or stale renderer, saying why in one line before and the time after', () => {
    const said: string[] = [];
    let builds = 0;
    const built = ensureRenderer({ say: (line) => said.push(line), stale: () => 'dist/renderer/index.html is missing', build: () => builds++ });
    expect(built).toBe(true);
    expect(builds).toBe(1);
    expect(said).toHaveLength(2);
    expect(said[0]).toBe("Building the lab's user interface with Vite (dist/renderer/index.html is missing); this takes about half a minute…");
    expect(said[1]).toMatch(/^Built the user interface in \d+\.\d s\.$/);
  });

  it('does nothing, silently, when the renderer is up to date', () => {
    const said: string[] = [];
    let builds = 0;
    expect(ensureRenderer({ say: (line) => said.push(line), stale: () => null, build: () => builds++ })).toBe(false);
    expect(builds).toBe(0);
    expect(said).toEqual([]);
  });

  it('throws when the build fails, after the first line and without claiming it built', () => {
    const said: string[] = [];
    const fail = () => {
      throw new Error("the renderer's build failed (vite exited with 1)");
    };
    expect(() => ensureRenderer({ say: (line) => said.push(line), stale: () => 'renderer/src/App.vue is newer than dist/renderer/index.html', build: fail })).toThrow(/vite exited with 1/);
    expect(said).toHaveLength(1);
  });
});

describe('staleBecause', () => {
  it('names a missing output, or the source newer than it, and is null when the output is newer', () => {
    const base = mkdtempSync(path.join(tmpdir(), 'lab-build-'));
    const out = path.join(base, 'dist', 'index.html');
    const source = path.join(base, 'src', 'App.vue');
    mkdirSync(path.dirname(source), { recursive: true });
    writeFileSync(source, '<template/>');
    expect(staleBecause(out, [path.join(base, 'src')])).toMatch(/index\.html is missing$/);
    mkdirSync(path.dirname(out));
    writeFileSync(out, '<!doctype html>');
    utimesSync(source, new Date(2000, 0, 1), new Date(2000, 0, 1));
    expect(staleBecause(out, [path.join(base, 'src')])).toBeNull();
    utimesSync(source, new Date(), new Date(Date.now() + 60_000));
    expect(staleBecause(out, [path.join(base, 'src')])).toMatch(/App\.vue is newer than .*index\.html$/);
  });
});

describe("the renderer's Vite config", () => {
  it('turns off the PLUGIN_TIMINGS report and the gzip sizes (a first start prints neither)', () => {
    const build = (viteConfig as { build?: { reportCompressedSize?: boolean; rolldownOptions?: { checks?: { bundlerTimings?: boolean } } } }).build;
    expect(build?.reportCompressedSize).toBe(false);
    expect(build?.rolldownOptions?.checks?.bundlerTimings).toBe(false);
  });
});
