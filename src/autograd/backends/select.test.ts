/**
 * Selecting a backend: overlapping setBackend calls resolve by one rule (the last call wins),
 * threads are an option of the wasm backend, and the cpu backend says so when asked for them.
 */
import { afterAll, expect, test } from 'vitest';
import { cpuKernels } from './cpu/index.js';
import { getBackend, getNumThreads, setBackend, setNumThreads, useKernels } from './index.js';

afterAll(() => {
  useKernels(cpuKernels);
});

test('before the wasm backend is loaded, setNumThreads says the cpu kernels use no threads, and getNumThreads is 1', () => {
  expect(getNumThreads()).toBe(1);
  expect(() => setNumThreads(2)).toThrow(/setNumThreads: threads are an option of the wasm backend, which is not loaded; the cpu kernels run on the calling thread/);
  expect(() => setNumThreads(0)).toThrow(RangeError);
});

test('overlapping setBackend calls: the last call wins, whichever backend loads first', async () => {
  // the repro: wasm (slow to load) asked first, cpu second
  const first = setBackend('wasm');
  await setBackend('cpu');
  await first;
  expect(getBackend()).toBe('cpu');
  await Promise.all([setBackend('wasm'), setBackend('cpu')]);
  expect(getBackend()).toBe('cpu');
  await Promise.all([setBackend('cpu'), setBackend('wasm')]);
  expect(getBackend()).toBe('wasm');
  // useKernels while a load is pending counts as the later call
  await setBackend('cpu');
  const pending = setBackend('wasm');
  useKernels(cpuKernels);
  await pending;
  expect(getBackend()).toBe('cpu');
});

test('threads: an option of setBackend(\'wasm\'), refused for cpu; a call that loses the race does not set them', async () => {
  await expect(setBackend('cpu', { threads: 2 })).rejects.toThrow(/threads is an option of the wasm backend; the cpu kernels run on the calling thread/);
  await setBackend('wasm', { threads: 1 });
  expect(getNumThreads()).toBe(1);
  await Promise.all([setBackend('wasm', { threads: 2 }), setBackend('wasm', { threads: 1 })]);
  expect(getNumThreads()).toBe(1);
  setNumThreads(2); // the wasm backend is loaded now: a thin alias
  expect(getNumThreads()).toBe(2);
  await setBackend('cpu');
  setNumThreads(1);
});
