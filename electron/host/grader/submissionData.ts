// A tune submission (tuneJob.ts) or a replayed config (replayJob.ts) is untrusted code whose default
// export is plain data: compiled, then evaluated in the sandbox under a work limit.
import { compileSubmission, type CompileError, type CompileResult } from '../sandbox/compile';
import { evaluateData } from '../sandbox/evaluateData';
import { UNITS_PER_SECOND } from '../sandbox/options';

/** Work the submission's top level (and its export's getters) may do: 2 s at the nominal speed. */
const EVALUATE_UNITS = 2 * UNITS_PER_SECOND;

/**
 * A tune submission's default export as plain data: compiled (unless `precompiled`), then evaluated in the sandbox within EVALUATE_UNITS.
 * Else its compile errors, or why it could not be evaluated (`<file>: <reason>`).
 */
export async function submissionData(source: string, file: string, precompiled?: CompileResult): Promise<{ value: unknown } | { compileErrors: CompileError[] } | { error: string }> {
  const compiled = precompiled ?? await compileSubmission(source, file);
  if (!compiled.ok) return { compileErrors: compiled.errors };
  const data = await evaluateData(compiled, { units: EVALUATE_UNITS });
  return data.ok ? { value: data.value } : { error: `${file}: ${data.reason}` };
}
