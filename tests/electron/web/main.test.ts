// `npm run web`'s entry: its command line, and the real process: it prints the address with the
// token, serves the lab on it (a call over the WebSocket reaches the workspace it was given), and
// exits 0 on SIGTERM.
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
    expect(parseWebArgs([])).toEqual({ port: 0, open: true, workspace: undefined });
    expect(parseWebArgs(['--port', '8123', '--no-open', '--workspace', '/tmp/ws'])).toEqual({ port: 8123, open: false, workspace: '/tmp/ws' });
    expect(parseWebArgs(['--help'])).toBeNull();
  });

  it('refuses a bad port or an unknown option', () => {
    expect(() => parseWebArgs(['--port', 'eighty'])).toThrow(/--port must be a port number/);
    expect(() => parseWebArgs(['--port'])).toThrow(/--port needs a value/);
    expect(() => parseWebArgs(['--open-sesame'])).toThrow(/unknown option '--open-sesame'/);
  });
});

describe('npm run web', () => {
  it('prints the address, serves the lab there, and exits cleanly on SIGTERM', async () => {
    const base = mkdtempSync(path.join(tmpdir(), 'lab-web-main-'));
    const workspace = path.join(base, 'workspace');
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--no-open', '--workspace', workspace], {
      env: { ...process.env, XDG_CONFIG_HOME: path.join(base, 'config') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect.poll(() => /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})/.test(out), { timeout: 15_000 }).toBe(true);
    const [, port, token] = /http:\/\/127\.0\.0\.1:(\d+)\/\?token=([0-9a-f]{64})/.exec(out)!;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${WIRE_PATH}?token=${token}`, { origin: `http://127.0.0.1:${port}` });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
    ws.send(JSON.stringify({ id: 1, method: 'info', args: [] }));
    expect(await reply).toEqual({ id: 1, ok: true, result: { version: expect.any(String), host: 'web', workspace } });
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM: stopping');
  });
});
