import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { encodePng } from './png.js';

/** A width × height RGBA gradient with some transparency. */
function gradient(width: number, height: number): Uint8Array {
  return Uint8Array.from({ length: width * height * 4 }, (_, i) => ((i % 4 === 3 ? 128 : i * 7) & 0xff));
}

describe('encodePng', () => {
  test('a decoder (pngjs, which checks every CRC) reads back the exact pixels, stored or compressed', () => {
    for (const [width, height] of [[1, 1], [3, 2], [300, 120]] as const) { // 300 × 120: 144,120 bytes, three stored blocks
      const data = gradient(width, height);
      for (const options of [{}, { deflate: (b: Uint8Array) => new Uint8Array(deflateSync(b)) }]) {
        const back = PNG.sync.read(Buffer.from(encodePng({ width, height, data }, options)), { checkCRC: true });
        expect([back.width, back.height]).toEqual([width, height]);
        expect(new Uint8Array(back.data)).toEqual(data);
      }
    }
  });

  test('it starts with the PNG signature and an IHDR chunk for 8-bit RGBA', () => {
    const png = encodePng({ width: 2, height: 1, data: gradient(2, 1) });
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
    expect([...png.subarray(24, 26)]).toEqual([8, 6]);
  });

  test('refuses sizes that do not match the data', () => {
    expect(() => encodePng({ width: 2, height: 2, data: new Uint8Array(12) })).toThrow('encodePng: a 2 × 2 RGBA image needs 16 bytes, got 12');
    expect(() => encodePng({ width: 0, height: 2, data: new Uint8Array(0) })).toThrow('encodePng: width and height must be positive integers, got 0 × 2');
  });
});
