// `npm run web`'s entry: its command line, and the real process: it prints the address with the
// token, serves the lab on it (a call over the WebSocket reaches the workspace it was given), and
// exits 0 on SIGTERM; started on a port that is in use, it says so in one line and exits 1. The
// processes run with --no-build (the renderer's build is tested in tests/electron/main/build.test.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WIRE_PATH } from '../../../electron/contract';
import { parseWebArgs } from '../../../electron/web/args';

const MAIN = path.join(import.meta.dirname, '../../../electron/web/main.ts');

describe('the web command line', () => {
  it('reads --port, --no-open and --workspace', () => {
    expect(parseWebArgs([])).toEqual({ port: 0, open: true, build: true, workspace: undefined });
    expect(parseWebArgs(['--port', '8123', '--no-open', '--workspace', '/tmp/ws'])).toEqual({ port: 8123, open: false, build: true, workspace: '/tmp/ws' });
    expect(parseWebArgs(['--no-build'])).toMatchObject({ build: false });
    expect(parseWebArgs(['--help'])).toBeNull();
  });

  it('refuses a bad port or an unknown option', () => {
    expect(() => parseWebArgs(['--port', 'eighty'])).toThrow(/--port must be a port number/);
    expect(() => parseWebArgs(['--port'])).toThrow(/--port needs a value/);
    expect(() => parseWebArgs(['--open-sesame'])).toThrow(/unknown option '--open-sesame'/);
  });
});

const ADDRESS = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})/;

/** `npm run web -- --no-open --no-build --workspace <temp> ...extra` as a child, with what it prints on stdout and stderr. */
function web(extra: string[] = []) {
  const base = mkdtempSync(path.join(tmpdir(), 'lab-web-main-'));
  const workspace = path.join(base, 'workspace');
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--no-open', '--no-build', '--workspace', workspace, ...extra], {
    env: { ...process.env, XDG_CONFIG_HOME: path.join(base, 'config') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const printed = { out: '', err: '' };
  child.stdout.on('data', (c: Buffer) => (printed.out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (printed.err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, workspace, printed, exited };
}

describe('npm run web', () => {
  it('prints the address, serves the lab there, and exits cleanly on SIGTERM', async () => {
    const { child, workspace, printed, exited } = web();
    await expect.poll(() => ADDRESS.test(printed.out), { timeout: 15_000 }).toBe(true);
    const out = () => printed.out;
    const [, port, token] = ADDRESS.exec(out())!;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${WIRE_PATH}?token=${token}`, { origin: `http://127.0.0.1:${port}` });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
    ws.send(JSON.stringify({ id: 1, method: 'info', args: [] }));
    expect(await reply).toEqual({ id: 1, ok: true, result: { version: expect.any(String), host: 'web', workspace } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out()).toContain('SIGTERM: stopping');
  });

  it('started on a port in use, says so in one line (no stack trace) and exits 1', async () => {
    const first = web();
    await expect.poll(() => ADDRESS.test(first.printed.out), { timeout: 15_000 }).toBe(true);
    const port = ADDRESS.exec(first.printed.out)![1]!;
    try {
      const second = web(['--port', port]);
      expect(await second.exited).toBe(1);
      expect(second.printed.out).toBe('');
      const lines = second.printed.err.trimEnd().split('\n');
      expect(lines).toEqual([`Port ${port} is in use on 127.0.0.1 (another lab, or another program, listens there): start with another port (\`--port N\`), or \`--port 0\` for any free one.`]);
      // The first server is untouched.
      expect(first.child.exitCode).toBeNull();
    } finally {
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
    }
  });
});
