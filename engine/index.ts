// The engine's public entry: everything exercises, the host and the views may use.
// engine/ is pure TypeScript (no Node, DOM, Electron or Vue) and deterministic.
export { EventLog, type EngineEvent, type MetadataKind } from './EventLog';
export { Fault, type AccessCounters, type MemoryBus } from './hw/MemoryBus';
export { PhysicalMemory, FrameSize, type PhysicalMemoryOptions } from './hw/PhysicalMemory';
