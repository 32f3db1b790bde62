// The Timeline's words, pure (operation indices as plain numbers, as they are typed and linked;
// counts with thousands separators): addresses in hex, the heap's text summary (the heap map's text
// alternative), what is under the map's cursor, the progress line, and the failure's sentences.
import type { ReplayBlockInfo, ReplayEnd, ReplayFrame } from '../../../electron/contract';
import { lowerHex } from '../../../engine/format';
import { heapSwatches } from '../palette';
import { formatBytes } from './charts';

/** '0xb0001010' (below 0 is 0, fractions round down). */
export function hex(address: number): string {
  return lowerHex(Math.max(0, Math.floor(address)));
}

const count = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The state of a frame in one sentence list, for screen readers and the page. */
export function frameSummary(frame: ReplayFrame): string {
  const at = frame.op < 0 ? 'Before the first operation' : `After operation ${frame.op}`;
  return [
    `${at}: payload ${formatBytes(frame.payload)} in ${count(frame.blocks, 'block', 'blocks')}`,
    `heap ${formatBytes(frame.heapSize)}`,
    `${count(frame.holes, 'hole', 'holes')} (the largest ${formatBytes(frame.largestHole)})`,
    `external fragmentation ${(frame.external * 100).toFixed(1)} %.`,
  ].join(', ');
}

/** The map window's scale: '0xb0001000 – 0xb0021000, 32 bytes per cell'. */
export function windowText(frame: ReplayFrame): string {
  const { from, to, bytesPerCell } = frame.heap;
  return `${hex(from)} – ${hex(to)}, ${bytesPerCell === 1 ? '1 byte' : `${bytesPerCell.toLocaleString('en-US')} bytes`} per cell`;
}

/** What is at `address` (the map's hover or cursor): its kind, block, size and allocating operation. */
export function blockText(address: number, info: ReplayBlockInfo | null): string {
  if (!info) return `${hex(address)}: outside the heap`;
  const label = heapSwatches[info.kind]?.label ?? info.kind;
  const parts = [`${hex(address)}: ${label}`];
  if (info.kind === 'payload' || info.kind === 'free') parts.push(`${info.kind === 'free' ? 'hole' : 'block'} ${hex(info.address)}, ${formatBytes(info.size)}${info.size >= 1024 ? ` (${info.size.toLocaleString('en-US')} bytes)` : ''}`);
  if (info.id >= 0) parts.push(`id ${info.id}`);
  if (info.allocatedAt >= 0) parts.push(`allocated at operation ${info.allocatedAt}`);
  return parts.join(' · ');
}

/** '12,345 / 100,000 operations · 250,000 ops/s'. */
export function progressText(done: number, total: number, rate: number): string {
  const ops = `${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} operations`;
  return rate > 0 ? `${ops} · ${Math.round(rate).toLocaleString('en-US')} ops/s` : ops;
}

/** The end of a replay in one line: passed, failed at an operation, stopped, or could not run. */
export function endText(end: ReplayEnd): string {
  if (end.stopped) return `Stopped after ${count(end.done, 'operation', 'operations')}.`;
  if (end.failure) return `Failed at operation ${end.failure.op} (${end.failure.operation}): ${end.failure.kind}: ${end.failure.reason}`;
  if (end.error) return `Could not replay: ${end.error}`;
  return `Replayed ${count(end.done, 'operation', 'operations')} without a failure in ${(end.ms / 1000).toFixed(1)} s.`;
}

/** The operation typed in the jump box: a whole number from `first` to `last` (commas and spaces allowed), or why not. */
export function parseOperation(text: string, first: number, last: number): { op: number } | { error: string } {
  const cleaned = text.replace(/[\s,_]/g, '');
  const range = `from ${first} to ${last}`;
  if (!/^-?\d+$/.test(cleaned)) return { error: `Type an operation number ${range}.` };
  const op = Number(cleaned);
  if (op < first || op > last) return { error: `Operation ${op} is not in this replay: type one ${range}.` };
  return { op };
}

/** The frame's operation for the controls: 'Operation 12: malloc(24) → 0xb0001010 (trace line 15)'. */
export function operationText(op: number, operation: string, line: number): string {
  if (op < 0) return 'Before the first operation: the empty heap.';
  const where = line > 0 ? ` (trace line ${line})` : '';
  return `Operation ${op}: ${operation}${where}`;
}

/** The slider's count: '12 / 400', 'start / 400' before the first operation, 'no operations yet' when there are none. */
export function positionText(cursor: number, last: number): string {
  if (last < 0) return 'no operations yet';
  return `${cursor < 0 ? 'start' : cursor} / ${last}`;
}

/** The jump box's hint: '0–399', or '' when there is nothing to jump to. */
export function rangeHint(first: number, last: number): string {
  return last < 0 ? '' : `${Math.max(0, first)}–${last}`;
}

/** The note under a failure when the state shown is the last one before it (failing operation `op`). */
export function lastStateText(op: number): string {
  const shown = op > 0 ? `the state after operation ${op - 1}, the last one that completed` : 'the heap before the first operation';
  return `Shown: ${shown}. Operation ${op} is the one that failed.`;
}
