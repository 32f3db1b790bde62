// engine/workload's entry, what the host may import: traces (their format, generators and
// descriptions), the tunable allocator and its config, and the paper's policies.
export { type MallocAllocatorClass } from './Heap';
export { describeOp, OpKind, type Trace } from './Trace';
export { parseTrace, peakLivePayload, TraceError, writeLabTrace, writeMallocLabTrace } from './TraceFormat';
export { tunableAllocatorClass } from './TunableAllocator';
export { readTuningConfig, TuningError, type TuningConfig } from './TuningConfig';
export { generate, generators } from './generators';
export { isPaperPolicyId, PAPER_POLICY_IDS, paperPolicy, type PaperPolicyId } from './paperPolicies';
