// The main process's guards: the app:// protocol that serves the built renderer (read-only, no
// traversal, with the CSP on every response), and the rules for every web contents and session:
// no navigation away from the app, no new windows, no webviews, every permission request denied.
// Written against the slices of Electron it uses, so tests can check them without Electron.
import { readFile } from 'node:fs/promises';
import { appCsp, mimeType, resolveStatic } from '../web/static';

/** The scheme and host the renderer is served from: app://lab/index.html. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://lab/`;

/** The CSP of the Electron window: the web mode's, with no network at all (IPC needs none). */
export const ELECTRON_CSP = appCsp("'self'");

/** Answers an app:// request from the files under `root`: 200 with the file, else 404; always with the CSP. */
export async function appResponse(root: string, url: string): Promise<{ status: number; headers: Record<string, string>; body: Uint8Array | string }> {
  const headers = { 'Content-Security-Policy': ELECTRON_CSP, 'X-Content-Type-Options': 'nosniff' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 404, headers, body: 'not found' };
  }
  const file = parsed.protocol === `${APP_SCHEME}:` && parsed.host === 'lab' ? resolveStatic(root, parsed.pathname) : null;
  const body = file === null ? null : await readFile(file).catch(() => null);
  if (file === null || body === null) return { status: 404, headers, body: 'not found' };
  return { status: 200, headers: { ...headers, 'Content-Type': mimeType(file) }, body: new Uint8Array(body) };
}

interface ContentsLike {
  on(event: 'will-navigate', listener: (event: { preventDefault(): void }, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** Locks down one web contents: navigation only within the app, no windows, no webviews. */
export function lockContents(contents: ContentsLike): void {
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(APP_ORIGIN)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

interface SessionLike {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void;
}

/** Denies every permission the page could ask for (camera, notifications, clipboard reads...). */
export function denyPermissions(session: SessionLike): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
