// ForkLab: the machine the fork exercise (06-fork-cow) is graded on. A booted Intel Machine whose
// fork, write-fault handler and shared-frame counts are either the engine's copy-on-write (the
// oracle) or the student's object (its fork, fault and release methods), which works through
// `services()`: the kernel calls a student may make, checked and answered as plain data. The
// scenario's calls (start, fork, launch, exec, write, read, exit, frames) run on it with apply().
import { Allocator } from '../../kernel/Allocator';
import { FrameReferences } from '../../kernel/FrameReferences';
import { Memory } from '../../kernel/Memory';
import { MemoryContext, PAGESIZE } from '../../kernel/MemoryContext';
import { Region } from '../../kernel/MemoryMap';
import { ProcessState, type Process } from '../../kernel/Process';
import { ForkedRegions, type ForkPolicy } from '../../machine/Fork';
import { Machine } from '../../machine/Machine';
import { show, type Call } from '../Conformance';
import { TargetError } from '../ReplayTarget';

const MiB = 1024 * 1024;
/** The program each scenario starts, and the one exec() and launch() load. */
export const AppPath = 'app';
export const ToolPath = 'tool';
/** The exit status of a process killed by a write it may not make (128 + SIGSEGV). */
export const SegfaultStatus = 139;

/** A user page as the services describe it. */
export interface ForkPage {
  virt: number;
  phys: number;
  writable: boolean;
  copyOnWrite: boolean;
}

/** The student's object as the machine calls it (its methods, answers checked to be booleans). */
export interface ForkHandlers {
  fork(parent: number, child: number): boolean;
  fault(pid: number, virt: number): boolean;
  release(phys: number): boolean;
}

export interface ForkLabOptions {
  /** RAM in MiB (8 to 256). */
  ramMiB: number;
  /** Pages in the app's data segment. */
  dataPages: number;
}

export type Services = Record<string, (...args: unknown[]) => unknown>;

/** The kernel's FrameReferences answered by the student's release(); share() and count() are the student's own business. */
class StudentReferences extends FrameReferences {
  constructor(private readonly handlers: () => ForkHandlers) {
    super();
  }
  override release(phys: number): boolean {
    return this.handlers().release(phys);
  }
}

export class ForkLab {
  readonly machine: Machine;
  private handlers: ForkHandlers | null = null;
  /** Frames in use once the kernel booted, before any process. */
  private readonly booted: number;

  /** `student` null: the engine's copy-on-write (the oracle); else the student's handlers, set with attach(). */
  constructor(readonly options: ForkLabOptions, student: boolean) {
    const handlers = () => {
      if (!this.handlers) throw new Error('ForkLab: no student handlers attached');
      return this.handlers;
    };
    const policy: ForkPolicy | undefined = student ? {
      fork: (_kernel, parent, child) => handlers().fork(parent.id, child.id),
      fault: (_kernel, process, virt) => handlers().fault(process.id, virt),
    } : undefined;
    this.machine = new Machine({
      ramSize: options.ramMiB * MiB, copyOnWrite: true, builtins: false, forkPolicy: policy,
      references: student ? new StudentReferences(handlers) : undefined,
    });
    const text = { virt: 0x80000000, size: 2 * PAGESIZE, access: 'rx', fill: 0x90 };
    this.machine.install({ name: AppPath, segments: [text, { virt: 0x80002000, size: options.dataPages * PAGESIZE, access: 'rw', fill: 0x11 }], script: [] });
    this.booted = this.inUse();
    this.machine.install({ name: ToolPath, segments: [{ ...text, size: PAGESIZE }, { virt: 0x80001000, size: PAGESIZE, access: 'rw', fill: 0x22 }], script: [] });
  }

  attach(handlers: ForkHandlers): void {
    this.handlers = handlers;
  }

  /** Frames the physical allocator has handed out since boot (user pages, tables, stacks alike). */
  frames(): number {
    return this.inUse() - this.booted;
  }

  private inUse(): number {
    const { allocator } = this.machine.kernel;
    return (allocator.size() - allocator.available()) / PAGESIZE;
  }

  /** A live process, or null. */
  process(pid: number): Process | null {
    const p = this.machine.processes.get(pid);
    return p && p.state !== ProcessState.Zombie && this.machine.taskOf(pid) ? p : null;
  }

  /** The user pages fork copies in `pid`'s space (data, private, heap, stack, arguments), lowest first. */
  pages(pid: number): ForkPage[] {
    const process = this.existing(pid, 'kernel.pages');
    return ForkedRegions.flatMap((r) => process.context.mappings(process.memoryMap.range(r))).map(describePage);
  }

  /** Runs one scenario call; returns its answer as plain data. Throws RangeError for a call that names no live process. */
  apply(call: Call): unknown {
    const [a = 0, b = 0, c = 0] = call.args;
    switch (call.method) {
      case 'start': {
        // Boot loading maps every segment writable (FreeNOS's boot loader ignores access); execve
        // loads the same program again with each segment's own access, so the text is read-only.
        const r = this.machine.boot(AppPath);
        if (!r.ok) return r.error;
        const e = this.machine.execve(this.live(r.pid, 'start'), AppPath);
        return e.ok ? r.pid : e.error;
      }
      case 'fork': {
        const r = this.machine.fork(this.live(a, 'fork'));
        return r.ok ? r.pid : r.error;
      }
      case 'launch': {
        // ApplicationLauncher: fork, and the child runs execve(tool).
        const r = this.machine.fork(this.live(a, 'launch'));
        if (!r.ok) return r.error;
        const e = this.machine.execve(this.live(r.pid, 'launch'), ToolPath);
        return e.ok ? r.pid : e.error;
      }
      case 'exec': {
        const r = this.machine.execve(this.live(a, 'exec'), ToolPath);
        return r.ok ? 'ok' : r.error;
      }
      case 'write': {
        const process = this.live(a, 'write');
        if (this.machine.memoryOf(process).write32(b, c) === 0) return 'ok';
        this.end(process, SegfaultStatus);
        return 'segfault';
      }
      case 'read': {
        const value = this.machine.memoryOf(this.live(a, 'read')).read32(b);
        return value < 0 ? 'fault' : value;
      }
      case 'exit':
        this.end(this.live(a, 'exit'), 0);
        return 'ok';
      case 'frames':
        return this.frames();
      default:
        throw new RangeError(`fork-cow: unknown call ${call.method}`);
    }
  }

  /**
   * The kernel calls the student's object may make, each checking its arguments (a RangeError
   * naming the call and the reason) and answering plain data.
   */
  services(): Services {
    const { kernel } = this.machine;
    const where = (name: string, args: unknown[]) => `kernel.${name}(${args.map(show).join(', ')})`;
    const frame = (name: string, args: unknown[], value: unknown, what: string): number => {
      const phys = address(name, args, value, what);
      const offset = phys - kernel.allocator.base();
      if (offset < 0 || offset >= kernel.allocator.size() || !kernel.allocator.isAllocated(phys)) {
        throw new RangeError(`${where(name, args)}: ${what} ${show(phys)} is not a frame in use (take one from allocateFrame)`);
      }
      const owner = this.kernelOwner(phys);
      if (owner !== null) throw new RangeError(`${where(name, args)}: ${what} ${show(phys)} is the kernel's (${owner}): give a process only frames from allocateFrame or its own pages`);
      return phys;
    };
    const userPage = (name: string, args: unknown[], pid: unknown, virt: unknown) => {
      const process = this.existing(int(name, args, pid, 'pid'), `kernel.${name}`);
      const page = address(name, args, virt, 'virt');
      const region = process.memoryMap.regionOf(page);
      if (region === null || !ForkedRegions.includes(region)) throw new RangeError(`${where(name, args)}: virt ${show(page)} is not in a user region fork copies`);
      return { process, page };
    };
    const flag = (name: string, args: unknown[], value: unknown, what: string): boolean => {
      if (typeof value !== 'boolean') throw new RangeError(`${where(name, args)}: ${what} must be true or false, not ${show(value)}`);
      return value;
    };
    const access = (writable: boolean) => Memory.User | Memory.Readable | (writable ? Memory.Writable : 0);
    return {
      pages: (...args) => this.pages(int('pages', args, args[0], 'pid')),
      lookup: (...args) => {
        const process = this.existing(int('lookup', args, args[0], 'pid'), 'kernel.lookup');
        const virt = int('lookup', args, args[1], 'virt');
        if (virt < 0 || virt > 0xffffffff) throw new RangeError(`${where('lookup', args)}: virt ${show(virt)} is not a 32-bit address`);
        const [m] = process.context.mappings({ virt: virt - (virt % PAGESIZE), size: PAGESIZE });
        return m ? describePage(m) : null;
      },
      map: (...args) => {
        const { process, page } = userPage('map', args, args[0], args[1]);
        const phys = frame('map', args, args[2], 'phys');
        const writable = flag('map', args, args[3], 'writable'), cow = flag('map', args, args[4], 'copyOnWrite');
        if (process.context.lookup(page).result === MemoryContext.Result.Success) {
          throw new RangeError(`${where('map', args)}: pid ${process.id} already has a page at ${show(page)}${process.memoryMap.regionOf(page) === Region.UserStack ? ' (its own stack, made with the process: copy the bytes into it)' : ''}`);
        }
        if (process.context.map(page, phys, access(writable)) !== MemoryContext.Result.Success) return false;
        if (cow) process.context.remap(page, { copyOnWrite: true });
        return true;
      },
      remap: (...args) => {
        const { process, page } = userPage('remap', args, args[0], args[1]);
        const phys = frame('remap', args, args[2], 'phys');
        const writable = flag('remap', args, args[3], 'writable'), cow = flag('remap', args, args[4], 'copyOnWrite');
        if (process.context.lookup(page).result !== MemoryContext.Result.Success) throw new RangeError(`${where('remap', args)}: nothing is mapped at ${show(page)} in pid ${process.id}`);
        process.context.remap(page, { phys, access: access(writable), copyOnWrite: cow });
        return undefined;
      },
      allocateFrame: () => {
        const range: Allocator.Range = { address: 0, size: PAGESIZE, alignment: PAGESIZE };
        return kernel.allocator.allocate(range) === Allocator.Result.Success ? range.address : 0;
      },
      copyFrame: (...args) => {
        const to = frame('copyFrame', args, args[0], 'to'), from = frame('copyFrame', args, args[1], 'from');
        kernel.memory.copy(to, from, PAGESIZE);
        return undefined;
      },
    };
  }

  /** Ends `process` with `status`; a parent still alive collects it at once (waitpid), so slots come back. */
  private end(process: Process, status: number): void {
    this.machine.exit(process, status);
    if (this.machine.processes.get(process.id)?.state === ProcessState.Zombie) this.machine.waitpid(process.id);
  }

  /**
   * What the kernel keeps in the frame at `phys` (its image or heap, firmware, a process's directory
   * or kernel stack), as the frame map names it; null for a frame a process may be given. Page tables
   * are not looked for: finding them reads every directory, six times the cost of a whole scenario.
   */
  private kernelOwner(phys: number): string | null {
    const { kernel, processes } = this.machine;
    const { firmware, kernelImage, bootImage, heap, directory, directorySize } = kernel.layout;
    const areas: [{ address: number; size: number }, string][] = [...firmware.map((a): [typeof a, string] => [a, 'firmware']),
      [kernelImage, 'the kernel image'], [bootImage, 'the boot image'], [heap, 'the kernel heap'], [{ address: directory, size: directorySize }, 'a page directory']];
    const frame = phys - (phys % PAGESIZE);
    for (const [area, name] of areas) if (frame + PAGESIZE > area.address && frame < area.address + area.size) return name;
    for (const process of processes.all()) {
      if (process.state === ProcessState.Zombie || process.context.root() === 0) continue;
      if (frame >= process.context.root() && frame < process.context.root() + process.context.rootSize) return 'a page directory';
      if (process.kernelStack === frame) return 'a kernel stack';
    }
    return null;
  }

  /** A process the kernel knows and that has not exited (a child being forked has no program yet). */
  private existing(pid: number, call: string): Process {
    const process = this.machine.processes.get(pid);
    if (!process || process.state === ProcessState.Zombie) throw new RangeError(`${call}(${pid}, ...): no process ${pid}`);
    return process;
  }

  private live(pid: number, call: string): Process {
    const process = this.process(pid);
    if (!process) throw new RangeError(`${call}: no live process ${pid}`);
    return process;
  }
}

/** Turns the student's object (an ApiTarget's invoke) into handlers whose answers must be booleans. */
export function handlersOf(invoke: (method: string, args: number[]) => unknown): ForkHandlers {
  const ask = (method: string, args: number[]): boolean => {
    const r = invoke(method, args);
    if (typeof r !== 'boolean') throw new TargetError('invalid', `${method}(${args.map(show).join(', ')}) returned ${r === undefined ? 'nothing' : JSON.stringify(r)}: it must return true or false`);
    return r;
  };
  return {
    fork: (parent, child) => ask('fork', [parent, child]),
    fault: (pid, virt) => ask('fault', [pid, virt]),
    release: (phys) => ask('release', [phys]),
  };
}

function describePage(m: { virt: number; phys: number; access: number; copyOnWrite: boolean }): ForkPage {
  return { virt: m.virt, phys: m.phys, writable: (m.access & Memory.Writable) !== 0, copyOnWrite: m.copyOnWrite };
}

function int(name: string, args: unknown[], v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new RangeError(`kernel.${name}(${args.map(show).join(', ')}): ${what} must be an integer, not ${show(v)}`);
  return v;
}

/** A page-aligned 32-bit address. */
function address(name: string, args: unknown[], v: unknown, what: string): number {
  const n = int(name, args, v, what);
  if (n < 0 || n > 0xffffffff || n % PAGESIZE !== 0) throw new RangeError(`kernel.${name}(${args.map(show).join(', ')}): ${what} ${show(n)} must be a page-aligned address (a multiple of 4096)`);
  return n;
}
