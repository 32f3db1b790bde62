// The application menu: File (open an exercise pack, open a workspace, quit), View (reload, zoom,
// full screen, developer tools), Help (about, show the workspace folder). Its actions call the lab
// host, whose events tell the renderer what changed; a failure is shown in an error box.
import type { MenuItemConstructorOptions } from 'electron';
import type { LabHost } from '../host/lab';

export interface MenuActions {
  /** Asks for a folder (null: cancelled). */
  chooseFolder(title: string): Promise<string | null>;
  showError(title: string, message: string): void;
  showAbout(): void;
  openFolder(path: string): void;
}

/** The menu's template (Menu.buildFromTemplate takes it). */
export function menuTemplate(host: LabHost, actions: MenuActions, isMac: boolean): MenuItemConstructorOptions[] {
  const guarded = (title: string, work: () => Promise<unknown>) => () => {
    work().catch((error: unknown) => actions.showError(title, error instanceof Error ? error.message : String(error)));
  };
  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { label: 'Open Exercise Pack…', accelerator: 'CmdOrCtrl+O', click: guarded('Could not open the pack', async () => {
        const folder = await actions.chooseFolder('Open an exercise pack');
        if (folder) await host.openPack(folder);
      }) },
      { label: 'Open Workspace…', click: guarded('Could not open the workspace', async () => {
        const folder = await actions.chooseFolder('Choose the workspace folder');
        if (folder) await host.setWorkspace(folder);
      }) },
      { type: 'separator' },
      isMac ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' },
      { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    label: '&Help',
    submenu: [
      { label: 'Show the Workspace Folder', click: guarded('Could not show the workspace', async () => actions.openFolder((await host.info()).workspace)) },
      { label: 'About FreeNOS Memory Lab', click: () => actions.showAbout() },
    ],
  };
  return [...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []), file, { role: 'editMenu' }, view, help];
}
