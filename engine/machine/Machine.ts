// Machine: the emulated computer. A booted Kernel, its process table, the installed programs
// (the "file system"), and the process calls: FreeNOS's boot loading and spawn, and the lab's
// POSIX fork, execve, exit, waitpid and kill. Each call returns what happened as plain data.
// step() runs one script step of the next ready process (round robin, lowest PID first).
import { Memory } from '../kernel/Memory';
import { KERNEL_PID, MemoryOperation, SELF } from '../kernel/API';
import { Kernel, type KernelOptions } from '../kernel/Kernel';
import { Region } from '../kernel/MemoryMap';
import { type Process, ProcessState } from '../kernel/Process';
import { ProcessManager } from '../kernel/ProcessManager';
import { UserRuntime } from '../kernel/UserRuntime';
import { VMCopy, VMCopyDirection } from '../kernel/VMCopy';
import { VMCtl } from '../kernel/VMCtl';
import { VirtualMemory, type FaultHandler } from '../hw/VirtualMemory';
import { builtinPrograms } from './builtins';
import { enginePolicy, type ForkPolicy } from './Fork';
import { execute, type Task } from './Interpreter';
import { argumentPages, loadBootProgram, loadSegments, writeArguments } from './Loader';
import { parseProgram } from './parseProgram';
import type { ProgramImage, Step } from './Program';

export type Errno = 'ENOENT' | 'ENOMEM' | 'EIO' | 'EFAULT' | 'ESRCH';
export type CallResult = { ok: true; pid: number } | { ok: false; error: Errno; reason: string };

export interface MachineOptions extends KernelOptions {
  /** fork shares pages copy-on-write instead of copying them (the fork exercise's subject). */
  copyOnWrite?: boolean;
  /** Who forks address spaces and handles write faults; default the engine's (per copyOnWrite). */
  forkPolicy?: ForkPolicy;
  /** Install the built-in programs (sh, hog, server, broken). Default true. */
  builtins?: boolean;
}

const UserRW = Memory.User | Memory.Readable | Memory.Writable;
const UserRWX = UserRW | Memory.Executable;
const failed = (error: Errno, reason: string): CallResult => ({ ok: false, error, reason });

export class Machine {
  readonly kernel: Kernel;
  readonly processes: ProcessManager;
  readonly programs = new Map<string, ProgramImage>();
  /** Lines printed by processes, oldest first. */
  readonly console: { pid: number; text: string }[] = [];
  /** Processes that exited with no parent left to wait for them. */
  readonly exited: { pid: number; program: string; status: number }[] = [];
  copyOnWrite: boolean;
  readonly forkPolicy: ForkPolicy;
  /** Script steps run so far; sleeping processes wake by it. */
  clock = 0;
  private readonly runtimes = new Map<number, UserRuntime>();
  private readonly tasks = new Map<number, Task>();
  /** The program each zombie ran, for `exited` when it is reaped as an orphan. */
  private readonly zombiePrograms = new Map<number, string>();
  private lastPid = -1;

  constructor(options: MachineOptions = {}) {
    this.kernel = new Kernel(options);
    this.processes = new ProcessManager(this.kernel);
    this.copyOnWrite = options.copyOnWrite ?? false;
    this.forkPolicy = options.forkPolicy ?? enginePolicy(() => this.copyOnWrite);
    if (options.builtins ?? true) for (const [file, json] of builtinPrograms) this.install(json, file);
  }

  /** Checks and installs a program image under its name; throws ProgramError naming the field. */
  install(json: unknown, file = 'program.json'): ProgramImage {
    const image = parseProgram(json, file);
    this.programs.set(image.name, image);
    return image;
  }

  runtimeOf(pid: number): UserRuntime | null {
    return this.runtimes.get(pid) ?? null;
  }

  taskOf(pid: number): Task | null {
    return this.tasks.get(pid) ?? null;
  }

  /** A process's user address space through the MMU. */
  memoryOf(process: Process, user = true): VirtualMemory {
    return new VirtualMemory(this.kernel.memory, this.kernel.mmu, process.context.root(),
      { user, log: this.kernel.log, onFault: this.faultHandler(process) });
  }

  print(pid: number, text: string): void {
    this.console.push({ pid, text });
    this.kernel.log?.push({ type: 'console', pid, text });
  }

  /**
   * Section 9.2: the kernel creates a ready process and loads the program itself (its UserArgs
   * hold only the program name). Failure is fatal.
   */
  boot(path: string): CallResult {
    const image = this.programs.get(path);
    if (!image) return failed('ENOENT', `no program named '${path}'`);
    this.processes.current = null;
    const process = this.processes.create(image.entry, this.kernel.memoryMap, true);
    if (!process || !loadBootProgram(this.kernel, process, image)) {
      throw new Error(`kernel panic: cannot load boot program '${path}': out of memory`);
    }
    process.parent = KERNEL_PID;
    return this.begin(process, image, image.script);
  }

  /**
   * Section 9.3, FreeNOS spawn: a stopped child; each segment mapped in the child (VMCtl), mapped
   * again into the caller's UserPrivate, filled there and unmapped; 32 UserArgs pages; argv built
   * in an 8 KiB buffer on the caller's heap and sent with VMCopy, then the caller's file table.
   */
  spawn(caller: Process, path: string, argv?: string[]): CallResult {
    const image = this.programs.get(path);
    if (!image) return failed('ENOENT', `no program named '${path}'`);
    const runtime = this.runtimes.get(caller.id);
    if (!runtime) return failed('EIO', `pid ${caller.id} has no runtime`);
    this.processes.current = caller;
    const child = this.processes.create(image.entry, this.kernel.memoryMap);
    if (!child) return failed('EIO', 'the process table or memory is full');
    const vmctl = (pid: number, op: MemoryOperation, range: Memory.Range) => VMCtl(this.kernel, this.processes, caller, pid, op, range);
    const fault = (reason: string): CallResult => {
      this.processes.remove(child.id, 1);
      return failed('EFAULT', reason);
    };
    const callerMemory = this.memoryOf(caller);
    for (const segment of image.segments) {
      const theirs: Memory.Range = { virt: segment.virt, phys: 0, size: segment.size, access: UserRWX };
      if (vmctl(child.id, MemoryOperation.MapContiguous, theirs) !== 0) return fault('cannot map a segment in the child');
      const ours: Memory.Range = { virt: 0, phys: theirs.phys, size: segment.size, access: UserRW };
      if (vmctl(SELF, MemoryOperation.MapContiguous, ours) !== 0) return fault('cannot map a segment window');
      callerMemory.fill(ours.virt, segment.fill, segment.size);
      vmctl(SELF, MemoryOperation.UnMap, ours);
    }
    const args = child.memoryMap.range(Region.UserArgs);
    if (vmctl(child.id, MemoryOperation.MapContiguous, { virt: args.virt, phys: 0, size: args.size, access: UserRW }) !== 0) {
      return fault('cannot map the arguments');
    }
    const buffer = runtime.malloc(8192);
    if (buffer === 0) return fault('cannot allocate the argument buffer');
    callerMemory.write(buffer, argumentPages(argv ?? image.argv));
    const kernelView = this.memoryOf(caller, false);
    const ourArgs = caller.memoryMap.range(Region.UserArgs);
    const sent = VMCopy(caller, kernelView, child, VMCopyDirection.Write, buffer, args.virt, 8192) === 0
      && VMCopy(caller, kernelView, child, VMCopyDirection.Write, ourArgs.virt + 8192, args.virt + 8192, args.size - 8192) === 0;
    runtime.free(buffer);
    if (!sent) return fault('cannot copy the arguments');
    child.state = ProcessState.Ready;
    return this.begin(child, image, image.script);
  }

  /** POSIX fork: a child with a copy (or copy-on-write share) of the caller's user memory. */
  fork(caller: Process, childSteps: Step[] = []): CallResult {
    const runtime = this.runtimes.get(caller.id);
    const task = this.tasks.get(caller.id);
    if (!runtime || !task) return failed('EIO', `pid ${caller.id} is not running a program`);
    this.processes.current = caller;
    const child = this.processes.create(caller.registers.eip, caller.memoryMap);
    if (!child) return failed('ENOMEM', 'the process table or memory is full');
    if (!this.forkPolicy.fork(this.kernel, caller, child)) {
      this.processes.remove(child.id, 1);
      return failed('ENOMEM', 'out of memory while copying the address space');
    }
    child.registers = { ...caller.registers };
    child.state = ProcessState.Ready;
    this.runtimes.set(child.id, runtime.forkInto(this.kernel, this.processes, child, this.faultHandler(child)));
    this.tasks.set(child.id, { program: task.program, frames: [{ steps: childSteps, index: 0, times: 1 }],
      vars: new Map(task.vars), wakeAt: 0, waitingFor: null });
    return { ok: true, pid: child.id };
  }

  /**
   * The lab's execve (after FreeNOS's RecoveryServer restart, 9.7): UserData, UserHeap and
   * UserPrivate released with their tables, the new image loaded with its own access, argv
   * written into UserArgs, a fresh heap. Stack, arguments region and shares are kept.
   * ENOENT changes nothing; a failure after the release ends the process (status 127).
   */
  execve(caller: Process, path: string, argv?: string[]): CallResult {
    const image = this.programs.get(path);
    if (!image) return failed('ENOENT', `no program named '${path}'`);
    for (const region of [Region.UserData, Region.UserHeap, Region.UserPrivate]) {
      caller.context.releaseSection(caller.memoryMap.range(region));
    }
    const stack = caller.memoryMap.range(Region.UserStack);
    caller.registers = { eip: image.entry, esp: stack.virt + stack.size - 4 };
    // The arguments are written through the kernel's direct map, which bypasses copy-on-write:
    // pages still shared with a fork parent get their private copy first.
    const args = caller.memoryMap.range(Region.UserArgs);
    for (let page = 0; page < 2; page++) this.forkPolicy.fault(this.kernel, caller, args.virt + page * 4096);
    if (!loadSegments(this.kernel, caller, image, true) || !writeArguments(this.kernel, caller, argv ?? image.argv)) {
      this.exit(caller, 127);
      return failed('ENOMEM', `out of memory while loading '${path}'`);
    }
    this.runtimes.delete(caller.id);
    return this.begin(caller, image, image.script);
  }

  /**
   * POSIX exit: memory freed now, the status kept until the parent waits. Waiters wake. Zombie
   * children are reaped, live ones handed to the kernel; with no parent left to wait, the status
   * goes to `exited` and the slot is freed.
   */
  exit(process: Process, status: number): void {
    const program = this.tasks.get(process.id)?.program ?? '?';
    this.runtimes.delete(process.id);
    this.tasks.delete(process.id);
    this.processes.exit(process.id, status);
    for (const other of this.processes.all()) {
      if (other.parent === process.id && other !== process) {
        if (other.state === ProcessState.Zombie) this.reap(other, this.programOf(other));
        else other.parent = KERNEL_PID;
      }
      if (this.tasks.get(other.id)?.waitingFor === process.id && other.state === ProcessState.Waiting) other.state = ProcessState.Ready;
    }
    const parent = this.processes.get(process.parent);
    if (!parent || parent.state === ProcessState.Zombie) this.reap(process, program);
    else this.zombiePrograms.set(process.id, program);
  }

  /** waitpid: the status of an exited process (reaping it), 'running', or ESRCH. */
  waitpid(pid: number): { state: 'exited'; status: number } | { state: 'running' } | { state: 'error'; error: 'ESRCH' } {
    const target = this.processes.get(pid);
    if (!target) return { state: 'error', error: 'ESRCH' };
    if (target.state !== ProcessState.Zombie) return { state: 'running' };
    this.zombiePrograms.delete(pid);
    return { state: 'exited', status: this.processes.reap(pid)! };
  }

  /** kill(pid): ends a live process with `status` (SIGTERM: EXIT_FAILURE, 1). */
  kill(pid: number, status = 1): CallResult {
    const target = this.processes.get(pid);
    if (!target || target.state === ProcessState.Zombie) return failed('ESRCH', `no live process ${pid}`);
    this.exit(target, status);
    return { ok: true, pid };
  }

  /** Runs one script step of the next ready process; null when nothing can run. */
  step(): { pid: number; op: string; outcome: string } | null {
    const process = this.nextReady();
    if (!process) return null;
    const task = this.tasks.get(process.id)!;
    this.processes.current = process;
    this.lastPid = process.id;
    const report = execute(this, process, task);
    this.clock++;
    this.kernel.log?.push({ type: 'step', ...report });
    return report;
  }

  /** Runs up to maxSteps steps; returns how many ran. */
  run(maxSteps = 100_000): number {
    let steps = 0;
    while (steps < maxSteps && this.step()) steps++;
    return steps;
  }

  /** Runs until `done()` holds (true) or nothing can run or maxSteps pass (false). */
  runUntil(done: () => boolean, maxSteps = 100_000): boolean {
    for (let steps = 0; !done(); steps++) if (steps >= maxSteps || !this.step()) return done();
    return true;
  }

  /** Starts `image`'s script in `process` with a fresh heap; kills it if the heap cannot start. */
  private begin(process: Process, image: ProgramImage, steps: Step[]): CallResult {
    const runtime = UserRuntime.start(this.kernel, this.processes, process, this.faultHandler(process));
    this.tasks.set(process.id, { program: image.name, frames: [{ steps, index: 0, times: 1 }], vars: new Map(), wakeAt: 0, waitingFor: null });
    if (!runtime) {
      this.print(process.id, `${image.name}: cannot map the heap, exiting`);
      this.exit(process, 1);
      return failed('ENOMEM', 'cannot map the first heap page');
    }
    this.runtimes.set(process.id, runtime);
    return { ok: true, pid: process.id };
  }

  /** The kernel's page-fault handler for `process`: copy-on-write on writes, nothing else. */
  private faultHandler(process: Process): FaultHandler {
    return (virt, kind) => kind === 'write' && this.forkPolicy.fault(this.kernel, process, virt);
  }

  /** Frees a zombie nobody will wait for, keeping its status in `exited`. */
  private reap(process: Process, program: string): void {
    const status = this.processes.reap(process.id);
    this.zombiePrograms.delete(process.id);
    if (status !== null) this.exited.push({ pid: process.id, program, status });
  }

  private programOf(process: Process): string {
    return this.zombiePrograms.get(process.id) ?? this.tasks.get(process.id)?.program ?? '?';
  }

  /** The next Ready process after the last one run; sleepers whose time came are woken first. */
  private nextReady(): Process | null {
    const all = this.processes.all().filter((p) => this.tasks.has(p.id));
    for (const p of all) if (p.state === ProcessState.Sleeping && this.tasks.get(p.id)!.wakeAt <= this.clock) p.state = ProcessState.Ready;
    const ready = all.filter((p) => p.state === ProcessState.Ready);
    if (ready.length === 0) {
      const sleepers = all.filter((p) => p.state === ProcessState.Sleeping);
      if (sleepers.length === 0) return null;
      this.clock = Math.min(...sleepers.map((p) => this.tasks.get(p.id)!.wakeAt));
      return this.nextReady();
    }
    return ready.find((p) => p.id > this.lastPid) ?? ready[0]!;
  }
}
