// engine/hw's entry: the simulated hardware (physical memory, the buses, TLBs and MMUs of Intel and ARM).
export { Fault, type AccessCounters, type MemoryBus } from './MemoryBus';
export { PhysicalMemory, FrameSize, type PhysicalMemoryOptions } from './PhysicalMemory';
export * as IntelLayout from './IntelLayout';
export { IntelEntry } from './IntelLayout';
export { TLB, type TLBEntry, type TLBCounters } from './TLB';
export { IntelMMU, PagedMMU, PageFault, TLBFlag, type MMU, type AccessKind, type Walk, type WalkStep } from './MMU';
export { VirtualMemory, type FaultHandler, type VirtualMemoryOptions } from './VirtualMemory';
export * as ARMLayout from './ARMLayout';
export { ARMFirstLevel, ARMSecondLevel, type ARMVersion } from './ARMLayout';
export { ARMMMU, ARMTLBFlag, type ARMMMUOptions } from './ARMMMU';
