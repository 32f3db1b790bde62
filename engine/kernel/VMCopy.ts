// VMCopy: copies bytes between the caller's address space and another process's (section 8).
// Page by page: the other side's page is looked up in its context (ReadPhys: taken as physical),
// mapped into the caller's KernelPrivate at the first free page, copied, and unmapped. The page
// table this creates in the caller's KernelPrivate is never freed (a leak FreeNOS has too).
import type { VirtualMemory } from '../hw/VirtualMemory';
import { API } from './API';
import { Memory } from './Memory';
import { MemoryContext, PAGESIZE } from './MemoryContext';
import { Region } from './MemoryMap';
import type { Process } from './Process';

export enum VMCopyDirection {
  Read = 0,
  Write = 1,
  ReadPhys = 2,
}

/**
 * Copies `size` bytes: Write sends [ourAddress...) of the caller to theirAddress in `target`;
 * Read and ReadPhys bring them back. `callerMemory` is the caller's space in kernel mode.
 * Returns Success, AccessViolation (not mapped), RangeError (no KernelPrivate room) or IOError.
 */
export function VMCopy(caller: Process, callerMemory: VirtualMemory, target: Process, direction: VMCopyDirection,
  ourAddress: number, theirAddress: number, size: number): API.Result {
  const context = caller.context;
  for (let done = 0; done < size;) {
    const their = theirAddress + done;
    const offset = their & (PAGESIZE - 1);
    let phys = their - offset;
    if (direction !== VMCopyDirection.ReadPhys) {
      const found = target.context.lookup(phys);
      if (found.result !== MemoryContext.Result.Success) return API.Result.AccessViolation;
      phys = found.phys;
    }
    if (phys === 0) return API.Result.Success;
    const window = context.findFree(PAGESIZE, Region.KernelPrivate);
    if (window.result !== MemoryContext.Result.Success) return API.Result.RangeError;
    if (context.map(window.virt, phys, Memory.Readable | Memory.Writable) !== MemoryContext.Result.Success) {
      return API.Result.IOError;
    }
    const length = Math.min(PAGESIZE - offset, size - done);
    const [from, to] = direction === VMCopyDirection.Write
      ? [ourAddress + done, window.virt + offset] : [window.virt + offset, ourAddress + done];
    const copied = callerMemory.copy(to, from, length);
    context.unmap(window.virt);
    if (copied < 0) return API.Result.AccessViolation;
    done += length;
  }
  return API.Result.Success;
}
