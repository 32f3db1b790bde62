// ProcessManager: the process table (PIDs 0..1023), process creation in FreeNOS's physical
// allocation order, and destruction with what it frees (sections 9.1 and 9.6 of the reference).
// A fresh Intel process costs 10 pages: directory 1, user stack 4, its page table 1, kernel
// stack 1, event channel 2, the UserShare page table 1. An ARM process costs 12: its first-level
// table is 4 pages and it has no kernel stack.
import { Allocator } from './Allocator';
import { KERNEL_PID } from './API';
import type { Kernel } from './Kernel';
import { Memory } from './Memory';
import { MemoryContext, PAGESIZE } from './MemoryContext';
import { MemoryMap, Region } from './MemoryMap';
import { Process, ProcessState, type Share } from './Process';

export const MaximumProcesses = 1024;
/** Size of the kernel's event-channel object for each process (the lab's stand-in). */
export const ChannelObjectSize = 48;
const UserStackSize = 16 * 1024;
const ChannelSize = 2 * PAGESIZE;

export class ProcessManager {
  private readonly table: (Process | null)[] = new Array<Process | null>(MaximumProcesses).fill(null);
  /** The process running now, or null for the kernel. */
  current: Process | null = null;

  constructor(readonly kernel: Kernel) {}

  /** The process with `pid`, or null (also for special ids such as SELF or ANY). */
  get(pid: number): Process | null {
    return Number.isInteger(pid) && pid >= 0 && pid < MaximumProcesses ? this.table[pid]! : null;
  }

  /** Every process in the table, lowest PID first. */
  all(): Process[] {
    return this.table.filter((p): p is Process => p !== null);
  }

  /**
   * A new process on the lowest free PID with its own copy of `map`, or null when the table is
   * full or memory ran out (then everything it took is given back). Ready at once when
   * readyToRun; its parent is the current process.
   */
  create(entry: number, map: MemoryMap, readyToRun = false, privileged = false): Process | null {
    const pid = this.table.indexOf(null);
    if (pid < 0) return null;
    const { kernel } = this;
    const context = kernel.createContext(map, `pid ${pid}`);
    const process = new Process(pid, new MemoryMap(map), context, privileged);
    this.table[pid] = process;
    if (!this.initialize(process, entry)) {
      this.table[pid] = null;
      this.destroy(process);
      return null;
    }
    process.parent = this.current ? this.current.id : 0;
    if (readyToRun) process.state = ProcessState.Ready;
    kernel.log?.push({ type: 'process', op: 'create', pid, parent: process.parent });
    return process;
  }

  /**
   * FreeNOS's KillPID: frees the process's memory (destroy()) and its PID slot at once.
   * Returns false for an unknown pid. A zombie's slot is simply freed.
   */
  remove(pid: number, status: number): boolean {
    const process = this.get(pid);
    if (!process) return false;
    this.table[pid] = null;
    if (process.state !== ProcessState.Zombie) {
      process.exitStatus = status;
      if (this.current === process) this.current = null;
      this.destroy(process);
    }
    this.kernel.log?.push({ type: 'process', op: 'remove', pid, parent: process.parent, status: process.exitStatus });
    return true;
  }

  /**
   * POSIX exit (the lab's addition): frees the memory as remove() does but keeps the slot as a
   * Zombie holding `status` until reap(). False for an unknown pid or one already exited.
   */
  exit(pid: number, status: number): boolean {
    const process = this.get(pid);
    if (!process || process.state === ProcessState.Zombie) return false;
    process.exitStatus = status;
    if (this.current === process) this.current = null;
    this.destroy(process);
    process.state = ProcessState.Zombie;
    this.kernel.log?.push({ type: 'process', op: 'exit', pid, parent: process.parent, status });
    return true;
  }

  /** Frees a zombie's slot and returns its exit status; null when `pid` is not a zombie. */
  reap(pid: number): number | null {
    const process = this.get(pid);
    if (!process || process.state !== ProcessState.Zombie) return null;
    this.table[pid] = null;
    this.kernel.log?.push({ type: 'process', op: 'reap', pid, parent: process.parent, status: process.exitStatus });
    return process.exitStatus;
  }

  /** Section 9.1's initialize(): context, user stack, kernel stack (Intel only), registers, channel. */
  private initialize(process: Process, entry: number): boolean {
    const { kernel } = this;
    const context = process.context;
    if (context.initialize() !== MemoryContext.Result.Success) return false;

    const stack = process.memoryMap.range(Region.UserStack);
    const stackPages: Allocator.Range = { address: 0, size: UserStackSize, alignment: PAGESIZE };
    if (kernel.allocator.allocate(stackPages) !== Allocator.Result.Success) return false;
    const userRW = Memory.User | Memory.Readable | Memory.Writable;
    if (context.mapRangeContiguous({ virt: stack.virt, phys: stackPages.address, size: UserStackSize, access: userRW })
      !== MemoryContext.Result.Success) return false;

    if (kernel.arch === 'intel') {
      const kernelStack: Allocator.Range = { address: 0, size: PAGESIZE, alignment: PAGESIZE };
      if (kernel.allocator.allocate(kernelStack) !== Allocator.Result.Success) return false;
      process.kernelStack = kernelStack.address;
    }
    // The initial stack pointer: top - 4 on Intel, top - 8 on ARM (section 5.2).
    process.registers = { eip: entry, esp: stack.virt + UserStackSize - (kernel.arch === 'intel' ? 4 : 8) };

    process.channelObject = kernel.new(ChannelObjectSize);
    const channel: Allocator.Range = { address: 0, size: ChannelSize, alignment: PAGESIZE };
    if (kernel.allocator.allocate(channel) !== Allocator.Result.Success) return false;
    kernel.memory.fill(channel.address, 0, ChannelSize);
    // As in FreeNOS, the results of the search and the mappings here are not checked.
    const { virt } = context.findFree(ChannelSize, Region.UserShare);
    context.mapRangeContiguous({ virt, phys: channel.address, size: ChannelSize, access: Memory.User | Memory.Readable });
    context.unmap(virt + PAGESIZE);
    context.map(virt + PAGESIZE, channel.address + PAGESIZE, userRW);
    process.shares.push({ pid: KERNEL_PID, virt, phys: channel.address, size: ChannelSize, attached: true });
    return true;
  }

  /** Section 9.6: frees the kernel stack, the channel object, the user regions, the context and shares. */
  private destroy(process: Process): void {
    const { kernel } = this;
    const context = process.context;
    if (process.kernelStack) kernel.allocator.release(process.kernelStack);
    process.kernelStack = 0;
    if (process.channelObject) kernel.delete(process.channelObject);
    process.channelObject = 0;
    if (context.root() !== 0) {
      for (const region of [Region.UserData, Region.UserHeap, Region.UserStack, Region.UserPrivate, Region.UserArgs]) {
        context.releaseSection(process.memoryMap.range(region));
      }
      context.releaseSection(process.memoryMap.range(Region.UserShare), true);
      if (context.isActive()) kernel.context.activate();
      context.destroy();
    }
    for (const share of process.shares) {
      this.detach(process, share);
      share.attached = false;
    }
  }

  /**
   * `process` lets go of `share`: a peer still holding its side is told it is now alone;
   * otherwise (the peer already left, or it is the kernel channel) the share's pages are freed.
   */
  detach(process: Process, share: Share): void {
    const peer = share.pid === KERNEL_PID ? null
      : this.get(share.pid)?.shares.find((s) => s.pid === process.id && s.phys === share.phys) ?? null;
    if (peer?.attached) peer.attached = false;
    else for (let page = 0; page < share.size; page += PAGESIZE) this.kernel.allocator.release(share.phys + page);
  }
}
