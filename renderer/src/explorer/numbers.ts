// Numbers as the Machine Explorer reads and shows them: addresses and sizes typed by the student
// (hex with 0x, decimal, sizes with K/M), parsed with a clear message instead of a thrown error;
// addresses in hex as the host writes them (0x002A7000); byte counts in KiB/MiB; special pids.
import { hex as upperHex } from '../../../engine/format';

export type Parsed = { ok: true; value: number } | { ok: false; error: string };

const U32_MAX = 0xffffffff;
const fail = (error: string): Parsed => ({ ok: false, error });

/** A 32-bit address from '0x80000000', '0x8000_0000' or '2147483648'; assumes nothing of the text. */
export function parseAddress(text: string, what = 'address'): Parsed {
  const t = text.trim().replace(/_/g, '');
  if (t === '') return fail(`Enter an ${what}: hex with 0x (0x80000000) or decimal (2147483648).`);
  let value: number;
  if (/^0x[0-9a-f]+$/i.test(t)) value = parseInt(t.slice(2), 16);
  else if (/^\d+$/.test(t)) value = Number(t);
  else if (/^[0-9a-f]+$/i.test(t)) return fail(`"${text.trim()}" looks like hex: write it with 0x (0x${t.toUpperCase()}).`);
  else return fail(`"${text.trim()}" is not a number: write hex with 0x (0x80000000) or decimal (2147483648).`);
  if (value > U32_MAX) return fail(`${hex(Math.min(value, 2 ** 53))} is beyond 32 bits: the highest ${what} is 0xFFFFFFFF.`);
  return { ok: true, value };
}

/** A size in bytes from '4096', '0x1000', '4K', '16 KiB', '1M' (at most 0xFFFFFFFF). */
export function parseSize(text: string): Parsed {
  const t = text.trim().replace(/_/g, '');
  const unit = /^(\d+)\s*(k|kib|kb|m|mib|mb)$/i.exec(t);
  if (unit) {
    const value = Number(unit[1]) * (unit[2]!.toLowerCase().startsWith('k') ? 1024 : 1024 * 1024);
    return value > U32_MAX ? fail(`${t} is more than 4 GiB: the largest size is 0xFFFFFFFF.`) : { ok: true, value };
  }
  if (t === '') return fail('Enter a size: 4096, 0x1000, 4K or 1M.');
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(t)) return fail(`"${text.trim()}" is not a size: write 4096, 0x1000, 4K or 1M.`);
  return parseAddress(t, 'size');
}

/** '0x002A7000': upper-case hex, padded to `digits` (8 by default); below 0 is 0, fractions round down. */
export function hex(n: number, digits = 8): string {
  return upperHex(Math.max(0, Math.floor(n)), digits);
}

/** '4 KiB', '256 MiB', '1.5 MiB', '300 bytes'. */
export function bytes(n: number): string {
  const unit = (size: number, name: string) => {
    const v = n / size;
    return `${Number.isInteger(v) ? v : v.toFixed(1)} ${name}`;
  };
  if (n >= 1024 * 1024 * 1024) return unit(1024 * 1024 * 1024, 'GiB');
  if (n >= 1024 * 1024) return unit(1024 * 1024, 'MiB');
  if (n >= 1024) return unit(1024, 'KiB');
  return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
}

/** A pid in words: FreeNOS's special ids by name (KERNEL_PID 65533, SELF 65534, ANY 65535), else the number. */
export function pidName(pid: number): string {
  if (pid === 65533) return 'kernel';
  if (pid === 65534) return 'SELF';
  if (pid === 65535) return 'ANY';
  return String(pid);
}

/** `n` and the noun, singular for 1: counted(1, 'process', 'processes') is '1 process'; the plural defaults to noun + 's'. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}

/** 'n pages' / '1 page'. */
export function pages(n: number): string {
  return counted(n, 'page');
}
