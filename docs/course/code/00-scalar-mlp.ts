/**
 * A multilayer perceptron made of `Value`s, trained by gradient descent on four examples, as in
 * micrograd. Prints the loss and the size of the graph; exports the loss curve as a figure.
 * Run: npx tsx docs/course/code/00-scalar-mlp.ts
 */
import { seededRandom } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';
import { Value } from './00-value.js';

const random = seededRandom(0);
const uniform = (): Value => new Value(2 * random() - 1); // U(−1, 1)

// #region mlp
/** tanh(w · x + b) */
class Neuron {
  readonly w: Value[];
  readonly b = uniform();

  constructor(inputs: number) {
    this.w = Array.from({ length: inputs }, uniform);
  }

  forward(x: readonly Value[]): Value {
    return this.w.reduce((sum, wi, i) => sum.add(wi.mul(x[i]!)), this.b).tanh();
  }
}

/** Layers of neurons, each layer reading the previous layer's outputs. */
class Mlp {
  readonly layers: Neuron[][];

  constructor(inputs: number, sizes: readonly number[]) {
    this.layers = sizes.map((size, l) => Array.from({ length: size }, () => new Neuron(l === 0 ? inputs : sizes[l - 1]!)));
  }

  forward(x: readonly Value[]): Value {
    const out = this.layers.reduce((h, layer) => layer.map((n) => n.forward(h)), x);
    return out[0]!;
  }

  parameters(): Value[] {
    return this.layers.flat().flatMap((n) => [...n.w, n.b]);
  }
}
// #endregion

// #region train
const xs = [[2, 3, -1], [3, -1, 0.5], [0.5, 1, 1], [1, 1, -1]].map((row) => row.map((v) => new Value(v)));
const ys = [1, -1, -1, 1];
const model = new Mlp(3, [4, 4, 1]);
const losses: number[] = [];
let loss = new Value(0);
for (let step = 0; step < 40; step++) {
  // forward: the squared error summed over the four examples
  loss = xs.reduce((sum, x, i) => sum.add(model.forward(x).add(-ys[i]!).pow(2)), new Value(0));
  // backward: every gradient from scratch (backward() adds, so zero them first)
  for (const p of model.parameters()) p.grad = 0;
  loss.backward();
  // update: a small step against the gradient
  for (const p of model.parameters()) p.data -= 0.05 * p.grad;
  losses.push(loss.data);
  if (step % 10 === 0 || step === 39) console.log(`step ${String(step).padStart(2)}: loss ${loss.data.toFixed(4)}`);
}
console.log('predictions:', xs.map((x) => model.forward(x).data.toFixed(3)).join(', '), ' targets:', ys.join(', '));
// #endregion

// #region count
const nodes = new Set<Value>();
const stack = [loss];
while (stack.length > 0) {
  const v = stack.pop()!;
  if (!nodes.has(v)) {
    nodes.add(v);
    stack.push(...v.children);
  }
}
console.log(`${model.parameters().length} parameters; the graph of one loss has ${nodes.size} nodes`);
// #endregion

export const figures = {
  '00-scalar-mlp-loss.svg': lineChart({
    title: 'A 3-4-4-1 MLP of Values learns four examples',
    series: [{ name: 'loss', y: losses }],
    xLabel: 'gradient step',
    yLabel: 'sum of squared errors',
    logY: true,
  }),
};
