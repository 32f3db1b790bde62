// Machine sessions for the Machine Explorer (contract: machineStart, machineCall, machineClose).
// Each session is one engine Machine (built-in programs installed, nothing running) under an id
// from crypto.randomUUID(). At most MAX_MACHINE_SESSIONS live at once: starting one more closes
// the least recently used, whose id machineStart returns in `closed` and later calls name as
// closed. Sessions belong to the host, not to a page: a reloaded Explorer takes its machine back
// with { op: 'state' }, which changes nothing. Every call returns what the engine returned, as plain data, and the machine's new
// MachineState: bounded (frames and mappings merged into runs, caps with `truncated` flags).
// Arguments are checked by LabHost with the contract's checkCall; here only what depends on the
// machine: an unknown session, a caller pid that is not a live process ("call.pid: ..."); engine
// refusals (RangeError, AssertionError, ProgramError) reject with the engine's text.
import { randomUUID } from 'node:crypto';
import {
  MAX_MACHINE_SESSIONS, vmctlOperations, type MachineCall, type MachineDirectoryEntry, type MachineFault, type MachineFrameRun,
  type MachineMappingRun, type MachineProcess, type MachineRange, type MachineReply, type MachineResults, type MachineStartOptions,
  type MachineState, type MachineWalk, type MachineWalkStep,
} from '../../contract';
import { hex32 } from '../../../engine/format';
import { API, Memory, MemoryOperation, PAGESIZE, type Process, ProcessState, Region, VMCtl } from '../../../engine/kernel';
import { Fault, PageFault, TLBFlag } from '../../../engine/hw';
import { ApplicationLauncher, frameMap, FrameOwner, Machine, ownTables, pageTable, RegionNames } from '../../../engine/machine';

const MiB = 1024 * 1024;
/** Caps that keep a MachineState small (a few tens of KB after sh). */
export const STATE_CAPS = { console: 200, exited: 50, frameRuns: 2048, processes: 64, mappingRuns: 256, directory: 64, sections: 64 };

interface Session {
  machine: Machine;
  options: MachineStartOptions;
}

const hex = (n: number) => hex32(n, 8);

/** The engine threw: its refusals (RangeError, AssertionError, ProgramError) as plain Errors with its text. */
function engineError(where: string, error: unknown): Error {
  if (error instanceof Error) return new Error(`${where}: ${error.message}`);
  return new Error(`${where}: ${String(error)}`);
}

export class MachineSessions {
  /** Oldest use first (a use moves a session to the end). */
  private readonly sessions = new Map<string, Session>();
  /** Ids closed to make room, so a later call can say so (the last 32). */
  private readonly evicted = new Set<string>();

  start(options: MachineStartOptions): { sessionId: string; state: MachineState; closed: string | null } {
    let machine: Machine;
    try {
      machine = new Machine({ arch: options.arch, ramSize: options.ramMiB * MiB, copyOnWrite: options.copyOnWrite });
    } catch (error) {
      throw engineError('machineStart', error);
    }
    let closed: string | null = null;
    if (this.sessions.size >= MAX_MACHINE_SESSIONS) {
      closed = this.sessions.keys().next().value!;
      this.sessions.delete(closed);
      this.evicted.add(closed);
      if (this.evicted.size > 32) this.evicted.delete(this.evicted.values().next().value!);
    }
    const sessionId = randomUUID();
    const session = { machine, options: { ...options } };
    this.sessions.set(sessionId, session);
    return { sessionId, state: machineState(session), closed };
  }

  close(sessionId: string): boolean {
    return this.sessions.delete(sessionId);
  }

  /** How many sessions are open. */
  get size(): number {
    return this.sessions.size;
  }

  dispose(): void {
    this.sessions.clear();
  }

  call<C extends MachineCall>(sessionId: string, call: C): MachineReply<C['op']> {
    const session = this.sessions.get(sessionId);
    if (!session) {
      const why = this.evicted.has(sessionId) ? ` (closed to make room: at most ${MAX_MACHINE_SESSIONS} sessions)` : '';
      throw new Error(`machineCall: no machine session '${sessionId}'${why}`);
    }
    this.sessions.delete(sessionId);
    this.sessions.set(sessionId, session);
    let result: MachineResults[C['op']];
    try {
      result = perform(session.machine, call) as MachineResults[C['op']];
    } catch (error) {
      if (error instanceof CallerError) throw new Error(`machineCall: ${call.op}: ${error.message}`);
      throw engineError(`machineCall: ${call.op}`, error);
    }
    return { result, state: machineState(session) };
  }
}

/** A caller pid that is not a live process (not an engine refusal: the call never reached the engine). */
class CallerError extends Error {}

function live(machine: Machine, pid: number): Process {
  const process = machine.processes.get(pid);
  if (process && process.state !== ProcessState.Zombie) return process;
  const alive = machine.processes.all().filter((p) => p.state !== ProcessState.Zombie).map((p) => p.id);
  throw new CallerError(`call.pid: no live process ${pid} (live: ${alive.length ? alive.join(', ') : 'none'})`);
}

function perform(machine: Machine, call: MachineCall): MachineResults[MachineCall['op']] {
  switch (call.op) {
    case 'boot':
      return machine.boot(call.path);
    case 'spawn':
      return machine.spawn(live(machine, call.pid), call.path);
    case 'launch': {
      const launcher = new ApplicationLauncher(machine, live(machine, call.pid), call.path);
      const result = launcher.exec();
      return { result, name: ApplicationLauncher.Result[result]!, pid: launcher.getPid() };
    }
    case 'fork':
      return machine.fork(live(machine, call.pid));
    case 'execve':
      return machine.execve(live(machine, call.pid), call.path);
    case 'kill':
      return machine.kill(call.pid);
    case 'wait':
      return machine.waitpid(call.pid);
    case 'step':
      return machine.step();
    case 'run': {
      const steps = machine.run(call.steps);
      return { steps, idle: steps < call.steps };
    }
    case 'translate':
      return translate(machine, live(machine, call.pid), call.virt, call.access ?? 'read');
    case 'vmctl': {
      const operation = vmctlOperations.indexOf(call.operation) as MemoryOperation;
      const range: MachineRange = { virt: call.range.virt, phys: call.range.phys, size: call.range.size, access: call.range.access };
      const result = VMCtl(machine.kernel, machine.processes, null, call.pid, operation, range);
      return { result, name: API.Result[result] ?? String(result), range: { ...range } };
    }
    case 'install': {
      const image = machine.install(call.program, `${String(call.program.name ?? 'program')}.json`);
      return { name: image.name, segments: image.segments.length, steps: image.script.length };
    }
    case 'state':
      return null;
  }
}

const faultName = (value: number): MachineFault =>
  value === PageFault.NotPresent ? 'NotPresent' : value === PageFault.ReadOnly ? 'ReadOnly' : value === PageFault.KernelOnly ? 'KernelOnly' : 'Fault';
const faultWords: Record<MachineFault, string> = {
  NotPresent: 'not present: a page fault (NotPresent)',
  ReadOnly: 'a write to a read-only page: a page fault (ReadOnly)',
  KernelOnly: 'a user access to a kernel page: a page fault (KernelOnly)',
  Fault: 'a table lies outside physical memory (Fault)',
};
const flagNames = (flags: number) => [...(flags & TLBFlag.Writable ? ['Writable'] : []), ...(flags & TLBFlag.User ? ['User'] : [])];

/**
 * The MMU's walk of `virt` in `process`'s tables, as a user access of `kind`. The process's tables
 * are loaded first when another's are (as running it would; that flushes the TLB). The walk fills
 * the TLB like a real access, so asking twice shows a hit. Faults are reported, not handled.
 */
function translate(machine: Machine, process: Process, virt: number, kind: MachineWalk['access']): MachineWalk {
  const mmu = machine.kernel.mmu;
  const root = process.context.root();
  const switched = mmu.root() !== root;
  if (switched) mmu.load(root);
  const walk = mmu.walk(virt, kind, true);
  const fault = walk.result < 0 ? faultName(walk.result) : null;
  const steps: MachineWalkStep[] = walk.steps.map((step, i) => {
    const next = walk.steps[i + 1];
    let meaning: string;
    if (step.entry === Fault) meaning = 'unreadable (outside physical memory)';
    else if (step.level === 'directory' && next) meaning = `present: second-level table at ${hex(next.address - next.index * 4)}`;
    else if (i === walk.steps.length - 1 && walk.result === PageFault.NotPresent) meaning = 'not present';
    else if (step.level === 'directory') meaning = `present: maps the whole ${process.context.sectionSize / MiB} MiB section`;
    else meaning = `present: frame ${hex(step.entry & ~0xfff)}`;
    return { level: step.level, index: step.index, address: step.address, entry: step.entry, meaning };
  });
  const found = process.context.mappings({ virt: virt - (virt % PAGESIZE), size: PAGESIZE })[0];
  const mapping = found ? { phys: found.phys, access: Memory.accessNames(found.access), copyOnWrite: found.copyOnWrite } : null;
  const explanation = [
    `pid ${process.id}: ${kind} of ${hex(virt)} in user mode; top-level table ${hex(root)}${switched ? ' loaded (the TLB was flushed)' : ''}`,
    walk.tlb === 'hit' ? `TLB hit for page ${hex(virt >>> 12)}: no table read` : `TLB miss for page ${hex(virt >>> 12)}: the MMU walks the tables`,
    ...steps.map((s) => `${s.level}[${s.index}] at ${hex(s.address)} = ${hex(s.entry)}: ${s.meaning}`),
    fault
      ? `fault: ${faultWords[fault]}${fault === 'ReadOnly' && mapping?.copyOnWrite ? '; the page is copy-on-write: the kernel would copy it on a real write' : ''}`
      : `physical address ${hex(walk.result)} (frame ${hex(walk.result - (walk.result % PAGESIZE))} + offset ${hex(virt % PAGESIZE)}), allowed: ${flagNames(walk.flags).join(', ') || 'none'}`,
  ];
  return {
    pid: process.id, virt, access: kind, root, switched, tlb: walk.tlb, steps,
    phys: fault ? null : walk.result, fault, flags: flagNames(walk.flags), mapping, explanation,
  };
}

/** The session's machine as a bounded MachineState. */
export function machineState(session: Session): MachineState {
  const { machine, options } = session;
  const { kernel, processes } = machine;
  let truncated = false;

  const map = frameMap(kernel, processes);
  const runs: MachineFrameRun[] = [];
  const owners: Record<string, number> = {};
  let free = 0;
  let framesCut = false;
  for (let frame = 0; frame < map.owner.length; frame++) {
    const owner = FrameOwner[map.owner[frame]!]!;
    owners[owner] = (owners[owner] ?? 0) + 1;
    if (map.owner[frame] === FrameOwner.Free) free++;
    const pid = map.pid[frame]! >= 0 ? map.pid[frame]! : null;
    const region = map.region[frame]! >= 0 ? Region[map.region[frame]!]! : null;
    const last = runs[runs.length - 1];
    if (last && last.owner === owner && last.pid === pid && last.region === region && last.first + last.count === frame) last.count++;
    else if (runs.length < STATE_CAPS.frameRuns) runs.push({ first: frame, count: 1, owner, pid, region });
    else framesCut = true;
  }
  truncated ||= framesCut;

  const all = processes.all();
  if (all.length > STATE_CAPS.processes) truncated = true;
  const views = all.slice(0, STATE_CAPS.processes).map((p) => processView(machine, p));
  if (views.some((v) => v.truncated)) truncated = true;

  const counters = kernel.mmu.tlb.counters;
  const loaded = kernel.mmu.root();
  const owner = all.find((p) => p.state !== ProcessState.Zombie && p.context.root() === loaded);
  if (machine.console.length > STATE_CAPS.console || machine.exited.length > STATE_CAPS.exited) truncated = true;
  return {
    arch: options.arch, ramMiB: options.ramMiB, copyOnWrite: machine.copyOnWrite, clock: machine.clock,
    frames: { total: map.owner.length, free, runs, owners, truncated: framesCut },
    processes: views,
    exited: machine.exited.slice(-STATE_CAPS.exited).map((e) => ({ ...e })),
    console: machine.console.slice(-STATE_CAPS.console).map((l) => ({ pid: l.pid, text: l.text })),
    consoleLines: machine.console.length,
    mmu: {
      root: loaded, pid: owner?.id ?? null, tlbEntries: kernel.mmu.tlb.entries,
      hits: counters.hits, misses: counters.misses, flushes: counters.flushes, invalidations: counters.invalidations,
    },
    programs: [...machine.programs.keys()].sort(),
    truncated,
  };
}

/** The program a process runs (or ran, for a zombie): Machine keeps a zombie's in a private map. */
function programOf(machine: Machine, process: Process): string {
  return machine.taskOf(process.id)?.program ?? machine['programOf'](process);
}

function processView(machine: Machine, process: Process): MachineProcess {
  const base = {
    pid: process.id, parent: process.parent, state: ProcessState[process.state] as MachineProcess['state'], program: programOf(machine, process),
  };
  const root = process.state === ProcessState.Zombie ? 0 : process.context.root();
  if (root === 0) return { ...base, root: 0, regions: [], directory: [], sections: [], mappings: [], pages: 0, truncated: false };
  let truncated = false;
  const entries = pageTable(process);
  const mappings: MachineMappingRun[] = [];
  for (const e of entries) {
    const last = mappings[mappings.length - 1];
    if (last && last.virt + last.pages * PAGESIZE === e.virt && last.phys + last.pages * PAGESIZE === e.phys
      && last.flags === (e.flags) && last.copyOnWrite === e.copyOnWrite && last.access.join() === Memory.accessNames(e.access).join()) {
      last.pages++;
    } else if (mappings.length < STATE_CAPS.mappingRuns) {
      mappings.push({ virt: e.virt, phys: e.phys, pages: 1, access: Memory.accessNames(e.access), flags: e.flags, copyOnWrite: e.copyOnWrite });
    } else truncated = true;
  }
  const own = new Set(ownTables(machine.kernel, process));
  const { sectionSize } = process.context;
  const directory: MachineDirectoryEntry[] = [];
  const sections: MachineProcess['sections'] = [];
  for (const { index, value, table } of process.context.directoryEntries()) {
    if (table === null) {
      const last = sections[sections.length - 1];
      if (last && last.index + last.count === index) {
        last.count++;
        last.size += sectionSize;
      } else if (sections.length < STATE_CAPS.sections) sections.push({ index, count: 1, virt: index * sectionSize, size: sectionSize });
      else truncated = true;
      continue;
    }
    if (directory.length >= STATE_CAPS.directory) {
      truncated = true;
      continue;
    }
    const virt = index * sectionSize;
    const pages = entries.filter((e) => e.virt >= virt && e.virt - virt < sectionSize).length;
    directory.push({ index, virt, value, table, kernel: !own.has(table), pages });
  }
  const regions = RegionNames.map((name) => {
    const range = process.memoryMap.range(Region[name]);
    const pages = entries.filter((e) => e.virt >= range.virt && e.virt - range.virt < range.size).length;
    return { name, virt: range.virt, size: range.size, pages };
  });
  return { ...base, root, regions, directory, sections, mappings, pages: entries.length, truncated };
}
