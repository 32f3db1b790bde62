// The fork-cow subject: seeded scenarios of machine calls, the reference (copy-on-write) answering
// as the engine's kernel on every seed, the starter (an eager fork) passing isolation and failing
// every frame count, classic copy-on-write mistakes each caught with a hint, the kernel calls'
// argument checks, and the README's frame figures.
import { show } from '../../../../engine/grader/Conformance';
import { describe, expect, it } from 'vitest';
import { runClass, seeds } from './helpers';
import { TargetError } from '../../../../engine/grader/ReplayTarget';
import { localApiTarget, type ApiClass } from '../../../../engine/grader/LocalApiTarget';
import { forkCowSubject as subject } from '../../../../engine/grader/subjects/forkCow';
import { ForkLab, handlersOf } from '../../../../engine/grader/subjects/forkLab';
import { subjects } from '../../../../engine/grader/subjects/index';
import type { ForkKernel } from '../../../../engine/lab';
import Reference from '../../../../exercises/06-fork-cow/reference';
import Starter from '../../../../exercises/06-fork-cow/starter';

type K = { kernel: ForkKernel };

/** Copy-on-write that makes a shared page writable without copying it. */
class NoCopy extends Reference {
  override fault(pid: number, virt: number): boolean {
    const k = (this as unknown as K).kernel;
    const m = k.lookup(pid, virt);
    if (!m?.copyOnWrite) return false;
    k.remap(pid, m.virt, m.phys, true, false);
    return true;
  }
}
/** Copy-on-write that copies even for the frame's last user (and keeps the old frame). */
class AlwaysCopy extends Reference {
  override fault(pid: number, virt: number): boolean {
    const k = (this as unknown as K).kernel;
    const m = k.lookup(pid, virt);
    if (!m?.copyOnWrite) return false;
    const frame = k.allocateFrame();
    k.copyFrame(frame, m.phys);
    k.remap(pid, m.virt, frame, true, false);
    return true;
  }
}
/** Frees every frame at its first release, shared or not. */
class EarlyRelease extends Reference {
  override release(): boolean {
    return true;
  }
}
/** Makes any faulting page writable, the read-only text too. */
class AnyFault extends Reference {
  override fault(pid: number, virt: number): boolean {
    const k = (this as unknown as K).kernel;
    const m = k.lookup(pid, virt);
    if (m && !m.copyOnWrite) {
      k.remap(pid, m.virt, m.phys, true, false);
      return true;
    }
    return super.fault(pid, virt);
  }
}

const isolation = (seed: number) => subject.scenario({ seed, ops: 150, segfaults: 0.1, frames: 0 });
const counted = (seed: number) => subject.scenario({ seed, ops: 150 });

/** A student machine driven by `Class`, for calls one at a time. */
function machine(Class: ApiClass, dataPages = 4): ForkLab {
  const lab = new ForkLab({ ramMiB: 32, dataPages }, true);
  const target = localApiTarget(Class, [], 'student', { services: lab.services() });
  lab.attach(handlersOf((m, a) => target.invoke(m, a)));
  return lab;
}

describe('fork-cow subject', () => {
  it('is registered with the student\'s methods and the machine\'s calls', () => {
    expect(subjects['fork-cow']).toBe(subject);
    expect(subject.methods).toEqual(['fork', 'fault', 'release']);
    expect(subject.calls).toEqual(['start', 'fork', 'launch', 'exec', 'write', 'read', 'exit', 'frames']);
  });

  it('makes the same scenario for the same options, reaching every call, and ends with every frame back', () => {
    const a = counted(7);
    expect(counted(7)).toEqual(a);
    expect(counted(8)).not.toEqual(a);
    expect(a.args).toEqual([{ ramMiB: 32, dataPages: 4 }]);
    const seen = new Set<string>();
    for (const seed of seeds(10)) {
      const s = subject.scenario({ seed, ops: 150, launches: 0.1, execs: 0.05, segfaults: 0.2 });
      for (const c of s.calls) seen.add(c.method);
      const answers = subject.oracle(s);
      expect(answers.at(-1), `seed ${seed}`).toBe(0);
      if (answers.includes('segfault')) seen.add('segfault');
    }
    expect([...seen].sort()).toEqual(['exec', 'exit', 'fork', 'frames', 'launch', 'read', 'segfault', 'start', 'write']);
    expect(isolation(3).calls.some((c) => c.method === 'frames')).toBe(false);
    expect(() => subject.scenario({ seed: 1, frames: 2 })).toThrow("fork-cow: option 'frames' must be an integer from 0 to 1, got 2");
    expect(() => subject.scenario({ seed: 1, colour: 1 })).toThrow("fork-cow: unknown option 'colour'");
  });

  it('the reference answers as the engine\'s copy-on-write kernel on every seed, counted or not', () => {
    for (const seed of seeds(8)) {
      expect(runClass(subject, Reference, counted(seed)).failure, `counted ${seed}`).toBeNull();
      expect(runClass(subject, Reference, isolation(seed)).failure, `isolation ${seed}`).toBeNull();
    }
    expect(runClass(subject, Reference, subject.scenario({ seed: 3, pages: 64, processes: 8, launches: 0.2 })).failure).toBeNull();
  });

  it('the starter (an eager fork) is isolated, and fails every counted scenario at a frame count with a hint', () => {
    for (const seed of seeds(6)) {
      expect(runClass(subject, Starter, isolation(seed)).failure, `isolation ${seed}`).toBeNull();
      const f = runClass(subject, Starter, counted(seed)).failure!;
      expect(f.call).toBe('frames()');
      expect(f.got as number).toBeGreaterThan(f.expected as number);
      expect(f.reason).toContain(`more frames in use than copy-on-write needs`);
    }
  });

  it('catches each classic mistake at the call that shows it', () => {
    const first = (Class: typeof Reference, make: (seed: number) => ReturnType<typeof counted>) =>
      seeds(6).map((seed) => runClass(subject, Class, make(seed)).failure).find((f) => f !== null) ?? null;
    const noCopy = first(NoCopy, isolation)!;
    expect(noCopy.call).toMatch(/^read\(/);
    expect(noCopy.reason).toMatch(/sees another process's write through a shared frame/);
    expect(first(AlwaysCopy, isolation)).toBeNull();
    expect(first(AlwaysCopy, counted)!.reason).toMatch(/more frames in use than copy-on-write needs/);
    expect(first(EarlyRelease, isolation)!.kind).toBe('target');
    const anyFault = first(AnyFault, isolation)!;
    expect(anyFault.expected).toBe('segfault');
    expect(anyFault.reason).toMatch(/must kill the process/);
  });

  it('costs what the README says: a fork is 13 frames copy-on-write, the data segment\'s worth more eagerly', () => {
    for (const [pages, eagerFork] of [[4, 52], [64, 112]] as const) {
      const cow = machine(Reference, pages), eager = machine(Starter, pages);
      for (const lab of [cow, eager]) expect(lab.apply({ method: 'start', args: [] })).toBe(0);
      expect(cow.frames()).toBe(48 + pages);
      expect(eager.frames()).toBe(48 + pages);
      expect(cow.apply({ method: 'fork', args: [0] })).toBe(1);
      expect(eager.apply({ method: 'fork', args: [0] })).toBe(1);
      expect(cow.frames() - (48 + pages)).toBe(13);
      expect(eager.frames() - (48 + pages)).toBe(eagerFork);
      // The child's first write copies one page; the parent, now the frame's last user, copies nothing.
      expect(cow.apply({ method: 'write', args: [1, 0x80002000, 7] })).toBe('ok');
      expect(cow.apply({ method: 'write', args: [0, 0x80002000, 8] })).toBe('ok');
      expect(cow.frames() - (48 + pages)).toBe(14);
      expect(cow.apply({ method: 'read', args: [1, 0x80002000] })).toBe(7);
      expect(cow.apply({ method: 'read', args: [0, 0x80002000] })).toBe(8);
      expect(cow.apply({ method: 'write', args: [1, 0x80000000, 1] })).toBe('segfault');
      expect(cow.apply({ method: 'exit', args: [0] })).toBe('ok');
      expect(cow.frames()).toBe(0);
    }
  });

  it('checks the kernel calls\' arguments, naming the call and the reason', () => {
    const lab = new ForkLab({ ramMiB: 16, dataPages: 2 }, true);
    lab.attach(handlersOf(() => true));
    const k = lab.services() as unknown as Record<string, (...a: unknown[]) => unknown>;
    lab.apply({ method: 'start', args: [] });
    const frame = k.allocateFrame!() as number;
    expect(frame % 4096).toBe(0);
    expect(() => k.map!(0, 0x80000001, frame, true, false)).toThrow('kernel.map(0, 0x80000001, ' + `0x${frame.toString(16).toUpperCase()}` + ', true, false): virt 0x80000001 must be a page-aligned address');
    // The last frame of 16 MiB is free (the allocator hands out the lowest first); 32 MiB is past RAM.
    expect(() => k.map!(0, 0x8f000000, 0xfff000, true, false)).toThrow('phys 0xFFF000 is not a frame in use');
    expect(() => k.copyFrame!(frame, 0x2000000)).toThrow('kernel.copyFrame(' + `0x${frame.toString(16).toUpperCase()}` + ', 0x2000000): from 0x2000000 is not a frame in use');
    expect(() => k.map!(0, 0xc0000000, frame, true, false)).toThrow('pid 0 already has a page at 0xC0000000 (its own stack');
    expect(() => k.map!(0, 0xd0000000, frame, true, false)).toThrow('is not in a user region fork copies');
    expect(() => k.map!(0, 0x8f000000, frame, 'yes', false)).toThrow('writable must be true or false, not "yes"');
    expect(() => k.pages!(9)).toThrow('no process 9');
    expect(k.map!(0, 0x8f000000, frame, true, false)).toBe(true);
    expect(k.lookup!(0, 0x8f000123)).toEqual({ virt: 0x8f000000, phys: frame, writable: true, copyOnWrite: false });
    expect(k.lookup!(0, 0x8f001000)).toBeNull();
    expect(() => k.remap!(0, 0x8f001000, frame, true, false)).toThrow('nothing is mapped at 0x8F001000 in pid 0');
  });

  it('refuses to give a process a frame of the kernel (its image, heap or a directory), naming whose it is', () => {
    const lab = new ForkLab({ ramMiB: 16, dataPages: 2 }, true);
    lab.attach(handlersOf(() => true));
    const k = lab.services() as unknown as Record<string, (...a: unknown[]) => unknown>;
    lab.apply({ method: 'start', args: [] });
    const { layout } = lab.machine.kernel;
    const image = layout.kernelImage.address - (layout.kernelImage.address % 4096);
    const directory = lab.machine.processes.get(0)!.context.root();
    const mine = k.allocateFrame!() as number;
    expect(() => k.map!(0, 0x8f000000, image, true, false)).toThrow(`kernel.map(0, 0x8F000000, ${show(image)}, true, false): phys ${show(image)} is the kernel's (the kernel image): give a process only frames from allocateFrame or its own pages`);
    expect(() => k.copyFrame!(mine, directory)).toThrow(`from ${show(directory)} is the kernel's (a page directory)`);
    expect(k.map!(0, 0x8f000000, mine, true, false)).toBe(true);
    expect(() => k.remap!(0, 0x8f000000, directory, true, false)).toThrow(`phys ${show(directory)} is the kernel's (a page directory)`);
    const heap = layout.heap.address - (layout.heap.address % 4096);
    expect(() => k.copyFrame!(heap, mine)).toThrow(`to ${show(heap)} is the kernel's (the kernel heap)`);
  });

  it('refuses handler answers that are not booleans', () => {
    const handlers = handlersOf(() => 'yes');
    expect(() => handlers.fork(0, 1)).toThrow(TargetError);
    expect(() => handlers.release(0x5000)).toThrow('release(0x5000) returned "yes": it must return true or false');
  });
});
