// The IPC handlers of the main process, all registered here: one per lab method, each refusing a
// sender that is not the app's own page and arguments the contract's checkCall rejects, then calling
// the host; and the host's events forwarded to the window. Written against the small slices of
// Electron's ipcMain and webContents it uses, so tests can drive it without Electron.
import { checkCall, eventChannel, labEvents, labMethods, methodChannel, type LabEvent } from '../contract';
import type { LabHost } from '../host/lab';

export interface IpcEvent {
  sender: { id: number };
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** True when the call comes from the app's window (its webContents id) and page (a URL under `origin`). */
export function trustedSender(event: IpcEvent, webContentsId: number, origin: string): boolean {
  const url = event.senderFrame?.url ?? '';
  return event.sender.id === webContentsId && url.startsWith(origin);
}

/** Registers a handler per lab method; returns the function that removes them. */
export function registerLabHandlers(ipc: IpcMainLike, host: LabHost, trusted: (event: IpcEvent) => boolean): () => void {
  const channels: string[] = [];
  for (const method of Object.keys(labMethods) as (keyof typeof labMethods)[]) {
    const channel = methodChannel(method);
    ipc.handle(channel, async (event, ...args) => {
      if (!trusted(event)) throw new Error(`${method}: refused, the call does not come from the lab's own page`);
      const problem = checkCall(method, args);
      if (problem) throw new Error(problem);
      return (host[method] as (...a: unknown[]) => Promise<unknown>)(...args);
    });
    channels.push(channel);
  }
  return () => {
    for (const channel of channels) ipc.removeHandler(channel);
  };
}

/** Sends every host event to `send` (the window's webContents.send) on its channel; returns the unsubscribe. */
export function forwardLabEvents(host: LabHost, send: (channel: string, data: unknown) => void): () => void {
  const offs = (Object.keys(labEvents) as LabEvent[]).map((event) => host.on(event, (data) => send(eventChannel(event), data)));
  return () => {
    for (const off of offs) off();
  };
}
