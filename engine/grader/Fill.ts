// The checker's fill: what it writes into every payload and later expects to find there. One
// pattern per seed, 64 Ki pseudo-random 32-bit words (xorshift32) laid down little-endian; a
// payload region's fill is the pattern read from a word chosen by the operation that filled it and
// the region's offset, wrapping around. Writing is a copy of pattern bytes (a memcpy), checking a
// comparison word by word: both cost a few nanoseconds per word, even in a locked-down realm.

/** Words in a pattern (256 KiB): a longer payload repeats it. */
const WORDS = 1 << 16;
const BYTES = WORDS * 4;

/** The first difference a check found: its offset in the region, width (4 or 1) and the two values. */
export interface FillDifference {
  offset: number;
  width: number;
  got: number;
  want: number;
}

export class FillPattern {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;

  constructor(seed: number) {
    this.bytes = new Uint8Array(BYTES + 4);
    // DataView stores: element stores into a typed array are 25x slower in a realm whose prototypes
    // are frozen (the sandbox's lockdown); DataView calls are not. The last 4 bytes repeat the first
    // word, so a region ending in a partial word reads its bytes without wrapping.
    this.view = new DataView(this.bytes.buffer);
    let x = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) >>> 0 || 1;
    for (let i = 0; i < WORDS; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.view.setUint32(i * 4, x >>> 0, true);
    }
    this.view.setUint32(BYTES, this.view.getUint32(0, true), true);
  }

  /** The pattern's byte offset where the fill of operation `serial`'s region at offset `from` starts (word-aligned). */
  start(serial: number, from: number): number {
    const h = Math.imul(serial + 1, 0x85ebca6b) ^ Math.imul(from + 1, 0xc2b2ae35);
    return ((h ^ (h >>> 15)) & (WORDS - 1)) * 4;
  }

  /** Writes the fill starting at pattern byte `at` over all of `region`. */
  write(region: Uint8Array, at: number): void {
    const n = region.byteLength;
    for (let o = 0; o < n; ) {
      const k = Math.min(n - o, BYTES - at);
      region.set(this.bytes.subarray(at, at + k), o);
      o += k;
      at = 0;
    }
  }

  /** The word (or, at the region's end, byte) of the fill starting at `at` that sits at region offset `o`. */
  want(at: number, o: number, width: number): number {
    const p = (at + o) % BYTES;
    return width === 4 ? this.view.getUint32(p, true) : this.bytes[p]!;
  }

  /** The first difference between `region` and the fill starting at pattern byte `at`, or null when they agree. */
  verify(region: Uint8Array, at: number): FillDifference | null {
    const n = region.byteLength;
    const got = new DataView(region.buffer, region.byteOffset, n);
    const want = this.view;
    let o = 0;
    for (let p = at; o + 4 <= n; o += 4, p += 4) {
      if (p === BYTES) p = 0;
      if (got.getUint32(o, true) !== want.getUint32(p, true)) return this.difference(region, at, o, 4);
    }
    for (; o < n; o++) {
      if (region[o] !== this.bytes[(at + o) % BYTES]) return this.difference(region, at, o, 1);
    }
    return null;
  }

  private difference(region: Uint8Array, at: number, o: number, width: number): FillDifference {
    const got = width === 4 ? new DataView(region.buffer, region.byteOffset + o, 4).getUint32(0, true) : region[o]!;
    return { offset: o, width, got, want: this.want(at, o, width) };
  }
}

/** One pattern per seed, made at its first use (a replay per trace would otherwise make it each time). */
const patterns = new Map<number, FillPattern>();

export function fillPattern(seed: number): FillPattern {
  let pattern = patterns.get(seed);
  if (!pattern) {
    pattern = new FillPattern(seed);
    if (patterns.size > 16) patterns.clear();
    patterns.set(seed, pattern);
  }
  return pattern;
}
