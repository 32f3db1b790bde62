// Fork of a process with a big data segment, eager copy vs copy-on-write: a fresh Machine per run
// boots a program whose first script step forks (the child exits, the parent waits); the timed
// part is that single step(). As a script: `fork-probe.ts <eager|cow> <segment MiB> <runs>`,
// one warm-up run then `runs` timed runs, each on a fresh machine; prints one JSON line (ForkProbe).
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Machine, MemoryContext, ProcessState, Region } from '../../engine/index';
import { lcg } from './mixes';

const PAGE = 4096, MiB = 2 ** 20;
export const FORK_RAM = 256 * MiB;
/** The byte the data segment is filled with. */
const FILL = 7;

/** The program: a `megabytes` MiB rw data segment at UserData; fork a child that exits 0, wait for it. */
export function bigProgram(megabytes: number): unknown {
  return {
    name: 'big',
    segments: [{ virt: '0x80000000', size: `${megabytes}M`, access: 'rw', fill: FILL }],
    script: [{ op: 'fork', child: [{ op: 'exit', status: 0 }] }, { op: 'wait', name: 'child' }],
  };
}

export interface ForkRun {
  /** Milliseconds of the step() that forked. */
  ms: number;
  /** Frames the fork took: allocator.available() before minus after, in pages. */
  frames: number;
  /** Frames the parent's data segment holds (its pages, from its page tables). */
  parentFrames: number;
  /** Sampled child data pages that read FILL through the child's tables, of `sampled`. */
  childPagesOk: number;
  sampled: number;
  /** Frames shared copy-on-write right after the fork (kernel.references). */
  shared: number;
  /** Frames still taken once run() has finished, against the freshly built machine (should be 0). */
  leftFrames: number;
  /** Steps run() took after the fork, and the exit statuses it left. */
  steps: number;
  exited: number[];
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) { gc(); gc(); }
}

/** One fresh machine: boot, time the fork step, check the child's data, run to the end. */
export function forkOnce(copyOnWrite: boolean, megabytes: number, ramSize = FORK_RAM, seed = 1234): ForkRun {
  const machine = new Machine({ ramSize, copyOnWrite, builtins: false });
  machine.install(bigProgram(megabytes), 'big.json');
  const { allocator } = machine.kernel;
  const fresh = allocator.available();
  const booted = machine.boot('big');
  if (!booted.ok) throw new Error(`fork-probe: boot failed: ${booted.reason}`);
  const parent = machine.processes.get(booted.pid)!;
  const data = parent.memoryMap.range(Region.UserData);
  const parentFrames = parent.context.mappings({ virt: data.virt, size: megabytes * MiB }).length;
  collect();
  const before = allocator.available();
  const t0 = performance.now();
  const report = machine.step();
  const ms = performance.now() - t0;
  const after = allocator.available();
  const match = /^child pid (\d+)$/.exec(report?.outcome ?? '');
  if (report?.op !== 'fork' || !match) throw new Error(`fork-probe: the first step was ${JSON.stringify(report)}, not a fork`);
  const child = machine.processes.get(Number(match[1]))!;

  const next = lcg(seed);
  const sampled = 64;
  let childPagesOk = 0;
  for (let i = 0; i < sampled; i++) {
    const virt = data.virt + (next() % parentFrames) * PAGE;
    const { result, phys } = child.context.lookup(virt);
    if (result === MemoryContext.Result.Success && machine.kernel.memory.read8(phys + (next() & 0xfff)) === FILL) childPagesOk++;
  }
  const shared = machine.kernel.references.shared().size;

  const steps = machine.run();
  const left = machine.processes.all();
  if (left.length > 0) {
    throw new Error(`fork-probe: run() left ${left.map((p) => `pid ${p.id} (${ProcessState[p.state]})`).join(', ')}`);
  }
  return {
    ms, frames: (before - after) / PAGE, parentFrames, childPagesOk, sampled, shared,
    leftFrames: (fresh - allocator.available()) / PAGE, steps, exited: machine.exited.map((e) => e.status),
  };
}

export interface ForkProbe {
  mode: 'eager' | 'cow';
  megabytes: number;
  times: number[];
  frames: number[];
  /** The last timed run in full. */
  last: ForkRun;
  /** Largest leftFrames and fewest childPagesOk over all runs (warm-up included). */
  maxLeftFrames: number;
  minChildPagesOk: number;
}

export function probeFork(mode: 'eager' | 'cow', megabytes: number, runs: number): ForkProbe {
  let last = forkOnce(mode === 'cow', megabytes);
  let maxLeftFrames = last.leftFrames, minChildPagesOk = last.childPagesOk;
  const times: number[] = [], frames: number[] = [];
  for (let run = 0; run < runs; run++) {
    last = forkOnce(mode === 'cow', megabytes);
    times.push(last.ms);
    frames.push(last.frames);
    maxLeftFrames = Math.max(maxLeftFrames, last.leftFrames);
    minChildPagesOk = Math.min(minChildPagesOk, last.childPagesOk);
  }
  return { mode, megabytes, times, frames, last, maxLeftFrames, minChildPagesOk };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [mode, megabytes, runs] = process.argv.slice(2);
  if (mode !== 'eager' && mode !== 'cow') throw new Error(`fork-probe: mode must be eager or cow, got '${mode}'`);
  console.log(JSON.stringify(probeFork(mode, Number(megabytes ?? 64), Number(runs ?? 5))));
}
