// AssertionError: a failed FreeNOS debug-build assertion (double free, foreign release, bit out
// of range...). In FreeNOS such a failure stops the kernel or program; the engine throws this
// typed error instead, after recording an `assertion` event. Release mode skips the checks.
import type { EventLog } from '../EventLog';
import { hex32 } from '../format';

/** debug: assertions are checked (the default, as FreeNOS's DEBUG config); release: they vanish. */
export type BuildMode = 'debug' | 'release';

export class AssertionError extends Error {
  constructor(
    readonly allocator: string,
    readonly operation: string,
    readonly address: number,
    readonly reason: string,
  ) {
    super(`${allocator}.${operation}(${hex32(address)}): ${reason}`);
    this.name = 'AssertionError';
  }
}

/** Records the failed assertion in `log` (if any) and throws it. */
export function assertionFailed(log: EventLog | null, allocator: string, operation: string,
  address: number, reason: string): never {
  log?.push({ type: 'assertion', allocator, operation, address, reason });
  throw new AssertionError(allocator, operation, address, reason);
}
