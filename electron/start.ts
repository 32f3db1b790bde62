// `npm start`: builds what is missing or stale (renderer, preload), then launches Electron on
// electron/main/entry.mjs. Where Electron's binary is absent (it is downloaded from GitHub at its
// first run, which an offline install cannot do) it says so in one line and starts the web mode.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, buildApp } from './main/build';

/** The Electron executable if it is installed (or pointed to by ELECTRON_OVERRIDE_DIST_PATH), else null. */
export function electronBinary(root = ROOT, env: Record<string, string | undefined> = process.env): string | null {
  const pkg = join(root, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const candidate = env.ELECTRON_OVERRIDE_DIST_PATH
    ? join(env.ELECTRON_OVERRIDE_DIST_PATH, name ?? 'electron')
    : name ? join(pkg, 'dist', name) : null;
  return candidate && existsSync(candidate) ? candidate : null;
}

export const NO_ELECTRON = "Electron's binary is not installed here (it downloads from GitHub at its first run: `npx install-electron`); starting the web mode instead.";

async function main(): Promise<void> {
  try {
    const built = await buildApp();
    if (built.length > 0) console.log(`built: ${built.join(', ')}`);
  } catch (error) {
    console.error(`npm start: ${(error as Error).message}`);
    process.exit(1);
  }
  const electron = electronBinary();
  const [command, args] = electron
    ? [electron, [join(ROOT, 'electron', 'main', 'entry.mjs'), ...process.argv.slice(2)]]
    : [process.execPath, ['--import', 'tsx', join(ROOT, 'electron', 'web', 'main.ts'), ...process.argv.slice(2)]];
  if (!electron) console.log(NO_ELECTRON);
  const child = spawn(command, args, { stdio: 'inherit', cwd: ROOT });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1]?.endsWith('start.ts')) await main();
