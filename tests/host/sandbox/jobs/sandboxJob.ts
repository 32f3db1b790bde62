// A worker job that runs a compiled submission in a SandboxTarget (the worker's realm is locked down
// by it) and reports what the checker would see: addresses, the bytes behind them, work and logs
// (all structured-cloneable).
import { TargetError } from '../../../../engine/grader/ReplayTarget';
import type { Program } from '../../../../electron/host/sandbox/program';
import { createSandboxTarget } from '../../../../electron/host/sandbox/SandboxTarget';

export interface SandboxJobInput { program: Program; sizes: number[]; callUnits?: number }
export interface SandboxJobOutput {
  addresses: number[];
  headers: number[];
  work: number;
  logs: string[];
  error: { kind: string; message: string } | null;
}

export async function run(input: SandboxJobInput): Promise<SandboxJobOutput> {
  const target = await createSandboxTarget(input.program, { heapLimit: 1 << 20, callUnits: input.callUnits });
  const addresses: number[] = [];
  let error: SandboxJobOutput['error'] = null;
  try {
    for (const size of input.sizes) addresses.push(target.malloc(size));
  } catch (e) {
    if (!(e instanceof TargetError)) throw e;
    error = { kind: e.kind, message: e.message };
  }
  const output = { addresses, headers: addresses.map((a) => target.peek32(a - 16)), work: target.work(), logs: target.logs(), error };
  target.dispose();
  return output;
}
