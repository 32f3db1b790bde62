// Electron's main process: one window on the built renderer (app://lab/), sandboxed, context
// isolated, no Node in the page, the CSP on every response; the lab host in this process, reached
// only through the IPC handlers of ipc.ts; the menu; a single instance (a second launch focuses
// the first). Started by entry.mjs, which registers tsx first. Thin on purpose: the pieces it wires
// are tested without Electron (tests/electron/main/).
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLabHost } from '../host/lab';
import { forwardLabEvents, registerLabHandlers, trustedSender } from './ipc';
import { menuTemplate } from './menu';
import { APP_ORIGIN, APP_SCHEME, appResponse, denyPermissions, lockContents } from './security';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RENDERER = join(ROOT, 'dist', 'renderer');
const PRELOAD = join(ROOT, 'dist', 'electron', 'preload.cjs');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
app.on('web-contents-created', (_event, contents) => lockContents(contents));

let window: BrowserWindow | null = null;

async function start(): Promise<void> {
  denyPermissions(session.defaultSession);
  protocol.handle(APP_SCHEME, async (request) => {
    const r = await appResponse(RENDERER, request.url);
    return new Response(r.body as ConstructorParameters<typeof Response>[0], { status: r.status, headers: r.headers });
  });
  const host = createLabHost({ host: 'electron', version: VERSION, exercises: join(ROOT, 'exercises'), stateFile: join(app.getPath('userData'), 'state.json') });
  const win = new BrowserWindow({
    width: 1280, height: 800, minWidth: 800, minHeight: 560, show: false, title: 'FreeNOS Memory Lab',
    webPreferences: { preload: PRELOAD, contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, spellcheck: false },
  });
  window = win;
  registerLabHandlers(ipcMain, host, (event) => trustedSender(event, win.webContents.id, APP_ORIGIN));
  forwardLabEvents(host, (channel, data) => {
    if (!win.isDestroyed()) win.webContents.send(channel, data);
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(host, {
    chooseFolder: async (title) => {
      const r = await dialog.showOpenDialog(win, { title, properties: ['openDirectory', 'createDirectory'] });
      return r.canceled ? null : r.filePaths[0] ?? null;
    },
    showError: (title, message) => dialog.showErrorBox(title, message),
    showAbout: () => void dialog.showMessageBox(win, { title: 'About', message: `FreeNOS Memory Lab ${VERSION}`, detail: 'A teaching lab for FreeNOS-style memory management.' }),
    openFolder: (path) => void shell.openPath(path),
  }, process.platform === 'darwin')));
  win.once('ready-to-show', () => win.show());
  app.on('before-quit', () => void host.dispose());
  await win.loadURL(`${APP_ORIGIN}index.html`);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.whenReady().then(start).catch((error: unknown) => {
    dialog.showErrorBox('FreeNOS Memory Lab could not start', error instanceof Error ? error.stack ?? error.message : String(error));
    app.exit(1);
  });
}
