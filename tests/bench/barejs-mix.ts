// Bare-JS baselines on bitalloc-mix.mts's loop. `bare`: bitalloc.c's next-fit allocator over an
// Int32Array. `harness`: the same loop answered from a recording of `bare` (allocate is an array
// read, release does nothing), i.e. what the loop alone costs. As a script: "milliseconds checksum".
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const CHUNKS = 32768, CHUNK = 4096, BASE = 0x100000;
const words = new Int32Array(CHUNKS / 32);
let lastBit = 0;
let found = 0;

const isSet = (b: number): boolean => ((words[b >>> 5]! >>> (b & 31)) & 1) !== 0;

/** bitalloc.c find_from: lowest run of `count` clear bits at or after `start`, whole used words skipped; sets `found`. */
function findFrom(start: number, count: number): boolean {
  let run = 0, b = start;
  while (b < CHUNKS) {
    if (run === 0 && (b & 31) === 0 && words[b >>> 5] === -1) { b += 32; continue; }
    if (isSet(b)) run = 0;
    else if (++run === count) { found = b + 1 - count; return true; }
    b++;
  }
  return false;
}

/** Next fit: from the start of the previous allocation, then once from bit 0. Returns the address or -1. */
function allocate(pages: number): number {
  if (!findFrom(lastBit, pages) && !findFrom(0, pages)) return -1;
  for (let i = found; i < found + pages; i++) words[i >>> 5]! |= 1 << (i & 31);
  lastBit = found;
  return BASE + found * CHUNK;
}

function releasePage(address: number): void {
  const i = (address - BASE) / CHUNK;
  words[i >>> 5]! &= ~(1 << (i & 31));
}

type Allocate = (pages: number) => number;
type Release = (address: number) => void;

/** The seeded mix of bitalloc.c / bitalloc-mix.mts over the given allocator; returns the checksum. */
function mix(ops: number, allocateFn: Allocate, releaseFn: Release): number {
  let rng = 12345, chk = 0;
  const next = () => (rng = (Math.imul(rng, 1664525) + 1013904223) >>> 0);
  const addrs: number[] = [], pages: number[] = [];
  for (let op = 0; op < ops; op++) {
    const r = next();
    if (addrs.length === 0 || r % 100 < 50) {
      const n = 1 + (next() % 16);
      const address = allocateFn(n);
      if (address >= 0) { addrs.push(address); pages.push(n); chk = (Math.imul(chk, 31) + address) >>> 0; continue; }
      if (addrs.length === 0) continue;
    }
    const k = next() % addrs.length;
    for (let p = 0; p < pages[k]!; p++) releaseFn(addrs[k]! + p * CHUNK);
    chk = (Math.imul(chk, 31) + addrs[k]!) >>> 0;
    addrs[k] = addrs[addrs.length - 1]!; pages[k] = pages[pages.length - 1]!; addrs.pop(); pages.pop();
  }
  return chk;
}

/** The mix on the bare allocator; returns the checksum. */
export function runOps(ops: number): number {
  words.fill(0);
  lastBit = 0;
  return mix(ops, allocate, releasePage);
}

/** What the bare allocator answers to each allocate() of the mix, in order. */
export function recordAnswers(ops: number): Int32Array {
  const answers: number[] = [];
  words.fill(0);
  lastBit = 0;
  mix(ops, (pages) => {
    const address = allocate(pages);
    answers.push(address);
    return address;
  }, releasePage);
  return Int32Array.from(answers);
}

/** The mix's loop alone: allocate() replays `answers`, release() does nothing. Same checksum as runOps. */
export function runHarness(ops: number, answers: Int32Array): number {
  let i = 0;
  return mix(ops, () => answers[i++]!, () => {});
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const mode = process.argv[2] ?? 'bare';
  const ops = Number(process.argv[3] ?? 2_000_000);
  const answers = mode === 'harness' ? recordAnswers(ops) : new Int32Array(0);
  const once = (n: number) => (mode === 'harness' ? runHarness(n, answers) : runOps(n));
  once(100_000);
  const t0 = performance.now();
  const chk = once(ops);
  console.log(`${(performance.now() - t0).toFixed(3)} ${chk}`);
}
