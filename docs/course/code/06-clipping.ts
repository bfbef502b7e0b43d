/**
 * Gradient clipping: a tanh RNN learns to continue sine waves with SGD at lr 0.3; without
 * clipping one large gradient throws it off and the loss overflows, with clipGradNorm(…, 1) it
 * trains. Run: npx tsx docs/course/code/06-clipping.ts
 */
import { F, Linear, manualSeed, optim, seededRandom, tensor, zeros, type Tensor } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';

// #region task
const [T, N, H] = [16, 16, 16]; // steps, sequences per batch, hidden units
const random = seededRandom(0);
/** N sine waves of random phase and frequency: the first T values as input, the next one as target. */
function batch(): { xs: Tensor[]; y: Tensor } {
  const phase = Array.from({ length: N }, () => 2 * Math.PI * random());
  const frequency = Array.from({ length: N }, () => 0.2 + 0.3 * random());
  const at = (t: number): Tensor => tensor(phase.map((p, n) => [Math.sin(p + frequency[n]! * t)])); // [N, 1]
  return { xs: Array.from({ length: T }, (_, t) => at(t)), y: at(T) };
}
const batches = Array.from({ length: 60 }, batch);
// #endregion

// #region train
/** Trains h_t = tanh(W_x·x_t + W_h·h_{t−1} + b), ŷ = W_o·h_T; returns the loss and gradient norm of each step. */
function train(maxNorm: number): { losses: number[]; norms: number[] } {
  manualSeed(0);
  const [input, recurrent, head] = [new Linear(1, H), new Linear(H, H), new Linear(H, 1)];
  const params = [input, recurrent, head].flatMap((layer) => layer.parameters());
  const optimizer = new optim.SGD(params, { lr: 0.3 });
  const losses: number[] = [];
  const norms: number[] = [];
  for (const { xs, y } of batches) {
    let h = zeros([N, H]);
    for (const x of xs) h = input.forward(x).add(recurrent.forward(h)).tanh();
    const loss = F.mseLoss(head.forward(h), y);
    optimizer.zeroGrad();
    loss.backward();
    norms.push(optim.clipGradNorm(params, maxNorm).item()); // the norm BEFORE clipping
    optimizer.step();
    losses.push(loss.item());
  }
  return { losses, norms };
}
const plain = train(Infinity);
const clipped = train(1);
const show = (v: number | undefined): string => (v === undefined ? '–' : v.toExponential(1));
for (const [name, r] of [['without clipping', plain], ['clipped to norm 1', clipped]] as const) {
  console.log(`${name.padEnd(17)}: loss at steps 1, 5, 20, 60: ${[0, 4, 19, 59].map((i) => show(r.losses[i])).join(', ')}; largest finite gradient norm ${show(Math.max(...r.norms.filter(Number.isFinite)))}`);
}
// #endregion

export const figures = {
  '06-clipping.svg': lineChart({
    title: 'A tanh RNN, SGD with lr 0.3, with and without gradient clipping',
    series: [
      { name: 'no clipping', y: plain.losses },
      { name: 'clipped to 1', y: clipped.losses },
    ],
    xLabel: 'step',
    yLabel: 'mean squared error',
    logY: true,
  }),
};
