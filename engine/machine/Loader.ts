// Loader: puts a program image into a process the way the kernel does for boot programs (section
// 9.2) and for the lab's execve: each segment mapped onto fresh contiguous pages and filled through
// the kernel's direct map of RAM, then the arguments written into UserArgs: page 0 holds up to 32
// arguments of 128 bytes each (truncated), page 1 the current directory.
import type { Kernel } from '../kernel/Kernel';
import { Memory } from '../kernel/Memory';
import { MemoryContext, PAGESIZE } from '../kernel/MemoryContext';
import { Region } from '../kernel/MemoryMap';
import type { Process } from '../kernel/Process';
import type { ProgramImage } from './Program';

export const MaxArguments = 32;
export const ArgumentSize = 128;
const UserRWX = Memory.User | Memory.Readable | Memory.Writable | Memory.Executable;

/**
 * Maps and fills every segment. FreeNOS (boot programs, spawn) maps them User|R|W|X whatever the
 * image says; the lab's execve passes honourAccess to keep each segment's own access.
 * False at the first mapping failure (what was mapped stays mapped).
 */
export function loadSegments(kernel: Kernel, process: Process, image: ProgramImage, honourAccess: boolean): boolean {
  for (const segment of image.segments) {
    const range: Memory.Range = { virt: segment.virt, phys: 0, size: segment.size,
      access: honourAccess ? Memory.User | segment.access : UserRWX };
    if (process.context.mapRangeContiguous(range) !== MemoryContext.Result.Success) return false;
    kernel.memory.fill(range.phys, segment.fill, segment.size);
  }
  return true;
}

/** The bytes of UserArgs' first two pages: argv in 128-byte slots, then the current directory. */
export function argumentPages(argv: string[], cwd = '/'): Uint8Array {
  const bytes = new Uint8Array(2 * PAGESIZE);
  argv.slice(0, MaxArguments).forEach((arg, i) => bytes.set(ascii(arg, ArgumentSize - 1), i * ArgumentSize));
  bytes.set(ascii(cwd, PAGESIZE - 1), PAGESIZE);
  return bytes;
}

/** Writes argumentPages() into the process's mapped UserArgs through the kernel's direct map. */
export function writeArguments(kernel: Kernel, process: Process, argv: string[]): boolean {
  const args = process.memoryMap.range(Region.UserArgs);
  const bytes = argumentPages(argv);
  for (let page = 0; page < 2; page++) {
    const { result, phys } = process.context.lookup(args.virt + page * PAGESIZE);
    if (result !== MemoryContext.Result.Success) return false;
    kernel.memory.write(phys, bytes.subarray(page * PAGESIZE, (page + 1) * PAGESIZE));
  }
  return true;
}

/** Section 9.2: segments (R|W|X), then 128 KiB of UserArgs mapped User|R|W, zeroed, holding the program name (32 bytes at most). */
export function loadBootProgram(kernel: Kernel, process: Process, image: ProgramImage): boolean {
  if (!loadSegments(kernel, process, image, false)) return false;
  const args = process.memoryMap.range(Region.UserArgs);
  const range: Memory.Range = { virt: args.virt, phys: 0, size: args.size, access: Memory.User | Memory.Readable | Memory.Writable };
  if (process.context.mapRangeContiguous(range) !== MemoryContext.Result.Success) return false;
  kernel.memory.fill(range.phys, 0, args.size);
  kernel.memory.write(range.phys, ascii(image.name, 32));
  return true;
}

/** The first `max` characters of `text` as bytes (characters above 0x7F become '?'). */
function ascii(text: string, max: number): Uint8Array {
  return Uint8Array.from(text.slice(0, max), (c) => (c.charCodeAt(0) < 0x80 ? c.charCodeAt(0) : 0x3f));
}
