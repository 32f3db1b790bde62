// Static files of the web mode: the built renderer (dist/renderer/) served read-only with correct
// MIME types and the app's security headers. No directory listings, no dotfiles, nothing outside
// the folder (encoded '..', backslashes and symlinks included). When the renderer is not built,
// '/' is a plain page saying how to build it.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
};

/** The MIME type of a file by its extension ('application/octet-stream' when unknown). */
export function mimeType(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The Content-Security-Policy of the app served on `port` (Monaco needs inline styles and blob: workers). */
export function contentSecurityPolicy(port: number): string {
  return appCsp(`'self' ws://127.0.0.1:${port}`);
}

/** The app's CSP with `connect` as its connect-src (the web mode adds its WebSocket; Electron needs none). */
export function appCsp(connect: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    `connect-src ${connect}`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers on every response: the CSP and the usual hardening (the page URL carries the token: no referrer). */
export function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(port),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>FreeNOS Memory Lab</title></head>
<body><h1>FreeNOS Memory Lab</h1>
<p>The lab's user interface is not built yet. Run <code>npm run build:renderer</code>, then reload this page.</p>
</body></html>
`;

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string, head: boolean): void {
  res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), ...(status === 200 ? {} : { 'Cache-Control': 'no-store' }) });
  res.end(head ? undefined : body);
}

/**
 * The file under `root` that `urlPath` (a request's pathname, still percent-encoded) names, or null
 * when it names nothing servable: outside root, a dotfile, a NUL, or not decodable. '/' is index.html.
 */
export function resolveStatic(root: string, urlPath: string): string | null {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '/' || path === '') path = '/index.html';
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s.startsWith('.'))) return null;
  const file = resolve(root, ...segments);
  return file.startsWith(resolve(root) + sep) ? file : null;
}

/** Serves a GET or HEAD of a static file (or the not-built page); 404 for anything else under the root. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse, root: string, port: number): Promise<void> {
  const headers = securityHeaders(port);
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    send(res, 405, { ...headers, Allow: 'GET, HEAD' }, 'method not allowed\n', head);
    return;
  }
  const urlPath = (req.url ?? '/').split('?')[0]!;
  const file = resolveStatic(root, urlPath);
  if (file === null) {
    send(res, 404, headers, 'not found\n', head);
    return;
  }
  const isIndex = file === join(resolve(root), 'index.html');
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) {
    if (isIndex) {
      res.writeHead(200, { ...headers, 'Content-Type': MIME['.html']!, 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(NOT_BUILT)) });
      res.end(head ? undefined : NOT_BUILT);
    } else send(res, 404, headers, 'not found\n', head);
    return;
  }
  // A symlink inside the folder that points out of it is refused too.
  const real = await realpath(file).catch(() => '');
  const realRoot = await realpath(root).catch(() => resolve(root));
  if (!real.startsWith(realRoot + sep)) {
    send(res, 404, headers, 'not found\n', head);
    return;
  }
  const cache = isIndex ? 'no-store' : urlPath.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
  res.writeHead(200, {
    ...headers,
    'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': String(info.size),
    'Cache-Control': cache,
  });
  if (head) {
    res.end();
    return;
  }
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}
