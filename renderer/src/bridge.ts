// The bridge: the renderer's one way to the host. It returns a LabBridge (the LabApi, an event
// subscription and a reactive connection state) from one of three sources:
//   - Electron: `window.lab`, exposed by the preload (read here and nowhere else);
//   - the web mode: a WebSocket client to ws://<host>/lab?token=… whose methods are derived from
//     the contract's `labMethods` (no second list of method or event names), reconnecting with
//     backoff; calls made while disconnected wait for the next connection. A socket the server
//     closes with WIRE_TOKEN_REFUSED (the page's token is missing, or stale after the host
//     restarted) ends it: no more reconnecting, every call rejects with what to do instead;
//   - the demo mode (`?fake` in the page's URL only): an in-memory lab, loaded as its own chunk.
// Stores never read this file's globals: they call lab(), which tests replace with installLab().
import { ref, type Ref } from 'vue';
import { labMethods, WIRE_PATH, WIRE_TOKEN_REFUSED, type LabApi, type LabEvent, type LabEvents, type WireCall, type WireMessage } from '../../electron/contract';

export type LabListener<E extends LabEvent> = (data: LabEvents[E]) => void;
/**
 * 'no-token' and 'token-refused': the server refused the page's token (none in its address, or not
 * this host's: the host restarted with a new one); final, nothing is retried.
 */
export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'no-token' | 'token-refused';

/** Why calls fail once the server refused the token, and what the student should do (the banner says the same). */
export const TOKEN_ADVICE = 'open the address the lab printed in its terminal (the http://127.0.0.1:…/?token=… line of npm start or npm run web; start it again if it has stopped)';
export const REFUSED_ERROR: Record<'no-token' | 'token-refused', string> = {
  'no-token': `this page's address has no token: ${TOKEN_ADVICE}`,
  'token-refused': `this page's address is out of date (the lab's host restarted with a new token): ${TOKEN_ADVICE}`,
};

export interface LabBridge {
  api: LabApi;
  /** Subscribes to a host event; returns the unsubscribe function. */
  on<E extends LabEvent>(event: E, listener: LabListener<E>): () => void;
  /** 'connected' in Electron and the demo; the WebSocket's state in the web mode (see ConnectionState). */
  state: Ref<ConnectionState>;
  /** Seconds until the next reconnection attempt while disconnected, else 0. */
  retryIn: Ref<number>;
  mode: 'electron' | 'web' | 'demo';
}

/** What the Electron preload exposes as `window.lab`: the LabApi methods plus `on`. */
type PreloadLab = LabApi & { on(event: string, listener: (data: unknown) => void): (() => void) | void };

/** The parts of the WebSocket class the client uses (a fake one in tests). */
export interface SocketLike {
  readyState: number;
  send(text: string): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

/** Listener registry shared by the clients: event name → listeners. */
function emitter() {
  const listeners = new Map<string, Set<(data: unknown) => void>>();
  return {
    on(event: string, listener: (data: unknown) => void): () => void {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set);
      set.add(listener);
      return () => set.delete(listener);
    },
    emit(event: string, data: unknown): void {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try { listener(data); } catch (error) { console.error(`lab event ${event}:`, error); }
      }
    },
  };
}

/** ws(s)://<host>/lab?token=<token>, from the page's own location. */
export function wireUrl(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${WIRE_PATH}?token=${encodeURIComponent(token)}`;
}

export interface WebClientOptions {
  /** Backoff of the reconnections: first delay and cap, in ms. */
  minDelay?: number;
  maxDelay?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
}

/**
 * The web mode's client. Every LabApi method is built from Object.keys(labMethods): a call sends
 * a WireCall and settles on the WireMessage with its id (ok → resolve, error → reject with the
 * host's message). Calls wait while disconnected; calls in flight when the socket closes reject.
 */
export function createWebClient(url: string, open: SocketFactory, options: WebClientOptions = {}): LabBridge {
  const minDelay = options.minDelay ?? 250;
  const maxDelay = options.maxDelay ?? 8000;
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const events = emitter();
  const state = ref<ConnectionState>('connecting');
  const retryIn = ref(0);
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const waiting: WireCall[] = [];
  let socket: SocketLike | null = null;
  let nextId = 1;
  let delay = minDelay;

  const tokenGiven = /[?&]token=[^&]/.test(url);
  let refused: 'no-token' | 'token-refused' | null = null;

  const send = (call: WireCall) => {
    if (socket && state.value === 'connected') socket.send(JSON.stringify(call));
    else waiting.push(call);
  };

  /** The server refused the token: final. Every call waiting or in flight rejects with what to do. */
  const refuse = () => {
    refused = tokenGiven ? 'token-refused' : 'no-token';
    state.value = refused;
    retryIn.value = 0;
    const error = REFUSED_ERROR[refused];
    waiting.length = 0;
    for (const [id, entry] of pending) {
      pending.delete(id);
      entry.reject(new Error(error));
    }
  };

  const receive = (text: unknown) => {
    let message: WireMessage;
    try { message = JSON.parse(String(text)) as WireMessage; } catch { return; }
    if ('event' in message) return events.emit(message.event, message.data);
    // The host could not read one of our messages as a call: nothing to settle, but say so.
    if (message.id === null) return console.warn(`the lab could not read a message: ${message.error}`);
    const entry = pending.get(message.id);
    if (!entry) return;
    pending.delete(message.id);
    if (message.ok) entry.resolve(message.result);
    else entry.reject(new Error(message.error));
  };

  const connect = () => {
    if (state.value !== 'disconnected') state.value = 'connecting';
    let s: SocketLike;
    try {
      s = open(url);
    } catch {
      state.value = 'disconnected';
      setTimer(connect, delay);
      delay = Math.min(delay * 2, maxDelay);
      return;
    }
    socket = s;
    s.onopen = () => {
      state.value = 'connected';
      retryIn.value = 0;
      delay = minDelay;
      for (const call of waiting.splice(0)) s.send(JSON.stringify(call));
    };
    s.onmessage = (ev) => receive(ev.data);
    s.onerror = () => {};
    s.onclose = (ev) => {
      if (socket !== s) return;
      socket = null;
      if ((ev as { code?: unknown } | null)?.code === WIRE_TOKEN_REFUSED) return refuse();
      state.value = 'disconnected';
      const queued = new Set(waiting.map((c) => c.id));
      for (const [id, entry] of pending) {
        if (queued.has(id)) continue;
        pending.delete(id);
        entry.reject(new Error('host disconnected'));
      }
      retryIn.value = Math.ceil(delay / 1000);
      setTimer(connect, delay);
      delay = Math.min(delay * 2, maxDelay);
    };
  };

  const call = (method: string, args: unknown[]) => new Promise<unknown>((resolve, reject) => {
    if (refused) return reject(new Error(REFUSED_ERROR[refused]));
    const id = nextId++;
    pending.set(id, { resolve, reject });
    send({ id, method, args });
  });
  const api = Object.fromEntries(
    Object.keys(labMethods).map((method) => [method, (...args: unknown[]) => call(method, args)]),
  ) as unknown as LabApi;

  connect();
  return { api, on: events.on as LabBridge['on'], state, retryIn, mode: 'web' };
}

/** Electron: the preload's `window.lab`, wrapped so `on` always returns an unsubscribe function. */
function electronBridge(lab: PreloadLab): LabBridge {
  const api = Object.fromEntries(
    Object.keys(labMethods).map((method) => [method, (...args: unknown[]) =>
      (lab[method as keyof LabApi] as (...a: unknown[]) => Promise<unknown>)(...args)]),
  ) as unknown as LabApi;
  const on: LabBridge['on'] = (event, listener) => {
    const off = lab.on(event, listener as (data: unknown) => void);
    return typeof off === 'function' ? off : () => {};
  };
  return { api, on, state: ref('connected'), retryIn: ref(0), mode: 'electron' };
}

/** True when the page asks for the demo lab (`?fake`); only then is it loaded. */
export function wantsDemo(search: string): boolean {
  return new URLSearchParams(search).has('fake');
}

/** Picks the bridge for this page: Electron's preload, the demo (`?fake`), or the web mode. */
export async function connectLab(win: Window = window): Promise<LabBridge> {
  const preload = (win as unknown as { lab?: PreloadLab }).lab;
  if (preload) return electronBridge(preload);
  if (wantsDemo(win.location.search)) {
    const { createDemoLab } = await import('./demo/demoLab');
    return createDemoLab();
  }
  return createWebClient(wireUrl(win.location), (url) => new WebSocket(url) as unknown as SocketLike);
}

let current: LabBridge | null = null;

/** Makes `bridge` the one the stores use (main.ts at start, tests with a fake). */
export function installLab(bridge: LabBridge): void {
  current = bridge;
}

/** The bridge the stores use. */
export function lab(): LabBridge {
  if (!current) throw new Error('lab bridge not installed');
  return current;
}
