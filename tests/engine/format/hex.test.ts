// engine/format's hex family: exact strings, and a value that is no safe whole number from 0 up
// shown as itself (never 256 hex digits).
import { describe, expect, it } from 'vitest';
import { hex, hex32, hexFrom, lowerHex } from '../../../engine/format';

describe('engine/format hex', () => {
  it('writes upper- and lower-case digits, padded on request', () => {
    expect([hex(0), hex(0xab), hex(0xab, 4), hex(0xb0002e64)]).toEqual(['0x0', '0xAB', '0x00AB', '0xB0002E64']);
    expect([lowerHex(0x10000010), lowerHex(0xab, 4)]).toEqual(['0x10000010', '0x00ab']);
  });

  it('shows what is not a safe whole number from 0 up as itself', () => {
    for (const f of [hex, lowerHex]) expect([1e308, -1, 1.5, NaN, Infinity].map((v) => f(v))).toEqual(['1e+308', '-1', '1.5', 'NaN', 'Infinity']);
  });

  it('hex32 wraps to an unsigned 32-bit address', () => {
    expect([hex32(-1), hex32(0x2a7000, 8), hex32(2 ** 32 + 5), hex32(NaN), hex32(1e308)]).toEqual(['0xFFFFFFFF', '0x002A7000', '0x5', '0x0', '0x0']);
  });

  it('hexFrom writes hex from a threshold up, smaller or unsafe numbers as themselves', () => {
    expect([4095, 4096, -5, 2 ** 60, 1e308].map((v) => hexFrom(v, 4096))).toEqual(['4095', '0x1000', '-5', '1152921504606847000', '1e+308']);
  });
});
