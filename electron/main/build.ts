// Builds what the desktop app needs and is missing or older than its sources: the renderer (Vite,
// into dist/renderer/) and the preload (esbuild, one CommonJS file that requires only 'electron',
// as a sandboxed preload must be). `npm run build` forces both; `npm start` builds only what is stale.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_OUT = join(ROOT, 'dist', 'renderer', 'index.html');
export const PRELOAD_OUT = join(ROOT, 'dist', 'electron', 'preload.cjs');

/** The newest modification time (ms) of the files under `paths` (0 when none exist). */
export function newest(paths: string[]): number {
  let latest = 0;
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const info = statSync(path);
    if (info.isDirectory()) latest = Math.max(latest, newest(readdirSync(path).map((name) => join(path, name))));
    else latest = Math.max(latest, info.mtimeMs);
  }
  return latest;
}

/** True when `output` is missing or older than any of `sources`. */
export function stale(output: string, sources: string[]): boolean {
  return !existsSync(output) || statSync(output).mtimeMs < newest(sources);
}

/** Bundles the preload; returns the output file. */
export async function buildPreload(): Promise<string> {
  await esbuild.build({
    entryPoints: [join(ROOT, 'electron', 'main', 'preload.ts')],
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['electron'],
    outfile: PRELOAD_OUT, logLevel: 'warning', legalComments: 'none',
  });
  return PRELOAD_OUT;
}

/** Builds the renderer with Vite (a child process: Vite's own output shows); throws when it fails. */
export function buildRenderer(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'renderer', 'vite.config.ts')], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`the renderer's build failed (vite exited with ${r.status ?? r.signal})`);
}

/** Builds the stale parts (everything with force); returns what was built. */
export async function buildApp(force = false): Promise<string[]> {
  const built: string[] = [];
  if (force || stale(RENDERER_OUT, [join(ROOT, 'renderer'), join(ROOT, 'electron', 'contract.ts')])) {
    buildRenderer();
    built.push('renderer');
  }
  if (force || stale(PRELOAD_OUT, [join(ROOT, 'electron', 'main', 'preload.ts'), join(ROOT, 'electron', 'contract.ts')])) {
    await buildPreload();
    built.push('preload');
  }
  return built;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildApp(true);
  console.log(`built: ${built.join(', ')}`);
}
