// A worker job that never returns: plain JavaScript spinning in the worker (no sandbox, no meter).
export function run(input: { spin: boolean }): number {
  let n = 0;
  while (input.spin) n++;
  return n;
}
