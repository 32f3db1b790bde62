// Similarity of a class's submissions, pair by pair: Dolos's algorithm (@dodona/dolos-core, the
// winnowing of k-grams of tokens that MOSS also uses) over the tokens of tokens.ts. Fingerprints the
// starter also has are ignored, so code every student received does not count as shared. Runs in
// this process on the texts it is given: nothing is sent anywhere. Results are plain data.
import { File, FingerprintIndex, Region, TokenizedFile, type FileEntry, type Fragment, type Pair } from '@dodona/dolos-core';
import { tokenize } from './tokens';

/** One student's file to compare. */
export interface Source {
  student: string;
  /** Its path (shown in reports; never read here). */
  file: string;
  text: string;
}

/** A place in a file: rows from 0, columns from 0 in UTF-16 units, the end exclusive. */
export interface Place {
  startRow: number;
  startCol: number;
  endRow: number;
  endCol: number;
}

/** A stretch of tokens the two files have in the same order (renamed names and other numbers still match). */
export interface SharedFragment {
  /** Tokens in it (the shorter side's count). */
  tokens: number;
  a: Place;
  b: Place;
}

export interface PairResult {
  /** Indexes into Comparison.sources; a comes before b in the sources' order. */
  a: number;
  b: number;
  /** Shared fingerprints of both files over all their fingerprints, the starter's left out of both: 0 to 1. */
  similarity: number;
  /** Fingerprint occurrences of a and of b that the other file has too (Dolos's total overlap is their sum). */
  sharedA: number;
  sharedB: number;
  /** The longest shared fragment; null when they share nothing. */
  longest: SharedFragment | null;
  /** Every shared fragment, in a's order. */
  fragments: SharedFragment[];
}

export interface SourceStats {
  tokens: number;
  /** Fingerprints of the file that count (the starter's left out). */
  fingerprints: number;
  /** Fingerprints of the file that the starter has too. */
  starterFingerprints: number;
}

export interface Comparison {
  sources: Source[];
  stats: SourceStats[];
  /** Pairs at or above the minimum similarity, most similar first. */
  pairs: PairResult[];
  /** How many pairs were compared in all. */
  compared: number;
  /** The starter's fingerprints (0 without a starter). */
  starterFingerprints: number;
  kgramLength: number;
  window: number;
}

export interface CompareOptions {
  /** Tokens in a k-gram (default 23, as Dolos). */
  kgramLength?: number;
  /** k-grams in a winnowing window (default 17, as Dolos): any run of kgramLength + window - 1 shared tokens is found. */
  window?: number;
  /** Leave out pairs below this similarity (0 to 1, default 0). */
  minSimilarity?: number;
}

const tokenized = (path: string, text: string): TokenizedFile => {
  const tokens = tokenize(text);
  return new TokenizedFile(new File(path, text), tokens.map((t) => t.text),
    tokens.map((t) => new Region(t.startRow, t.startCol, t.endRow, t.endCol)));
};

/** How many of the entry's fingerprint occurrences are ignored (the starter has them). */
const ignoredCount = (entry: FileEntry): number =>
  [...entry.ignored].reduce((total, shared) => total + shared.occurrencesOf(entry.file).length, 0);

const place = (r: Region): Place => ({ startRow: r.startRow, startCol: r.startCol, endRow: r.endRow, endCol: r.endCol });

/** A fragment as plain data: its places and token count. */
function fragmentOf(fragment: Fragment): SharedFragment {
  const first = fragment.pairs[0]!;
  const last = fragment.pairs[fragment.pairs.length - 1]!;
  const tokens = Math.min(last.left.stop - first.left.start, last.right.stop - first.right.start) + 1;
  return { tokens, a: place(fragment.leftSelection), b: place(fragment.rightSelection) };
}

/**
 * Compares every pair of `sources` (at least two) and ranks them: similarity, then the longest
 * fragment, then the sources' order. Fingerprints that `starter` (its text) also has count for
 * nobody. Deterministic for the same texts and options. Throws RangeError on options out of range.
 */
export function compareSources(sources: Source[], starter: string | null, options: CompareOptions = {}): Comparison {
  const kgramLength = options.kgramLength ?? 23;
  const window = options.window ?? 17;
  const minSimilarity = options.minSimilarity ?? 0;
  if (!Number.isInteger(kgramLength) || kgramLength < 1) throw new RangeError(`kgramLength must be a whole number from 1 up, not ${kgramLength}`);
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`window must be a whole number from 1 up, not ${window}`);
  if (!(minSimilarity >= 0 && minSimilarity <= 1)) throw new RangeError(`minSimilarity must be from 0 to 1, not ${minSimilarity}`);
  if (sources.length < 2) throw new RangeError(`at least two sources are needed, not ${sources.length}`);

  const index = new FingerprintIndex(kgramLength, window);
  const files = sources.map((s) => tokenized(s.file, s.text));
  index.addFiles(files);
  // After the files: the index ignores a starter fingerprint only in files it already holds.
  if (starter !== null) index.addIgnoredFile(tokenized('starter', starter));
  const entries = index.entries();
  const counted = entries.map((e) => e.kgrams.length - ignoredCount(e));
  const stats = entries.map((e, k): SourceStats => ({ tokens: files[k]!.tokens.length, fingerprints: counted[k]!, starterFingerprints: e.kgrams.length - counted[k]! }));

  const pairs: PairResult[] = [];
  let compared = 0;
  for (let a = 0; a < entries.length; a++) {
    for (let b = a + 1; b < entries.length; b++) {
      compared++;
      const pair: Pair = index.getPair(files[a]!, files[b]!);
      // Dolos's Pair.similarity subtracts the first file's ignored count for both files; counted is exact.
      const total = counted[a]! + counted[b]!;
      const similarity = total > 0 ? (pair.leftCovered + pair.rightCovered) / total : 0;
      if (similarity < minSimilarity) continue;
      const fragments = similarity > 0 ? pair.buildFragments().map(fragmentOf) : [];
      const longest = fragments.reduce<SharedFragment | null>((best, f) => (best === null || f.tokens > best.tokens ? f : best), null);
      pairs.push({ a, b, similarity, sharedA: pair.leftCovered, sharedB: pair.rightCovered, longest, fragments });
    }
  }
  pairs.sort((x, y) => y.similarity - x.similarity || (y.longest?.tokens ?? 0) - (x.longest?.tokens ?? 0) || x.a - y.a || x.b - y.b);
  const starterFingerprints = index.ignoredEntries().reduce((total, e) => total + e.kgrams.length, 0);
  return { sources, stats, pairs, compared, starterFingerprints, kgramLength, window };
}
