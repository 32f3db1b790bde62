// Draws build/icon.png (512 x 512): a memory map of blocks, free (light), used (blue), metadata
// (amber), on a dark rounded square. electron-builder makes the .ico and .icns from it. Run with
// `node build/make-icon.mjs`; the PNG is written by hand (zlib + CRC), no image library needed.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const N = 512;
const px = Buffer.alloc(N * N * 4);
const set = (x, y, [r, g, b, a = 255]) => { const i = (y * N + x) * 4; px[i] = r; px[i + 1] = g; px[i + 2] = b; px[i + 3] = a; };
const inRounded = (x, y, x0, y0, x1, y1, rad) => {
  const cx = Math.min(Math.max(x, x0 + rad), x1 - rad), cy = Math.min(Math.max(y, y0 + rad), y1 - rad);
  return (x - cx) ** 2 + (y - cy) ** 2 <= rad * rad && x >= x0 && x <= x1 && y >= y0 && y <= y1;
};
for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) set(x, y, inRounded(x, y, 16, 16, 495, 495, 96) ? [22, 32, 56] : [0, 0, 0, 0]);
// An 8 x 8 map of blocks; the pattern reads as a heap with metadata, used and free runs.
const map = ['MUUUFFMU', 'UUFFFMUU', 'MUUUUUFF', 'FFMUUFFF', 'MUFFFFMU', 'UUUUMUUF', 'FFFMUUUU', 'MUUFFFFM'];
const colour = { M: [245, 176, 65], U: [66, 133, 244], F: [214, 222, 235] };
for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) {
  const x0 = 76 + c * 46, y0 = 76 + r * 46;
  for (let y = y0; y < y0 + 40; y++) for (let x = x0; x < x0 + 40; x++) if (inRounded(x, y, x0, y0, x0 + 39, y0 + 39, 7)) set(x, y, colour[map[r][c]]);
}
const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
const crc = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 255] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
const chunk = (type, data) => { const len = Buffer.alloc(4); len.writeUInt32BE(data.length); const td = Buffer.concat([Buffer.from(type), data]); const c = Buffer.alloc(4); c.writeUInt32BE(crc(td)); return Buffer.concat([len, td, c]); };
const ihdr = Buffer.alloc(13); ihdr.writeUInt32BE(N, 0); ihdr.writeUInt32BE(N, 4); ihdr[8] = 8; ihdr[9] = 6;
const raw = Buffer.alloc(N * (N * 4 + 1));
for (let y = 0; y < N; y++) px.copy(raw, y * (N * 4 + 1) + 1, y * N * 4, (y + 1) * N * 4);
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
console.log(`build/icon.png: ${png.length} bytes`);
