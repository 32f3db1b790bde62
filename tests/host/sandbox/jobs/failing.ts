// Worker jobs that fail: by throwing, by returning what cannot be cloned, or by exhausting the heap.
export async function run(input: { how: 'throw' | 'unclonable' | 'bomb' }): Promise<unknown> {
  if (input.how === 'throw') throw new RangeError('job gave up');
  if (input.how === 'unclonable') return { f: () => 1 };
  const keep: number[][] = [];
  for (;;) keep.push(new Array(100_000).fill(keep.length));
}
