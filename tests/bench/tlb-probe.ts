// MMU translation throughput, with and without the TLB. A Kernel (its own boot page tables) plus
// a user IntelPaging context with 16 MiB mapped at UserData, active in the MMU; seeded sequences
// of virtual addresses go through kernel.mmu.translate(va, 'read', true). As a script:
//   tlb-probe.ts mix <tlbEntries> <translations> <runs>   the locality mix; prints one JSON line (MixProbe)
//   tlb-probe.ts cost <translations> <runs>               TLB hit vs full walk, one page repeated; one JSON line (CostProbe)
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IntelPaging, Kernel, Memory, MemoryContext, Region, type PagedMMU } from '../../engine/index';
import { lcg } from './mixes';

const PAGE = 4096;
export const MAPPED_BYTES = 16 * 2 ** 20;
/** Pages of the locality mix's working set, and the share of translations that stay in it (%). */
export const WORKING_SET = 16, LOCAL_PERCENT = 90;

/** A booted kernel whose MMU has a user context with `mappedBytes` mapped at `base` loaded. */
export interface TranslationSpace {
  kernel: Kernel;
  context: IntelPaging;
  base: number;
  pages: number;
}

export function translationSpace(tlbEntries: number, mappedBytes = MAPPED_BYTES): TranslationSpace {
  const kernel = new Kernel({ tlbEntries });
  const context = new IntelPaging(kernel.memoryMap, kernel.allocator,
    { memory: kernel.memory, mmu: kernel.mmu, mode: kernel.mode, name: 'bench' });
  const base = kernel.memoryMap.range(Region.UserData).virt;
  const range: Memory.Range = { virt: base, phys: 0, size: mappedBytes, access: Memory.User | Memory.Readable | Memory.Writable };
  if (context.initialize() !== MemoryContext.Result.Success || context.mapRangeContiguous(range) !== MemoryContext.Result.Success) {
    throw new Error(`tlb-probe: cannot map ${mappedBytes} bytes at ${base.toString(16)}`);
  }
  context.activate();
  return { kernel, context, base, pages: mappedBytes / PAGE };
}

/**
 * `count` virtual addresses (word-aligned offsets): LOCAL_PERCENT % in a seeded working set of
 * WORKING_SET consecutive pages, the rest on any mapped page.
 */
export function localitySequence(count: number, base: number, pages: number, seed = 2718): Uint32Array {
  const next = lcg(seed);
  const hot = next() % (pages - WORKING_SET);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) {
    const page = next() % 100 < LOCAL_PERCENT ? hot + (next() % WORKING_SET) : next() % pages;
    out[i] = base + page * PAGE + (next() & 0xffc);
  }
  return out;
}

/** `count` word-aligned addresses, all on one seeded page: every translation after the first can hit. */
export function onePageSequence(count: number, base: number, pages: number, seed = 31415): Uint32Array {
  const next = lcg(seed);
  const page = base + (next() % pages) * PAGE;
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = page + (next() & 0xffc);
  return out;
}

/** Folds one value into a checksum: chk = chk * 31 + value mod 2^32 (as mixes.ts). */
function fold(checksum: number, value: number): number {
  return (Math.imul(checksum, 31) + value) >>> 0;
}

export interface TranslationRun {
  /** Checksum of the physical addresses (faults fold in as their negative code). */
  checksum: number;
  faults: number;
  hits: number;
  misses: number;
}

/** Faults seen by the last translateLoop(). */
let loopFaults = 0;

/** The timed loop, kept apart so the JIT compiles it whole (no code after it without type feedback). */
function translateLoop(mmu: PagedMMU, vas: Uint32Array): number {
  let checksum = 0, faults = 0;
  for (let i = 0; i < vas.length; i++) {
    const phys = mmu.translate(vas[i]!, 'read', true);
    if (phys < 0) faults++;
    checksum = fold(checksum, phys);
  }
  loopFaults = faults;
  return checksum;
}

/** Translates every address of `vas` for a user read, starting from an empty TLB (the root is reloaded). */
export function translateAll(space: TranslationSpace, vas: Uint32Array): TranslationRun {
  const mmu: PagedMMU = space.kernel.mmu;
  mmu.load(space.context.root());
  const { hits, misses } = mmu.tlb.counters;
  const checksum = translateLoop(mmu, vas);
  return { checksum, faults: loopFaults, hits: mmu.tlb.counters.hits - hits, misses: mmu.tlb.counters.misses - misses };
}

/** The same loop with the answers already known (an array read per translation): what the loop alone costs. */
export function loopAlone(answers: Uint32Array): number {
  let checksum = 0;
  for (let i = 0; i < answers.length; i++) checksum = fold(checksum, answers[i]!);
  return checksum;
}

/** The physical address of each of `vas`, for loopAlone() (translateAll counts TLB hits and misses as differences). */
export function recordAnswers(space: TranslationSpace, vas: Uint32Array): Uint32Array {
  const out = new Uint32Array(vas.length);
  for (let i = 0; i < vas.length; i++) out[i] = space.kernel.mmu.translate(vas[i]!, 'read', true);
  return out;
}

export interface MixProbe {
  tlbEntries: number;
  translations: number;
  /** Milliseconds of each timed run. */
  times: number[];
  checksum: number;
  faults: number;
  hits: number;
  misses: number;
}

export interface CostProbe {
  translations: number;
  /** Milliseconds per run: one page repeated with a 64-entry TLB, the same with no TLB, the loop alone. */
  hitTimes: number[];
  walkTimes: number[];
  loopTimes: number[];
  hitChecksum: number;
  walkChecksum: number;
  /** TLB counters of one hit run. */
  hits: number;
  misses: number;
}

function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

/** The locality mix on a fresh space: two warm-up runs, then `runs` timed runs, each from an empty TLB. */
export function probeMix(tlbEntries: number, translations: number, runs: number): MixProbe {
  const space = translationSpace(tlbEntries);
  const vas = localitySequence(translations, space.base, space.pages);
  translateAll(space, vas);
  const warm = translateAll(space, vas);
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const { ms, value } = timed(() => translateAll(space, vas));
    if (value.checksum !== warm.checksum || value.hits !== warm.hits) {
      throw new Error(`tlb-probe: run ${run + 1} gave checksum ${value.checksum} and ${value.hits} hits, the warm-up ${warm.checksum} and ${warm.hits}`);
    }
    times.push(ms);
  }
  return { tlbEntries, translations, times, ...warm };
}

/** TLB hit vs full walk in one process: one page repeated, 64 TLB entries vs none, runs interleaved. */
export function probeCost(translations: number, runs: number): CostProbe {
  const withTlb = translationSpace(64), without = translationSpace(0);
  const vas = onePageSequence(translations, withTlb.base, withTlb.pages);
  const answers = recordAnswers(withTlb, vas);
  // Warm-up: the locality mix first, so the JIT has type feedback for both the hit and the walk
  // path of translate() before the timed runs (else a path first seen late deoptimizes the loop).
  const mix = localitySequence(translations, withTlb.base, withTlb.pages);
  translateAll(withTlb, mix); translateAll(without, mix);
  translateAll(withTlb, vas); translateAll(without, vas); loopAlone(answers);
  const hit = translateAll(withTlb, vas), walk = translateAll(without, vas);
  loopAlone(answers);
  const hitTimes: number[] = [], walkTimes: number[] = [], loopTimes: number[] = [];
  for (let run = 0; run < runs; run++) {
    const h = timed(() => translateAll(withTlb, vas));
    const w = timed(() => translateAll(without, vas));
    const l = timed(() => loopAlone(answers));
    if (h.value.checksum !== hit.checksum || w.value.checksum !== walk.checksum || l.value !== hit.checksum) {
      throw new Error(`tlb-probe: cost run ${run + 1} changed a checksum`);
    }
    hitTimes.push(h.ms); walkTimes.push(w.ms); loopTimes.push(l.ms);
  }
  return { translations, hitTimes, walkTimes, loopTimes, hitChecksum: hit.checksum, walkChecksum: walk.checksum,
    hits: hit.hits, misses: hit.misses };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'mix') {
    console.log(JSON.stringify(probeMix(Number(args[0] ?? 64), Number(args[1] ?? 1_000_000), Number(args[2] ?? 5))));
  } else if (mode === 'cost') {
    console.log(JSON.stringify(probeCost(Number(args[0] ?? 1_000_000), Number(args[1] ?? 5))));
  } else {
    throw new Error(`tlb-probe: mode must be mix or cost, got '${mode}'`);
  }
}
