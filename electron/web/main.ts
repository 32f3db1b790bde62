// `npm run web [-- --port N] [--no-open] [--no-build] [--workspace DIR]`: the lab in a browser.
// Starts the lab host and the web server on 127.0.0.1 (a port in use is one line and exit 1),
// builds the renderer when it is missing or stale (as `npm start` does), prints the page's address
// with its token, opens the browser (unless --no-open), and closes cleanly on SIGINT or SIGTERM.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLabHost } from '../host/lab';
import { ensureRenderer } from '../main/build';
import { USAGE, parseWebArgs, stateFile, type WebArgs } from './args';
import { ListenError, startWebServer, type WebServer } from './server';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RENDERER = join(ROOT, 'dist', 'renderer');

/** Opens `url` in the default browser; a failure is one line on the console, never a crash. */
function openBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const say = (why: string) => console.log(`Could not open a browser (${command}: ${why}); open the address above yourself.`);
  try {
    const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true, windowsVerbatimArguments: true });
    child.on('error', (error) => say(error.message));
    child.on('exit', (code) => code !== 0 && code !== null && say(`exit code ${code}`));
    child.unref();
  } catch (error) {
    say((error as Error).message);
  }
}

async function main(): Promise<void> {
  let args: WebArgs | null;
  try {
    args = parseWebArgs(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
  if (args === null) {
    console.log(USAGE);
    return;
  }
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const host = createLabHost({ workspace: args.workspace, host: 'web', version, stateFile: stateFile() });
  let server: WebServer;
  try {
    server = await startWebServer({ host, rendererDir: RENDERER, port: args.port });
  } catch (error) {
    if (!(error instanceof ListenError)) throw error;
    console.error(error.message);
    await host.dispose();
    process.exit(1);
  }
  // Listening first: a port in use is said before half a minute of building.
  if (args.build) {
    try {
      ensureRenderer();
    } catch (error) {
      console.error(`npm run web: ${(error as Error).message}`);
      await Promise.all([server.close(), host.dispose()]);
      process.exit(1);
    }
  }
  if (!existsSync(join(RENDERER, 'index.html'))) console.log(`The renderer is not built (${RENDERER} is missing): run \`npm run build:renderer\`; until then the page says so.`);
  console.log(`FreeNOS Memory Lab (web mode), workspace ${(await host.info()).workspace}`);
  console.log(server.url);
  if (args.open) openBrowser(server.url);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal}: stopping`);
    void Promise.all([server.close(), host.dispose()]).then(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
