// Ranking a class by similarity (electron/host/similar/similarity.ts) on the fixture class: alice
// hands in the 07-malloc reference, bob the same with every name changed, comments gone and the
// methods reordered, carol an explicit free list of her own, dave and erin the starter each changed
// their own way (best fit; a realloc that grows in place). The starter is a copy of 07-malloc's.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareSources, type Comparison, type Source } from '../../../electron/host/similar/similarity';
import { collectSources } from '../../../electron/host/similar/submissions';
import { splitLines } from '../../../electron/host/similar/tokens';

const FIXTURES = path.join(import.meta.dirname, 'fixtures');
const CLASS = path.join(FIXTURES, 'class');
const STARTER = readFileSync(path.join(FIXTURES, 'starter.ts'), 'utf8');
const sources: Source[] = readdirSync(CLASS).sort().map((name) => {
  const file = path.join(CLASS, name);
  return { student: name.replace(/\.ts$/, ''), file, text: readFileSync(file, 'utf8') };
});

/** The comparison's pairs as `a-b` names with their similarity, in rank order. */
const ranked = (c: Comparison) => c.pairs.map((p) => ({ pair: `${c.sources[p.a]!.student}-${c.sources[p.b]!.student}`, similarity: p.similarity }));
const similarityOf = (c: Comparison, pair: string) => ranked(c).find((r) => r.pair === pair)!.similarity;

describe('compareSources on the fixture class', () => {
  const withStarter = compareSources(sources, STARTER);
  const withoutStarter = compareSources(sources, null);

  it('ranks the renamed and reordered copy of the reference first, far above every other pair', () => {
    expect(sources.map((s) => s.student)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(withStarter.compared).toBe(10);
    expect(withStarter.pairs).toHaveLength(10);
    const [first, second] = ranked(withStarter);
    expect(first!.pair).toBe('alice-bob');
    expect(first!.similarity).toBeGreaterThan(0.85);
    expect(second!.similarity).toBeLessThan(0.05);
    const top = withStarter.pairs[0]!;
    // The longest run crosses the renamed malloc (alice's lines 55–130; bob moved it to the end).
    expect(top.longest!.tokens).toBeGreaterThan(500);
    expect(top.longest!.b.startRow).toBeGreaterThan(top.longest!.a.startRow);
    expect(top.fragments.length).toBeGreaterThan(5);
  });

  it('ignores the starter: the two students who only share it score near 0 with it, high without it', () => {
    expect(similarityOf(withStarter, 'dave-erin')).toBeLessThan(0.05);
    expect(similarityOf(withoutStarter, 'dave-erin')).toBeGreaterThan(0.5);
    expect(withStarter.starterFingerprints).toBeGreaterThan(50);
    expect(withoutStarter.starterFingerprints).toBe(0);
    // Most of dave's and erin's fingerprints are the starter's, and no longer count.
    const dave = withStarter.stats[3]!;
    expect(dave.starterFingerprints).toBeGreaterThan(dave.fingerprints);
    expect(dave.fingerprints + dave.starterFingerprints).toBe(withoutStarter.stats[3]!.fingerprints);
  });

  it('scores the independent implementation low against everyone', () => {
    for (const other of ['alice', 'bob', 'dave', 'erin']) {
      const pair = other < 'carol' ? `${other}-carol` : `carol-${other}`;
      expect(similarityOf(withStarter, pair), pair).toBeLessThan(0.05);
    }
  });

  it('is deterministic, and places every fragment inside both files', () => {
    expect(ranked(compareSources(sources, STARTER))).toEqual(ranked(withStarter));
    for (const p of withStarter.pairs) {
      for (const f of p.fragments) {
        for (const [side, place] of [[p.a, f.a], [p.b, f.b]] as const) {
          const lines = splitLines(sources[side]!.text);
          expect(place.endRow).toBeLessThan(lines.length);
          expect(place.endCol).toBeLessThanOrEqual(lines[place.endRow]!.length);
          expect(place.startRow < place.endRow || place.startCol < place.endCol).toBe(true);
        }
      }
    }
  });
});

describe('compareSources', () => {
  const files = (...texts: string[]): Source[] => texts.map((text, k) => ({ student: `s${k}`, file: `s${k}.ts`, text }));
  const CODE = readFileSync(path.join(CLASS, 'carol.ts'), 'utf8');

  it('gives identical files 1 and files that share nothing 0, and keeps ties in the sources order', () => {
    const c = compareSources(files(CODE, CODE, 'let x = 1;'), null);
    expect(ranked(c)).toEqual([{ pair: 's0-s1', similarity: 1 }, { pair: 's0-s2', similarity: 0 }, { pair: 's1-s2', similarity: 0 }]);
    expect(c.pairs[0]!.fragments).toHaveLength(1);
    // One fragment over the whole file, less the few tokens at its ends that no chosen fingerprint starts or ends on.
    expect(c.pairs[0]!.longest!.tokens).toBeGreaterThan(0.98 * c.stats[0]!.tokens);
    expect(c.pairs[0]!.longest!.tokens).toBeLessThanOrEqual(c.stats[0]!.tokens);
    expect(c.pairs[1]!.longest).toBeNull();
  });

  it('counts a file that is all starter as having nothing of its own', () => {
    const c = compareSources(files(STARTER, STARTER), STARTER);
    expect(c.stats[0]!.fingerprints).toBe(0);
    expect(c.pairs[0]!.similarity).toBe(0);
  });

  it('leaves out pairs below minSimilarity, but counts them as compared', () => {
    const c = compareSources(sources, STARTER, { minSimilarity: 0.5 });
    expect(ranked(c).map((r) => r.pair)).toEqual(['alice-bob']);
    expect(c.compared).toBe(10);
  });

  it('refuses options out of range and fewer than two sources', () => {
    expect(() => compareSources(sources, null, { minSimilarity: 1.5 })).toThrow('minSimilarity must be from 0 to 1, not 1.5');
    expect(() => compareSources(sources, null, { kgramLength: 0 })).toThrow('kgramLength must be a whole number from 1 up, not 0');
    expect(() => compareSources(sources.slice(0, 1), null)).toThrow('at least two sources are needed, not 1');
  });
});

describe('collectSources', () => {
  it('reads the fixture class as grade-batch finds it, in student order', () => {
    const collected = collectSources(CLASS, 'starter.ts');
    expect(collected.found).toBe(5);
    expect(collected.leftOut).toEqual([]);
    expect(collected.sources.map((s) => s.student)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(collected.sources[0]!.text).toBe(sources[0]!.text);
  });
});
