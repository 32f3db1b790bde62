// The api timeline's words, pure: where the cursor is ('Before the first call', 'Call 3 of 40'),
// each call's status as a word, the summary line of a run, and addresses in hex.
import type { ApiCallStatus, ApiTimelineInfo } from '../../../electron/contract';
import { hex } from '../../../engine/format';

/** Call indices are 0-based in the host; students count calls from 1. */
export function callPosition(call: number, calls: number): string {
  if (calls === 0) return 'No calls';
  return call < 0 ? `Before the first call (${calls} calls)` : `Call ${call + 1} of ${calls}`;
}

export const statusWords: Record<ApiCallStatus, string> = {
  same: 'same as FreeNOS',
  differs: 'differs',
  threw: 'threw',
  timeout: 'ran out of time',
  'not-run': 'not run',
};

/** The run in one sentence: every call the same, or where the first difference is. */
export function runSummary(info: ApiTimelineInfo): string {
  const n = info.calls.length;
  if (info.error) return `Your class could not run: ${info.error}`;
  if (info.firstDifference === null) return `All ${n} calls answered as FreeNOS does (${(info.ms / 1000).toFixed(1)} s).`;
  const k = info.firstDifference;
  const row = info.calls[k]!;
  const differing = info.calls.filter((c) => c.status === 'differs').length;
  const rest = row.status === 'differs' ? ` ${differing} of ${n} calls differ in all.` : ` The calls after it were not run.`;
  return `First difference at call ${k + 1} of ${n}, ${row.call}: ${row.reason ?? statusWords[row.status]}.${rest}`;
}

/** An answer as the table shows it: JSON keys unquoted and a space after each comma, so it wraps at spaces ('{result: 0, address: 0x1000}'). */
export function answerText(answer: string): string {
  return answer.replace(/"(\w+)":/g, '$1: ').replace(/,(?=\S)/g, ', ');
}

/** '0x1000' (below 0 is 0, fractions round down). */
export function hexText(value: number): string {
  return hex(Math.max(0, Math.floor(value)));
}
