// The web mode's command line (`npm run web -- ...`) and where it remembers the workspace folder.
// Pure functions of their input (and the platform's environment), so they are tested without
// starting anything.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const USAGE = `usage: npm run web [-- --port N] [--no-open] [--no-build] [--workspace DIR]

  --port N          listen on 127.0.0.1:N (default: a free port)
  --no-open         do not open a browser; only print the address
  --no-build        serve dist/renderer/ as it is (by default it is built first when missing or stale)
  --workspace DIR   the folder for your code and attempts (default: the last one used, else ~/FreeNOS-Lab)`;

export interface WebArgs {
  port: number;
  open: boolean;
  /** Build the renderer first when it is missing or older than its sources (npm start's rule). */
  build: boolean;
  workspace: string | undefined;
}

/** Reads the command line; throws an Error with the usage for anything it does not know. */
export function parseWebArgs(args: string[]): WebArgs | null {
  const parsed: WebArgs = { port: 0, open: true, build: true, workspace: undefined };
  for (let k = 0; k < args.length; k++) {
    const arg = args[k]!;
    const value = () => {
      const v = args[++k];
      if (v === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return v;
    };
    if (arg === '--help' || arg === '-h') return null;
    else if (arg === '--no-open') parsed.open = false;
    else if (arg === '--no-build') parsed.build = false;
    else if (arg === '--port') {
      const port = Number(value());
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number (0-65535), not '${args[k]}'`);
      parsed.port = port;
    } else if (arg === '--workspace') parsed.workspace = resolve(value());
    else throw new Error(`unknown option '${arg}'\n${USAGE}`);
  }
  return parsed;
}

/** Where the lab remembers the workspace folder between starts (per-user configuration folder). */
export function stateFile(): string {
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'freenos-lab', 'state.json');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'freenos-lab', 'state.json');
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'freenos-lab', 'state.json');
}
