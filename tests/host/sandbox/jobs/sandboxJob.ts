// A worker job that compiles a submission, runs it in a QuickJS target and reports what the checker
// would see: addresses, the bytes behind them, work and logs (all structured-cloneable).
import { TargetError } from '../../../../engine/grader/ReplayTarget';
import { compileSubmission } from '../../../../electron/host/sandbox/compile';
import { createSandboxTarget } from '../../../../electron/host/sandbox/QuickJSTarget';

export interface SandboxJobInput { source: string; sizes: number[]; callDeadlineMs?: number }
export interface SandboxJobOutput {
  addresses: number[];
  headers: number[];
  work: number;
  logs: string[];
  error: { kind: string; message: string } | null;
}

export async function run(input: SandboxJobInput): Promise<SandboxJobOutput> {
  const compiled = await compileSubmission(input.source, 'student.ts');
  if (!compiled.ok) throw new Error(compiled.errors.map((e) => e.message).join('; '));
  const target = await createSandboxTarget(compiled.code, { heapLimit: 1 << 20, callDeadlineMs: input.callDeadlineMs });
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
