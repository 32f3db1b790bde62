// The Explorer's number parsing and formatting: addresses in hex (0x) or decimal with a clear
// message for anything else, sizes with K/M, hex and byte formatting, FreeNOS's special pids.
import { describe, expect, it } from 'vitest';
import { bytes, hex, pages, parseAddress, parseSize, pidName } from '../../../renderer/src/explorer/numbers';

describe('parseAddress', () => {
  it('reads hex with 0x (any case, underscores allowed) and decimal', () => {
    expect(parseAddress('0x80000000')).toEqual({ ok: true, value: 0x80000000 });
    expect(parseAddress(' 0XdeadBEEF ')).toEqual({ ok: true, value: 0xdeadbeef });
    expect(parseAddress('0x8000_0000')).toEqual({ ok: true, value: 0x80000000 });
    expect(parseAddress('2147483648')).toEqual({ ok: true, value: 2147483648 });
    expect(parseAddress('0')).toEqual({ ok: true, value: 0 });
    expect(parseAddress('0xFFFFFFFF')).toEqual({ ok: true, value: 0xffffffff });
  });

  it('explains empty, hex without 0x, junk and numbers beyond 32 bits', () => {
    const error = (text: string) => {
      const r = parseAddress(text);
      expect(r.ok).toBe(false);
      return r.ok ? '' : r.error;
    };
    expect(error('')).toMatch(/^Enter an address: hex with 0x/);
    expect(error('c0000000')).toBe('"c0000000" looks like hex: write it with 0x (0xC0000000).');
    expect(error('banana')).toMatch(/^"banana" is not a number/);
    expect(error('-4')).toMatch(/is not a number/);
    expect(error('0x100000000')).toBe('0x100000000 is beyond 32 bits: the highest address is 0xFFFFFFFF.');
    expect(error('4294967296')).toMatch(/beyond 32 bits/);
  });
});

describe('parseSize', () => {
  it('reads bytes, hex and K/M suffixes', () => {
    expect(parseSize('4096')).toEqual({ ok: true, value: 4096 });
    expect(parseSize('0x1000')).toEqual({ ok: true, value: 4096 });
    expect(parseSize('4K')).toEqual({ ok: true, value: 4096 });
    expect(parseSize('16 KiB')).toEqual({ ok: true, value: 16384 });
    expect(parseSize('1m')).toEqual({ ok: true, value: 1048576 });
  });
  it('refuses junk and sizes over 4 GiB with a message', () => {
    expect(parseSize('')).toEqual({ ok: false, error: 'Enter a size: 4096, 0x1000, 4K or 1M.' });
    expect(parseSize('4G')).toEqual({ ok: false, error: '"4G" is not a size: write 4096, 0x1000, 4K or 1M.' });
    expect(parseSize('4096M').ok).toBe(false);
  });
});

describe('formatting', () => {
  it('writes hex padded to 8 digits, upper case, as the host does', () => {
    expect(hex(0x2a7000)).toBe('0x002A7000');
    expect(hex(0xffffffff)).toBe('0xFFFFFFFF');
    expect(hex(5, 2)).toBe('0x05');
  });
  it('writes byte counts, page counts and special pids in words', () => {
    expect(bytes(4096)).toBe('4 KiB');
    expect(bytes(256 * 1024 * 1024)).toBe('256 MiB');
    expect(bytes(1536 * 1024)).toBe('1.5 MiB');
    expect(bytes(1)).toBe('1 byte');
    expect(pages(1)).toBe('1 page');
    expect(pages(3)).toBe('3 pages');
    expect(pidName(65533)).toBe('kernel');
    expect(pidName(65534)).toBe('SELF');
    expect(pidName(7)).toBe('7');
  });
});
