// FrameReferences: how many address spaces map each shared physical frame. Only copy-on-write
// fork shares frames (FreeNOS has no fork); a frame not listed has one user. A context freeing a
// page asks release() first: the frame goes back to the allocator only when its last user lets go.

export class FrameReferences {
  private readonly counts = new Map<number, number>();

  /** Users of the frame at `phys` (1 when it is not shared). */
  count(phys: number): number {
    return this.counts.get(phys) ?? 1;
  }

  /** One more address space maps `phys`. */
  share(phys: number): void {
    this.counts.set(phys, this.count(phys) + 1);
  }

  /** One user lets go; true when it was the last, so the frame may be freed. */
  release(phys: number): boolean {
    const count = this.count(phys);
    if (count <= 2) this.counts.delete(phys);
    else this.counts.set(phys, count - 1);
    return count <= 1;
  }

  /** Frames with more than one user, and how many, for views and checks. */
  shared(): Map<number, number> {
    return new Map(this.counts);
  }
}
