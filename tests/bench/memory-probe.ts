// Host-memory probe: growth of heapUsed + arrayBuffers for a sparse PhysicalMemory with seeded touched frames; as a script it prints one JSON line.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FrameSize, PhysicalMemory } from '../../engine/index';
import { lcg } from './mixes';

export interface MemoryProbe {
  sizeBytes: number;
  touchedBytes: number;
  /** Frames the PhysicalMemory reports holding host memory. */
  touchedFrames: number;
  /** Growth of heapUsed + arrayBuffers: the figure the target is set on. */
  hostBytes: number;
  heapBytes: number;
  arrayBufferBytes: number;
  /** Growth of the resident set, for information (the allocator may keep freed pages). */
  rssBytes: number;
  /** Whether global.gc() was available (node --expose-gc); without it the figures are noisy. */
  collected: boolean;
}

/** `count` distinct frame numbers below `frames`, seeded; count must be at most frames. */
export function pickFrames(frames: number, count: number, seed: number): Uint32Array {
  const next = lcg(seed);
  const taken = new Uint8Array(frames);
  const out = new Uint32Array(count);
  for (let i = 0; i < count;) {
    const f = next() % frames;
    if (taken[f]) continue;
    taken[f] = 1;
    out[i++] = f;
  }
  return out;
}

/** Writes one non-zero word in each listed frame, at a seeded word offset. */
function touch(memory: PhysicalMemory, frames: Uint32Array, seed: number): void {
  const next = lcg(seed);
  for (const f of frames) memory.write32(f * FrameSize + (next() % (FrameSize / 4)) * 4, next() | 1);
}

function collect(): boolean {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return false;
  gc(); gc();
  return true;
}

function sample(): { heap: number; arrayBuffers: number; rss: number } {
  const m = process.memoryUsage();
  return { heap: m.heapUsed, arrayBuffers: m.arrayBuffers, rss: m.rss };
}

/**
 * A PhysicalMemory of `sizeBytes` with touchedBytes / 4096 distinct frames written, spread over
 * the whole space. The frame list is drawn and the code warmed up (on a second memory that stays
 * alive through both samples) before the baseline sample, so the growth is the PhysicalMemory's own.
 */
export function probeMemory(sizeBytes: number, touchedBytes: number, seed = 4242): MemoryProbe {
  const frames = pickFrames(sizeBytes / FrameSize, touchedBytes / FrameSize, seed);
  const warm = new PhysicalMemory(sizeBytes);
  touch(warm, frames.subarray(0, 64), seed);
  const collected = collect();
  const before = sample();
  const memory = new PhysicalMemory(sizeBytes);
  touch(memory, frames, seed);
  collect();
  const after = sample();
  if (warm.touchedFrames !== 64) throw new Error('memory probe: the warm-up touched the wrong number of frames');
  const heapBytes = after.heap - before.heap, arrayBufferBytes = after.arrayBuffers - before.arrayBuffers;
  return {
    sizeBytes, touchedBytes, touchedFrames: memory.touchedFrames,
    hostBytes: heapBytes + arrayBufferBytes, heapBytes, arrayBufferBytes,
    rssBytes: after.rss - before.rss, collected,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  console.log(JSON.stringify(probeMemory(Number(process.argv[2]), Number(process.argv[3]))));
}
