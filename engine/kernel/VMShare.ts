// VMShare: shared memory between two processes (section 8). Create: the kernel allocates
// contiguous zeroed pages and maps them in both processes' UserShare regions at the first free
// run, User|R|W, recording the share on both sides. Read: the caller's share with that peer and
// tag. Delete: unmaps the caller's side and forgets it; the other side is told it is alone, and
// the pages are freed by whichever side goes last (as process destruction does, section 9.6).
import { Allocator } from './Allocator';
import { API } from './API';
import type { Kernel } from './Kernel';
import { Memory } from './Memory';
import { MemoryContext, PAGESIZE } from './MemoryContext';
import { Region } from './MemoryMap';
import type { Process, Share } from './Process';
import type { ProcessManager } from './ProcessManager';

export enum ShareOperation {
  Create = 0,
  Read = 1,
  Delete = 2,
}

/** A share request and its result: with which process, which tag, and (written back) where. */
export interface MemoryShare {
  pid: number;
  tag: number;
  range: Memory.Range;
}

const { Success, NotFound, AlreadyExists, OutOfMemory, IOError, InvalidArgument } = API.Result;

/** VMShare(pid, operation, share) made by `caller`. */
export function VMShare(kernel: Kernel, processes: ProcessManager, caller: Process, operation: ShareOperation,
  share: MemoryShare): API.Result {
  const mine = caller.shares.find((s) => s.pid === share.pid && s.tag === share.tag);
  switch (operation) {
    case ShareOperation.Read:
      if (!mine) return NotFound;
      share.range = { virt: mine.virt, phys: mine.phys, size: mine.size, access: Memory.User | Memory.Readable | Memory.Writable };
      return Success;
    case ShareOperation.Delete:
      if (!mine) return NotFound;
    {
      caller.context.unmapRange({ virt: mine.virt, phys: 0, size: mine.size, access: 0 });
      caller.shares.splice(caller.shares.indexOf(mine), 1);
      processes.detach(caller, mine);
      return Success;
    }
    case ShareOperation.Create:
      return create(kernel, processes, caller, share, mine);
    default:
      return InvalidArgument;
  }
}

function create(kernel: Kernel, processes: ProcessManager, caller: Process, share: MemoryShare, existing?: Share): API.Result {
  const peer = processes.get(share.pid);
  if (!peer || peer === caller) return NotFound;
  if (existing) return AlreadyExists;
  const size = Math.ceil(share.range.size / PAGESIZE) * PAGESIZE;
  if (size === 0) return InvalidArgument;
  const pages: Allocator.Range = { address: 0, size, alignment: PAGESIZE };
  if (kernel.allocator.allocate(pages) !== Allocator.Result.Success) return OutOfMemory;
  kernel.memory.fill(pages.address, 0, size);
  const access = Memory.User | Memory.Readable | Memory.Writable;
  const places: number[] = [];
  for (const process of [caller, peer]) {
    const free = process.context.findFree(size, Region.UserShare);
    const range: Memory.Range = { virt: free.virt, phys: pages.address, size, access };
    if (free.result !== MemoryContext.Result.Success || process.context.mapRangeContiguous(range) !== MemoryContext.Result.Success) {
      return IOError;
    }
    places.push(free.virt);
  }
  caller.shares.push({ pid: peer.id, tag: share.tag, virt: places[0]!, phys: pages.address, size, attached: true });
  peer.shares.push({ pid: caller.id, tag: share.tag, virt: places[1]!, phys: pages.address, size, attached: true });
  share.range = { virt: places[0]!, phys: pages.address, size, access };
  return Success;
}
