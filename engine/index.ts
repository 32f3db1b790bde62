// The engine's public entry: everything exercises, the host and the views may use.
// engine/ is pure TypeScript (no Node, DOM, Electron or Vue) and deterministic.
export { EventLog, type EngineEvent, type MetadataKind } from './EventLog';
export { Fault, type AccessCounters, type MemoryBus } from './hw/MemoryBus';
export { PhysicalMemory, FrameSize, type PhysicalMemoryOptions } from './hw/PhysicalMemory';
export { Memory } from './kernel/Memory';
export { AssertionError, type BuildMode } from './kernel/AssertionError';
export { aligned, hex } from './kernel/Unsigned';
export { BitArray, type BitArrayOptions } from './kernel/BitArray';
export type { BitBuffer, MemoryBuffer } from './kernel/BitStore';
export { Allocator, type AllocatorOptions } from './kernel/Allocator';
export { BitAllocator, type BitAllocatorOptions } from './kernel/BitAllocator';
export { BubbleAllocator } from './kernel/BubbleAllocator';
export { Pool, PoolHeaderSize } from './kernel/Pool';
export {
  PoolAllocator, ObjectSignature, PrefixSize, PostfixSize, SmallestIndex, LargestIndex, PoolTargetBytes,
  type PoolAllocatorOptions,
} from './kernel/PoolAllocator';
export { SplitAllocator, type SplitAllocatorOptions } from './kernel/SplitAllocator';
export { PageAllocator, MinimumAllocationSize, type PageAllocatorOptions, type VMCtlCall } from './kernel/PageAllocator';
export { API, MemoryOperation, SELF, ANY, KERNEL_PID } from './kernel/API';
