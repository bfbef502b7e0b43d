/**
 * Issue 18, item 1: the wasm backend keeps weights resident in tfjs's heap, and must never serve
 * stale values when a tensor's storage is written in place — through the caller's own array
 * (`new Tensor(buf, shape)` wraps it), through the array `storage` hands out, or through the
 * documented `mutate`.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { randn } from '../../creation.js';
import { seededRandom } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { cpuKernels } from '../cpu/index.js';
import { backendKernels } from '../index.js';
import { parityError } from '../parity.js';
import type { Kernels } from '../types.js';
import { clearResidentOperands } from './pool.js';
import { residentStats } from './shares/resident.js';

let wasm: Kernels;
beforeAll(async () => {
  wasm = await backendKernels('wasm');
});
afterAll(() => clearResidentOperands());

const expectCpu = (got: Tensor, want: Tensor, what: string): void => {
  const { ratio, detail } = parityError(got, want);
  expect(ratio, `${what}: ${detail}`).toBeLessThanOrEqual(1);
};

test('the issue\'s repro: a caller\'s buffer filled between matmuls (calls 3 and 4 were off by 47.6 and 95.2)', () => {
  const buf = new Float32Array(65536);
  const W = new Tensor(buf, [256, 256]);
  const x = randn([64, 256], { random: seededRandom(1) });
  for (let c = 1; c <= 4; c++) {
    buf.fill(c);
    expectCpu(wasm.matmul(x, W), cpuKernels.matmul(x, W), `call ${c}`);
  }
});

test('a weight written through the array `storage` hands out, and through `mutate`, is read afresh by matmul and conv', () => {
  const random = seededRandom(2);
  const attrs = { stride: [1, 1] as const, padding: { top: 1, bottom: 1, left: 1, right: 1 }, dilation: [1, 1] as const, groups: 1 };
  const x = randn([2, 8, 6, 6], { random });
  const w = randn([8, 8, 3, 3], { random });
  const a = randn([16, 32], { random });
  const b = randn([32, 24], { random });
  const writes: readonly ((t: Tensor, round: number) => void)[] = [
    (t, round) => t.storage.fill(round / 10), //                                       the getter's array, written in place
    (t, round) => t.mutate((data) => data.fill(-round / 10)), //                       the documented way
  ];
  for (const write of writes) {
    for (let round = 1; round <= 4; round++) { // rounds 3 and 4 would read resident operands
      write(w, round);
      write(b, round);
      expectCpu(wasm.conv2d(x, w, attrs), cpuKernels.conv2d(x, w, attrs), `conv, round ${round}`);
      expectCpu(wasm.conv2dBackpropInput(x, w, x.shape, attrs), cpuKernels.conv2dBackpropInput(x, w, x.shape, attrs), `conv input gradient, round ${round}`);
      expectCpu(wasm.matmul(a, b), cpuKernels.matmul(a, b), `matmul, round ${round}`);
    }
  }
});

test('a weight nobody writes stays resident (the cache still works)', () => {
  clearResidentOperands();
  const random = seededRandom(3);
  const a = randn([16, 32], { random });
  const b = randn([32, 24], { random });
  const hits = residentStats().hits;
  for (let i = 0; i < 4; i++) expectCpu(wasm.matmul(a, b), cpuKernels.matmul(a, b), `call ${i}`);
  expect(residentStats().hits - hits).toBe(2); // seen once, kept on the second call, found on the third and fourth
});
