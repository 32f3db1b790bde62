// `freenos-lab demo`: a short walk through the engine in the terminal: next fit in a
// BitAllocator, the user heap of FreeNOS's worked example (PoolAllocator over PageAllocator)
// with its metadata read back from emulated memory, and the machine running the built-in shell.
// Returns the text; the caller prints it.
import {
  Allocator, BitAllocator, frameMap, hex, Machine, ObjectSignature, ownerCounts, PageAllocator, PhysicalMemory, PoolAllocator,
} from '../../engine/index';

const { Result } = Allocator;

/** One character per chunk: # used, . free. */
function bitmapLine(allocator: BitAllocator): string {
  const bits = allocator.bitmap();
  let line = '';
  for (let i = 0; i < bits.size(); i++) line += bits.isSet(i) ? '#' : '.';
  return `[${line}]`;
}

function bitAllocatorSteps(): string[] {
  const a = new BitAllocator({ address: 0x100000, size: 16 * 4096, alignment: 4096 }, 4096);
  const out = ['1. BitAllocator: next fit over 16 chunks of 4 KiB at 0x100000', ''];
  const step = (what: string, result: number, address?: number) =>
    out.push(`   ${what.padEnd(30)} ${Result[result]!.padEnd(8)} ${address === undefined ? '          ' : hex(address).padEnd(10)} ${bitmapLine(a)}`);
  const take = (chunks: number, alignment = 0) => {
    const r = { address: 0, size: chunks * 4096, alignment };
    const result = a.allocate(r);
    step(`allocate ${chunks} chunk${chunks > 1 ? 's' : ''}${alignment ? ` aligned ${alignment / 4096}` : ''}`, result,
      result === Result.Success ? r.address : undefined);
  };
  take(3);
  take(2);
  step('release 0x100000 (one chunk)', a.release(0x100000));
  take(1);
  take(2, 4 * 4096);
  out.push('', '   The search starts at the first chunk of the previous allocation, not at 0 and not',
    '   after its end; release() frees exactly one chunk; alignment counts from the base.');
  return out;
}

function userHeapSteps(): string[] {
  const memory = new PhysicalMemory();
  const page = new PageAllocator({ address: 0xb0000000, size: 0x10000000, alignment: 4096 },
    { vmctl: () => 0 });
  const heap = new PoolAllocator(page, { memory });
  const out = ['2. The user heap: PoolAllocator over PageAllocator at 0xB0000000 (FreeNOS worked example)', '',
    '   call            pool     slots  bitmap  returned'];
  let first = 0;
  for (const size of [1, 4, 5, 64, 1000, 4096, 16384, 100000]) {
    const r = { address: 0, size, alignment: 0 };
    heap.allocate(r);
    first ||= r.address;
    const pool = heap.pools().find((p) => r.address > p.base() && r.address < p.base() + p.size())!;
    out.push(`   malloc(${size})`.padEnd(19) + `${pool.chunkSize()} B`.padEnd(9) + `${pool.objects}`.padEnd(7)
      + `${pool.bitmapSize}`.padEnd(8) + hex(r.address));
  }
  const word = (a: number) => hex(memory.read32(a));
  out.push('', `   In emulated memory, around malloc(1) at ${hex(first)}:`,
    `     ${hex(first - 8)}  ${word(first - 8)}  signature (${hex(ObjectSignature)})`,
    `     ${hex(first - 4)}  ${word(first - 4)}  owning pool`,
    `     ${hex(first + 4)}  ${word(first + 4)}  postfix signature after the 4 rounded bytes`,
    '', `   Heap: ${heap.size()} bytes in ${heap.pools().length} pools, ${heap.available()} available; `
      + `${memory.touchedFrames} frames of host memory touched; ${memory.counters.writes} writes counted.`);
  return out;
}

function machineSteps(): string[] {
  const machine = new Machine();
  const pages = () => machine.kernel.allocator.available() / 4096;
  const free = pages();
  const out = [`3. The machine: 128 MiB of RAM, ${free} of ${machine.kernel.allocator.size() / 4096} pages free after boot;`,
    '   the built-in shell launches hog, server, a missing program and broken (fork + execve each)', ''];
  machine.boot('sh');
  let peak = 0;
  let busiest = '';
  while (machine.step()) {
    if (free - pages() > peak) {
      peak = free - pages();
      busiest = Object.entries(ownerCounts(frameMap(machine.kernel, machine.processes)))
        .filter(([owner]) => ['Process', 'PageTable', 'Directory', 'KernelStack', 'Share', 'Shared'].includes(owner))
        .map(([owner, n]) => `${owner} ${n}`).join(', ');
    }
  }
  for (const line of machine.console) out.push(`   [pid ${line.pid}] ${line.text}`);
  out.push('', `   ${machine.clock} steps; at the peak ${peak} pages were in use (${busiest});`,
    `   after every process exited ${free - pages()} pages are still in use.`);
  return out;
}

export function demo(): string {
  return ['FreeNOS Memory Lab: engine demo', '',
    ...bitAllocatorSteps(), '', ...userHeapSteps(), '', ...machineSteps(), '',
    'Run the tests with `npm test`; the benchmark with `npm run bench`.'].join('\n');
}
