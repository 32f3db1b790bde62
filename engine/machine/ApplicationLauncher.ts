// ApplicationLauncher (FreeNOS libapp), as the lab's source describes it: exec() forks, and the
// child calls execve(); when execve fails the child prints an error naming the program and exits
// with status 1. wait() collects the exit code, terminate() kills. Result codes of section 9.5.
// Quirk kept from the host build: a failed fork is only logged; exec() still returns Success
// and the pid is -1, so a later wait() says NotFound.
import { ProcessState, type Process } from '../kernel/Process';
import type { Machine } from './Machine';

export class ApplicationLauncher {
  private pid = 0;
  private exitCode = 0;

  /** Launches `path` with `argv` (default: just the path) on behalf of `caller`. */
  constructor(readonly machine: Machine, readonly caller: Process, readonly path: string, readonly argv: string[] = [path]) {}

  getPid(): number {
    return this.pid;
  }

  /** The child's exit status, once wait() collected it (0 before). */
  getExitCode(): number {
    return this.exitCode;
  }

  /** fork(); the child runs execve(path, argv) and, if that fails, exits with 1. */
  exec(): ApplicationLauncher.Result {
    const result = this.machine.fork(this.caller, [
      { op: 'execve', path: this.path, argv: this.argv },
      { op: 'exit', status: 1 },
    ]);
    if (result.ok) this.pid = result.pid;
    else {
      this.machine.print(this.caller.id, `ApplicationLauncher: fork failed: ${result.reason}`);
      this.pid = -1;
    }
    return ApplicationLauncher.Result.Success;
  }

  /**
   * Runs the machine until the child has exited, then collects its status: Success; NotFound
   * when there is no such process; IOError if it is still running after `maxSteps` steps.
   */
  wait(maxSteps = 1_000_000): ApplicationLauncher.Result {
    if (this.pid === 0) return ApplicationLauncher.Result.InvalidArgument;
    this.machine.runUntil(() => {
      const child = this.machine.processes.get(this.pid);
      return child === null || child.state === ProcessState.Zombie;
    }, maxSteps);
    return this.collect();
  }

  /** kill(pid, SIGTERM): the child ends with EXIT_FAILURE (1). */
  terminate(): ApplicationLauncher.Result {
    if (this.pid === 0) return ApplicationLauncher.Result.InvalidArgument;
    return this.machine.kill(this.pid, 1).ok ? ApplicationLauncher.Result.Success : ApplicationLauncher.Result.IOError;
  }

  private collect(): ApplicationLauncher.Result {
    const result = this.machine.waitpid(this.pid);
    if (result.state === 'exited') {
      this.exitCode = result.status;
      return ApplicationLauncher.Result.Success;
    }
    return result.state === 'error' ? ApplicationLauncher.Result.NotFound : ApplicationLauncher.Result.IOError;
  }
}

export namespace ApplicationLauncher {
  export enum Result {
    Success = 0,
    InvalidArgument = 1,
    NotFound = 2,
    IOError = 3,
  }
}
