/**
 * The custom-layer example of src/layers/README.md, verbatim between the markers (only the
 * import lines differ: the README imports from 'sapling').
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { defineOp, gradcheck, ones, randn, sumToShape, tensor, type Tensor } from '../autograd/index.js';
import { Linear, Module, Sequential, type Parameter } from './index.js';
import { mseLoss } from './losses.js';

// ── README example start ──
// swish(x; β) = x · σ(βx)   (Ramachandran et al. 2017). With s = σ(βx) and σ′ = s(1 − s):
//   ∂y/∂x = s + βx · s(1 − s)        ∂y/∂β = x² · s(1 − s)
const swish = defineOp<[Tensor, Tensor]>({
  name: 'Swish',
  forward(ctx, [x, beta]) {
    const s = x.mul(beta).sigmoid();
    ctx.save(x, beta, s);
    return x.mul(s);
  },
  backward(ctx, dOut) {
    const [x, beta, s] = ctx.saved as [Tensor, Tensor, Tensor];
    const dS = s.mul(s.neg().add(1)); //                                 σ′(βx) = s(1 − s)
    const dX = dOut.mul(s.add(x.mul(beta).mul(dS)));
    const dBeta = sumToShape(dOut.mul(x.mul(x).mul(dS)), beta.shape); // β was broadcast: sum it back
    return [dX, dBeta];
  },
});

/** Swish with a learnable β, one scalar shared by every element. */
class Swish extends Module {
  readonly beta: Parameter;

  constructor() {
    super();
    this.beta = this.param('beta', ones([1]));
  }

  forward(x: Tensor): Tensor {
    return swish(x, this.beta);
  }
}

const x = randn([3, 4], { dtype: 'float64' }).requiresGrad_();
const beta = tensor([1.5], { dtype: 'float64' }).requiresGrad_();
gradcheck(swish, [x, beta]); // true: both hand-written gradients match finite differences

const model = new Sequential(new Linear(4, 8), new Swish(), new Linear(8, 1));
model.namedParameters().map(([name]) => name); // ['0.weight', '0.bias', '1.beta', '2.weight', '2.bias']
// ── README example end ──

test('the README custom layer: its op passes gradcheck and it registers like a built-in layer', () => {
  expect(gradcheck(swish, [x, beta])).toBe(true);
  expect(model.namedParameters().map(([name]) => name)).toEqual(['0.weight', '0.bias', '1.beta', '2.weight', '2.bias']);
  expect(Object.keys(model.stateDict())).toContain('1.beta');
  // swish(x; β) by hand at x = 2, β = 0: 2 · σ(0) = 1.
  expect(new Swish().forward(tensor([2])).item()).toBeCloseTo(2 / (1 + Math.exp(-2)), 6);
  expect(swish(tensor([2]), tensor([0])).item()).toBe(1);
});

test('a wrong backward is caught: forgetting the βx·s(1 − s) term fails gradcheck', () => {
  const wrong = defineOp<[Tensor, Tensor]>({
    name: 'WrongSwish',
    forward(ctx, [a, b]) {
      const s = a.mul(b).sigmoid();
      ctx.save(s);
      return a.mul(s);
    },
    backward(ctx, dOut) {
      return [dOut.mul(ctx.saved[0]!), null];
    },
  });
  expect(() => gradcheck(wrong, [x, tensor([1.5], { dtype: 'float64' })])).toThrow(/gradcheck: input 0 \[3,4\]/);
});

test('the custom layer trains: gradients reach β and a few SGD steps reduce the loss', () => {
  const input = randn([16, 4], { dtype: 'float32' });
  const target = input.sum(1, true).tanh();
  const net = new Sequential(new Linear(4, 8), new Swish(), new Linear(8, 1));
  const losses: number[] = [];
  for (let step = 0; step < 20; step++) {
    net.zeroGrad();
    const loss = mseLoss(net.forward(input), target);
    loss.backward();
    losses.push(loss.item());
    for (const p of net.parameters()) p.assign(p.sub(p.grad!.mul(0.1)).detach());
  }
  expect((net.at(1) as Swish).beta.item()).not.toBe(1);
  expect(losses[19]!).toBeLessThan(losses[0]! * 0.8);
});

test('the README shows exactly this example', () => {
  const readme = readFileSync(new URL('./README.md', import.meta.url), 'utf8');
  const block = /## Your own layer[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  const source = readFileSync(new URL(import.meta.url), 'utf8');
  const example = /\/\/ ── README example start ──\n([\s\S]*?)\/\/ ── README example end ──/.exec(source)?.[1];
  const withoutImports = (code: string | undefined) => (code ?? '').split('\n').filter((l) => !l.startsWith('import ')).join('\n').trim();
  expect(withoutImports(block)).toBe(withoutImports(example));
  expect(withoutImports(block).length).toBeGreaterThan(500);
});
