// Builds what the desktop app needs and is missing or older than its sources: the renderer (Vite,
// into dist/renderer/) and the preload (esbuild, one CommonJS file that requires only 'electron',
// as a sandboxed preload must be). `npm run build` forces both; `npm start` builds only what is stale.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_OUT = join(ROOT, 'dist', 'renderer', 'index.html');
export const PRELOAD_OUT = join(ROOT, 'dist', 'electron', 'preload.cjs');

/** The contract's files: contract.ts and the parts it re-exports. */
const CONTRACT = ['electron/contract.ts', 'electron/contractMachine.ts', 'electron/contractReplay.ts', 'electron/contractApiTimeline.ts', 'electron/contractPolicies.ts'];
/** What the renderer's build reads: its folder, the contract it imports, and the engine (the demo mode runs it). */
export const RENDERER_SOURCES = ['renderer', ...CONTRACT, 'engine', 'package-lock.json'].map((p) => join(ROOT, p));
/** What the preload's bundle reads. */
export const PRELOAD_SOURCES = ['electron/main/preload.ts', ...CONTRACT].map((p) => join(ROOT, p));

/** The newest file under `paths` (files or folders; node_modules and dotfiles skipped) and its mtime; mtime 0 when none. */
export function newest(paths: string[]): { file: string; mtime: number } {
  let best = { file: '', mtime: 0 };
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const info = statSync(path);
    const found = info.isDirectory()
      ? newest(readdirSync(path).filter((name) => name !== 'node_modules' && !name.startsWith('.')).map((name) => join(path, name)))
      : { file: path, mtime: info.mtimeMs };
    if (found.mtime > best.mtime) best = found;
  }
  return best;
}

/** Why `output` must be rebuilt ('… is missing', '… is newer than …'), or null when it is up to date. */
export function staleBecause(output: string, sources: string[]): string | null {
  if (!existsSync(output)) return `${relative(ROOT, output)} is missing`;
  const source = newest(sources);
  return source.mtime > statSync(output).mtimeMs ? `${relative(ROOT, source.file)} is newer than ${relative(ROOT, output)}` : null;
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

/**
 * Builds the renderer with Vite in a child process; throws when it fails. Vite's output shows, or,
 * `quiet`, only its warnings, and its output goes into the error.
 */
export function buildRenderer(quiet = false): void {
  const args = [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(ROOT, 'renderer', 'vite.config.ts'), ...(quiet ? ['--logLevel', 'warn'] : [])];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, ...(quiet ? { encoding: 'utf8' as const } : { stdio: 'inherit' as const }) });
  if (r.status !== 0) throw new Error(`the renderer's build failed (vite exited with ${r.status ?? r.signal})${quiet ? `:\n${r.stdout}\n${r.stderr}` : ''}`);
}

export interface EnsureOptions {
  /** Prints a line (console.log by default). */
  say?: (line: string) => void;
  /** The build and the staleness check (tests pass fakes). */
  build?: () => void;
  stale?: () => string | null;
}

/**
 * Builds the renderer when it is missing or older than its sources, as `npm start` and `npm run web`
 * need it: one line says why and that it takes a while, Vite shows only its warnings, and one line
 * says when it is done. Returns whether it built; throws (the build's output in the message) when
 * the build fails.
 */
export function ensureRenderer(options: EnsureOptions = {}): boolean {
  const say = options.say ?? ((line: string) => console.log(line));
  const why = (options.stale ?? (() => staleBecause(RENDERER_OUT, RENDERER_SOURCES)))();
  if (why === null) return false;
  say(`Building the lab's user interface with Vite (${why}); this takes about half a minute…`);
  const started = Date.now();
  (options.build ?? (() => buildRenderer(true)))();
  say(`Built the user interface in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}

/** Builds the stale parts (everything, with Vite's whole output, with force); returns what was built. */
export async function buildApp(force = false): Promise<string[]> {
  const built: string[] = [];
  if (force) buildRenderer();
  if (force || ensureRenderer()) built.push('renderer');
  if (force || staleBecause(PRELOAD_OUT, PRELOAD_SOURCES)) {
    await buildPreload();
    built.push('preload');
  }
  return built;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildApp(true);
  console.log(`built: ${built.join(', ')}`);
}
