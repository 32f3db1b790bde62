// Reference solution of 06-fork-cow: copy-on-write fork. fork() shares every page of the parent
// with the child, read-only, and marks the pages that were writable copy-on-write on both sides;
// the first write to such a page faults, and fault() gives the writer its own copy (or, when no
// one else uses the frame any more, just the write permission back). `users` counts the address
// spaces of each shared frame; a frame it does not list has one user.
import type { ForkCowExercise, ForkKernel } from 'freenos-lab';

const PAGE = 4096;

export default class CopyOnWriteFork implements ForkCowExercise {
  private readonly users = new Map<number, number>();

  constructor(private readonly kernel: ForkKernel) {}

  fork(parent: number, child: number): boolean {
    const k = this.kernel;
    for (const page of k.pages(parent)) {
      // The child already has its own stack: it gets the parent's bytes, not the parent's frame.
      const own = k.lookup(child, page.virt);
      if (own) {
        k.copyFrame(own.phys, page.phys);
        continue;
      }
      const writable = page.writable || page.copyOnWrite;
      if (!k.map(child, page.virt, page.phys, false, writable)) return false;
      this.users.set(page.phys, this.count(page.phys) + 1);
      if (writable) k.remap(parent, page.virt, page.phys, false, true);
    }
    return true;
  }

  fault(pid: number, virt: number): boolean {
    const k = this.kernel;
    const page = virt - (virt % PAGE);
    const mapping = k.lookup(pid, page);
    if (!mapping || !mapping.copyOnWrite) return false; // a real protection fault: the process dies
    let frame = mapping.phys;
    if (this.count(frame) > 1) {
      frame = k.allocateFrame();
      if (frame === 0) return false;
      k.copyFrame(frame, mapping.phys);
      this.release(mapping.phys);
    }
    k.remap(pid, page, frame, true, false);
    return true;
  }

  release(phys: number): boolean {
    const users = this.count(phys);
    if (users <= 2) this.users.delete(phys);
    else this.users.set(phys, users - 1);
    return users <= 1;
  }

  private count(phys: number): number {
    return this.users.get(phys) ?? 1;
  }
}
