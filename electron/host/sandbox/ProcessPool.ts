// ProcessPool: WorkerPool's queue on child processes, for untrusted submissions graded in a batch.
// Each child runs a plain-JavaScript job bundle (bundleJob) under Node's permission model: it may
// read only the folders it is given (the lab's own files, the exercise), write nothing, start no
// process or thread; its V8 heap is capped, and on Linux `prlimit` caps its data segment (array
// buffers included), so a submission that escaped the sandbox still meets the operating system.
// Its main thread runs the sandbox's lockdown (realm.ts allows that in a sandbox process).
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, realpathSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { SANDBOX_PROCESS } from './realm';
import { WorkerPool, type Runner } from './WorkerPool';

export interface ProcessLimits {
  /** Folders the child may read (the lab's own root is always added). */
  readable: string[];
  /** The child's V8 old-generation heap, MiB. */
  heapMb: number;
  /** The child's data segment (RLIMIT_DATA, Linux with prlimit only), MiB. */
  dataMb: number;
  /**
   * V8 without its helper threads (concurrent compiler and garbage collector: Node's --single-threaded).
   * A grading process otherwise keeps ~1.5 cores busy, so where the pool fills every core its
   * workers would only slow each other: measured on 2 cores, 50 submissions on 2 workers took 5.8 s
   * this way and 6.8 s with the helpers (one worker: 10.4 s and 6.7 s).
   */
  singleThreaded?: boolean;
}

/** The lab's root: node_modules and the exercises live below it. */
export const LAB_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PRLIMIT = '/usr/bin/prlimit';
const WORKER = fileURLToPath(new URL('./processWorker.mjs', import.meta.url));

/**
 * Bundles the job module `entry` (TypeScript) into one ES module under the lab's dist/jobs/ (so its
 * packages resolve from the lab's node_modules, left outside the bundle); returns its path.
 * Throws esbuild's error when the lab's own sources do not build.
 */
export async function bundleJob(entry: URL, name: string): Promise<string> {
  const outfile = join(LAB_ROOT, 'dist', 'jobs', `${name}.mjs`);
  // Written beside it, then renamed over it: a child starting meanwhile reads the old bundle or the new, never half of one.
  const partial = `${outfile}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
  await esbuild.build({
    entryPoints: [fileURLToPath(entry)],
    outfile: partial,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
    // import.meta.url would be the bundle's: every bundled module is told the entry's instead (the
    // job's own folder), where the modules that find files from it (the exercises, 'ses') look.
    define: { 'import.meta.url': JSON.stringify(pathToFileURL(fileURLToPath(entry)).href) },
  });
  renameSync(partial, outfile);
  return outfile;
}

/**
 * Where the lab's packages really are when its node_modules is a link (a workspace, a git worktree
 * sharing a checkout's packages): the permission model checks real paths, so that folder must be
 * readable too. Empty when node_modules is a plain folder inside the lab.
 */
function labModules(): string[] {
  const modules = join(LAB_ROOT, 'node_modules');
  if (!existsSync(modules)) return [];
  const real = realpathSync(modules);
  return real === modules ? [] : [real];
}

/** The flags of Node's permission model (named --experimental-permission before Node 23): read `readable`, nothing more. */
export function permissionFlags(readable: string[]): string[] {
  const major = Number(process.versions.node.split('.')[0]);
  return [major < 23 ? '--experimental-permission' : '--permission', ...readable.map((folder) => `--allow-fs-read=${folder}`)];
}

export class ProcessPool<I, O> extends WorkerPool<I, O> {
  override readonly isolated = true;

  /** Jobs run `run(input)` exported by the bundle at `bundle` (see bundleJob), `size` child processes at most. */
  constructor(private readonly bundle: string, size: number, private readonly limits: ProcessLimits) {
    super(pathToFileURL(bundle), size);
  }

  protected override spawnRunner(): Runner {
    const readable = [...new Set([LAB_ROOT, ...labModules(), ...this.limits.readable].map((folder) => resolve(folder)))];
    const node = [...permissionFlags(readable), `--max-old-space-size=${this.limits.heapMb}`, '--no-warnings', ...(this.limits.singleThreaded ? ['--single-threaded'] : [])];
    const limited = process.platform === 'linux' && existsSync(PRLIMIT);
    const child: ChildProcess = fork(WORKER, [pathToFileURL(this.bundle).href], {
      // prlimit runs node with the limit set, keeping the IPC channel's descriptor.
      ...(limited ? { execPath: PRLIMIT, execArgv: [`--data=${this.limits.dataMb * 1024 * 1024}`, process.execPath, ...node] } : { execArgv: node }),
      env: { ...process.env, [SANDBOX_PROCESS]: '1', NODE_OPTIONS: '' },
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4000) stderr += chunk.toString();
    });
    child.unref();
    child.channel?.unref();
    (child.stderr as { unref?: () => void } | null)?.unref?.();
    return {
      post: (message) => child.send(message as object),
      on: (event, listener) => child.on(event, event === 'exit' ? exitWith(listener, () => stderr) : (listener as (...args: unknown[]) => void)),
      off: (event, listener) => child.off(event, (exits.get(listener) ?? listener) as (...args: unknown[]) => void),
      terminate: () => child.kill('SIGKILL'),
    };
  }
}

const exits = new WeakMap<object, (...args: unknown[]) => void>();

/** An exit listener that gets the exit code (or the signal's name) and the child's last words; kept for off(). */
function exitWith(listener: (...args: never[]) => void, stderr: () => string): (...args: unknown[]) => void {
  const wrapped = (code: unknown, signal: unknown) => {
    const said = stderr().trim().split('\n').slice(-2).join(' ');
    (listener as (code: string) => void)(`${code ?? signal}${said ? `: ${said}` : ''}`);
  };
  exits.set(listener, wrapped);
  return wrapped;
}
