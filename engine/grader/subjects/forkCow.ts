// The fork-cow subject (exercise 06-fork-cow): the student writes the kernel's copy-on-write fork,
// its write-fault handler and the shared frames' reference counts (lab.ts ForkCowExercise), built
// as new C(kernel, machine) with the kernel calls of ForkLab.services(). The scenario's calls are
// not the student's methods: they run on a machine (ForkLab) that calls the student's fork, fault
// and release as a kernel would. Scenarios start programs, fork them, launch (fork + execve) and
// exec, write and read words in every forked region (and now and then in the read-only text, which
// must kill the writer), exit, and count frames. The answers (reads, segfaults, pids, frame counts)
// must be the engine's copy-on-write machine's: isolation of writes, and its frames, not an eager copy's.
import { PAGESIZE } from '../../kernel/MemoryContext';
import { Random } from '../../workload/Random';
import type { ApiTarget, Call, Harness, Scenario, Subject } from '../Conformance';
import { ForkLab, handlersOf, type ForkLabOptions } from './forkLab';
import { readOptions } from './options';

type Options = Record<string, number | string>;

const defaults = {
  seed: 1,
  /** Calls per scenario, before the final exits. */
  ops: 80,
  /** Pages in the started program's data segment. */
  pages: 4,
  /** Most processes alive at once. */
  processes: 4,
  /** RAM in MiB. */
  ramMiB: 32,
  /** Shares of the calls: fork, launch (fork + execve), exec, exit; the rest write, read and count. */
  forks: 0.15,
  launches: 0.05,
  execs: 0.03,
  exits: 0.08,
  /** Share of writes aimed at the read-only text (the writer is killed). */
  segfaults: 0.03,
  /** 1: the scenario counts frames now and then (frames saved); 0: it does not (isolation only). */
  frames: 1,
};

export const forkCowSubject: Subject = {
  name: 'fork-cow',
  describe: 'a copy-on-write fork (new C(kernel, machine)) with fork(parent, child), fault(pid, virt) and release(phys), called by the machine as its kernel would',
  methods: ['fork', 'fault', 'release'],
  calls: ['start', 'fork', 'launch', 'exec', 'write', 'read', 'exit', 'frames'],
  defaults: { ...defaults },
  scenario,
  oracle,
  harness,
  explain,
};

/** What a wrong answer usually means, for the report. */
function explain(call: Call, expected: unknown, got: unknown): string | null {
  const pid = call.args[0];
  switch (call.method) {
    case 'frames':
      if (typeof got !== 'number' || typeof expected !== 'number') return null;
      return got > expected
        ? `${got - expected} more frames in use than copy-on-write needs: does fork copy pages, or fault copy a frame nobody else uses (or keep the frame it replaced)?`
        : `${expected - got} fewer frames in use than FreeNOS: was a shared page made writable without its own copy, or a frame freed while another process still maps it (release answering true too early)?`;
    case 'read':
      return `pid ${pid} sees another process's write through a shared frame, or a page whose bytes were not copied`;
    case 'write':
      return expected === 'segfault'
        ? 'a write to a page that was never writable (the read-only text) must kill the process: fault() answers false when the page is not copy-on-write'
        : `the write to a copy-on-write page was not fixed: fault(${pid}, ...) must answer true and leave the page writable`;
    case 'fork': case 'launch':
      return typeof expected === 'number' && typeof got === 'string' ? 'fork() answered false though memory was left' : null;
    default:
      return null;
  }
}

/** The machine's options a scenario carries as its one constructor argument. */
export function labOptions(scenario: Scenario): ForkLabOptions {
  const o = (scenario.args[0] ?? {}) as Partial<ForkLabOptions>;
  const ok = (v: unknown, lo: number, hi: number) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
  if (!ok(o.ramMiB, 8, 256) || !ok(o.dataPages, 1, 256)) throw new RangeError('fork-cow: a scenario\'s args are [{ ramMiB: 8..256, dataPages: 1..256 }]');
  return { ramMiB: o.ramMiB!, dataPages: o.dataPages! };
}

/** The engine's copy-on-write machine's answers. */
function oracle(scenario: Scenario): unknown[] {
  const lab = new ForkLab(labOptions(scenario), false);
  return scenario.calls.map((call) => lab.apply(call));
}

/** A fresh student machine: its services for the student's constructor, and the target the scenario drives. */
function harness(scenario: Scenario): Harness {
  const lab = new ForkLab(labOptions(scenario), true);
  return {
    services: lab.services(),
    drive(student: ApiTarget): ApiTarget {
      lab.attach(handlersOf((method, args) => student.invoke(method, args)));
      return { name: student.name, invoke: (method, args) => lab.apply({ method, args }), work: () => student.work(), logs: () => student.logs() };
    },
  };
}

/** A seeded scenario, made by running the engine's machine as it goes (so every call names a live process and a mapped page). */
function scenario(options: Options): Scenario {
  const r = readOptions('fork-cow', defaults, options);
  const ops = r.int('ops', 1, 5000), processes = r.int('processes', 1, 16);
  const machine = { ramMiB: r.int('ramMiB', 8, 256), dataPages: r.int('pages', 1, 256) };
  const shares = { forks: r.share('forks'), launches: r.share('launches'), execs: r.share('execs'), exits: r.share('exits') };
  const segfaults = r.share('segfaults', 1);
  const counted = r.int('frames', 0, 1) === 1;
  const rng = new Random(r.seed);
  const lab = new ForkLab(machine, false);
  const calls: Call[] = [];
  const live: number[] = [];
  const written: number[] = [];
  const run = (method: string, ...args: number[]): unknown => {
    const call = { method, args };
    calls.push(call);
    const answer = lab.apply(call);
    if ((method === 'start' || method === 'fork' || method === 'launch') && typeof answer === 'number') live.push(answer);
    if (method === 'exit' || answer === 'segfault') live.splice(live.indexOf(args[0]!), 1);
    return answer;
  };
  const word = (pid: number, recent: boolean): number => {
    const pages = lab.pages(pid);
    const mine = written.filter((v) => pages.some((p) => p.virt === v - (v % PAGESIZE)));
    if (recent && mine.length > 0) return rng.pick(mine.slice(-8));
    return rng.pick(pages).virt + 4 * rng.int(PAGESIZE / 4);
  };

  // Without frame counts, the same moments read a recently written word instead.
  const count = (): void => {
    if (counted) run('frames');
    else if (live.length > 0) {
      const pid = rng.pick(live);
      run('read', pid, word(pid, true));
    }
  };
  run('start');
  count();
  for (let k = 0; k < ops; k++) {
    if (live.length === 0) {
      run('start');
      continue;
    }
    const pid = rng.pick(live);
    const x = rng.float();
    const room = live.length < processes;
    let edge = 0;
    if (x < (edge += shares.forks)) {
      if (room) run('fork', pid);
    } else if (x < (edge += shares.launches)) {
      if (room) run('launch', pid);
    } else if (x < (edge += shares.execs)) {
      run('exec', pid);
    } else if (x < (edge += shares.exits)) {
      run('exit', pid);
    } else if (x < edge + (1 - edge) * 0.45) {
      const text = rng.chance(segfaults);
      const virt = text ? 0x80000000 + 4 * rng.int(PAGESIZE / 4) : word(pid, rng.chance(0.3));
      run('write', pid, virt, rng.next());
      if (!text) written.push(virt);
    } else if (x < edge + (1 - edge) * 0.9) {
      run('read', pid, word(pid, rng.chance(0.7)));
    } else {
      count();
    }
  }
  count();
  for (const pid of [...live]) run('exit', pid);
  if (counted) run('frames');
  return { args: [machine], calls };
}
