// The preload without Electron: window.lab has exactly the contract's methods plus on(), each
// method invokes its channel with its arguments, on() subscribes on the event's channel, refuses
// an unknown event, and its return value unsubscribes.
import { describe, expect, it, vi } from 'vitest';
import { labMethods } from '../../../electron/contract';

const exposed: Record<string, unknown> = {};
const invoked: unknown[][] = [];
const subscribed = new Map<string, ((event: unknown, data: unknown) => void)[]>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => void invoked.push(args),
    on: (channel: string, l: (event: unknown, data: unknown) => void) => void subscribed.set(channel, [...(subscribed.get(channel) ?? []), l]),
    removeListener: (channel: string, l: unknown) => void subscribed.set(channel, (subscribed.get(channel) ?? []).filter((x) => x !== l)),
  },
}));

describe('the preload', () => {
  it('exposes window.lab with the contract\'s methods and on(), and nothing else', async () => {
    await import('../../../electron/main/preload');
    const lab = exposed.lab as Record<string, (...args: unknown[]) => unknown>;
    expect(Object.keys(lab).sort()).toEqual([...Object.keys(labMethods), 'on'].sort());
    await lab.saveCode!('01-bit-allocator', 'code');
    await lab.listExercises!();
    expect(invoked).toEqual([['lab:saveCode', '01-bit-allocator', 'code'], ['lab:listExercises']]);
    const heard: unknown[] = [];
    const off = lab.on!('runDone', (data: unknown) => heard.push(data)) as () => void;
    subscribed.get('lab:event:runDone')![0]!({ sender: 'ipc' }, { runId: 'r1' });
    expect(heard).toEqual([{ runId: 'r1' }]);
    off();
    expect(subscribed.get('lab:event:runDone')).toEqual([]);
    expect(() => lab.on!('shutdown', () => undefined)).toThrow("there is no lab event 'shutdown'");
  });
});
