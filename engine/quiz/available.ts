// available quiz: a seeded sequence of allocate/release on a BitAllocator, a SplitAllocator (physical
// pages) or a BubbleAllocator; what does available() return now? The engine's allocators answer.
import { Allocator } from '../kernel/Allocator';
import { BitAllocator } from '../kernel/BitAllocator';
import { BubbleAllocator } from '../kernel/BubbleAllocator';
import { SplitAllocator } from '../kernel/SplitAllocator';
import { Random } from '../workload/Random';
import { hex32 } from '../format';
import { plural } from './format';
import { describeOp, describeStep, randomHistory, replay, type AllocatorOp, type Step } from './history';
import { bitRequest } from './nextFit';
import type { Question } from './Question';

export type AvailableVariant = 'bit' | 'split' | 'bubble';

/** The allocator's range (alignment: Bubble's size rounding; 4 otherwise) and the calls it sees. */
export interface AvailableSetup {
  variant: AvailableVariant;
  base: number;
  size: number;
  /** Chunk (bit), page (split) or rounding alignment (bubble), in bytes. */
  unit: number;
  ops: AllocatorOp[];
}

/** A fresh engine allocator for `setup` (nothing replayed yet). */
export function availableAllocator(setup: AvailableSetup): BitAllocator | SplitAllocator | BubbleAllocator {
  const { variant, base, size, unit } = setup;
  if (variant === 'bubble') return new BubbleAllocator({ address: base, size, alignment: unit });
  if (variant === 'split') return new SplitAllocator({ address: base, size, alignment: unit }, { address: base, size, alignment: unit }, unit);
  return new BitAllocator({ address: base, size, alignment: 4 }, unit);
}

/** The seeded machine state behind availableQuestion(seed). */
export function availableSetup(seed: number): AvailableSetup {
  const random = new Random(seed);
  const variant = random.pick<AvailableVariant>(['bit', 'bit', 'split', 'bubble']);
  let setup: AvailableSetup;
  let request: () => { size: number; alignment: number };
  if (variant === 'bubble') {
    const unit = random.pick([4, 8, 16]);
    setup = { variant, base: 0x1000 * random.range(1, 255) + 4 * random.range(0, 63), size: unit * random.range(16, 48), unit, ops: [] };
    request = () => ({ size: random.chance(0.06) ? 0 : random.range(1, 5 * unit), alignment: random.chance(0.2) ? random.pick([16, 64]) : 0 });
  } else {
    const unit = variant === 'split' ? 4096 : random.pick([16, 32, 64]);
    const base = variant === 'split' ? 0x100000 * random.range(1, 15) : 0x1000 * random.range(1, 15);
    setup = { variant, base, size: unit * random.range(16, 32), unit, ops: [] };
    request = () => bitRequest(random, unit, 4, 0.2);
  }
  const steps = randomHistory(availableAllocator(setup), random, random.range(5, 9), request, 0.4);
  setup.ops = steps.map((s) => s.op);
  return setup;
}

export function availableQuestion(seed: number): Question {
  const setup = availableSetup(seed);
  const allocator = availableAllocator(setup);
  const explained: string[] = [];
  const counter = setup.variant === 'bubble' ? bubbleCounter(allocator as BubbleAllocator) : bitCounter(allocator as BitAllocator | SplitAllocator);
  const steps = replay(allocator, setup.ops, (step) => explained.push(`  ${describeOp(step.op)}: ${counter.after(step)}`));
  const available = allocator.available();

  const intro = {
    bit: `A BitAllocator manages ${setup.size / setup.unit} chunks of ${setup.unit} bytes from base ${hex32(setup.base)}, all free at first.`,
    split: `A SplitAllocator (the kernel's physical page allocator) manages ${setup.size / setup.unit} pages of ${setup.unit} bytes `
      + `from physical ${hex32(setup.base)}, all free at first.`,
    bubble: `A BubbleAllocator manages ${setup.size} bytes from base ${hex32(setup.base)} with alignment ${setup.unit}, all free at first.`,
  }[setup.variant];
  const prompt = [intro, 'It sees these calls, in order:', ...steps.map((s) => `  ${describeStep(s)}`), '',
    'What does available() return now (in bytes)?'].join('\n');
  return {
    topic: 'available', seed, prompt,
    answer: String(available),
    explanation: [counter.rule, ...explained, counter.total(available)].join('\n'),
    expected: { kind: 'bytes', value: available },
    outcomes: [],
  };
}

/** Explains each step by the used-chunk count the engine's bitmap reports. */
function bitCounter(allocator: BitAllocator | SplitAllocator) {
  const bits = allocator instanceof SplitAllocator ? allocator.pageAllocator() : allocator;
  const unit = bits.chunkSize();
  const noun = allocator instanceof SplitAllocator ? 'page' : 'chunk';
  const total = bits.bitmap().size();
  const blocks = new Map<number, number>();
  let used = 0;
  return {
    rule: `Each allocate takes its size in whole ${noun}s (rounded up); each release frees exactly one ${noun}, `
      + `the one at the address, even if the block was bigger. available() = free ${noun}s * ${unit}.`,
    after(step: Step): string {
      const now = bits.bitmap().count(true);
      const change = now - used;
      used = now;
      if (step.op.kind === 'release') {
        const had = blocks.get(step.op.address) ?? 1;
        return `frees one ${noun}${had > 1 ? ` (of the ${had} it allocated)` : ''}; ${used} used`;
      }
      if (step.result !== Allocator.Result.Success) return `no ${noun}s fit: nothing taken; ${used} used`;
      blocks.set(step.address, change);
      return `takes ${plural(change, noun)}; ${used} used`;
    },
    total: (available: number) => `available() = (${total} - ${used}) * ${unit} = ${available}.`,
  };
}

/** Explains each step by the BubbleAllocator's bump counter. */
function bubbleCounter(allocator: BubbleAllocator) {
  const unit = allocator.alignment();
  let before = 0;
  return {
    rule: `Each allocate bumps a counter by its size rounded up to ${unit} (the request's alignment is ignored); `
      + 'release never frees anything. available() = size - counter.',
    after(step: Step): string {
      const counter = allocator.allocatedBytes();
      const taken = counter - before;
      before = counter;
      if (step.op.kind === 'release') return `InvalidAddress, nothing freed; counter ${counter}`;
      if (step.result !== Allocator.Result.Success) return `does not fit: nothing taken; counter ${counter}`;
      return `takes ${taken} bytes (${step.op.size} rounded up to a multiple of ${unit}); counter ${counter}`;
    },
    total: (available: number) => `available() = ${allocator.size()} - ${allocator.allocatedBytes()} = ${available}.`,
  };
}
