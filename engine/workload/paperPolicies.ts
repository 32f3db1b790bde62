// The policies of Johnstone & Wilson's fragmentation study ("The Memory Fragmentation Problem:
// Solved?", ISMM 1998) as the lab can run them: first, next and best fit, each on a LIFO, FIFO and
// address-ordered free list (the engine's TunableAllocator: one list, immediate coalescing, any
// leftover of 16 bytes split off, the heap grown by exactly what is missing), the binary buddy
// system and simple segregated storage. Ids are stable: the CLI, the contract and Compare use them.
import { BuddyAllocator } from './BuddyAllocator';
import type { MallocAllocatorClass } from './Heap';
import { SegregatedAllocator } from './SegregatedAllocator';
import { tunableAllocatorClass } from './TunableAllocator';
import { DEFAULT_TUNING, type FitPolicy, type ListOrder, type TuningConfig } from './TuningConfig';

export const PAPER_POLICY_IDS = [
  'first-lifo', 'first-fifo', 'first-address',
  'next-lifo', 'next-fifo', 'next-address',
  'best-lifo', 'best-fifo', 'best-address',
  'buddy', 'segregated',
] as const;
export type PaperPolicyId = (typeof PAPER_POLICY_IDS)[number];

export interface PaperPolicy {
  id: PaperPolicyId;
  /** In a table's words: 'first fit, address-ordered', 'binary buddy'. */
  label: string;
  /** The free-list allocator's config, or null for buddy and segregated storage. */
  config: TuningConfig | null;
  allocator: MallocAllocatorClass;
}

/** The free-list policies' common config: one list, immediate coalescing, split at 16 bytes, exact growth (growBy 8). */
export const PAPER_TUNING: Readonly<TuningConfig> = Object.freeze({ ...DEFAULT_TUNING, sizeClasses: [], splitThreshold: 16, coalesce: 'immediate', growBy: 8 });

const ORDER_WORDS: Record<ListOrder, string> = { lifo: 'LIFO', fifo: 'FIFO', address: 'address-ordered' };

/** True when `value` is one of PAPER_POLICY_IDS. */
export function isPaperPolicyId(value: unknown): value is PaperPolicyId {
  return typeof value === 'string' && (PAPER_POLICY_IDS as readonly string[]).includes(value);
}

/** The policy of `id`, with a fresh allocator class (buddy and segregated storage are their own classes). */
export function paperPolicy(id: PaperPolicyId): PaperPolicy {
  if (id === 'buddy') return { id, label: 'binary buddy', config: null, allocator: BuddyAllocator };
  if (id === 'segregated') return { id, label: 'simple segregated storage', config: null, allocator: SegregatedAllocator };
  const [fit, order] = id.split('-') as [FitPolicy, ListOrder];
  const config: TuningConfig = { ...PAPER_TUNING, sizeClasses: [], fit, order };
  return { id, label: `${fit} fit, ${ORDER_WORDS[order]}`, config, allocator: tunableAllocatorClass(config) };
}
