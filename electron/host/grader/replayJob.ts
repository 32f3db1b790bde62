// The replay job of the live views, run in a worker thread (runInWorker): one trace replayed by one
// allocator with every per-operation series and address kept, its newest operations posted to the
// host as progress chunks at most every `progressMs` (typed arrays, copied by structured clone), so
// the timeline, heap map and charts follow a long replay live. The allocator is student code (or the
// exercise's reference or starter) in the sandbox, the engine's TunableAllocator with a config (a
// tune exercise's export is evaluated in the sandbox first, by tuneJob.ts's submissionData), or a
// policy of the fragmentation paper (the engine's, in-process).
import {
  localTarget, replay, type ReplayFailure, type ReplaySeries, type ReplayTarget, TargetError,
  type TraceMetrics,
} from '../../../engine/grader';
import {
  paperPolicy, type PaperPolicyId, readTuningConfig, type Trace, tunableAllocatorClass, type TuningConfig,
  TuningError,
} from '../../../engine/workload';
import { compileSubmission, type CompileError } from '../sandbox/compile';
import { createSandboxTarget } from '../sandbox/SandboxTarget';
import { submissionData } from './submissionData';

export type ReplayJobSubject =
  /** Code with a default-exported malloc class (file: the name errors are reported under). */
  | { kind: 'code'; source: string; file: string; name: string }
  /** A tune exercise's submission: its export's `config` runs on the engine's allocator. */
  | { kind: 'tune'; source: string; file: string }
  /** The engine's TunableAllocator with these config fields (checked here). */
  | { kind: 'engine'; config: Record<string, unknown> }
  /** A policy of the fragmentation paper (engine/workload/paperPolicies.ts). */
  | { kind: 'policy'; policy: PaperPolicyId };

export interface ReplayJobInput {
  trace: Trace;
  subject: ReplayJobSubject;
  heap: { limit: number; parent: 'sbrk' | 'pages' };
  progressMs: number;
}

/** Operations [from, done) of every series and address, and the heap base. */
export interface ReplayChunk {
  from: number;
  done: number;
  heapBase: number;
  series: ReplaySeries;
  addresses: Float64Array;
}

export interface ReplayJobOutput {
  /** Set when the replay could not start (compile error, bad config, a constructor that throws). */
  error: string | null;
  ok: boolean;
  failure: ReplayFailure | null;
  metrics: TraceMetrics | null;
  heapBase: number;
  logs: string[];
}

/** The worker entry point: replays and posts chunks through `progress`; the last chunk reaches the last operation done (at least one chunk is posted). */
export async function run(input: ReplayJobInput, progress?: (chunk: ReplayChunk) => void): Promise<ReplayJobOutput> {
  const failed = (error: string): ReplayJobOutput => ({ error, ok: false, failure: null, metrics: null, heapBase: 0, logs: [] });
  const { limit, parent } = input.heap;
  let target: ReplayTarget & { logs?: () => string[]; dispose?: () => void };
  try {
    const subject = input.subject;
    if (subject.kind === 'code') {
      const compiled = await compileSubmission(subject.source, subject.file);
      if (!compiled.ok) return failed(doesNotCompile(subject.file, compiled.errors));
      target = await createSandboxTarget(compiled, { name: subject.name, heapLimit: limit, parent, logLines: 50 });
    } else if (subject.kind === 'policy') {
      const policy = paperPolicy(subject.policy);
      target = localTarget(policy.allocator, { name: policy.label, limit, parent });
    } else {
      const config = subject.kind === 'tune' ? await tuneConfig(subject.source, subject.file) : readTuningConfig(subject.config);
      if (typeof config === 'string') return failed(config);
      target = localTarget(tunableAllocatorClass(config), { name: 'TunableAllocator', limit, parent });
    }
  } catch (error) {
    if (error instanceof TargetError || error instanceof TuningError) return failed(error.message);
    throw error;
  }
  try {
    let sent = 0;
    let last = performance.now();
    const result = replay(input.trace, target, {
      heapLimit: limit, series: true, addresses: true, progressEvery: 1024,
      onProgress: (done, total, partial) => {
        const now = performance.now();
        if (!progress || done === sent || done === total || now - last < input.progressMs) return;
        last = now;
        progress(chunkOf(partial.series!, partial.addresses!, sent, done, partial.heapBase));
        sent = done;
      },
    });
    // The operations since the last chunk (a failure ends short of total, inside the throttle); an empty chunk still tells the heap base.
    const done = result.metrics.operations;
    if (progress && (done > sent || sent === 0)) {
      progress(chunkOf(result.series!, result.addresses!, sent, done, result.heapBase));
    }
    return { error: null, ok: result.ok, failure: result.failure, metrics: result.metrics, heapBase: result.heapBase, logs: target.logs?.() ?? [] };
  } finally {
    target.dispose?.();
  }
}

/** A tune submission's config, or why there is none (its file named). */
async function tuneConfig(source: string, file: string): Promise<TuningConfig | string> {
  const data = await submissionData(source, file);
  if ('compileErrors' in data) return doesNotCompile(file, data.compileErrors);
  if ('error' in data) return data.error;
  try {
    // Only the config matters to a replay: predictions are left to the grader.
    const root = data.value as { config?: unknown } | null;
    if (typeof root !== 'object' || root === null || root.config === undefined) return `${file}: the default export must be an object { config: {...}, predictions: {...} }`;
    return readTuningConfig(root.config, 'config');
  } catch (error) {
    if (error instanceof TuningError) return `${file}: ${error.message}`;
    throw error;
  }
}

/** Why `file` cannot run: its compile errors on one line. */
function doesNotCompile(file: string, errors: CompileError[]): string {
  return `${file} does not compile: ${errors.map((e) => `line ${e.line}:${e.column} ${e.message}`).join('; ')}`;
}

/** Operations [from, done) of a replay's arrays as a chunk for the host (copies: the worker's arrays keep filling). */
function chunkOf(series: ReplaySeries, addresses: Float64Array, from: number, done: number, heapBase: number): ReplayChunk {
  const slices = Object.fromEntries(Object.entries(series).map(([key, values]) => [key, (values as Float64Array).slice(from, done)])) as unknown as ReplaySeries;
  return { from, done, heapBase, series: slices, addresses: addresses.slice(from, done) };
}
