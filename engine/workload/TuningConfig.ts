// TuningConfig: the knobs of the engine's TunableAllocator (08-fragmentation), their defaults, and
// the check that turns untrusted plain data (a student's export, a question in exercise.yaml) into a
// config. Every problem names the field: `config.fit: 'worst' must be first, next or best`.
// Sizes are in bytes of whole blocks: payload plus the 8 bytes of header and footer.

export type FitPolicy = 'first' | 'next' | 'best';
export type CoalescePolicy = 'immediate' | 'deferred' | 'never';
export type ListOrder = 'lifo' | 'fifo' | 'address';

export interface TuningConfig {
  /** Ascending upper bounds (block bytes) of the segregated free lists; one more list takes larger blocks. [] = one list. */
  sizeClasses: number[];
  /** Which fitting free block a search takes: the first, the first after where the last search stopped, the smallest. */
  fit: FitPolicy;
  /** A free block is split only when the leftover is at least this many bytes (else the whole block is handed out). */
  splitThreshold: number;
  /** Merge a freed block with free neighbours at once, only when a search fails (before growing), or never. */
  coalesce: CoalescePolicy;
  /** Where a freed block goes in its list: at the head (lifo), at the tail (fifo), or in address order. */
  order: ListOrder;
  /** Fewest bytes the heap grows by when nothing fits. */
  growBy: number;
}

/** The config a field left out takes: the textbook explicit free list. */
export const DEFAULT_TUNING: Readonly<TuningConfig> = Object.freeze({
  sizeClasses: [], fit: 'first', splitThreshold: 16, coalesce: 'immediate', order: 'lifo', growBy: 4096,
});

export const FITS: readonly FitPolicy[] = ['first', 'next', 'best'];
export const COALESCES: readonly CoalescePolicy[] = ['immediate', 'deferred', 'never'];
export const ORDERS: readonly ListOrder[] = ['lifo', 'fifo', 'address'];
export const TUNING_FIELDS = ['sizeClasses', 'fit', 'splitThreshold', 'coalesce', 'order', 'growBy'] as const;
export type TuningField = (typeof TUNING_FIELDS)[number];

/** The smallest block (header, two list links, footer) and the largest size bound or growth accepted. */
export const MIN_BLOCK = 16;
const MAX_BYTES = 16 * 1024 * 1024;
const MAX_CLASSES = 32;

/** Thrown by readTuningConfig: the field's path (`config.sizeClasses[2]`) and why it is wrong. */
export class TuningError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'TuningError';
  }
}

/** 'first, next or best' for a list of choices. */
export function choices(values: readonly string[]): string {
  return values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}

/** How a value reads in a message: strings quoted, others as JSON (cut short). */
export function shown(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Checks one config field's value; `at` is its path for messages. Throws TuningError. */
export function readTuningField(field: TuningField, value: unknown, at: string): TuningConfig[TuningField] {
  const fail = (reason: string): never => {
    throw new TuningError(at, reason);
  };
  const bytes = (v: unknown, where: string, min: number): number => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > MAX_BYTES) {
      throw new TuningError(where, `${shown(v)} must be a whole number of bytes from ${min} to ${MAX_BYTES}`);
    }
    return v;
  };
  switch (field) {
    case 'fit':
      return FITS.includes(value as FitPolicy) ? (value as FitPolicy) : fail(`${shown(value)} must be ${choices(FITS)}`);
    case 'coalesce':
      return COALESCES.includes(value as CoalescePolicy) ? (value as CoalescePolicy) : fail(`${shown(value)} must be ${choices(COALESCES)}`);
    case 'order':
      return ORDERS.includes(value as ListOrder) ? (value as ListOrder) : fail(`${shown(value)} must be ${choices(ORDERS)}`);
    case 'splitThreshold':
      return bytes(value, at, MIN_BLOCK);
    case 'growBy': {
      const n = bytes(value, at, 8);
      return n % 8 === 0 ? n : fail(`${n} must be a multiple of 8`);
    }
    case 'sizeClasses': {
      if (!Array.isArray(value)) return fail(`${shown(value)} must be a list of block sizes, ascending (or [] for one list)`);
      if (value.length > MAX_CLASSES) return fail(`has ${value.length} bounds, at most ${MAX_CLASSES} are allowed`);
      const bounds = value.map((v, k) => bytes(v, `${at}[${k}]`, MIN_BLOCK));
      for (let k = 1; k < bounds.length; k++) {
        if (bounds[k]! <= bounds[k - 1]!) fail(`must be ascending: ${bounds[k]} (at [${k}]) is not above ${bounds[k - 1]}`);
      }
      return bounds;
    }
  }
}

/**
 * A config from plain data: every field checked, missing ones from DEFAULT_TUNING, unknown ones
 * refused. `at` prefixes the field paths (`config`). Throws TuningError naming the first bad field.
 */
export function readTuningConfig(data: unknown, at = 'config'): TuningConfig {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new TuningError(at, `${shown(data)} must be an object with fields ${TUNING_FIELDS.join(', ')}`);
  const config: Record<string, unknown> = { ...DEFAULT_TUNING, sizeClasses: [...DEFAULT_TUNING.sizeClasses] };
  for (const [key, value] of Object.entries(data)) {
    if (!(TUNING_FIELDS as readonly string[]).includes(key)) throw new TuningError(`${at}.${key}`, `unknown field (fields: ${TUNING_FIELDS.join(', ')})`);
    config[key] = readTuningField(key as TuningField, value, `${at}.${key}`);
  }
  return config as unknown as TuningConfig;
}

/** The config in one line, for reports: `fit best, coalesce immediate, ...` (size classes as a list). */
export function describeConfig(config: TuningConfig): string {
  const classes = config.sizeClasses.length === 0 ? 'one list' : `classes ≤${config.sizeClasses.join(', ≤')}, larger`;
  return `${classes}; fit ${config.fit}; split at ≥ ${config.splitThreshold} B; coalesce ${config.coalesce}; order ${config.order}; grow by ≥ ${config.growBy} B`;
}
