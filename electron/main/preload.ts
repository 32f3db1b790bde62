// Electron's preload (sandboxed, contextIsolation on): exposes `window.lab`, the lab API and
// on(event, listener), and nothing else. Every method and channel comes from the contract's
// labMethods and labEvents; bundled to one CommonJS file by electron/main/build.ts.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { eventChannel, labEvents, labMethods, methodChannel } from '../contract';

/** The object exposed as window.lab (kept apart from contextBridge so a test can inspect it). */
export function labBridge(ipc: Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>): Record<string, unknown> {
  const api: Record<string, unknown> = {};
  for (const method of Object.keys(labMethods)) {
    api[method] = (...args: unknown[]) => ipc.invoke(methodChannel(method), ...args);
  }
  api.on = (event: string, listener: (data: unknown) => void): (() => void) => {
    if (!Object.hasOwn(labEvents, event)) throw new Error(`there is no lab event '${event}'`);
    const wrapped = (_event: IpcRendererEvent, data: unknown) => listener(data);
    ipc.on(eventChannel(event), wrapped);
    return () => {
      ipc.removeListener(eventChannel(event), wrapped);
    };
  };
  return api;
}

contextBridge.exposeInMainWorld('lab', labBridge(ipcRenderer));
