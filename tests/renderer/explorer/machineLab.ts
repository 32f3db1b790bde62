// The Explorer tests' machine: a FakeLab whose machine methods are replaced by the host's own
// MachineSessions (electron/host/lab/machines.ts) in-process, so the store and the view see real
// MachineStates. Replies go through JSON, as over the wire; calls are recorded in fake.calls.
import type { LabApi } from '../../../electron/contract';
import { MachineSessions } from '../../../electron/host/lab/machines';
import { FakeLab, installFakeLab } from '../fakeLab';

const wire = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A FakeLab with real machine sessions, installed as the bridge. */
export function machineLab(): { fake: FakeLab; sessions: MachineSessions } {
  const fake = new FakeLab();
  const sessions = new MachineSessions();
  const api = fake as LabApi;
  api.machineStart = async (options) => {
    fake.calls.push(['machineStart', [options]]);
    return wire(sessions.start(options));
  };
  api.machineCall = async (id, call) => {
    fake.calls.push(['machineCall', [id, call]]);
    return wire(sessions.call(id, call));
  };
  api.machineClose = async (id) => {
    fake.calls.push(['machineClose', [id]]);
    return sessions.close(id);
  };
  installFakeLab(fake);
  return { fake, sessions };
}
