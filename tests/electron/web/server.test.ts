// The web mode's server: static files (MIME types, the CSP, no-store on index.html, traversal and
// dotfiles refused, no listings), the WebSocket's gate (Origin and Host refused before the upgrade;
// a missing or stale token closed at once with WIRE_TOKEN_REFUSED, never reaching the host), a port
// in use (a ListenError with one line), and the wire format
// with a real `ws` client: calls answered in order of completion, argument checks, and the host's
// runProgress / runDone events pushed to every client.
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WIRE_PATH, WIRE_TOKEN_REFUSED, checkCall, type WireMessage } from '../../../electron/contract';
import { createLabHost, type LabHost } from '../../../electron/host/lab';
import { ListenError, startWebServer, type WebServer } from '../../../electron/web/server';

const REFERENCE = readFileSync(path.join(import.meta.dirname, '../../../exercises/01-bit-allocator/reference.ts'), 'utf8');

/** A GET (or another method) of a raw path, not normalized by any URL parser. */
function get(port: number, rawPath: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: rawPath, method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject).end();
  });
}

/** Opens a client; resolves with it, or rejects with the HTTP status that refused the upgrade. */
function connect(server: WebServer, options: { token?: string | null; origin?: string | null } = {}): Promise<WebSocket> {
  const token = options.token === undefined ? server.token : options.token;
  const url = `ws://127.0.0.1:${server.port}${WIRE_PATH}${token === null ? '' : `?token=${token}`}`;
  const origin = options.origin === undefined ? `http://127.0.0.1:${server.port}` : options.origin;
  const ws = new WebSocket(url, origin === null ? {} : { origin });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

/**
 * Connects with a token the server refuses; resolves with the close code and reason it got, and
 * what it heard between: it sends a call as soon as it is open, and the host must not answer it.
 */
function refusedToken(server: WebServer, token: string | null): Promise<{ code: number; reason: string; heard: string[] }> {
  const url = `ws://127.0.0.1:${server.port}${WIRE_PATH}${token === null ? '' : `?token=${token}`}`;
  const ws = new WebSocket(url, { origin: `http://127.0.0.1:${server.port}` });
  const heard: string[] = [];
  ws.on('message', (data) => heard.push(data.toString()));
  ws.on('open', () => ws.send(JSON.stringify({ id: 1, method: 'info', args: [] })));
  return new Promise((resolve, reject) => {
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString(), heard }));
  });
}

/** A client that numbers its calls and keeps every message it hears. */
function client(ws: WebSocket) {
  const heard: WireMessage[] = [];
  let next = 1;
  ws.on('message', (data) => heard.push(JSON.parse(data.toString()) as WireMessage));
  const reply = (id: number) =>
    new Promise<WireMessage>((resolve) => {
      const look = () => {
        const found = heard.find((m) => 'id' in m && m.id === id);
        if (found) resolve(found);
        else setTimeout(look, 10);
      };
      look();
    });
  return {
    heard,
    call(method: string, ...args: unknown[]) {
      const id = next++;
      ws.send(JSON.stringify({ id, method, args }));
      return reply(id);
    },
  };
}

describe('the web server', () => {
  let host: LabHost;
  let server: WebServer;
  let root: string;

  beforeAll(async () => {
    const base = mkdtempSync(path.join(tmpdir(), 'lab-web-'));
    root = path.join(base, 'renderer');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>lab</title><script type="module" src="/assets/app.js"></script>');
    writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log("lab");');
    writeFileSync(path.join(root, 'assets', 'codicon.woff2'), 'font');
    writeFileSync(path.join(root, '.env'), 'SECRET=dotfile');
    writeFileSync(path.join(base, 'secret.txt'), 'SECRET=outside');
    symlinkSync(base, path.join(root, 'link'));
    host = createLabHost({ workspace: path.join(base, 'workspace'), warn: () => undefined });
    server = await startWebServer({ host, rendererDir: root });
  });
  afterAll(async () => {
    await server.close();
    await host.dispose();
  });

  it('prints a 127.0.0.1 address with a 32-byte hex token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('serves index.html uncached with the CSP, and assets with their MIME types', async () => {
    const index = await get(server.port, '/?token=abc');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-store');
    const csp = index.headers['content-security-policy'] as string;
    for (const part of ["script-src 'self'", "worker-src 'self' blob:", "style-src 'self' 'unsafe-inline'", `connect-src 'self' ws://127.0.0.1:${server.port}`, "img-src 'self' data:"]) expect(csp).toContain(part);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect((await get(server.port, '/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await get(server.port, '/assets/codicon.woff2')).headers['content-type']).toBe('font/woff2');
    const head = await get(server.port, '/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get(server.port, '/index.html', 'POST')).status).toBe(405);
  });

  it('refuses path traversal, dotfiles, symlinks out of the folder and directory listings', async () => {
    const attempts = ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/assets/%2e%2e%5c%2e%2e%5csecret.txt',
      '/..%5csecret.txt', '/.env', '/assets/../.env', '/link/secret.txt', '/%00', '/%E0%A4%A', '/assets', '/assets/', '//etc/passwd'];
    for (const attempt of attempts) {
      const res = await get(server.port, attempt);
      expect(res.status, attempt).toBe(404);
      expect(res.body, attempt).not.toMatch(/SECRET|root:|app\.js/);
    }
  });

  it('says how to build the renderer when it is not built', async () => {
    const bare = await startWebServer({ host, rendererDir: path.join(root, 'missing') });
    const page = await get(bare.port, '/');
    await bare.close();
    expect(page.status).toBe(200);
    expect(page.body).toContain('npm run build:renderer');
  });

  it('refuses a WebSocket from another origin or host before the upgrade', async () => {
    await expect(connect(server, { origin: 'http://evil.example' })).rejects.toThrow(/refused with 403/);
    await expect(connect(server, { origin: 'http://evil.example', token: 'f'.repeat(64) })).rejects.toThrow(/refused with 403/);
    await expect(connect(server, { origin: `http://localhost:${server.port}` })).rejects.toThrow(/refused with 403/);
    await expect(connect(server, { origin: null })).rejects.toThrow(/refused with 403/);
  });

  it('closes a missing, wrong or stale token at once with WIRE_TOKEN_REFUSED, answering nothing', async () => {
    expect(WIRE_TOKEN_REFUSED).toBe(4401);
    const stale = await startWebServer({ host, rendererDir: root });
    const staleToken = stale.token;
    await stale.close();
    const cases: [string | null, string][] = [[null, 'no token'], ['', 'no token'], ['f'.repeat(64), 'wrong or out-of-date token'],
      [server.token.slice(0, 10), 'wrong or out-of-date token'], [staleToken, 'wrong or out-of-date token']];
    for (const [token, reason] of cases) {
      const refused = await refusedToken(server, token);
      expect(refused, String(token)).toEqual({ code: WIRE_TOKEN_REFUSED, reason, heard: [] });
    }
    // The right token, meanwhile, connects and is answered as before.
    const good = await connect(server);
    expect((await refusedToken(server, 'bad')).code).toBe(WIRE_TOKEN_REFUSED);
    expect(await client(good).call('info')).toMatchObject({ id: 1, ok: true });
    good.close();
  });

  it('rejects with a ListenError of one line when the port is in use', async () => {
    const error = await startWebServer({ host, rendererDir: root, port: server.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ListenError);
    expect((error as ListenError).code).toBe('EADDRINUSE');
    expect((error as ListenError).message).toBe(`Port ${server.port} is in use on 127.0.0.1 (another lab, or another program, listens there): start with another port (\`--port N\`), or \`--port 0\` for any free one.`);
    // The server on that port still serves.
    expect((await get(server.port, '/')).status).toBe(200);
  });

  it('answers calls over the wire, with checkCall\'s text for a bad one', async () => {
    const ws = await connect(server);
    const lab = client(ws);
    const list = await lab.call('listExercises');
    expect(list).toMatchObject({ id: 1, ok: true });
    expect((list as { result: { id: string }[] }).result.map((e) => e.id)).toContain('01-bit-allocator');
    expect(await lab.call('saveCode', '01-bit-allocator', 7)).toEqual({ id: 2, ok: false, error: checkCall('saveCode', ['01-bit-allocator', 7]) });
    expect(await lab.call('dispose')).toEqual({ id: 3, ok: false, error: 'dispose: not a lab method' });
    expect(await lab.call('openExercise', 'nope')).toMatchObject({ id: 4, ok: false, error: expect.stringMatching(/no exercise 'nope'/) });
    ws.close();
  });

  it('answers a message it cannot read with an error of id null, and keeps serving', async () => {
    const ws = await connect(server);
    const heard: WireMessage[] = [];
    ws.on('message', (data) => heard.push(JSON.parse(data.toString()) as WireMessage));
    for (const text of ['{not json', '[1,2]', '{"id":1.5,"method":"info","args":[]}', '{"method":"info","args":[]}', '{"id":"7","method":"info"}']) ws.send(text);
    await expect.poll(() => heard.length).toBe(5);
    expect(heard.map((m) => ('id' in m ? m.id : 'event'))).toEqual([null, null, null, null, null]);
    expect(heard[0]).toMatchObject({ ok: false, error: expect.stringMatching(/^the message is not JSON \(/) });
    expect(heard[1]).toEqual({ id: null, ok: false, error: 'a call is a JSON object { id, method, args }' });
    expect(heard[2]).toEqual({ id: null, ok: false, error: "a call's id must be a whole number, not 1.5" });
    expect(heard[3]).toEqual({ id: null, ok: false, error: "a call's id must be a whole number, not missing" });
    expect(heard[4]).toEqual({ id: null, ok: false, error: `a call's id must be a whole number, not "7"` });
    expect(await client(ws).call('info')).toMatchObject({ id: 1, ok: true });
    ws.close();
  });

  it('survives a frame of invalid UTF-8 and a frame over 8 MiB: that client is closed, the server and other clients go on', async () => {
    const other = client(await connect(server));
    for (const [frame, code] of [[Buffer.from([0xe2, 0x28, 0xa1]), 1007], ['x'.repeat(8 * 1024 * 1024 + 1), 1009]] as const) {
      const bad = await connect(server);
      const closed = new Promise<number>((resolve) => bad.once('close', (c) => resolve(c)));
      bad.on('error', () => undefined);
      bad.send(frame, { binary: false });
      expect(await closed).toBe(code);
    }
    expect(await other.call('info')).toMatchObject({ id: 1, ok: true });
    expect((await get(server.port, '/')).status).toBe(200);
  });

  it('pushes runProgress and runDone to every client, and replies in order of completion', async () => {
    const [a, b] = [client(await connect(server)), client(await connect(server))];
    const started = performance.now();
    const run = a.call('run', { exercise: '01-bit-allocator', source: REFERENCE, target: { test: 'small' } });
    const info = await a.call('info');
    const done = await run;
    const roundTrip = performance.now() - started;
    expect(info).toMatchObject({ id: 2, ok: true });
    expect(a.heard.findIndex((m) => 'id' in m && m.id === 2)).toBeLessThan(a.heard.findIndex((m) => 'id' in m && m.id === 1));
    expect(done).toMatchObject({ id: 1, ok: true, result: { score: 2, maxScore: 2, stopped: false } });
    const runId = (done as { result: { runId: string } }).result.runId;
    for (const heard of [a.heard, b.heard]) {
      await expect.poll(() => heard.filter((m) => 'event' in m).length).toBe(2);
      const events = heard.filter((m): m is { event: string; data: unknown } => 'event' in m);
      expect(events[0]).toEqual({ event: 'runProgress', data: { runId, exercise: '01-bit-allocator', test: 'small', index: 1, total: 1, passed: true } });
      expect(events[1]).toMatchObject({ event: 'runDone', data: { runId, score: 2 } });
    }
    expect(roundTrip).toBeLessThan(15_000);
  });
});
