// The main process's guards without Electron: app:// serves only the built renderer's files, with
// the CSP on every answer; navigation away from the app, new windows and webviews are refused;
// every permission request is denied. The launcher finds (or not) Electron's binary.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, ELECTRON_CSP, appResponse, denyPermissions, lockContents } from '../../../electron/main/security';
import { electronBinary } from '../../../electron/start';

describe('the app:// protocol', () => {
  const root = mkdtempSync(join(tmpdir(), 'app-root-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>lab</title>');
  writeFileSync(join(root, 'assets', 'main.js'), 'console.log(1)');
  writeFileSync(join(root, '..', 'secret.txt'), 'no');

  it('serves the renderer\'s files with their type and the CSP', async () => {
    const index = await appResponse(root, `${APP_ORIGIN}index.html`);
    expect(index.status).toBe(200);
    expect(index.headers['Content-Type']).toBe('text/html; charset=utf-8');
    expect(index.headers['Content-Security-Policy']).toBe(ELECTRON_CSP);
    expect(Buffer.from(index.body as Uint8Array).toString()).toContain('<title>lab</title>');
    expect((await appResponse(root, `${APP_ORIGIN}assets/main.js`)).headers['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(ELECTRON_CSP).toContain("script-src 'self'");
    expect(ELECTRON_CSP).not.toContain('unsafe-eval');
  });

  it('answers 404, still with the CSP, for anything else', async () => {
    for (const url of [`${APP_ORIGIN}../secret.txt`, `${APP_ORIGIN}%2e%2e/secret.txt`, `${APP_ORIGIN}assets/none.js`, 'app://other/index.html', 'file:///etc/passwd', 'not a url']) {
      const r = await appResponse(root, url);
      expect([url, r.status]).toEqual([url, 404]);
      expect(r.headers['Content-Security-Policy']).toBe(ELECTRON_CSP);
    }
  });
});

describe('the web contents and session rules', () => {
  it('refuse navigation away from the app, new windows and webviews', () => {
    const on = new Map<string, (...args: unknown[]) => void>();
    let opener: ((details: { url: string }) => { action: string }) | null = null;
    lockContents({ on: (event: string, l: (...args: unknown[]) => void) => on.set(event, l), setWindowOpenHandler: (h: (details: { url: string }) => { action: string }) => void (opener = h) } as never);
    const navigate = (url: string) => {
      let prevented = false;
      on.get('will-navigate')!({ preventDefault: () => void (prevented = true) }, url);
      return prevented;
    };
    expect(navigate('https://example.org/')).toBe(true);
    expect(navigate('file:///etc/passwd')).toBe(true);
    expect(navigate(`${APP_ORIGIN}index.html`)).toBe(false);
    let webview = false;
    on.get('will-attach-webview')!({ preventDefault: () => void (webview = true) });
    expect(webview).toBe(true);
    expect(opener!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
  });

  it('deny every permission request and check', () => {
    let request: ((c: unknown, p: string, cb: (granted: boolean) => void) => void) | null = null;
    let check: ((...args: unknown[]) => boolean) | null = null;
    denyPermissions({ setPermissionRequestHandler: (h) => void (request = h), setPermissionCheckHandler: (h) => void (check = h) });
    const answers: boolean[] = [];
    for (const p of ['media', 'notifications', 'clipboard-read', 'geolocation']) request!(null, p, (granted) => answers.push(granted));
    expect(answers).toEqual([false, false, false, false]);
    expect(check!(null, 'media')).toBe(false);
  });
});

describe('the launcher', () => {
  it('finds Electron\'s binary only where it is installed', () => {
    const root = mkdtempSync(join(tmpdir(), 'electron-root-'));
    expect(electronBinary(root, {})).toBeNull();
    mkdirSync(join(root, 'node_modules', 'electron', 'dist'), { recursive: true });
    writeFileSync(join(root, 'node_modules', 'electron', 'path.txt'), 'electron');
    expect(electronBinary(root, {})).toBeNull();
    writeFileSync(join(root, 'node_modules', 'electron', 'dist', 'electron'), '');
    expect(electronBinary(root, {})).toBe(join(root, 'node_modules', 'electron', 'dist', 'electron'));
    const other = mkdtempSync(join(tmpdir(), 'electron-dist-'));
    writeFileSync(join(other, 'electron'), '');
    expect(electronBinary(root, { ELECTRON_OVERRIDE_DIST_PATH: other })).toBe(join(other, 'electron'));
  });
});
