import { PNG } from 'pngjs';
import { describe, expect, test } from 'vitest';
import { tensor } from '../autograd/creation.js';
import { imageGrid, imageGridPixels } from './image-grid.js';

/** The RGB of pixel (x, y) of an RGBA image. */
const at = (image: { width: number; data: ArrayLike<number> }, x: number, y: number): number[] => {
  const o = 4 * (y * image.width + x);
  return [image.data[o]!, image.data[o + 1]!, image.data[o + 2]!];
};

describe('imageGridPixels', () => {
  test('tiles in rows of `columns`, one white pixel apart; grey maps [0, 1] to black…white', () => {
    const images = tensor([[[0, 1]], [[0.5, 0.5]], [[1, 0]]]); // three 1 × 2 images
    const grid = imageGridPixels({ images, columns: 2 });
    expect([grid.width, grid.height]).toEqual([2 * 2 + 1, 2 * 1 + 1]);
    expect(at(grid, 0, 0)).toEqual([0, 0, 0]);
    expect(at(grid, 1, 0)).toEqual([255, 255, 255]);
    expect(at(grid, 2, 0)).toEqual([255, 255, 255]); // the gap
    expect(at(grid, 3, 0)).toEqual([128, 128, 128]);
    expect(at(grid, 0, 2)).toEqual([255, 255, 255]); // third image, second row
    expect(at(grid, 1, 2)).toEqual([0, 0, 0]);
  });

  test("colormaps and per-tile ranges: 'grey-inverted', 'diverging' with 'each', RGB tensors", () => {
    const inverted = imageGridPixels({ images: [{ pixels: [0, 1], height: 1, width: 2 }], colormap: 'grey-inverted' });
    expect([at(inverted, 0, 0), at(inverted, 1, 0)]).toEqual([[255, 255, 255], [0, 0, 0]]);
    const signed = imageGridPixels({ images: [{ pixels: [-4, 0, 2], height: 1, width: 3 }], colormap: 'diverging', range: 'each' });
    expect([at(signed, 0, 0), at(signed, 1, 0), at(signed, 2, 0)]).toEqual([[0, 0, 255], [255, 255, 255], [255, 128, 128]]);
    const rgb = imageGridPixels({ images: tensor([[[[1]], [[0]], [[0.5]]]]) }); // [1, 3, 1, 1]
    expect(at(rgb, 0, 0)).toEqual([255, 0, 128]);
  });

  test('refuses mixed sizes and tensors that are not batches of images', () => {
    expect(() => imageGridPixels({ images: [{ pixels: [0], height: 1, width: 1 }, { pixels: [0, 0], height: 1, width: 2 }] })).toThrow('imageGrid: tile 1 is 1 × 2, tile 0 is 1 × 1');
    expect(() => imageGridPixels({ images: tensor([1, 2]) })).toThrow('imageGrid: expected a tensor [N, H, W], [N, 1, H, W] or [N, 3, H, W], got [2]');
  });
});

describe('imageGrid', () => {
  test('an SVG with the title, row and column labels and captions as text, and the pixels as an embedded PNG', () => {
    const images = tensor(Array.from({ length: 4 }, (_, i) => [[i / 3, 1 - i / 3]]));
    const svg = imageGrid({ images, columns: 2, title: 'digits', rowLabels: ['original', 'k = 5'], columnLabels: ['a', 'b'] });
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['digits', 'original', 'k = 5', 'a', 'b']) expect(svg).toContain(`>${text}</text>`);
    const href = /href="data:image\/png;base64,([^"]+)"/.exec(svg)![1]!;
    const png = PNG.sync.read(Buffer.from(href, 'base64'));
    expect([png.width, png.height]).toEqual([5, 3]);
    const captioned = imageGrid({ images, columns: 2, captions: ['0', '1', '2', '3'] });
    expect(captioned.match(/<image /g)).toHaveLength(2); // one image per row, captions between
    expect(captioned).toContain('>3</text>');
  });
});
