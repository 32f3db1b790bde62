// The web mode's server: an HTTP server on 127.0.0.1 serving the built renderer, and a WebSocket at
// WIRE_PATH that speaks the contract's wire format to the lab host (WireCall in; WireMessage out:
// replies in order of completion, LabEvents pushed to every client). Only the page this server
// served may connect: the upgrade needs Host 127.0.0.1:<port> and Origin http://127.0.0.1:<port>
// (else 403 before the upgrade) and the random token (`?token=`, compared in constant time). A page
// of this origin with a missing or stale token (the host restarted with a new one) gets its upgrade
// completed and closed at once with WIRE_TOKEN_REFUSED, a code its browser can read (it cannot read
// a 401), so it stops reconnecting and says the address is out of date; that socket never reaches
// the host: no message is read from it and no event is sent to it.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { WIRE_PATH, WIRE_TOKEN_REFUSED, checkCall, labEvents, type LabEvent, type WireCall, type WireMessage } from '../contract';
import type { LabHost } from '../host/lab';
import { serveStatic } from './static';

export interface WebServerOptions {
  host: LabHost;
  /** The built renderer (dist/renderer/). */
  rendererDir: string;
  /** 0 (default): a free port. */
  port?: number;
  /** The token; a random 32 bytes (hex) when absent (tests pass their own). */
  token?: string;
}

export interface WebServer {
  port: number;
  token: string;
  /** The page to open: http://127.0.0.1:PORT/?token=… */
  url: string;
  /** Closes every WebSocket and the HTTP server (the host is the caller's to dispose). */
  close(): Promise<void>;
}

/** The server could not listen: the port is taken or not allowed. Its message is one line for the terminal. */
export class ListenError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = 'ListenError';
  }
}

/** One line for a failed listen on `port` (EADDRINUSE, EACCES), or null for any other error. */
export function listenProblem(error: unknown, port: number): string | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  const advice = 'start with another port (`--port N`), or `--port 0` for any free one';
  if (code === 'EADDRINUSE') return `Port ${port} is in use on 127.0.0.1 (another lab, or another program, listens there): ${advice}.`;
  if (code === 'EACCES') return `Port ${port} on 127.0.0.1 is not allowed for this user (ports below 1024 need privileges): ${advice}.`;
  return null;
}

/** Largest message a client may send: a source of 1 MB, JSON-escaped, with room to spare. */
const MAX_MESSAGE = 8 * 1024 * 1024;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Whether `given` is the token, compared in constant time (digests, so lengths leak nothing). */
export function tokenMatches(given: string | null, token: string): boolean {
  return given !== null && timingSafeEqual(digest(given), digest(token));
}

/** Ends an upgrade request with a plain HTTP status instead of a WebSocket. */
function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length + 1}\r\n\r\n${reason}\n`);
  socket.destroy();
}

/** Starts the server on 127.0.0.1; resolves once it listens. A port in use or not allowed rejects with a ListenError. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(32).toString('hex');
  const { host } = options;
  let port = 0;
  const server: Server = createServer((req, res) => {
    serveStatic(req, res, options.rendererDir, port).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  // Refused pages: their own server, so they are never among wss.clients (which hear every event).
  const refusals = new WebSocketServer({ noServer: true, maxPayload: 1024 });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://127.0.0.1:${port}`;
    if (url.pathname !== WIRE_PATH) return refuse(socket, 404, 'Not Found');
    if (req.headers.origin !== origin || req.headers.host !== `127.0.0.1:${port}`) return refuse(socket, 403, 'Forbidden');
    const given = url.searchParams.get('token');
    if (!tokenMatches(given, token)) {
      const reason = given ? 'wrong or out-of-date token' : 'no token';
      return refusals.handleUpgrade(req, socket, head, (ws) => {
        ws.on('error', () => ws.terminate());
        ws.close(WIRE_TOKEN_REFUSED, reason);
      });
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    // A frame that is not valid UTF-8, or larger than MAX_MESSAGE: ws closes that socket (1007, 1009)
    // and reports it here; without a listener the error would end the whole server.
    ws.on('error', () => ws.terminate());
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(1003, 'text frames only');
      void answer(host, data.toString()).then((reply) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
      });
    });
  });

  // Every event goes to every connected client.
  const unsubscribe = (Object.keys(labEvents) as LabEvent[]).map((event) =>
    host.on(event, (data) => {
      const text = JSON.stringify({ event, data } satisfies WireMessage);
      for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
    }),
  );

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (error) {
    for (const off of unsubscribe) off();
    wss.close();
    refusals.close();
    const line = listenProblem(error, options.port ?? 0);
    throw line ? new ListenError(line, (error as NodeJS.ErrnoException).code!) : error;
  }
  port = (server.address() as AddressInfo).port;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      for (const off of unsubscribe) off();
      for (const client of [...wss.clients, ...refusals.clients]) client.terminate();
      wss.close();
      refusals.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The reply to one message: the call's result or error; an error with id null when the message is not a call with a whole-number id. */
export async function answer(host: LabHost, text: string): Promise<WireMessage> {
  let call: Partial<WireCall>;
  try {
    call = JSON.parse(text) as Partial<WireCall>;
  } catch (error) {
    return { id: null, ok: false, error: `the message is not JSON (${(error as Error).message.slice(0, 200)})` };
  }
  if (typeof call !== 'object' || call === null || Array.isArray(call)) return { id: null, ok: false, error: 'a call is a JSON object { id, method, args }' };
  if (typeof call.id !== 'number' || !Number.isSafeInteger(call.id)) {
    return { id: null, ok: false, error: `a call's id must be a whole number, not ${JSON.stringify(call.id)?.slice(0, 40) ?? 'missing'}` };
  }
  const { id } = call;
  if (typeof call.method !== 'string') return { id, ok: false, error: 'a call needs a method name' };
  const problem = checkCall(call.method, call.args);
  if (problem) return { id, ok: false, error: problem };
  try {
    const method = host[call.method as keyof typeof host] as (...args: unknown[]) => Promise<unknown>;
    const result = await method(...(call.args as unknown[]));
    return { id, ok: true, result };
  } catch (error) {
    return { id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
