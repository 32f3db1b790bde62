// The main process's IPC glue without Electron: one handler per contract method on its channel,
// calls from another window or page refused, bad arguments refused with the contract's own text,
// good calls reaching the host, and every host event forwarded on its event channel.
import { describe, expect, it } from 'vitest';
import { eventChannel, labEvents, labMethods, methodChannel, type LabEvents } from '../../../electron/contract';
import type { LabHost } from '../../../electron/host/lab';
import { forwardLabEvents, registerLabHandlers, trustedSender, type IpcEvent } from '../../../electron/main/ipc';

type Handler = (event: IpcEvent, ...args: unknown[]) => unknown;

function fakeIpc() {
  const handlers = new Map<string, Handler>();
  return { handlers, handle: (channel: string, h: Handler) => void handlers.set(channel, h), removeHandler: (channel: string) => void handlers.delete(channel) };
}

/** A host whose methods record their calls, and whose on() keeps the listeners. */
function fakeHost() {
  const calls: [string, unknown[]][] = [];
  const listeners = new Map<string, (data: unknown) => void>();
  const host = Object.fromEntries(Object.keys(labMethods).map((m) => [m, async (...args: unknown[]) => {
    calls.push([m, args]);
    return `${m} done`;
  }])) as unknown as LabHost;
  (host as { on: unknown }).on = (event: string, listener: (data: unknown) => void) => {
    listeners.set(event, listener);
    return () => listeners.delete(event);
  };
  return { host, calls, listeners };
}

const page = (id: number, url: string): IpcEvent => ({ sender: { id }, senderFrame: { url } });

describe('the IPC handlers', () => {
  it('register one handler per contract method, on its channel, and remove them all', () => {
    const ipc = fakeIpc();
    const remove = registerLabHandlers(ipc, fakeHost().host, () => true);
    expect([...ipc.handlers.keys()].sort()).toEqual(Object.keys(labMethods).map(methodChannel).sort());
    remove();
    expect(ipc.handlers.size).toBe(0);
  });

  it('refuse calls from another window or another page, and bad arguments, before the host sees them', async () => {
    const ipc = fakeIpc();
    const { host, calls } = fakeHost();
    registerLabHandlers(ipc, host, (event) => trustedSender(event, 7, 'app://lab/'));
    const save = ipc.handlers.get('lab:saveCode')!;
    await expect(save(page(8, 'app://lab/index.html'), '01-bit-allocator', 'x')).rejects.toThrow('saveCode: refused, the call does not come from the lab\'s own page');
    await expect(save(page(7, 'https://evil.example/'), '01-bit-allocator', 'x')).rejects.toThrow('refused');
    await expect(save({ sender: { id: 7 }, senderFrame: null }, '01-bit-allocator', 'x')).rejects.toThrow('refused');
    await expect(save(page(7, 'app://lab/index.html'), '01-bit-allocator', 42)).rejects.toThrow('saveCode: args[1] (source): must be a string');
    await expect(save(page(7, 'app://lab/index.html'), '../etc', 'x')).rejects.toThrow('saveCode: args[0] (id): must be an exercise id');
    await expect(save(page(7, 'app://lab/index.html'), '01-bit-allocator')).rejects.toThrow('saveCode: takes 2 arguments, got 1');
    expect(calls).toEqual([]);
    await expect(save(page(7, 'app://lab/#/exercise/01-bit-allocator'), '01-bit-allocator', 'code')).resolves.toBe('saveCode done');
    expect(calls).toEqual([['saveCode', ['01-bit-allocator', 'code']]]);
  });

  it('forward every host event on its event channel, until unsubscribed', () => {
    const { host, listeners } = fakeHost();
    const sent: [string, unknown][] = [];
    const off = forwardLabEvents(host, (channel, data) => sent.push([channel, data]));
    expect([...listeners.keys()].sort()).toEqual(Object.keys(labEvents).sort());
    const progress: LabEvents['runProgress'] = { runId: 'r1', exercise: '01-bit-allocator', test: 'small', index: 1, total: 4, passed: true };
    listeners.get('runProgress')!(progress);
    expect(sent).toEqual([[eventChannel('runProgress'), progress]]);
    off();
    expect(listeners.size).toBe(0);
  });
});
