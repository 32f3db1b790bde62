// Global setup of the end-to-end project: the tests serve the built renderer (dist/renderer/), so
// build it when it is missing or older than any renderer source (renderer/ and the contract it
// imports). Without Chromium the tests skip themselves: say so in one line and build nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { CHROMIUM, HAS_CHROMIUM, ROOT } from './lab';

const INDEX = path.join(ROOT, 'dist', 'renderer', 'index.html');
const SOURCES = [path.join(ROOT, 'renderer'), path.join(ROOT, 'electron', 'contract.ts'), path.join(ROOT, 'package-lock.json')];

/** The newest file under `entry` (a file or a folder): its path and mtime. */
function newest(entry: string): { file: string; mtime: number } {
  const info = statSync(entry);
  if (!info.isDirectory()) return { file: entry, mtime: info.mtimeMs };
  let best = { file: entry, mtime: 0 };
  for (const name of readdirSync(entry)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const found = newest(path.join(entry, name));
    if (found.mtime > best.mtime) best = found;
  }
  return best;
}

/** Why the renderer must be (re)built, or null when dist/renderer is up to date. */
export function whyBuild(): string | null {
  if (!existsSync(INDEX)) return `${path.relative(ROOT, INDEX)} is missing`;
  const built = statSync(INDEX).mtimeMs;
  const source = SOURCES.filter(existsSync).map(newest).reduce((a, b) => (b.mtime > a.mtime ? b : a));
  return source.mtime > built ? `${path.relative(ROOT, source.file)} is newer than ${path.relative(ROOT, INDEX)}` : null;
}

export default function setup(): void {
  if (!HAS_CHROMIUM) {
    console.log(`[e2e] SKIPPED: ${CHROMIUM} is not installed (apt-get install -y chromium); the end-to-end tests in tests/e2e/ need Debian's Chromium.`);
    return;
  }
  const why = whyBuild();
  if (why === null) return;
  console.log(`[e2e] building the renderer (npm run build:renderer) because ${why}…`);
  const started = Date.now();
  const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const build = spawnSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) {
    throw new Error(`[e2e] npm run build:renderer failed (exit ${build.status ?? build.signal}); the end-to-end tests need dist/renderer/:\n${build.stdout}\n${build.stderr}`);
  }
  console.log(`[e2e] renderer built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
