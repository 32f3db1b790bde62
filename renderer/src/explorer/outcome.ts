// A machine call's result in one line for the activity log (what the engine returned, in words),
// whether it worked, and the process it brought into being (the Explorer selects it).
import type { MachineCall, MachineCallResult, MachineResults } from '../../../electron/contract';
import { counted, hex } from './numbers';
import { explainResult } from './vmctl';

export interface Outcome {
  text: string;
  ok: boolean;
  /** A process the call created (boot, spawn, fork, a launch whose fork worked), else null. */
  created: number | null;
}

const callResult = (what: string, r: MachineCallResult, done: (pid: number) => string): Outcome =>
  r.ok ? { text: `${what}: ${done(r.pid)}`, ok: true, created: null } : { text: `${what} failed: ${r.error} — ${r.reason}`, ok: false, created: null };

/** The outcome with the pid a CallResult created. */
const made = (o: Outcome, r: unknown): Outcome => ({ ...o, created: (r as MachineCallResult).ok ? (r as { pid: number }).pid : null });

/** The words for `result` of `call`; assumes the result is the one the host returned for that op. */
export function describeOutcome(call: MachineCall, result: MachineResults[MachineCall['op']]): Outcome {
  switch (call.op) {
    case 'boot':
      return made(callResult(`boot ${call.path}`, result as MachineCallResult, (pid) => `the kernel loaded it as pid ${pid}`), result);
    case 'spawn':
      return made(callResult(`spawn ${call.path} from pid ${call.pid}`, result as MachineCallResult, (pid) => `child pid ${pid}`), result);
    case 'fork':
      return made(callResult(`fork of pid ${call.pid}`, result as MachineCallResult, (pid) => `child pid ${pid}, with its own page directory`), result);
    case 'execve':
      return callResult(`execve ${call.path} in pid ${call.pid}`, result as MachineCallResult, () => 'the new program replaced the old one');
    case 'kill':
      return callResult(`kill pid ${call.pid}`, result as MachineCallResult, () => 'it exited with status 1 (a zombie until its parent waits)');
    case 'launch': {
      const r = result as MachineResults['launch'];
      const text = r.pid >= 0
        ? `launch ${call.path} from pid ${call.pid}: ApplicationLauncher.exec() → ${r.name}; child pid ${r.pid} will execve ${call.path}`
        : `launch ${call.path} from pid ${call.pid}: exec() → ${r.name}, but its fork failed (pid -1)`;
      return { text, ok: r.pid >= 0, created: r.pid >= 0 ? r.pid : null };
    }
    case 'wait': {
      const r = result as MachineResults['wait'];
      if (r.state === 'exited') return { text: `wait pid ${call.pid}: exited with status ${r.status} (reaped)`, ok: true, created: null };
      if (r.state === 'running') return { text: `wait pid ${call.pid}: still running (nothing to collect yet)`, ok: true, created: null };
      return { text: `wait pid ${call.pid}: ESRCH — no such process`, ok: false, created: null };
    }
    case 'step': {
      const r = result as MachineResults['step'];
      return r ? { text: `step: pid ${r.pid} ran ${r.op}: ${r.outcome}`, ok: true, created: null } : { text: 'step: nothing can run', ok: false, created: null };
    }
    case 'run': {
      const r = result as MachineResults['run'];
      return { text: `run: ${counted(r.steps, 'step')}${r.idle ? ', then nothing could run' : ''}`, ok: r.steps > 0, created: null };
    }
    case 'translate': {
      const r = result as MachineResults['translate'];
      const end = r.fault ? `fault ${r.fault}` : `physical ${hex(r.phys ?? 0)}`;
      return { text: `translate ${hex(r.virt)} in pid ${r.pid} (${r.access}): TLB ${r.tlb}, ${end}`, ok: r.fault === null, created: null };
    }
    case 'vmctl': {
      const r = result as MachineResults['vmctl'];
      return { text: `VMCtl ${call.operation} on pid ${call.pid}: ${r.name} (${r.result}) — ${explainResult(r.name, call.operation)}`, ok: r.result === 0, created: null };
    }
    case 'install': {
      const r = result as MachineResults['install'];
      return { text: `install: ${r.name} (${counted(r.segments, 'segment')}, ${counted(r.steps, 'step')})`, ok: true, created: null };
    }
    case 'state':
      return { text: 'looked at the machine (nothing changed)', ok: true, created: null };
  }
}
