// @vitest-environment happy-dom
// The web mode's client: every LabApi method comes from labMethods; calls become WireCalls, replies
// settle them by id, events reach their subscribers, a lost connection is visible and retried, and
// a refused token (close code WIRE_TOKEN_REFUSED) is final: no retry, every call rejects with advice.
import { describe, expect, it } from 'vitest';
import { labMethods, WIRE_PATH, WIRE_TOKEN_REFUSED, type WireCall } from '../../electron/contract';
import { REFUSED_ERROR, createWebClient, wantsDemo, wireUrl, type SocketLike } from '../../renderer/src/bridge';

class FakeSocket implements SocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: WireCall[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor(public url: string) { FakeSocket.all.push(this); }
  send(text: string) { this.sent.push(JSON.parse(text) as WireCall); }
  close(code = 1006) { this.onclose?.({ code }); }
  open() { this.readyState = 1; this.onopen?.({}); }
  reply(message: unknown) { this.onmessage?.({ data: JSON.stringify(message) }); }
}

function client(url = 'ws://127.0.0.1:1/lab?token=t') {
  FakeSocket.all = [];
  const timers: Array<[() => void, number]> = [];
  const bridge = createWebClient(url, (u) => new FakeSocket(u), {
    setTimer: (fn, ms) => timers.push([fn, ms]),
  });
  return { bridge, socket: () => FakeSocket.all.at(-1)!, timers };
}

describe('bridge: the web client', () => {
  it('derives every LabApi method from labMethods and sends the right WireCall', async () => {
    const { bridge, socket } = client();
    socket().open();
    expect(Object.keys(bridge.api).sort()).toEqual(Object.keys(labMethods).sort());
    for (const method of Object.keys(labMethods)) expect(typeof (bridge.api as unknown as Record<string, unknown>)[method]).toBe('function');
    void bridge.api.saveCode('01-bit-allocator', 'code');
    void bridge.api.run({ exercise: '01-bit-allocator', source: 's', target: { grade: true } });
    expect(socket().sent).toEqual([
      { id: 1, method: 'saveCode', args: ['01-bit-allocator', 'code'] },
      { id: 2, method: 'run', args: [{ exercise: '01-bit-allocator', source: 's', target: { grade: true } }] },
    ]);
  });

  it('resolves a call with its reply and rejects an error reply with its message', async () => {
    const { bridge, socket } = client();
    socket().open();
    const list = bridge.api.listExercises();
    const load = bridge.api.loadCode('nope');
    socket().reply({ id: 2, ok: false, error: "loadCode: no exercise 'nope'" });
    socket().reply({ id: 1, ok: true, result: [{ id: 'a' }] });
    await expect(list).resolves.toEqual([{ id: 'a' }]);
    await expect(load).rejects.toThrow("loadCode: no exercise 'nope'");
  });

  it('delivers events by name to their subscribers until they unsubscribe', () => {
    const { bridge, socket } = client();
    socket().open();
    const seen: unknown[] = [];
    const off = bridge.on('runProgress', (p) => seen.push(p.test));
    bridge.on('runDone', (r) => seen.push(`done ${r.runId}`));
    const progress = { runId: 'r', exercise: 'e', test: 'small', index: 0, total: 1, passed: true };
    socket().reply({ event: 'runProgress', data: progress });
    socket().reply({ event: 'runDone', data: { runId: 'r' } });
    off();
    socket().reply({ event: 'runProgress', data: progress });
    expect(seen).toEqual(['small', 'done r']);
  });

  it('queues calls until connected (a failed handshake keeps them), shows a lost host, rejects calls in flight and reconnects with backoff', async () => {
    const { bridge, socket, timers } = client();
    expect(bridge.state.value).toBe('connecting');
    const info = bridge.api.info();
    expect(socket().sent).toEqual([]);
    socket().close();
    expect(bridge.state.value).toBe('disconnected');
    timers.shift()![0]();
    socket().open();
    expect(bridge.state.value).toBe('connected');
    expect(socket().sent).toEqual([{ id: 1, method: 'info', args: [] }]);
    socket().close();
    await expect(info).rejects.toThrow('host disconnected');
    expect(bridge.state.value).toBe('disconnected');
    expect(timers.map(([, ms]) => ms)).toEqual([250]);
    timers[0]![0]();
    socket().close();
    timers[1]![0]();
    expect(timers.map(([, ms]) => ms)).toEqual([250, 500]);
    expect(bridge.state.value).toBe('disconnected');
    const later = bridge.api.info();
    socket().open();
    expect(bridge.state.value).toBe('connected');
    socket().reply({ id: 2, ok: true, result: { version: '1' } });
    await expect(later).resolves.toEqual({ version: '1' });
    expect(FakeSocket.all).toHaveLength(4);
  });

  it('stops at a refused token: no reconnection, calls waiting or in flight and later ones reject with what to do', async () => {
    const { bridge, socket, timers } = client();
    const early = bridge.api.info();
    // The server completes the upgrade, then closes at once: the client saw it open first.
    socket().open();
    expect(socket().sent).toEqual([{ id: 1, method: 'info', args: [] }]);
    socket().close(WIRE_TOKEN_REFUSED);
    expect(bridge.state.value).toBe('token-refused');
    expect(bridge.retryIn.value).toBe(0);
    expect(timers).toEqual([]);
    await expect(early).rejects.toThrow(REFUSED_ERROR['token-refused']);
    expect(REFUSED_ERROR['token-refused']).toMatch(/address is out of date .*new token.*npm start.*npm run web/);
    await expect(bridge.api.listExercises()).rejects.toThrow('out of date');
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('says the address has no token when it has none, and still reconnects after an ordinary close', async () => {
    const bare = client('ws://127.0.0.1:1/lab?token=');
    const call = bare.bridge.api.info();
    bare.socket().close(WIRE_TOKEN_REFUSED);
    expect(bare.bridge.state.value).toBe('no-token');
    await expect(call).rejects.toThrow(REFUSED_ERROR['no-token']);
    expect(bare.timers).toEqual([]);
    // A close with any other code (1006: the host went away) is retried as before.
    const ordinary = client();
    ordinary.socket().open();
    ordinary.socket().close(1001);
    expect(ordinary.bridge.state.value).toBe('disconnected');
    expect(ordinary.timers).toHaveLength(1);
  });

  it('builds the socket URL from the page: WIRE_PATH and the page token', () => {
    expect(wireUrl({ protocol: 'http:', host: '127.0.0.1:5000', search: '?token=a%2Bb' })).toBe(`ws://127.0.0.1:5000${WIRE_PATH}?token=a%2Bb`);
    expect(wireUrl({ protocol: 'https:', host: 'lab', search: '' })).toBe(`wss://lab${WIRE_PATH}?token=`);
    expect(wantsDemo('?token=x')).toBe(false);
    expect(wantsDemo('?fake')).toBe(true);
  });
});
