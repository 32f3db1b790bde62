// The lab's hexadecimal numbers, for messages, reports and views: '0x' and digits. A value that
// is not a safe whole number from 0 up (a student's 1e308, -1, NaN) is shown as itself, never as
// 256 hex digits; hex32 reads its value as an unsigned 32-bit address instead.

/** '0x00AB': upper-case digits padded to `digits` (0: none); String(value) unless a safe whole number from 0 up. */
export function hex(value: number, digits = 0): string {
  return hexDigits(value, digits, true);
}

/** '0xb0001010': as hex, in lower case. */
export function lowerHex(value: number, digits = 0): string {
  return hexDigits(value, digits, false);
}

/** '0xFFFFFFFF' for -1: `value` wrapped to an unsigned 32-bit address (NaN: 0), upper case, padded to `digits`. */
export function hex32(value: number, digits = 0): string {
  return hex(value >>> 0, digits);
}

/** Upper-case hex for a safe whole number from `least` up ('0x1000' for 4096), String(value) otherwise ('12', '1e+308'). */
export function hexFrom(value: number, least: number): string {
  return value >= least ? hex(value) : String(value);
}

function hexDigits(value: number, digits: number, upper: boolean): string {
  if (!Number.isSafeInteger(value) || value < 0) return String(value);
  const text = value.toString(16);
  return `0x${(upper ? text.toUpperCase() : text).padStart(digits, '0')}`;
}
