/**
 * Why deep networks need help: the gradient that reaches each of 20 layers, in a plain stack of
 * Linear + ReLU, the same with batch normalisation, and with residual connections.
 * Run: npx tsx docs/course/code/05-depth.ts
 */
import { BatchNorm1d, Linear, manualSeed, Module, randn, seededRandom, type Tensor } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';

// #region stacks
type Kind = 'plain' | 'batch norm' | 'residual';

/** One layer: relu(W·h + b), relu(BN(W·h + b)), or h + relu(W·h + b). */
class Layer extends Module {
  readonly fc: Linear;
  readonly bn: BatchNorm1d | null;
  readonly kind: Kind;

  constructor(width: number, kind: Kind) {
    super();
    this.kind = kind;
    this.fc = this.child('fc', new Linear(width, width));
    this.bn = kind === 'batch norm' ? this.child('bn', new BatchNorm1d(width)) : null;
  }

  forward(h: Tensor): Tensor {
    const z = this.bn ? this.bn.forward(this.fc.forward(h)) : this.fc.forward(h);
    return this.kind === 'residual' ? h.add(z.relu()) : z.relu();
  }
}

/** ‖∂L/∂W‖ of each layer's weight, first layer first, for L = Σ c ⊙ output. */
function gradientNorms(kind: Kind, depth = 20, width = 32): number[] {
  manualSeed(0);
  const layers = Array.from({ length: depth }, () => new Layer(width, kind));
  const x = randn([64, width], { random: seededRandom(1) });
  const out = layers.reduce((h, layer) => layer.forward(h), x);
  out.mul(randn(out.shape, { random: seededRandom(2) })).sum().backward();
  return layers.map((layer) => layer.fc.weight.grad!.pow(2).sum().sqrt().item());
}
// #endregion

// #region compare
const norms = { plain: gradientNorms('plain'), 'batch norm': gradientNorms('batch norm'), residual: gradientNorms('residual') };
for (const [kind, g] of Object.entries(norms)) {
  console.log(`${kind.padEnd(10)}: ‖dL/dW‖ of layer 1 ${g[0]!.toExponential(1)}, of layer 20 ${g[19]!.toExponential(1)}`);
}
// #endregion

export const figures = {
  '05-depth.svg': lineChart({
    title: 'Gradient reaching each layer of a 20-layer network',
    series: Object.entries(norms).map(([name, y]) => ({ name, y })),
    xLabel: 'layer (1 = next to the input)',
    yLabel: '‖∂L/∂W‖',
    logY: true,
  }),
};
