// The fragmentation paper's policies as the lab API names them (Compare's rows and its ranking
// table, replayPolicies in contractReplay.ts): their ids and labels and a ranking's shape. Part of
// the contract (electron/contract.ts re-exports it). Pure TypeScript, imported by electron/ and renderer/.

/**
 * The policies of Johnstone & Wilson's fragmentation study (ISMM 1998) the engine runs, with their
 * labels, as engine/workload/paperPolicies.ts names them (a test keeps the two lists equal).
 */
export const PAPER_POLICIES: readonly { id: string; label: string }[] = [
  { id: 'first-lifo', label: 'first fit, LIFO' }, { id: 'first-fifo', label: 'first fit, FIFO' }, { id: 'first-address', label: 'first fit, address-ordered' },
  { id: 'next-lifo', label: 'next fit, LIFO' }, { id: 'next-fifo', label: 'next fit, FIFO' }, { id: 'next-address', label: 'next fit, address-ordered' },
  { id: 'best-lifo', label: 'best fit, LIFO' }, { id: 'best-fifo', label: 'best fit, FIFO' }, { id: 'best-address', label: 'best fit, address-ordered' },
  { id: 'buddy', label: 'binary buddy' }, { id: 'segregated', label: 'simple segregated storage' },
];

/** The paper's policies ranked on one trace (replayPolicies): its fragmentation measures as fractions (0.05 = 5 %). */
export interface PolicyRankingView {
  exercise: string;
  trace: string;
  /** The heap every policy ran on: the exercise's. */
  heap: { limit: number; parent: 'sbrk' | 'pages' };
  rows: {
    id: string;
    label: string;
    /** 1 for the least fragmentation (ties share a rank); null when the policy failed the trace. */
    rank: number | null;
    /** J&W measure #4 (heap high-water mark / peak live payload - 1), #3 and #2; null when failed or nothing was live. */
    frag4: number | null;
    frag3: number | null;
    frag2: number | null;
    failure: string | null;
  }[];
}
