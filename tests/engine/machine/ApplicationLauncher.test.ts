// ApplicationLauncher (§9.5; engine/machine/ApplicationLauncher.ts): result codes; wait() and
// terminate() before exec(); exec() forks and the child execve()s the program, exiting with 1 when
// that fails; wait() collects the exit code; terminate() kills with EXIT_FAILURE (1); a failed fork
// (the host-build quirk in the file comment) still returns Success with pid -1, and wait() then
// says NotFound.
import { describe, expect, it } from 'vitest';
import { ApplicationLauncher, Machine, ProcessState, type Process } from '../../../engine/index';

const { Success, InvalidArgument, NotFound, IOError } = ApplicationLauncher.Result;
const segments = [{ virt: '0x80000000', size: '4K' }];

/** A machine with the built-ins plus idle, five and sleeper; the caller is a booted idle process. */
function setup(): { m: Machine; caller: Process } {
  const m = new Machine();
  m.install({ name: 'idle', segments, script: [{ op: 'sleep', steps: 1_000_000 }] });
  m.install({ name: 'five', segments, script: [{ op: 'exit', status: 5 }] });
  m.install({ name: 'sleeper', segments, script: [{ op: 'sleep', steps: 1000 }, { op: 'exit', status: 0 }] });
  const result = m.boot('idle');
  if (!result.ok) throw new Error(result.error);
  return { m, caller: m.processes.get(result.pid)! };
}

/** The C string in slot `slot` of `p`'s argument page. */
function argument(m: Machine, p: Process, slot: number): string {
  const bytes = m.kernel.memory.read(p.context.lookup(0xe0000000).phys + slot * 128, 128) as Uint8Array;
  return String.fromCharCode(...bytes.subarray(0, bytes.indexOf(0)));
}

describe('ApplicationLauncher: result codes (§9.5)', () => {
  it('Success 0, InvalidArgument 1, NotFound 2, IOError 3', () => {
    expect([Success, InvalidArgument, NotFound, IOError]).toEqual([0, 1, 2, 3]);
    expect(ApplicationLauncher.Result[2]).toBe('NotFound');
  });

  it('wait() and terminate() before exec() are InvalidArgument and start nothing', () => {
    const { m, caller } = setup();
    const launcher = new ApplicationLauncher(m, caller, 'hog');
    expect(launcher.getPid()).toBe(0);
    expect(launcher.wait()).toBe(InvalidArgument);
    expect(launcher.terminate()).toBe(InvalidArgument);
    expect(launcher.getExitCode()).toBe(0);
    expect(m.processes.all()).toEqual([caller]);
    expect(m.clock).toBe(0);
  });
});

describe('ApplicationLauncher: exec() and wait()', () => {
  it('exec() forks a child of the caller that runs the program with argv', () => {
    const { m, caller } = setup();
    const launcher = new ApplicationLauncher(m, caller, 'sleeper', ['sleeper', '-n', '3']);
    expect(launcher.exec()).toBe(Success);
    expect(launcher.getPid()).toBe(1);
    const child = m.processes.get(1)!;
    expect(child.parent).toBe(caller.id);
    expect(m.runUntil(() => m.taskOf(1)?.program === 'sleeper')).toBe(true);
    expect([0, 1, 2, 3].map((slot) => argument(m, child, slot))).toEqual(['sleeper', '-n', '3', '']);
  });

  it('argv defaults to just the path', () => {
    const { m, caller } = setup();
    const launcher = new ApplicationLauncher(m, caller, 'sleeper');
    launcher.exec();
    m.runUntil(() => m.taskOf(1)?.program === 'sleeper');
    expect([argument(m, m.processes.get(1)!, 0), argument(m, m.processes.get(1)!, 1)]).toEqual(['sleeper', '']);
  });

  it('exec() + wait() of hog: Success and exit code 0, the child reaped', () => {
    const { m, caller } = setup();
    const launcher = new ApplicationLauncher(m, caller, 'hog');
    expect(launcher.exec()).toBe(Success);
    expect(launcher.wait()).toBe(Success);
    expect(launcher.getExitCode()).toBe(0);
    expect(m.console).toEqual([{ pid: 1, text: 'hog: wrote 2 MiB' }]);
    expect(m.processes.get(1)).toBeNull();
  });

  it('wait() collects the program\'s own exit code', () => {
    const { m, caller } = setup();
    const launcher = new ApplicationLauncher(m, caller, 'five');
    expect(launcher.exec()).toBe(Success);
    expect(launcher.wait()).toBe(Success);
    expect(launcher.getExitCode()).toBe(5);
  });

  it('a missing program: exec() is Success, the child prints an error naming it, wait() gives exit code 1', () => {
    const { m, caller } = setup();
    const launcher = new ApplicationLauncher(m, caller, 'nosuchprogram');
    expect(launcher.exec()).toBe(Success);
    expect(launcher.getPid()).toBe(1);
    expect(launcher.wait()).toBe(Success);
    expect(launcher.getExitCode()).toBe(1);
    expect(m.console).toEqual([
      { pid: 1, text: "idle: cannot execute 'nosuchprogram': no program named 'nosuchprogram' (ENOENT)" },
    ]);
  });

  it('the missing program\'s child exits with status 1 (seen through waitpid)', () => {
    const { m, caller } = setup();
    const launcher = new ApplicationLauncher(m, caller, 'nosuchprogram');
    launcher.exec();
    expect(m.runUntil(() => m.processes.get(1)?.state === ProcessState.Zombie)).toBe(true);
    expect(m.waitpid(1)).toEqual({ state: 'exited', status: 1 });
  });

  it('wait(maxSteps) is IOError while the child still runs after maxSteps steps', () => {
    const { m, caller } = setup();
    const launcher = new ApplicationLauncher(m, caller, 'sleeper');
    launcher.exec();
    expect(launcher.wait(3)).toBe(IOError);
    expect(m.processes.get(1)!.state).toBe(ProcessState.Sleeping);
  });
});

describe('ApplicationLauncher: terminate()', () => {
  it('terminate() of a sleeping child is Success and ends it with EXIT_FAILURE (1)', () => {
    const { m, caller } = setup();
    const launcher = new ApplicationLauncher(m, caller, 'sleeper');
    launcher.exec();
    expect(m.runUntil(() => m.taskOf(1)?.program === 'sleeper' && m.processes.get(1)!.state === ProcessState.Sleeping)).toBe(true);
    expect(launcher.terminate()).toBe(Success);
    const child = m.processes.get(1)!;
    expect(child.state).toBe(ProcessState.Zombie);
    expect(child.exitStatus).toBe(1);
  });

  it('after terminate(), wait() is Success with exit code 1', () => {
    const { m, caller } = setup();
    const launcher = new ApplicationLauncher(m, caller, 'sleeper');
    launcher.exec();
    m.runUntil(() => m.processes.get(1)?.state === ProcessState.Sleeping);
    expect(launcher.terminate()).toBe(Success);
    expect(launcher.wait()).toBe(Success);
    expect(launcher.getExitCode()).toBe(1);
  });

  it('terminate() after the child exited is IOError and leaves its status for wait', () => {
    const { m, caller } = setup();
    const launcher = new ApplicationLauncher(m, caller, 'five');
    launcher.exec();
    expect(m.runUntil(() => m.processes.get(1)?.state === ProcessState.Zombie)).toBe(true);
    expect(launcher.terminate()).toBe(IOError);
    expect(m.waitpid(1)).toEqual({ state: 'exited', status: 5 });
    expect(launcher.terminate()).toBe(IOError);
  });
});

describe('ApplicationLauncher: a failed fork (host-build quirk)', () => {
  function exhaustMemory(m: Machine): void {
    for (let range = { address: 0, size: 4096, alignment: 0 }; m.kernel.allocator.allocate(range) === 0; range = { ...range });
    expect(m.kernel.allocator.available()).toBe(0);
  }

  function fillProcessTable(m: Machine): void {
    while (m.processes.create(0x80000000, m.kernel.memoryMap)) { /* take every slot */ }
    expect(m.processes.all()).toHaveLength(1024);
  }

  it.each([['memory', exhaustMemory], ['the process table', fillProcessTable]] as const)(
    'with no %s left, exec() is still Success with pid -1, and wait() is NotFound', (_what, exhaust) => {
      const { m, caller } = setup();
      exhaust(m);
      const launcher = new ApplicationLauncher(m, caller, 'hog');
      expect(launcher.exec()).toBe(Success);
      expect(launcher.getPid()).toBe(-1);
      expect(m.console).toEqual([{ pid: caller.id, text: 'ApplicationLauncher: fork failed: the process table or memory is full' }]);
      expect(launcher.wait()).toBe(NotFound);
      expect(launcher.terminate()).toBe(IOError);
      expect(launcher.getExitCode()).toBe(0);
    });
});
