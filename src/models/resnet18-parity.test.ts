/**
 * ResNet-18 against PyTorch/torchvision: weights exported by scripts/make-resnet18-fixtures.py
 * (torch 1.13, torchvision 0.14) load with strict: true, and Sapling reproduces torch's logits,
 * loss, gradients of named parameters and updated running statistics on a fixed batch, in eval
 * mode (running statistics) and train mode (batch statistics).
 *
 * Committed cases: `w8` (ImageNet stem, width 8) and `cifar-w4` (CIFAR stem, width 4, 1 channel).
 * The full-width torchvision resnet18 runs when RESNET18_PARITY_DIR names a folder written by
 * `make-resnet18-fixtures.py --full DIR` (see the parity:resnet18 script in src/models/README.md).
 *
 * Tolerances (float32 both sides, different summation orders): logits within 1e-4 of the
 * logits' largest magnitude; loss within 1e-5 relative; each gradient within 1e-3 of its own
 * largest magnitude (a gradient sums over the whole batch and every spatial position, and in
 * train mode flows through the batch-norm backward of 20 layers, so rounding grows there).
 * At full width float32 itself is not that accurate: early-layer gradients at initialisation
 * cancel heavily, and PyTorch's own float32 values differ from its float64 ones by up to ~1e-2
 * of their scale. So the full case is judged against PyTorch's float64 run, allowing 3 × the
 * error PyTorch's float32 makes there, and is also run entirely in float64, within 1e-9.
 *
 * Known result of the full case (2026-11-26, and the same before that day's changes): every
 * float64 value within 3e-14, every float32 value within its bound but one, eval-mode
 * layer2.0.downsample.0.weight's gradient at 5.5e-3 against a bound of 4.2e-3 (PyTorch's own
 * float32 error there: 1.4e-3). Traced: Sapling's float32 forward stays within 5e-6 of float64
 * everywhere, but one ReLU input of layer2.1 (1 of 200,704) lies within that rounding of 0 and
 * takes the other side of the mask than in float64; backward, the input gradient of that conv
 * then differs by 3e-2 of its scale, and everything below it inherits that. The filter-gradient
 * kernel itself agrees with float64 on the same inputs to 9e-7. A float32 run of any
 * implementation can hit such a flip (where, depends on its rounding), so this bound judges luck
 * as much as arithmetic at full width; the float64 run is the exact check.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { F, Tensor, cast, loadSafetensors, setBackend, type StateDict } from '../node.js';
import { ResNet18, type ResNet18Options } from './resnet18.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');

interface Case {
  readonly name: string;
  readonly dir: string;
  readonly options: ResNet18Options;
}

const maxAbs = (t: Tensor): number => {
  let m = 0;
  for (const v of t.storage) m = Math.max(m, Math.abs(v));
  return m;
};
const maxDiff = (a: Tensor, b: Tensor): number => {
  expect(a.shape).toEqual(b.shape);
  let m = 0;
  for (let i = 0; i < a.numel(); i++) m = Math.max(m, Math.abs(a.storage[i]! - b.storage[i]!));
  return m;
};

interface CaseErrors {
  /** Relative error of each compared value, by fixture key. */
  readonly errors: Record<string, number>;
  /** Where the fixture has float64 references: PyTorch's own float32 error against them, by key. */
  readonly torchErrors: Record<string, number>;
}

/**
 * Runs one case and returns the relative errors. Where the fixture holds float64 references
 * (`f64.*`, the full-width case), float32 gradients are judged against those, beside PyTorch's
 * own float32 error; and the whole case is run again in float64 on the cpu backend, against
 * PyTorch's float64 results (`float64.*` keys), where only the maths can differ.
 */
function checkCase(c: Case, dtype: 'float32' | 'float64' = 'float32'): CaseErrors {
  const weights = loadSafetensors(join(c.dir, `${c.name}.safetensors`)).tensors;
  const io = loadSafetensors(join(c.dir, `${c.name}-io.safetensors`)).tensors;
  const get = (key: string): Tensor => {
    const t = io[key];
    if (!t) throw new Error(`${c.name}-io.safetensors has no '${key}'`);
    return t;
  };
  const has64 = 'f64.eval.logits' in io;
  const as = (t: Tensor): Tensor => (t.dtype === 'int32' ? t : cast(t, dtype));
  const model = new ResNet18({ ...c.options, dtype, random: () => 0.5 });
  const state = Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, as(t)])) as StateDict;
  const errors: Record<string, number> = {};
  const torchErrors: Record<string, number> = {};
  const prefix = dtype === 'float64' ? 'float64.' : '';
  for (const mode of ['eval', 'train'] as const) {
    model.loadStateDict(state); // strict: every torchvision key, nothing else
    model.train(mode === 'train');
    model.zeroGrad();
    const logits = model.forward(as(get('input')));
    const loss = F.crossEntropy(logits, get('target'));
    loss.backward();
    // float64 runs compare with PyTorch's float64 results; float32 runs with its float32 ones,
    // except gradients, which are judged against float64 where the fixture has it.
    const ref = (key: string): Tensor => get(dtype === 'float64' ? `f64.${key}` : key);
    const gradRef = (key: string): Tensor => get(has64 ? `f64.${key}` : key);
    errors[`${prefix}${mode}.logits`] = maxDiff(logits, ref(`${mode}.logits`)) / maxAbs(ref(`${mode}.logits`));
    errors[`${prefix}${mode}.loss`] = Math.abs(loss.item() - ref(`${mode}.loss`).item()) / Math.abs(ref(`${mode}.loss`).item());
    const params = new Map(model.namedParameters());
    for (const key of Object.keys(io).filter((k) => k.startsWith(`${mode}.grad.`))) {
      const grad = params.get(key.slice(`${mode}.grad.`.length))?.grad;
      if (!grad) throw new Error(`${key}: the parameter has no gradient`);
      errors[`${prefix}${key}`] = maxDiff(grad, gradRef(key)) / maxAbs(gradRef(key));
      if (has64 && dtype === 'float32') torchErrors[key] = maxDiff(cast(get(key), 'float64'), get(`f64.${key}`)) / maxAbs(get(`f64.${key}`));
    }
    if (mode === 'train' && dtype === 'float32') {
      const after = model.stateDict();
      for (const key of Object.keys(io).filter((k) => k.startsWith('train.after.'))) {
        const expectedBuffer = get(key);
        errors[key] = maxDiff(after[key.slice('train.after.'.length)]!, expectedBuffer) / Math.max(1, maxAbs(expectedBuffer));
      }
    }
  }
  return { errors, torchErrors };
}

/**
 * logits 1e-4 of their scale; loss 1e-5; float32 gradients 1e-3 of their scale, or, against a
 * float64 reference, at most 3 × PyTorch's own float32 error where that is larger; everything
 * in float64 1e-9.
 */
function expectWithin({ errors, torchErrors }: CaseErrors): void {
  for (const [key, err] of Object.entries(errors)) {
    const tol = key.startsWith('float64.') ? 1e-9 : key.endsWith('.logits') ? 1e-4 : key.endsWith('.loss') ? 1e-5 : Math.max(1e-3, 3 * (torchErrors[key] ?? 0));
    expect(err, `${key}: relative error ${err.toExponential(2)} > ${tol.toExponential(2)}`).toBeLessThanOrEqual(tol);
  }
}

describe('ResNet18 matches torchvision (PyTorch 1.13) on the committed fixtures', () => {
  test('w8: ImageNet stem, width 8, batch 3×3×48×48, eval and train', () => {
    expectWithin(checkCase({ name: 'w8', dir: FIXTURES, options: { width: 8, numClasses: 10 } }));
  });

  test('cifar-w4: CIFAR stem, width 4, one channel, batch 4×1×16×16, eval and train', () => {
    expectWithin(checkCase({ name: 'cifar-w4', dir: FIXTURES, options: { width: 4, numClasses: 10, inChannels: 1, stem: 'cifar' } }));
  });
});

const fullDir = process.env['RESNET18_PARITY_DIR'];
describe.runIf(fullDir !== undefined && existsSync(join(fullDir ?? '', 'full.safetensors')))('full-width torchvision resnet18', () => {
  test('torchvision.models.resnet18(), batch 2×3×224×224: float32 on wasm, float64 on cpu', async () => {
    await setBackend('wasm');
    const f32 = checkCase({ name: 'full', dir: fullDir!, options: {} });
    await setBackend('cpu');
    const f64 = checkCase({ name: 'full', dir: fullDir!, options: {} }, 'float64');
    const lines = Object.entries({ ...f32.errors, ...f64.errors }).map(([k, v]) =>
      `${k.padEnd(52)} ${v.toExponential(2)}${k in f32.torchErrors ? `   (PyTorch float32 vs float64: ${f32.torchErrors[k]!.toExponential(2)})` : ''}`);
    console.log(`relative errors against torchvision (float32 gradients against its float64 run):\n${lines.join('\n')}`);
    expectWithin(f32);
    expectWithin(f64);
  }, 600_000);
});
