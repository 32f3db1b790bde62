// The engine's public entry: everything exercises, the host and the views may use.
// engine/ is pure TypeScript (no Node, DOM, Electron or Vue) and deterministic.
export { EventLog, type EngineEvent, type MetadataKind } from './EventLog';
export { Fault, type AccessCounters, type MemoryBus } from './hw/MemoryBus';
export { PhysicalMemory, FrameSize, type PhysicalMemoryOptions } from './hw/PhysicalMemory';
export * as IntelLayout from './hw/IntelLayout';
export { IntelEntry } from './hw/IntelLayout';
export { TLB, type TLBEntry, type TLBCounters } from './hw/TLB';
export { IntelMMU, PagedMMU, PageFault, TLBFlag, type MMU, type AccessKind, type Walk, type WalkStep } from './hw/MMU';
export { VirtualMemory, type FaultHandler, type VirtualMemoryOptions } from './hw/VirtualMemory';
export { Memory } from './kernel/Memory';
export { AssertionError, type BuildMode } from './kernel/AssertionError';
export { aligned } from './kernel/Unsigned';
export { hex, hex32, hexFrom, lowerHex } from './format';
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
export { MemoryMap, IntelMap, ARMMap, Region } from './kernel/MemoryMap';
export {
  MemoryContext, PAGESIZE, type Mapping, type MappingChange, type MemoryContextOptions, type TopLevelEntry,
} from './kernel/MemoryContext';
export { IntelPaging, type IntelPagingOptions } from './kernel/IntelPaging';
export {
  ARMBootStack, Kernel, KernelHeapSize, KernelHeapObjects, type Architecture, type Area, type KernelLayout, type KernelOptions,
} from './kernel/Kernel';
export { Process, ProcessState, type Share } from './kernel/Process';
export { ProcessManager, MaximumProcesses, ChannelObjectSize } from './kernel/ProcessManager';
export { VMCtl } from './kernel/VMCtl';
export { UserRuntime } from './kernel/UserRuntime';
export { FrameReferences } from './kernel/FrameReferences';
export { VMCopy, VMCopyDirection } from './kernel/VMCopy';
export { VMShare, ShareOperation, type MemoryShare } from './kernel/VMShare';
export { Machine, type MachineOptions, type CallResult, type Errno } from './machine/Machine';
export { ApplicationLauncher } from './machine/ApplicationLauncher';
export { ProgramError, RegionNames, type ProgramImage, type Segment, type Step, type RegionName } from './machine/Program';
export { parseProgram } from './machine/parseProgram';
export { builtinPrograms } from './machine/builtins';
export { forkAddressSpace, copyOnWriteFault, ForkedRegions } from './machine/Fork';
export { SegfaultStatus, AbortStatus, type Task, type Frame } from './machine/Interpreter';
export { loadSegments, loadBootProgram, writeArguments, argumentPages, MaxArguments, ArgumentSize } from './machine/Loader';
export {
  FrameOwner, frameMap, ownTables, pageTable, regionUsage, changedFrames, ownerCounts, type FrameMap, type TableEntry,
} from './machine/Snapshot';
export * as ARMLayout from './hw/ARMLayout';
export { ARMFirstLevel, ARMSecondLevel, type ARMVersion } from './hw/ARMLayout';
export { ARMMMU, ARMTLBFlag, type ARMMMUOptions } from './hw/ARMMMU';
export {
  ARMPaging, ARMDefaultIOBase, ARMDefaultIOSize, ARMShadowCopyOnWrite, ARMShadowOffset, type ARMPagingOptions,
} from './kernel/ARMPaging';
