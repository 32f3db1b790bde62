// VMCtl in the lab's words: the Memory.Access flags (values as engine/kernel/Memory.ts lays them
// out, bit 0 first), what each API.Result code means when VMCtl returns it (written after
// shared/docs/freenos-memory.md §8), and a short hint per operation for the console's form.
import type { VMCtlOperationName } from '../../../electron/contract';

/** Memory.Access: Readable 1, Writable 2, Executable 4, User 8, Uncached 16, InnerCached 32, OuterCached 64, Device 128. */
export const accessFlags = [
  { name: 'Readable', value: 1, hint: 'the page can be read' },
  { name: 'Writable', value: 2, hint: 'the page can be written' },
  { name: 'Executable', value: 4, hint: 'code may run from the page' },
  { name: 'User', value: 8, hint: 'user mode may touch it (else kernel only)' },
  { name: 'Uncached', value: 16, hint: 'no caching' },
  { name: 'InnerCached', value: 32, hint: 'cached in the inner (L1) cache' },
  { name: 'OuterCached', value: 64, hint: 'cached in the outer (L2) cache' },
  { name: 'Device', value: 128, hint: 'device memory (I/O registers)' },
] as const;

/** The Memory.Access value of the flag names (unknown names count nothing). */
export function accessValue(names: readonly string[]): number {
  return accessFlags.filter((f) => names.includes(f.name)).reduce((n, f) => n | f.value, 0);
}

/** The flag names of a Memory.Access value, lowest bit first ('None' for 0). */
export function accessNames(value: number): string[] {
  const names = accessFlags.filter((f) => value & f.value).map((f) => f.name);
  return names.length ? names : ['None'];
}

/** What each API.Result name means coming back from VMCtl (one line each). */
export const resultMeanings: Record<string, string> = {
  Success: 'It worked: the operation was done and the range below is what VMCtl wrote back.',
  AccessViolation: 'Nothing is mapped at that virtual address, so there is nothing to look up or read the access of.',
  RangeError: 'The kernel ran out of room in its own private address window to do the copy.',
  NotFound: 'No process has that id (unknown ids, and ANY = 65535, are not found).',
  InvalidArgument: 'The request makes no sense as given: an operation VMCtl does not do, AddMem, or a page ReserveMem found already in use.',
  OutOfMemory: 'A physical frame or a page table could not be allocated.',
  IOError: 'The memory context refused the work: no free virtual space, a page already mapped, a bad size or alignment, or nothing to release.',
  AlreadyExists: 'A page or table is already there, so it was not mapped again.',
  TemporaryUnavailable: 'The resource is busy for now; trying again later may work.',
};

/** Sharper words for a result of one operation, where the general meaning is vague. */
const byOperation: Partial<Record<VMCtlOperationName, Partial<Record<string, string>>>> = {
  MapContiguous: { IOError: 'Mapping failed: no free virtual space of that size (virt 0 picks one in UserPrivate), a page already mapped, or no contiguous frames.' },
  MapSparse: { IOError: 'Mapping failed: the size must be a multiple of 32 KiB, or there was no free virtual space or frames.' },
  UnMap: { IOError: 'Unmapping failed: some page of the range was not mapped.' },
  Release: { IOError: 'Release failed: some page of the range was not mapped, so there was nothing to free.' },
  ReleaseSections: { IOError: 'Release failed: the virtual address must start a section (a top-level entry).' },
  LookupVirtual: { AccessViolation: 'That virtual address is not mapped in the process: there is no physical address to give.' },
  Access: { AccessViolation: 'That virtual address is not mapped in the process: it has no access flags.' },
  ReserveMem: {
    InvalidArgument: 'A frame of that physical range is already in use (the ones before it stay reserved).',
    IOError: 'The physical range is not page aligned or lies outside the RAM the frame allocator manages.',
  },
  AddMem: { InvalidArgument: 'AddMem is not implemented in FreeNOS: it always says InvalidArgument.' },
};

/** The one-line meaning of `name` returned by `operation` (a code the table lacks is said to be unknown). */
export function explainResult(name: string, operation?: VMCtlOperationName): string {
  return (operation && byOperation[operation]?.[name]) ?? resultMeanings[name] ?? `Result ${name} is not one of the API.Result codes this lab knows.`;
}

/** What each operation does with the range, for the form. */
export const operationHints: Record<VMCtlOperationName, string> = {
  MapContiguous: 'Map size bytes at virt (0: VMCtl picks a free place in UserPrivate) to contiguous frames at phys (0: newly allocated).',
  MapSparse: 'Map size bytes (a multiple of 32 KiB) at virt, each page to a newly allocated frame.',
  UnMap: 'Remove the mappings of [virt, virt + size); the frames are not freed.',
  Release: 'Free the frames of [virt, virt + size) and remove the mappings (tables are kept).',
  ReleaseSections: 'Free whole sections from virt (section aligned), frames and tables.',
  LookupVirtual: 'Write the physical address of virt into phys.',
  Access: 'Write the access flags of the page at virt into access.',
  ReserveMem: 'Mark the frames of [phys, phys + size) as used.',
  AddMem: 'Not implemented in FreeNOS.',
  CacheClean: 'Clean the data cache line at virt (nothing on Intel).',
  CacheInvalidate: 'Invalidate the data cache at virt.',
  CacheCleanInvalidate: 'Clean and invalidate the whole data cache.',
};
