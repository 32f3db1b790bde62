// Smoke test of the bench pieces with small operation counts: checksums agree and repeat, the memory probe counts frames.
import { describe, expect, it } from 'vitest';
import { recordAnswers, runHarness, runOps as bareJsMix } from './barejs-mix';
import { pickFrames, probeMemory } from './memory-probe';
import { bitAllocatorMix, poolAllocatorMix, splitAllocatorMix } from './mixes';
import { formatTable, median } from './report';

const OPS = 20_000;

describe('bench mixes', () => {
  it('the engine BitAllocator and the bare-JS next-fit return the same addresses', () => {
    const engine = bitAllocatorMix(OPS);
    expect(engine.checksum).not.toBe(0);
    expect(engine.failures).toBe(0);
    expect(bareJsMix(OPS)).toBe(engine.checksum);
    expect(bitAllocatorMix(OPS, 'release').checksum).toBe(engine.checksum);
  });

  it('the loop alone, fed the recorded answers, reproduces the bare-JS checksum', () => {
    const answers = recordAnswers(OPS);
    expect(answers.length).toBeGreaterThan(OPS / 3);
    expect(runHarness(OPS, answers)).toBe(bareJsMix(OPS));
  });

  it('the bare-JS mix is deterministic and depends on the op count', () => {
    expect(bareJsMix(OPS)).toBe(bareJsMix(OPS));
    expect(bareJsMix(OPS + 1)).not.toBe(bareJsMix(OPS));
  });

  it('the PoolAllocator mix gives a stable checksum, in both modes, without failures', () => {
    const first = poolAllocatorMix(OPS);
    expect(first.checksum).not.toBe(0);
    expect(first.failures).toBe(0);
    expect(poolAllocatorMix(OPS)).toEqual(first);
    expect(poolAllocatorMix(OPS, 'release')).toEqual(first);
  });

  it('the SplitAllocator mix gives a stable checksum, in both modes', () => {
    const first = splitAllocatorMix(OPS);
    expect(first.checksum).not.toBe(0);
    expect(splitAllocatorMix(OPS)).toEqual(first);
    expect(splitAllocatorMix(OPS, 'release')).toEqual(first);
  });
});

describe('memory probe', () => {
  it('picks distinct frames inside the space', () => {
    const frames = pickFrames(2 ** 18, 4096, 7);
    expect(new Set(frames).size).toBe(4096);
    expect(Math.max(...frames)).toBeLessThan(2 ** 18);
  });

  it('touches 4096 frames for 16 MiB of a 1 GiB space, 256 for 1 MiB of 4 GiB', () => {
    expect(probeMemory(2 ** 30, 16 * 2 ** 20).touchedFrames).toBe(4096);
    expect(probeMemory(2 ** 32, 2 ** 20).touchedFrames).toBe(256);
  });
});

describe('report helpers', () => {
  it('takes medians and aligns columns', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(formatTable(['a', 'bb'], [['xxx', 'y']]).split('\n')).toEqual(['a    bb', '---  --', 'xxx  y']);
  });
});
