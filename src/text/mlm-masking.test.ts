import { describe, expect, test } from 'vitest';
import { seededRandom } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';
import { maskTokens } from './mlm-masking.js';

const N = 64;
const T = 200;
const V = 1000;
/** Rows of [CLS] w … w [SEP] [PAD] …, lengths 100 … 200, words in [5, V). */
function batch(): { ids: Tensor; mask: Tensor } {
  const random = seededRandom(3);
  const ids = new Int32Array(N * T);
  const mask = new Int32Array(N * T);
  for (let n = 0; n < N; n++) {
    const length = 100 + Math.floor(random() * 101);
    for (let t = 0; t < length; t++) {
      ids[n * T + t] = t === 0 ? 2 : t === length - 1 ? 3 : 5 + Math.floor(random() * (V - 5));
      mask[n * T + t] = 1;
    }
  }
  return { ids: new Tensor(ids, [N, T]), mask: new Tensor(mask, [N, T]) };
}
const options = { maskId: 4, vocabSize: V, firstRegularId: 5, specialIds: [0, 1, 2, 3, 4] };

describe('maskTokens', () => {
  const { ids, mask } = batch();
  const out = maskTokens(ids, mask, { ...options, random: seededRandom(7) });
  const src = ids.storage;
  const got = out.inputIds.storage;
  const labels = out.labels.storage;
  const positions = Array.from(out.positions.storage);
  const real = Array.from(mask.storage).filter((m) => m === 1).length - 2 * N;

  test('chooses about 15% of the ordinary real tokens, never [CLS], [SEP] or padding', () => {
    expect(positions.length / real).toBeGreaterThan(0.14);
    expect(positions.length / real).toBeLessThan(0.16);
    for (const i of positions) {
      expect(mask.storage[i]).toBe(1);
      expect([2, 3]).not.toContain(src[i]);
    }
  });

  test('replaces about 80% by [MASK], 10% by another ordinary token, keeps 10%', () => {
    const masked = positions.filter((i) => got[i] === 4).length / positions.length;
    const kept = positions.filter((i) => got[i] === src[i]).length / positions.length;
    expect(masked).toBeGreaterThan(0.77);
    expect(masked).toBeLessThan(0.83);
    expect(kept).toBeGreaterThan(0.08); // a random draw equal to the original counts as kept (1 in 995)
    expect(kept).toBeLessThan(0.12);
    for (const i of positions) if (got[i] !== 4) expect(got[i]).toBeGreaterThanOrEqual(5);
  });

  test('labels hold the original at the targets and −100 elsewhere; everything else is untouched', () => {
    const chosen = new Set(positions);
    for (let i = 0; i < src.length; i++) {
      if (chosen.has(i)) expect(labels[i]).toBe(src[i]);
      else {
        expect(labels[i]).toBe(-100);
        expect(got[i]).toBe(src[i]);
      }
    }
    expect(Array.from(out.targets.storage)).toEqual(positions.map((i) => src[i]));
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });

  test('the same generator state gives the same targets', () => {
    const again = maskTokens(ids, mask, { ...options, random: seededRandom(7) });
    expect(Array.from(again.inputIds.storage)).toEqual(Array.from(got));
  });

  test('a batch with no draw still gets one target; bad options are refused', () => {
    const tiny = new Tensor(Int32Array.of(2, 9, 3), [1, 3]);
    const one = maskTokens(tiny, null, { ...options, probability: 0, random: seededRandom(1) });
    expect(Array.from(one.positions.storage)).toEqual([1]);
    expect(() => maskTokens(tiny, null, { ...options, probability: 1.5 })).toThrow(/probability must be in \[0, 1\]/);
    expect(() => maskTokens(new Tensor(Int32Array.of(1, 2), [2]), null, options)).toThrow(/expected int32 ids \[N, T\]/);
  });
});
