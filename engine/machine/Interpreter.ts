// Interpreter: runs one step of a process's script (see Program.ts for the steps). Loads and
// stores go through the process's page tables; a fault the kernel cannot fix ends the process
// with status 139 (128 + SIGSEGV), as a segmentation fault would; a debug assertion in its heap
// (double free, overrun postfix) ends it with 134 (128 + SIGABRT). Each step returns an outcome.
import { Fault } from '../hw/MemoryBus';
import { ProcessState, type Process } from '../kernel/Process';
import { AssertionError } from '../kernel/AssertionError';
import { Region } from '../kernel/MemoryMap';
import { hex32 } from '../format';
import { ApplicationLauncher } from './ApplicationLauncher';
import type { Machine } from './Machine';
import type { Step } from './Program';

/** One level of a running script: the steps, the next one, and repetitions left (repeat). */
export interface Frame {
  steps: Step[];
  index: number;
  times: number;
}

/** A process's running program: its script position and variables. */
export interface Task {
  program: string;
  frames: Frame[];
  vars: Map<string, number>;
  /** Clock value at which a sleeping process wakes. */
  wakeAt: number;
  /** The pid a Waiting process waits for. */
  waitingFor: number | null;
}

export const SegfaultStatus = 139;
/** A failed assertion in the program's own heap (double free, overrun) aborts it: 128 + SIGABRT. */
export const AbortStatus = 134;

/** The frame whose step runs next (finished repeats restart, finished frames pop), or null at the end. */
function current(task: Task): Frame | null {
  while (task.frames.length > 0) {
    const frame = task.frames[task.frames.length - 1]!;
    if (frame.index < frame.steps.length) return frame;
    if (frame.times > 1 && frame.steps.length > 0) {
      frame.times--;
      frame.index = 0;
      return frame;
    }
    task.frames.pop();
  }
  return null;
}

/** Runs the next step of `process`; returns what it did. */
export function execute(machine: Machine, process: Process, task: Task): { pid: number; op: string; outcome: string } {
  const pid = process.id;
  const report = (op: string, outcome: string) => ({ pid, op, outcome });
  const frame = current(task);
  if (!frame) {
    machine.exit(process, 0);
    return report('exit', 'end of script, status 0');
  }
  const step = frame.steps[frame.index++]!;
  const runtime = machine.runtimeOf(pid)!;
  const segfault = (virt: number) => {
    machine.print(pid, `${task.program}: segmentation fault at ${hex32(virt)}`);
    machine.exit(process, SegfaultStatus);
    return report(step.op, `segmentation fault at ${hex32(virt)}, status ${SegfaultStatus}`);
  };
  const target = (name?: string, pid?: number) => pid ?? (name === undefined ? undefined : task.vars.get(name));

  switch (step.op) {
    case 'read': case 'write': case 'touch': {
      const base = step.at !== undefined ? task.vars.get(step.at) ?? 0
        : step.region !== undefined ? process.memoryMap.range(Region[step.region]).virt : step.address!;
      const address = base + step.offset;
      const memory = runtime.memory;
      if (step.op === 'read') {
        if (memory.read(address, step.size) === Fault) return segfault(memory.lastFault!.address);
      } else if (step.op === 'write') {
        if (memory.fill(address, step.value ?? 0xa5, step.size) === Fault) return segfault(memory.lastFault!.address);
      } else {
        for (let page = address; page < address + step.size; page += 4096 - (page % 4096)) {
          if (memory.write8(page, step.value ?? 1) === Fault) return segfault(page);
        }
      }
      return report(step.op, `${step.size} bytes at ${hex32(address)}`);
    }
    case 'malloc': case 'free':
      try {
        if (step.op === 'free') {
          runtime.free(task.vars.get(step.name) ?? 0);
          return report('free', `free(${hex32(task.vars.get(step.name) ?? 0)})`);
        }
        const address = runtime.malloc(step.size);
        task.vars.set(step.as ?? 'ptr', address);
        return report('malloc', address ? `malloc(${step.size}) = ${hex32(address)}` : `malloc(${step.size}) = NULL`);
      } catch (error) {
        if (!(error instanceof AssertionError)) throw error;
        machine.print(pid, `${task.program}: assertion failed: ${error.message}`);
        machine.exit(process, AbortStatus);
        return report(step.op, `assertion failed, status ${AbortStatus}`);
      }
    case 'fork': {
      const result = machine.fork(process, step.child);
      task.vars.set(step.as ?? 'child', result.ok ? result.pid : -1);
      return report('fork', result.ok ? `child pid ${result.pid}` : `fork failed: ${result.error}`);
    }
    case 'execve': {
      const result = machine.execve(process, step.path, step.argv);
      if (result.ok) return report('execve', `now running ${step.path}`);
      if (machine.processes.get(pid)?.state !== ProcessState.Zombie) {
        machine.print(pid, `${task.program}: cannot execute '${step.path}': ${result.reason} (${result.error})`);
      }
      return report('execve', `failed: ${result.error}`);
    }
    case 'spawn': case 'launch': {
      let child = -1;
      if (step.op === 'spawn') {
        const result = machine.spawn(process, step.path, step.argv);
        if (result.ok) child = result.pid;
        else machine.print(pid, `${task.program}: spawn '${step.path}' failed: ${result.reason} (${result.error})`);
      } else {
        const launcher = new ApplicationLauncher(machine, process, step.path, step.argv);
        launcher.exec();
        child = launcher.getPid();
      }
      task.vars.set(step.as ?? 'child', child);
      return report(step.op, `${step.path}: pid ${child}`);
    }
    case 'wait': {
      const child = target(step.name, step.pid);
      const result = child === undefined ? { state: 'error' as const } : machine.waitpid(child);
      if (result.state === 'running') {
        frame.index--;
        process.state = ProcessState.Waiting;
        task.waitingFor = child!;
        return report('wait', `waiting for pid ${child}`);
      }
      task.waitingFor = null;
      task.vars.set('status', result.state === 'exited' ? result.status : -1);
      return report('wait', result.state === 'exited' ? `pid ${child} exited with ${result.status}` : `no such process`);
    }
    case 'kill': {
      const victim = target(step.name, step.pid);
      const result = victim === undefined ? null : machine.kill(victim, step.status ?? 1);
      return report('kill', result?.ok ? `killed pid ${victim}` : `no such process`);
    }
    case 'sleep':
      task.wakeAt = machine.clock + step.steps;
      process.state = ProcessState.Sleeping;
      return report('sleep', `until step ${task.wakeAt}`);
    case 'print': {
      const text = step.text.replace(/\{(\w+)\}/g, (whole, name: string) => String(task.vars.get(name) ?? whole));
      machine.print(pid, text);
      return report('print', text);
    }
    case 'repeat':
      if (step.times > 0) task.frames.push({ steps: step.body, index: 0, times: step.times });
      return report('repeat', `${step.times} times`);
    case 'exit':
      machine.exit(process, step.status);
      return report('exit', `status ${step.status}`);
  }
}
