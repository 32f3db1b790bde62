// The lab API's machine sessions (the Machine Explorer), part of the contract (electron/contract.ts
// re-exports all of it): an engine Machine per session in the host, the calls a session takes, what
// each returns, the bounded MachineState after every call, and the checks of their arguments.
// Pure TypeScript, as the contract: imported by electron/ and, through contract.ts, by renderer/.

export type Check = (value: unknown) => string | null;

export type MachineArch = 'intel' | 'arm';

/** RAM sizes the engine's Kernel boots (whole MiB): Intel 8 to 896 MiB, ARM 64 to 896 MiB. */
export const machineRamMiB: { [A in MachineArch]: { min: number; max: number } } = { intel: { min: 8, max: 896 }, arm: { min: 64, max: 896 } };
/** At most this many machine sessions per host: starting one more closes the least recently used. */
export const MAX_MACHINE_SESSIONS = 4;
/** The most steps one { op: 'run' } call may run. */
export const MAX_MACHINE_RUN_STEPS = 100_000;

export interface MachineStartOptions {
  arch: MachineArch;
  ramMiB: number;
  /** fork shares pages copy-on-write instead of copying them. */
  copyOnWrite: boolean;
}

/** VMCtl's operations (FreeNOS's MemoryOperation, in its order: the index is the engine's value). */
export const vmctlOperations = [
  'MapContiguous', 'MapSparse', 'UnMap', 'Release', 'ReleaseSections', 'LookupVirtual', 'Access', 'ReserveMem', 'AddMem',
  'CacheClean', 'CacheInvalidate', 'CacheCleanInvalidate',
] as const;
export type VMCtlOperationName = (typeof vmctlOperations)[number];

/** A Memory.Range: `size` bytes at `virt` backed by `phys`, with Memory.Access flags (Readable 1, Writable 2, Executable 4, User 8...). */
export interface MachineRange {
  virt: number;
  phys: number;
  size: number;
  access: number;
}

export type MachineAccessKind = 'read' | 'write' | 'execute';

/** One call on a machine session. `pid` is the process making the call (spawn, launch, fork, execve) or its target. */
export type MachineCall =
  | { op: 'boot'; path: string }
  | { op: 'spawn'; pid: number; path: string }
  | { op: 'launch'; pid: number; path: string }
  | { op: 'fork'; pid: number }
  | { op: 'execve'; pid: number; path: string }
  | { op: 'kill'; pid: number }
  | { op: 'wait'; pid: number }
  | { op: 'step' }
  | { op: 'run'; steps: number }
  | { op: 'translate'; pid: number; virt: number; access?: MachineAccessKind }
  | { op: 'vmctl'; pid: number; operation: VMCtlOperationName; range: MachineRange }
  /** Installs a user program (the JSON of engine/machine/Program.ts), replacing one of the same name. */
  | { op: 'install'; program: Record<string, unknown> }
  /** Changes nothing: the machine's state as it is (a reloaded Explorer takes its machine back with it). */
  | { op: 'state' };
export type MachineOp = MachineCall['op'];

/** The engine's process-call result (Machine's CallResult). */
export type MachineCallResult = { ok: true; pid: number } | { ok: false; error: string; reason: string };

/** Why a translation failed: the MMU's PageFault names, or Fault (a table outside RAM). */
export type MachineFault = 'NotPresent' | 'ReadOnly' | 'KernelOnly' | 'Fault';

/** One table entry the MMU read during a walk. */
export interface MachineWalkStep {
  level: 'directory' | 'table';
  index: number;
  /** Physical address of the entry and its raw value. */
  address: number;
  entry: number;
  /** What the entry says, in words. */
  meaning: string;
}

/** A virtual-to-physical translation explained: the TLB, the entries read, the result or the fault. */
export interface MachineWalk {
  pid: number;
  virt: number;
  access: MachineAccessKind;
  /** The top-level table walked, and whether loading it (switching to this process) flushed the TLB first. */
  root: number;
  switched: boolean;
  tlb: 'hit' | 'miss';
  /** Entries read (none on a TLB hit). */
  steps: MachineWalkStep[];
  /** The physical address, or null with the fault. */
  phys: number | null;
  fault: MachineFault | null;
  /** Permission bits the walk found at every level ('Writable', 'User'). */
  flags: string[];
  /** The page's mapping as the kernel's context holds it (null: none). */
  mapping: { phys: number; access: string[]; copyOnWrite: boolean } | null;
  /** The walk in a few lines, for a translator panel. */
  explanation: string[];
}

/** What each op's call returns (plain data, as the engine gives it). */
export interface MachineResults {
  boot: MachineCallResult;
  spawn: MachineCallResult;
  /** ApplicationLauncher.exec(): its result code and name, and the child's pid (-1 when the fork failed). */
  launch: { result: number; name: string; pid: number };
  fork: MachineCallResult;
  execve: MachineCallResult;
  kill: MachineCallResult;
  wait: { state: 'exited'; status: number } | { state: 'running' } | { state: 'error'; error: 'ESRCH' };
  /** The step run, or null when nothing could run. */
  step: { pid: number; op: string; outcome: string } | null;
  /** Steps run, and whether the machine stopped because nothing could run. */
  run: { steps: number; idle: boolean };
  translate: MachineWalk;
  /** VMCtl's API.Result code and its name, and the range as VMCtl wrote it back. */
  vmctl: { result: number; name: string; range: MachineRange };
  install: { name: string; segments: number; steps: number };
  state: null;
}

/** A run of contiguous physical frames with one owner (engine/machine/Snapshot.ts's FrameOwner names). */
export interface MachineFrameRun {
  /** First frame (its physical address is first * 4096) and how many. */
  first: number;
  count: number;
  /** Free, Firmware, KernelImage, BootImage, KernelHeap, Directory, PageTable, KernelStack, Process, Share, Shared, Unknown. */
  owner: string;
  /** The owning process, or null (kernel, free, shared by several). */
  pid: number | null;
  /** The user region of a process page, or null. */
  region: string | null;
}

/** Contiguous pages (virtual and physical) with the same flags, merged. */
export interface MachineMappingRun {
  virt: number;
  phys: number;
  pages: number;
  /** Memory.Access names ('Readable', 'Writable', 'Executable', 'User'...). */
  access: string[];
  /** The entry's low 12 bits as the architecture lays them out. */
  flags: number;
  copyOnWrite: boolean;
}

/** A top-level entry with a second-level table: its index, the virtual range it covers, its value, the table's page. */
export interface MachineDirectoryEntry {
  index: number;
  virt: number;
  value: number;
  table: number;
  /** True when the entry is the kernel's own (the same value in the kernel's directory). */
  kernel: boolean;
  /** Present pages mapped through the table. */
  pages: number;
}

export interface MachineProcess {
  pid: number;
  parent: number;
  state: 'Ready' | 'Sleeping' | 'Waiting' | 'Stopped' | 'Zombie';
  program: string;
  /** The top-level table (0 once the process exited). */
  root: number;
  /** MemoryMap's user regions and the pages mapped in each. */
  regions: { name: string; virt: number; size: number; pages: number }[];
  /** Entries that point at second-level tables, lowest first. */
  directory: MachineDirectoryEntry[];
  /** Entries that map sections or large pages directly (the kernel's direct map), merged into runs of indexes. */
  sections: { index: number; count: number; virt: number; size: number }[];
  mappings: MachineMappingRun[];
  pages: number;
  /** Mappings or directory entries were cut at their cap. */
  truncated: boolean;
}

/** A machine session's state after each call, bounded in size (caps below, `truncated` when one was hit). */
export interface MachineState {
  arch: MachineArch;
  ramMiB: number;
  copyOnWrite: boolean;
  /** Script steps run so far. */
  clock: number;
  frames: { total: number; free: number; runs: MachineFrameRun[]; owners: Record<string, number>; truncated: boolean };
  /** Live and zombie processes, lowest pid first. */
  processes: MachineProcess[];
  /** Processes that exited with nobody to wait for them (the last 50). */
  exited: { pid: number; program: string; status: number }[];
  /** The last 200 console lines, and how many were printed in all. */
  console: { pid: number; text: string }[];
  consoleLines: number;
  /** The MMU: the loaded top-level table and whose it is (null: the kernel's), the TLB's size and counters. */
  mmu: { root: number; pid: number | null; tlbEntries: number; hits: number; misses: number; flushes: number; invalidations: number };
  /** Installed programs. */
  programs: string[];
  truncated: boolean;
}

export interface MachineReply<O extends MachineOp = MachineOp> {
  result: MachineResults[O];
  state: MachineState;
}

// ---- Argument checks ----

export const sessionId: Check = (v) => (typeof v === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v) ? null : 'must be a machine session id (a UUID)');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const u32 = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
export const machineOptions: Check = (v) => {
  if (!isObject(v)) return 'must be { arch, ramMiB, copyOnWrite }';
  if (v.arch !== 'intel' && v.arch !== 'arm') return "arch must be 'intel' or 'arm'";
  const { min, max } = machineRamMiB[v.arch];
  const ram = v.ramMiB;
  if (typeof ram !== 'number' || !Number.isInteger(ram) || ram < min || ram > max) return `ramMiB must be a whole number of MiB from ${min} to ${max} on ${v.arch}`;
  if (typeof v.copyOnWrite !== 'boolean') return 'copyOnWrite must be true or false';
  return null;
};
const machineOps: { [O in MachineOp]: string[] } = {
  boot: ['path'], spawn: ['pid', 'path'], launch: ['pid', 'path'], fork: ['pid'], execve: ['pid', 'path'], kill: ['pid'], wait: ['pid'],
  step: [], run: ['steps'], translate: ['pid', 'virt', 'access?'], vmctl: ['pid', 'operation', 'range'], install: ['program'], state: [],
};
const machineFields: Record<string, Check> = {
  path: (v) => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? null : 'must be a program name (1 to 200 characters)'),
  pid: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 65535 ? null : 'must be a process id (an integer from 0 to 65535)'),
  steps: (v) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_MACHINE_RUN_STEPS ? null : `must be an integer from 1 to ${MAX_MACHINE_RUN_STEPS}`),
  virt: (v) => (u32(v) ? null : 'must be a 32-bit address (an integer from 0 to 0xFFFFFFFF)'),
  access: (v) => (v === 'read' || v === 'write' || v === 'execute' ? null : "must be 'read', 'write' or 'execute'"),
  operation: (v) => ((vmctlOperations as readonly unknown[]).includes(v) ? null : `must be one of ${vmctlOperations.join(', ')}`),
  range: (v) => {
    if (!isObject(v)) return 'must be { virt, phys, size, access }';
    for (const key of ['virt', 'phys', 'size']) if (!u32(v[key])) return `.${key} must be an integer from 0 to 0xFFFFFFFF`;
    const a = v.access;
    return typeof a === 'number' && Number.isInteger(a) && a >= 0 && a <= 255 ? null : '.access must be Memory.Access flags (an integer from 0 to 255)';
  },
  program: (v) => {
    if (!isObject(v)) return 'must be a program image (an object: name, segments, script)';
    return JSON.stringify(v).length <= 256 * 1024 ? null : 'must be at most 256 KB of JSON';
  },
};
export const machineCall: Check = (v) => {
  if (!isObject(v)) return 'must be { op, ... }';
  const op = v.op;
  if (typeof op !== 'string' || !Object.hasOwn(machineOps, op)) return `op must be one of ${Object.keys(machineOps).join(', ')}`;
  const fields = machineOps[op as MachineOp];
  const names = fields.map((f) => f.replace('?', ''));
  const extra = Object.keys(v).find((k) => k !== 'op' && !names.includes(k));
  if (extra) return `${extra}: not a field of ${op} (it takes ${names.length ? names.join(', ') : 'no fields'})`;
  for (const field of fields) {
    const name = field.replace('?', '');
    if (field.endsWith('?') && v[name] === undefined) continue;
    const problem = machineFields[name]!(v[name]);
    if (problem) return `${name}${problem.startsWith('.') ? '' : ' '}${problem}`;
  }
  return null;
};
