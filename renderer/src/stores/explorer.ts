// Machine Explorer store: one machine session on the host (machineStart / machineCall /
// machineClose), its MachineState after every call, the selected process, the last translation,
// the VMCtl history and an activity log of what each call did. Host errors are kept in `error`
// (shown by the view), never thrown. The session outlives the view; booting a new machine closes it.
// It outlives a reload too: the host keeps machines (not the page), so the session id, the selection
// and the logs are kept in the tab's sessionStorage and restore() takes the machine back with
// { op: 'state' }; when the host no longer has it, `notice` says so.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import {
  MAX_MACHINE_SESSIONS, machineOptions, type MachineAccessKind, type MachineCall, type MachineRange, type MachineResults, type MachineStartOptions,
  type MachineState, type MachineWalk, type VMCtlOperationName,
} from '../../../electron/contract';
import { lab } from '../bridge';
import { describeOutcome } from '../explorer/outcome';
import { explainResult } from '../explorer/vmctl';

export interface ActivityEntry {
  id: number;
  text: string;
  ok: boolean;
}

export interface VmctlEntry {
  id: number;
  pid: number;
  operation: VMCtlOperationName;
  sent: MachineRange;
  result: number;
  name: string;
  explanation: string;
  range: MachineRange;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
/** The longest the activity log and the VMCtl history grow (oldest dropped). */
export const HISTORY_LIMIT = 50;
/** The sessionStorage key of the tab's machine (kept over a reload). */
export const SAVED_MACHINE_KEY = 'freenos-lab.explorer.machine';

interface SavedMachine {
  sessionId: string;
  selectedPid: number | null;
  activity: ActivityEntry[];
  vmctlHistory: VmctlEntry[];
}

/** The tab's storage, or null where there is none (or it refuses: a sandboxed or private window). */
function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

function readSaved(): SavedMachine | null {
  try {
    const text = storage()?.getItem(SAVED_MACHINE_KEY);
    const saved = text ? (JSON.parse(text) as Partial<SavedMachine>) : null;
    if (!saved || typeof saved.sessionId !== 'string') return null;
    return {
      sessionId: saved.sessionId,
      selectedPid: typeof saved.selectedPid === 'number' ? saved.selectedPid : null,
      activity: Array.isArray(saved.activity) ? saved.activity.slice(0, HISTORY_LIMIT) : [],
      vmctlHistory: Array.isArray(saved.vmctlHistory) ? saved.vmctlHistory.slice(0, HISTORY_LIMIT) : [],
    };
  } catch {
    return null;
  }
}

export const useExplorerStore = defineStore('explorer', () => {
  const sessionId = ref<string | null>(null);
  const state = shallowRef<MachineState | null>(null);
  const busy = ref(false);
  /** The last host error (or refused call), until the next call that works. */
  const error = ref<string | null>(null);
  /** Said once after a reload: the machine was taken back, or it is gone. Null otherwise. */
  const notice = ref<{ text: string; ok: boolean } | null>(null);
  /** Whether restore() is asking the host for the tab's machine. */
  const restoring = ref(false);
  const activity = ref<ActivityEntry[]>([]);
  const selectedPid = ref<number | null>(null);
  const walk = shallowRef<MachineWalk | null>(null);
  const vmctlHistory = ref<VmctlEntry[]>([]);
  /** What the Translator's form holds (the page tables' "Translate" buttons fill it). */
  const translateDraft = ref<{ pid: number | null; virt: string }>({ pid: null, virt: '' });
  let nextId = 1;

  const selected = computed(() => state.value?.processes.find((p) => p.pid === selectedPid.value) ?? null);

  function log(text: string, ok: boolean): void {
    activity.value = [{ id: nextId++, text, ok }, ...activity.value].slice(0, HISTORY_LIMIT);
  }

  /** Keeps the selection on a process that exists (the first one when it went away). */
  function keepSelection(): void {
    const processes = state.value?.processes ?? [];
    if (!processes.some((p) => p.pid === selectedPid.value)) selectedPid.value = processes[0]?.pid ?? null;
  }

  /** Boots a new machine (closing the previous session); false with `error` set when it failed. */
  async function start(options: MachineStartOptions): Promise<boolean> {
    const problem = machineOptions(options);
    if (problem) {
      error.value = `Cannot boot: ${problem}`;
      return false;
    }
    if (busy.value) return false;
    busy.value = true;
    const old = sessionId.value;
    try {
      const started = await lab().api.machineStart({ ...options });
      sessionId.value = started.sessionId;
      state.value = started.state;
      walk.value = null;
      vmctlHistory.value = [];
      selectedPid.value = null;
      error.value = null;
      notice.value = null;
      log(`booted an ${options.arch === 'intel' ? 'Intel' : 'ARM'} machine with ${options.ramMiB} MiB, copy-on-write fork ${options.copyOnWrite ? 'on' : 'off'}`, true);
      if (started.closed && started.closed !== old) log('the host closed an older machine session to make room', true);
    } catch (e) {
      error.value = `Could not boot the machine: ${message(e)}`;
      return false;
    } finally {
      busy.value = false;
    }
    if (old) lab().api.machineClose(old).catch(() => {});
    return true;
  }

  /** Runs one call on the session; its result, or null (with `error` set) when there is no session or the host refused. */
  async function call<C extends MachineCall>(c: C): Promise<MachineResults[C['op']] | null> {
    if (!sessionId.value) {
      error.value = 'Boot a machine first.';
      return null;
    }
    if (busy.value) return null;
    busy.value = true;
    try {
      const reply = await lab().api.machineCall(sessionId.value, c);
      state.value = reply.state;
      const outcome = describeOutcome(c, reply.result);
      log(outcome.text, outcome.ok);
      error.value = null;
      if (outcome.created !== null) selectedPid.value = outcome.created;
      keepSelection();
      return reply.result;
    } catch (e) {
      error.value = message(e);
      log(`${c.op} refused: ${message(e)}`, false);
      return null;
    } finally {
      busy.value = false;
    }
  }

  async function translate(pid: number, virt: number, access: MachineAccessKind): Promise<MachineWalk | null> {
    const result = await call({ op: 'translate', pid, virt, access });
    if (result) walk.value = result;
    return result;
  }

  async function vmctl(pid: number, operation: VMCtlOperationName, range: MachineRange): Promise<VmctlEntry | null> {
    const sent = { ...range };
    const result = await call({ op: 'vmctl', pid, operation, range: sent });
    if (!result) return null;
    const entry: VmctlEntry = {
      id: nextId++, pid, operation, sent, result: result.result, name: result.name,
      explanation: explainResult(result.name, operation), range: result.range,
    };
    vmctlHistory.value = [entry, ...vmctlHistory.value].slice(0, HISTORY_LIMIT);
    return entry;
  }

  /** Closes the session on the host (the view's "Shut down"). */
  async function shutdown(): Promise<void> {
    const id = sessionId.value;
    if (!id) return;
    sessionId.value = null;
    state.value = null;
    walk.value = null;
    selectedPid.value = null;
    log('shut the machine down', true);
    try {
      await lab().api.machineClose(id);
    } catch {
      // the session is gone either way
    }
  }

  function select(pid: number): void {
    selectedPid.value = pid;
  }

  /** Keeps the tab's machine in sessionStorage, so a reload can take it back (nothing when there is none). */
  function save(): void {
    const store = storage();
    if (!store) return;
    try {
      if (!sessionId.value) {
        store.removeItem(SAVED_MACHINE_KEY);
        return;
      }
      const saved: SavedMachine = { sessionId: sessionId.value, selectedPid: selectedPid.value, activity: activity.value, vmctlHistory: vmctlHistory.value };
      store.setItem(SAVED_MACHINE_KEY, JSON.stringify(saved));
    } catch {
      // storage full or refused: a reload will not find the machine, nothing else changes
    }
  }
  watch([sessionId, selectedPid, activity, vmctlHistory], save);

  /**
   * After a reload: takes back the machine this tab had booted (the host keeps it), with its
   * selection and logs; when the host no longer has it, forgets it and says so in `notice`.
   * Nothing to do when a machine is on, or the tab had none. Resolves true when one was taken back.
   */
  async function restore(): Promise<boolean> {
    if (sessionId.value || restoring.value) return false;
    const saved = readSaved();
    if (!saved) return false;
    restoring.value = true;
    busy.value = true;
    try {
      const reply = await lab().api.machineCall(saved.sessionId, { op: 'state' });
      sessionId.value = saved.sessionId;
      state.value = reply.state;
      selectedPid.value = saved.selectedPid;
      activity.value = saved.activity;
      vmctlHistory.value = saved.vmctlHistory;
      nextId = Math.max(0, ...saved.activity.map((a) => a.id), ...saved.vmctlHistory.map((h) => h.id)) + 1;
      keepSelection();
      notice.value = { text: 'This is the machine you booted before the page was reloaded: the host kept it.', ok: true };
      restoring.value = false;
      log('took the machine back after the page was reloaded', true);
      return true;
    } catch (e) {
      const gone = message(e).includes('no machine session');
      notice.value = gone
        ? { text: `The machine booted before the page was reloaded is gone: the host was restarted, or closed it to make room (it keeps at most ${MAX_MACHINE_SESSIONS}). Boot a new one.`, ok: false }
        : { text: `Could not take back the machine booted before the page was reloaded: ${message(e)}`, ok: false };
      // Gone for good: forget it. The host out of reach: a later visit may find it again.
      if (gone) storage()?.removeItem(SAVED_MACHINE_KEY);
      return false;
    } finally {
      restoring.value = false;
      busy.value = false;
    }
  }

  return {
    sessionId, state, busy, error, notice, restoring, activity, selectedPid, selected, walk, vmctlHistory, translateDraft,
    start, call, translate, vmctl, shutdown, select, restore,
  };
});
