// Trace: a workload of allocation requests, held as parallel typed arrays so a million-operation
// trace costs about 20 MB, not a million objects. Operation k is (kind[k], id[k], size[k]) and
// came from line[k] of its file (0 for a generated trace). Ids name blocks, as in malloc-lab:
// `a id size` gives block id a payload, `r id size` resizes it, `f id` frees it; `f -1` is free(NULL).
//
// Sizes are float64: malloc-lab 2016 traces ask for more than 4 GiB (an allocator on the 32-bit
// machine must refuse those), and every size is an integer from 0 to 2^53.

export enum OpKind {
  Alloc = 0,
  Realloc = 1,
  Free = 2,
}

export type TraceFormat = 'malloc-lab-2002' | 'malloc-lab-2016' | 'lab';

/** A named stretch of a trace (lab format `phase NAME`): operations [start, end). */
export interface Phase {
  name: string;
  start: number;
  end: number;
}

export interface Trace {
  /** Short name (file name without extension, or the lab format's `name`). */
  name: string;
  /** Where it came from, for error messages: a path, or `generator:<name>` for a generated one. */
  file: string;
  format: TraceFormat;
  /** Payload alignment the checker requires (malloc-lab 2002: 8, 2016: 16; lab format: its `alignment`). */
  alignment: number;
  /** malloc-lab 2016 weight line: 0 correctness only, 1 util + throughput, 2 util only, 3 throughput only. Null if absent. */
  weight: number | null;
  /** Number of ids (ids are 0..ids-1). */
  ids: number;
  /** Peak live payload bytes as the header states it (malloc-lab 2016), or null. */
  statedPeak: number | null;
  /** Named phases, in order; empty when the trace has none. */
  phases: Phase[];
  /** Number of operations. */
  length: number;
  kind: Uint8Array;
  id: Int32Array;
  size: Float64Array;
  /** 1-based line number in `file` of each operation (0 when generated). */
  line: Uint32Array;
}

/** Builds a Trace from plain operations (tests, generators). Ids must be -1 (free only) or 0..ids-1. */
export function traceOf(
  name: string,
  ops: readonly (readonly [OpKind, number, number?])[],
  options: Partial<Pick<Trace, 'file' | 'format' | 'alignment' | 'weight' | 'statedPeak' | 'phases'>> = {},
): Trace {
  const length = ops.length;
  const trace: Trace = {
    name, file: options.file ?? `generator:${name}`, format: options.format ?? 'lab', alignment: options.alignment ?? 8,
    weight: options.weight ?? null, ids: 0, statedPeak: options.statedPeak ?? null, phases: options.phases ?? [],
    length, kind: new Uint8Array(length), id: new Int32Array(length), size: new Float64Array(length), line: new Uint32Array(length),
  };
  let ids = 0;
  ops.forEach(([kind, id, size], k) => {
    trace.kind[k] = kind;
    trace.id[k] = id;
    trace.size[k] = size ?? 0;
    if (id + 1 > ids) ids = id + 1;
  });
  trace.ids = ids;
  return trace;
}

/** Operation k as text in malloc-lab syntax (`a 3 100`, `r 3 200`, `f 3`), for messages. */
export function describeOp(trace: Trace, k: number): string {
  const kind = trace.kind[k]!;
  const id = trace.id[k]!;
  if (kind === OpKind.Free) return `f ${id}`;
  return `${kind === OpKind.Alloc ? 'a' : 'r'} ${id} ${trace.size[k]!}`;
}

/** Where operation k came from: `file:line` (or `file op k` for a generated trace). */
export function whereOp(trace: Trace, k: number): string {
  const line = trace.line[k]!;
  return line > 0 ? `${trace.file}:${line}` : `${trace.file} op ${k}`;
}
