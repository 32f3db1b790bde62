// Sample content of the demo lab (`?fake`): two exercises, their instructions with a table and an
// ASCII figure, a starter and the 'freenos-lab' typings. Plain data; nothing here reaches a host.
import type { ExerciseDetail } from '../../../electron/contract';

const instructions = `# 01-bit-allocator: FreeNOS's BitAllocator

FreeNOS hands out memory in fixed-size pieces: the kernel gives out physical pages from a
\`BitAllocator\`. One bit per chunk, 1 = used. Write it again so that it answers every call
exactly as FreeNOS does.

## The contract

\`\`\`ts
import type { BitAllocation, BitAllocatorExercise } from 'freenos-lab';

export default class BitAllocator implements BitAllocatorExercise {
  constructor(base: number, size: number, chunkSize: number) { ... }
  allocate(size: number, alignment: number): BitAllocation { ... }   // { result, address }
  release(address: number): number { ... }                           // a result code
}
\`\`\`

## The bitmap

Eight chunks of 4 KiB at \`base = 0x11000\`, chunks 0, 1, 2 and 5 used:

\`\`\`
chunk     7       6       5       4       3       2       1       0
address   0x18000 0x17000 0x16000 0x15000 0x14000 0x13000 0x12000 0x11000
bit       0       0       1       0       0       1       1       1        byte 0 = 0b00100111 = 39
\`\`\`

| result | code | when |
| --- | --- | --- |
| Success | 0 | a block was found |
| InvalidAlignment | 3 | the alignment is not a multiple of the chunk size |
| OutOfMemory | 4 | no run of free chunks is long enough |

**Next fit**: search from the first chunk of the *previous successful* allocation, then once more
from chunk 0. <b>HTML is shown as text</b>, never run.
`;

const starter = `// 01-bit-allocator starter: first fit from chunk 0, alignment ignored.
import type { BitAllocation, BitAllocatorExercise } from 'freenos-lab';

export default class BitAllocator implements BitAllocatorExercise {
  private readonly chunks: number;
  private readonly bits: Uint8Array;

  constructor(private readonly base: number, size: number, private readonly chunkSize: number) {
    this.chunks = Math.floor(size / chunkSize);
    this.bits = new Uint8Array(Math.ceil(this.chunks / 8));
  }

  /** First fit from chunk 0. TODO: next fit, alignment, size 0. */
  allocate(size: number, _alignment: number): BitAllocation {
    const count = Math.max(1, Math.ceil(size / this.chunkSize));
    for (let first = 0; first + count <= this.chunks; first++) {
      let k = 0;
      while (k < count && !this.used(first + k)) k++;
      if (k < count) continue;
      for (let n = first; n < first + count; n++) this.bits[n >> 3] |= 1 << (n & 7);
      return { result: 0, address: this.base + first * this.chunkSize };
    }
    return { result: 4, address: 0 };
  }

  release(address: number): number {
    const n = Math.floor((address - this.base) / this.chunkSize);
    if (n >= 0 && n < this.chunks) this.bits[n >> 3] &= ~(1 << (n & 7));
    return 0;
  }

  private used(n: number): boolean {
    return (this.bits[n >> 3] & (1 << (n & 7))) !== 0;
  }
}
`;

const typings = `declare module 'freenos-lab' {
  /** Writes a line to the run's log. */
  export function log(...values: unknown[]): void;
  export interface BitAllocation { result: number; address: number }
  export interface BitAllocatorExercise {
    allocate(size: number, alignment: number): BitAllocation;
    release(address: number): number;
  }
}
`;

const visible = (name: string, points: number) =>
  ({ name, points, kind: 'scenario', visibility: 'visible' as const, traces: [name] });

export function demoExercises(): ExerciseDetail[] {
  return [
    {
      id: '01-bit-allocator', title: 'The BitAllocator', kind: 'api', pack: 'built-in',
      summary: 'Fixed-size chunks, one bit each, next fit from the last allocation.',
      goals: ['Keep a bitmap with one bit per chunk', 'Allocate next fit, wrapping round once', 'Honour alignments relative to base'],
      views: ['heap-map'], maxScore: 10, best: 6, attempts: 3, instructions, starter, typings,
      tests: [visible('small', 2), visible('fill-and-wrap', 2), visible('unaligned-base', 2), visible('odd-requests', 2),
        { name: 'hidden', points: 2, kind: 'scenario', visibility: 'after_due_date', traces: ['hidden-1'] }],
      traces: ['small', 'fill-and-wrap', 'unaligned-base', 'odd-requests'],
    },
    {
      id: '07-malloc', title: 'A malloc of your own', kind: 'malloc', pack: 'built-in',
      summary: 'Implement malloc, free and realloc on a growing heap; scored on utilization and throughput.',
      goals: ['Keep a free list in the heap itself', 'Coalesce free blocks', 'Reach 80 % utilization on the lab traces'],
      views: ['heap-map', 'charts'], maxScore: 100, best: null, attempts: 0,
      instructions: '# 07-malloc\n\nWrite `malloc`, `free` and `realloc`.\n', starter: '// 07-malloc starter\n', typings,
      tests: [visible('ramp', 50), visible('peak', 50)], traces: ['ramp', 'peak'],
    },
  ];
}
