/**
 * Tensor versions and held storage (storage.ts): every write path Sapling sees bumps the version,
 * tensors sharing a storage share it, and an array a caller may write unseen is never cacheable.
 */
import { expect, test } from 'vitest';
import { randn, zeros } from './creation.js';
import { noGrad } from './function.js';
import { reshape } from './ops/reshape.js';
import { cacheVersion } from './storage.js';
import { Tensor } from './tensor.js';
import { storageOf } from './tensor-storage.js';

test('assign and mutate bump the version; a version number is never issued twice', () => {
  const t = zeros([2, 3]);
  const seen = [t.version];
  noGrad(() => t.assign(randn([2, 3])));
  seen.push(t.version);
  t.mutate((d) => d.fill(7));
  seen.push(t.version);
  expect(t.toArray()).toEqual([[7, 7, 7], [7, 7, 7]]);
  const u = zeros([2, 3]).mutate((d) => d.fill(1));
  seen.push(u.version);
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
});

test('tensors sharing a storage share its version: a view, and the target of an assign', () => {
  const t = randn([2, 3]);
  const view = reshape(t, [3, 2]);
  const target = zeros([2, 3]);
  noGrad(() => target.assign(t));
  t.mutate((d) => d.fill(2));
  expect(view.version).toBe(t.version);
  expect(target.version).toBe(t.version);
  expect(target.toArray()).toEqual([[2, 2, 2], [2, 2, 2]]);
});

test('held storage: a caller\'s array passed to new Tensor, or one handed out by `storage`, is not cacheable; Sapling\'s own is', () => {
  const own = zeros([4]);
  expect(cacheVersion(storageOf(own))).toBe(own.version);
  const wrapped = new Tensor(new Float32Array(4), [4]);
  expect(cacheVersion(storageOf(wrapped))).toBeNull();
  void own.storage; // handed out: the caller may write it from now on
  expect(cacheVersion(storageOf(own))).toBeNull();
  const kept = randn([4]);
  void kept.toArray(); // reading copies does not hand the array out
  void kept.dataSync();
  void kept.toString();
  expect(cacheVersion(storageOf(kept))).toBe(kept.version);
});
