// The lab API's api timelines, part of the contract (electron/contract.ts re-exports all of it): an
// api exercise's scenario run call by call against the student's class in the host's sandbox, each
// call's answer next to FreeNOS's (the engine's), then the engine's own state after any call as a
// picture (bitmaps with a next-fit cursor, bars, facts, small tables). Scenarios are short, so a
// start answers once every call has run. Pure TypeScript, as the contract.
import type { Check } from './contractMachine';

/** At most this many api timelines per host: starting one more closes the least recently used. */
export const MAX_API_TIMELINES = 6;
/** The longest scenario a timeline runs. */
export const MAX_API_CALLS = 20_000;

export interface ApiTimelineRequest {
  exercise: string;
  /** One of the exercise's runnable scenarios (its trace names). */
  scenario: string;
  /** The student's code. */
  source: string;
}

/** 'same' as FreeNOS, 'differs' (the answer or the heap bytes), 'threw' or 'timeout' (the run ends there), 'not-run' (after such an end). */
export type ApiCallStatus = 'same' | 'differs' | 'threw' | 'timeout' | 'not-run';

/** One call: as text, FreeNOS's answer, the student's (null when not run or thrown), and why it differs. */
export interface ApiCallRow {
  call: string;
  expected: string;
  got: string | null;
  status: ApiCallStatus;
  reason: string | null;
}

/** An api timeline as started (every call already run). */
export interface ApiTimelineInfo {
  timelineId: string;
  exercise: string;
  scenario: string;
  /** The subject's name ('bit-allocator') and the constructor call ('new BitAllocator(0x1000, 1024, 64)'). */
  subject: string;
  constructed: string;
  calls: ApiCallRow[];
  /** The first call that is not 'same', or null when every call matched. */
  firstDifference: number | null;
  /** Set when the class could not run at all (a compile error, a constructor that throws or loops). */
  error: string | null;
  logs: string[];
  ms: number;
  /** The timeline closed to make room (MAX_API_TIMELINES), or null. */
  closed: string | null;
}

export interface ApiPictureFact {
  label: string;
  value: string;
}

/** Units as cells ('0' free, '1' used, '2' partly used); cell i starts at first + i * step; cursor: the next-fit cell or -1. */
export interface ApiPictureBitmap {
  label: string;
  units: number;
  unitsPerCell: number;
  cells: string;
  cursor: number;
  first: number;
  step: number;
}

/** A range [base, base + size) with its used part [base, base + used). */
export interface ApiPictureBar {
  label: string;
  base: number;
  size: number;
  used: number;
}

export interface ApiPictureTable {
  title: string;
  columns: string[];
  rows: string[][];
  /** Rows left out. */
  more: number;
}

/** The engine's state as the timeline draws it. */
export interface ApiPicture {
  title: string;
  facts: ApiPictureFact[];
  bars: ApiPictureBar[];
  bitmaps: ApiPictureBitmap[];
  tables: ApiPictureTable[];
}

/** The engine's state after call `call` (-1: before the first call). */
export interface ApiTimelineFrame {
  call: number;
  picture: ApiPicture;
}

/** The api timeline methods of LabApi. */
export interface ApiTimelineApi {
  /** Runs the scenario on the student's code (a compile error or a failing constructor comes back in `error`). */
  apiTimelineStart(request: ApiTimelineRequest): Promise<ApiTimelineInfo>;
  /** The engine's state after call `call` (-1 .. calls - 1). */
  apiTimelineFrame(timelineId: string, call: number): Promise<ApiTimelineFrame>;
  /** Forgets a timeline; false when there was none. */
  apiTimelineClose(timelineId: string): Promise<boolean>;
}

// ---- Argument checks ----

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const apiTimelineId: Check = (v) => (typeof v === 'string' && /^api-timeline-[0-9]+-[0-9a-z]+$/.test(v) ? null : 'must be an api timeline id');
export const apiCall: Check = (v) => (typeof v === 'number' && Number.isInteger(v) && v >= -1 && v < MAX_API_CALLS
  ? null : `must be a call index (a whole number from -1, before the first call, to ${MAX_API_CALLS - 1})`);

export const apiTimelineRequest: Check = (v) => {
  if (!isObject(v)) return 'must be { exercise, scenario, source }';
  const extra = Object.keys(v).find((k) => !['exercise', 'scenario', 'source'].includes(k));
  if (extra) return `${extra}: not a field of an api timeline request (exercise, scenario, source)`;
  if (typeof v.exercise !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(v.exercise)) return 'exercise must be an exercise id (letters, digits, . _ -)';
  if (typeof v.scenario !== 'string' || v.scenario.length === 0 || v.scenario.length > 200) return 'scenario must be a scenario name (1 to 200 characters)';
  if (typeof v.source !== 'string' || v.source.length > 1_000_000) return 'source must be a string (at most 1 MB)';
  return null;
};
