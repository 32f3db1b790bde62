// Unsigned 32-bit arithmetic as the FreeNOS target does it: Size and Address are 32 bits wide
// and wrap modulo 2^32. Public entry points check their arguments with u32() so that a bad
// value from the UI or a student's code fails loudly instead of wrapping silently.

/**
 * The value itself when it is an unsigned 32-bit integer; otherwise a TypeError naming who,
 * the operation and the field: "BitAllocator.release: address must be ...".
 */
export function u32(value: number, who: string, operation: string, field: string): number {
  if ((value >>> 0) !== value) {
    throw new TypeError(`${who}.${operation}: ${field} must be an unsigned 32-bit integer (0 to 4294967295), got ${String(value)}`);
  }
  return value;
}

/** x rounded up to the next multiple of b, wrapping modulo 2^32 like the 32-bit target (b >= 1). */
export function aligned(x: number, b: number): number {
  const r = x % b;
  return (r === 0 ? x : x + b - r) >>> 0;
}

