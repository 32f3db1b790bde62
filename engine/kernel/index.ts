// engine/kernel's entry: the FreeNOS kernel classes (allocators, memory contexts, processes, the
// kernel's memory API and the calls around it).
export { Memory } from './Memory';
export { AssertionError, type BuildMode } from './AssertionError';
export { aligned } from './Unsigned';
export { BitArray, type BitArrayOptions } from './BitArray';
export type { BitBuffer, MemoryBuffer } from './BitStore';
export { Allocator, type AllocatorOptions } from './Allocator';
export { BitAllocator, type BitAllocatorOptions } from './BitAllocator';
export { BubbleAllocator } from './BubbleAllocator';
export { Pool, PoolHeaderSize } from './Pool';
export {
  PoolAllocator, ObjectSignature, PrefixSize, PostfixSize, SmallestIndex, LargestIndex, PoolTargetBytes,
  type PoolAllocatorOptions,
} from './PoolAllocator';
export { SplitAllocator, type SplitAllocatorOptions } from './SplitAllocator';
export { PageAllocator, MinimumAllocationSize, type PageAllocatorOptions, type VMCtlCall } from './PageAllocator';
export { API, MemoryOperation, SELF, ANY, KERNEL_PID } from './API';
export { MemoryMap, IntelMap, ARMMap, Region } from './MemoryMap';
export {
  MemoryContext, PAGESIZE, type Mapping, type MappingChange, type MemoryContextOptions, type TopLevelEntry,
} from './MemoryContext';
export { IntelPaging, type IntelPagingOptions } from './IntelPaging';
export {
  ARMBootStack, Kernel, KernelHeapSize, KernelHeapObjects, type Architecture, type Area, type KernelLayout, type KernelOptions,
} from './Kernel';
export { Process, ProcessState, type Share } from './Process';
export { ProcessManager, MaximumProcesses, ChannelObjectSize } from './ProcessManager';
export { VMCtl } from './VMCtl';
export { UserRuntime } from './UserRuntime';
export { FrameReferences } from './FrameReferences';
export { VMCopy, VMCopyDirection } from './VMCopy';
export { VMShare, ShareOperation, type MemoryShare } from './VMShare';
export {
  ARMPaging, ARMDefaultIOBase, ARMDefaultIOSize, ARMShadowCopyOnWrite, ARMShadowOffset, type ARMPagingOptions,
} from './ARMPaging';
