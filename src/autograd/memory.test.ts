/**
 * memory.ts on the host: to(device) between host names, and scope / keep / dispose, which must
 * be harmless no-ops for host tensors so that code written for the GPU runs on every backend.
 * The device side is tested in backends/webgpu/device-tensor.test.ts.
 */
import { expect, test } from 'vitest';
import { tensor } from './creation.js';
import { keep, scope, toDevice } from './memory.js';

test('to(cpu | wasm) of a host tensor is the tensor itself; an unknown device is refused by name', async () => {
  const t = tensor([1, 2, 3]);
  expect(await t.to('cpu')).toBe(t);
  expect(await t.to('wasm')).toBe(t);
  expect(t.device).toBe('cpu');
  await expect(toDevice(t, 'tpu' as never)).rejects.toThrow(/unknown device 'tpu'/);
});

test('scope, keep and dispose leave host tensors alone', () => {
  let inner = tensor([0]);
  const out = scope(() => {
    inner = tensor([1, 2]).mul(3);
    return keep(tensor([4]));
  });
  expect(inner.toArray()).toEqual([3, 6]);
  expect(out.toArray()).toEqual([4]);
  inner.dispose();
  expect(inner.toArray()).toEqual([3, 6]);
});

test('scope refuses an async function, and returns what fn returns', async () => {
  expect(() => scope(() => Promise.resolve(1))).toThrow(/must be synchronous/);
  expect(scope(() => 7)).toBe(7);
});

test('the async reads work on the host too: data(), itemAsync(), toArrayAsync()', async () => {
  const t = tensor([[1, 2], [3, 4]]);
  expect(Array.from(await t.data())).toEqual([1, 2, 3, 4]);
  expect(await t.toArrayAsync()).toEqual([[1, 2], [3, 4]]);
  expect(await tensor([5]).itemAsync()).toBe(5);
  await expect(t.itemAsync()).rejects.toThrow(/only a tensor with one element/);
});
