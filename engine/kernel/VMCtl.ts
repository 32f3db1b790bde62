// VMCtl: the memory system call (section 8 of the reference). Any process may operate on any
// other's memory (no privilege check). MemoryContext failures are flattened to IOError, except
// LookupVirtual and Access (AccessViolation), ReserveMem conflicts and unknown operations
// (InvalidArgument) and unknown processes (NotFound). The caller's range is written back.
import { Allocator } from './Allocator';
import { API, MemoryOperation, SELF } from './API';
import type { Kernel } from './Kernel';
import type { Memory } from './Memory';
import { MemoryContext, PAGESIZE } from './MemoryContext';
import { Region } from './MemoryMap';
import type { Process } from './Process';
import type { ProcessManager } from './ProcessManager';

const { Success, AccessViolation, NotFound, InvalidArgument, IOError } = API.Result;

/** VMCtl(processId, operation, range) made by `caller`; returns the API result. */
export function VMCtl(kernel: Kernel, processes: ProcessManager, caller: Process | null, processId: number,
  operation: MemoryOperation, range: Memory.Range): API.Result {
  const target = processId === SELF ? caller : processes.get(processId);
  const result = target ? operate(kernel, target, operation, range) : NotFound;
  kernel.log?.push({ type: 'syscall', caller: caller ? `pid ${caller.id}` : 'kernel', call: 'VMCtl', operation,
    virt: range.virt, size: range.size, result });
  return result;
}

function operate(kernel: Kernel, target: Process, operation: MemoryOperation, range: Memory.Range): API.Result {
  const context = target.context;
  const ok = (result: MemoryContext.Result) => (result === MemoryContext.Result.Success ? Success : IOError);
  switch (operation) {
    case MemoryOperation.LookupVirtual: {
      const { result, phys } = context.lookup(range.virt);
      if (result !== MemoryContext.Result.Success) return AccessViolation;
      range.phys = phys + (range.virt & (PAGESIZE - 1));
      return Success;
    }
    case MemoryOperation.MapContiguous:
    case MemoryOperation.MapSparse: {
      if (range.virt === 0) {
        const free = context.findFree(range.size, Region.UserPrivate);
        if (free.result !== MemoryContext.Result.Success) return IOError;
        range.virt = free.virt + (range.phys & (PAGESIZE - 1));
      }
      return ok(operation === MemoryOperation.MapContiguous ? context.mapRangeContiguous(range) : context.mapRangeSparse(range));
    }
    case MemoryOperation.UnMap:
      return ok(context.unmapRange(range));
    case MemoryOperation.Release:
      return ok(context.releaseRange(range));
    case MemoryOperation.ReleaseSections:
      return ok(context.releaseSection(range, false));
    case MemoryOperation.Access: {
      const { result, access } = context.access(range.virt);
      if (result !== MemoryContext.Result.Success) return AccessViolation;
      range.access = access;
      return Success;
    }
    case MemoryOperation.ReserveMem:
      return reserve(kernel, range);
    case MemoryOperation.CacheClean:
    case MemoryOperation.CacheInvalidate:
    case MemoryOperation.CacheCleanInvalidate:
      return Success;
    default:
      return InvalidArgument;
  }
}

/** Marks each page of [phys, phys + size) used; InvalidArgument at the first one already used (earlier ones stay). */
function reserve(kernel: Kernel, range: Memory.Range): API.Result {
  const allocator = kernel.allocator;
  for (let page = range.phys; page < range.phys + range.size; page += PAGESIZE) {
    if (page < allocator.base() || page - allocator.base() >= allocator.size() || page % PAGESIZE !== 0) return IOError;
    if (allocator.isAllocated(page)) return InvalidArgument;
    if (allocator.allocateAt(page) !== Allocator.Result.Success) return IOError;
  }
  return Success;
}
