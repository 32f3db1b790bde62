// 06-fork-cow starter: an eager fork, as a kernel without copy-on-write does it. It is correct
// (every process sees only its own writes) but it copies every page at fork time, even the ones
// nobody will ever write, and a child that runs execve at once throws all those copies away.
// The grader counts frames: make fork share pages copy-on-write (README.md has the rules), write
// the fault handler that copies a shared page on its first write, and count each frame's users.
// To look inside: import { log } from 'freenos-lab'; then log('fork', parent, '->', child);
import type { ForkCowExercise, ForkKernel } from 'freenos-lab';

export default class CopyOnWriteFork implements ForkCowExercise {
  constructor(private readonly kernel: ForkKernel) {}

  fork(parent: number, child: number): boolean {
    const k = this.kernel;
    for (const page of k.pages(parent)) {
      const own = k.lookup(child, page.virt);
      if (own) {
        k.copyFrame(own.phys, page.phys);
        continue;
      }
      const frame = k.allocateFrame();
      if (frame === 0) return false;
      k.copyFrame(frame, page.phys);
      if (!k.map(child, page.virt, frame, page.writable, false)) return false;
    }
    return true;
  }

  fault(_pid: number, _virt: number): boolean {
    // No page is ever shared, so no write fault can be fixed: the process dies.
    return false;
  }

  release(_phys: number): boolean {
    // No frame has a second user: the kernel may always free it.
    return true;
  }
}
