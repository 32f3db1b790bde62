// engine/machine's entry: a whole machine (kernel and processes), its programs, their loading,
// fork and the snapshots the views draw.
export { Machine, type MachineOptions, type CallResult, type Errno } from './Machine';
export { ApplicationLauncher } from './ApplicationLauncher';
export { ProgramError, RegionNames, type ProgramImage, type Segment, type Step, type RegionName } from './Program';
export { parseProgram } from './parseProgram';
export { builtinPrograms } from './builtins';
export { forkAddressSpace, copyOnWriteFault, ForkedRegions } from './Fork';
export { SegfaultStatus, AbortStatus, type Task, type Frame } from './Interpreter';
export { loadSegments, loadBootProgram, writeArguments, argumentPages, MaxArguments, ArgumentSize } from './Loader';
export {
  FrameOwner, frameMap, ownTables, pageTable, regionUsage, changedFrames, ownerCounts, type FrameMap, type TableEntry,
} from './Snapshot';
