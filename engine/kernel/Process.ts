// Process: one entry of the process table. It owns a copy of the memory map, its address space
// (an IntelPaging or ARMPaging context), a kernel stack page (Intel), and its shares (the kernel event channel and
// VMShare areas). The script that drives it (programs are data) lives with the machine.
import type { MemoryContext } from './MemoryContext';
import type { MemoryMap } from './MemoryMap';

export enum ProcessState {
  Ready = 0,
  Sleeping = 1,
  Waiting = 2,
  Stopped = 3,
  /** Exited, memory freed, exit status kept until the parent waits (POSIX; FreeNOS frees the slot). */
  Zombie = 4,
}

/** A shared-memory area mapped into this process. */
export interface Share {
  /** The other process (KERNEL_PID for the kernel event channel). */
  pid: number;
  /** Where it is mapped here, its physical pages and size. */
  virt: number;
  phys: number;
  size: number;
  /** Whether the other side is still attached (false once it deleted its side or exited). */
  attached: boolean;
  /** The share's tag (VMShare areas are found by peer and tag); 0 for the kernel channel. */
  tag?: number;
}

export class Process {
  state: ProcessState = ProcessState.Stopped;
  parent = 0;
  /** Exit status once exited (or killed). */
  exitStatus = 0;
  /** Physical page of the kernel stack (Intel), 0 if none. */
  kernelStack = 0;
  /** Kernel heap address of the event-channel object, 0 if none. */
  channelObject = 0;
  readonly shares: Share[] = [];
  /** Registers as set at creation: entry point and user stack pointer. */
  registers = { eip: 0, esp: 0 };

  constructor(readonly id: number, readonly memoryMap: MemoryMap, readonly context: MemoryContext,
    readonly privileged: boolean) {}
}
