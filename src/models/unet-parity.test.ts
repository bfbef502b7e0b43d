/**
 * U-Net against PyTorch 1.13: the same module written in PyTorch (scripts/make-unet-fixtures.py)
 * exports its weights, which load into UNet with strict: true, and Sapling reproduces PyTorch's
 * logits, the class-weighted cross-entropy on [N, C, H, W], the soft Dice loss, their sum, the
 * gradient of the input and of every parameter, and the updated running statistics, in eval mode
 * and train mode, for a transposed-conv U-Net with BatchNorm and a bilinear one without.
 *
 * Tolerances: in float64 (cpu backend, the same float32 weights cast up) every value within 1e-10
 * of its largest magnitude — only the summation order differs; in float32 the logits within 1e-5
 * of their scale and the losses within 1e-5 relative, and the float32 gradients within 1e-4 of
 * their scale of PyTorch's float64 ones (PyTorch's own float32 gradients are as far).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { F, Tensor, cast, getBackend, setBackend, type AvailableBackend, type StateDict } from '../index.js';
import { diceLoss } from '../layers/segmentation-losses.js';
import { UNet, type UNetOptions } from './unet.js';
import { loadSafetensors } from '../io/node.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

const maxAbs = (t: Tensor): number => {
  let m = 0;
  for (const v of t.storage) m = Math.max(m, Math.abs(v));
  return m;
};
function relativeError(actual: Tensor, expected: Tensor): number {
  expect(actual.shape).toEqual(expected.shape);
  let m = 0;
  for (let i = 0; i < actual.numel(); i++) m = Math.max(m, Math.abs(actual.storage[i]! - expected.storage[i]!));
  return m / Math.max(maxAbs(expected), 1e-30);
}

function check(name: string, options: UNetOptions, dtype: 'float32' | 'float64'): Record<string, number> {
  const state = loadSafetensors(join(FIXTURES, `unet-${name}.safetensors`)).tensors;
  const io = loadSafetensors(join(FIXTURES, `unet-${name}-io.safetensors`)).tensors;
  const get = (key: string): Tensor => {
    const t = io[key];
    if (!t) throw new Error(`unet-${name}-io.safetensors has no '${key}'`);
    return t;
  };
  const as = (t: Tensor): Tensor => (t.dtype === 'int32' ? t : cast(t, dtype));
  const model = new UNet({ ...options, dtype, random: () => 0.5 });
  const errors: Record<string, number> = {};
  const ref = dtype === 'float64' ? 'f64' : 'f32';
  for (const mode of options.batchNorm === false ? ['train'] : ['eval', 'train']) {
    model.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, t]) => [k, as(t)])) as StateDict);
    model.train(mode === 'train');
    model.zeroGrad();
    const x = as(get('input')).detach().requiresGrad_(); // a fresh leaf: no gradient left from the other mode
    const y = get('target');
    const logits = model.forward(x);
    const ce = F.crossEntropy(logits, y, { weight: as(get('weight')) });
    const dice = diceLoss(logits, y);
    const loss = ce.add(dice);
    loss.backward();
    const prefix = `${ref}.${mode}`;
    errors[`${prefix}.logits`] = relativeError(logits, get(`${prefix}.logits`));
    for (const [key, value] of [['ce', ce], ['dice', dice], ['loss', loss]] as const) errors[`${prefix}.${key}`] = relativeError(value, get(`${prefix}.${key}`));
    // Gradients and running statistics: always against PyTorch's float64 run.
    const g = `f64.${mode}`;
    errors[`${g}.grad.input (${dtype})`] = relativeError(cast(x.grad!, 'float64'), get(`${g}.grad.input`));
    const params = new Map(model.namedParameters());
    expect(Object.keys(io).filter((k) => k.startsWith(`${g}.grad.`) && k !== `${g}.grad.input`).length).toBe(params.size);
    for (const [pname, p] of params) errors[`${g}.grad.${pname} (${dtype})`] = relativeError(cast(p.grad!, 'float64'), get(`${g}.grad.${pname}`));
    if (mode === 'train') {
      const after = model.stateDict();
      for (const key of Object.keys(io).filter((k) => k.startsWith('f64.train.after.'))) {
        errors[`${key} (${dtype})`] = relativeError(cast(after[key.slice('f64.train.after.'.length)]!, 'float64'), get(key));
      }
    }
  }
  return errors;
}

function expectWithin(errors: Record<string, number>, dtype: 'float32' | 'float64'): void {
  expect(Object.keys(errors).length).toBeGreaterThan(10);
  for (const [key, err] of Object.entries(errors)) {
    const tol = dtype === 'float64' ? 1e-10 : key.includes('.grad.') || key.includes('.after.') ? 1e-4 : 1e-5;
    expect(err, `${key}: relative error ${err.toExponential(2)} > ${tol}`).toBeLessThanOrEqual(tol);
  }
}

const CASES: readonly [string, UNetOptions][] = [
  ['transpose-bn', { inChannels: 1, numClasses: 5, depth: 2, width: 4, upsampling: 'transpose', batchNorm: true }],
  ['bilinear-plain', { inChannels: 2, numClasses: 3, depth: 2, width: 4, upsampling: 'bilinear', batchNorm: false }],
];

describe('UNet matches PyTorch 1.13 (scripts/make-unet-fixtures.py)', () => {
  let previous: AvailableBackend;
  beforeAll(() => {
    previous = getBackend() as AvailableBackend;
  });
  afterAll(async () => {
    await setBackend(previous);
  });

  for (const [name, options] of CASES) {
    test(`${name}: float64 on cpu, every value within 1e-10`, async () => {
      await setBackend('cpu');
      expectWithin(check(name, options, 'float64'), 'float64');
    });
    for (const backend of ['cpu', 'wasm'] as const) {
      test(`${name}: float32 on ${backend}`, async () => {
        await setBackend(backend);
        expectWithin(check(name, options, 'float32'), 'float32');
      });
    }
  }
});
