/**
 * Backpropagation through time: how much of the gradient of a loss at the last step reaches
 * each earlier hidden state, for a tanh RNN and for an LSTM cell, over 50 steps.
 * Chapter 6 (docs/course/06-recurrent-networks.md). Run: npx tsx docs/course/code/06-through-time.ts
 */
import { cat, lstmCell, rand, randn, seededRandom, zeros, type Tensor } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';

// #region setup
const [T, N, I, H] = [50, 4, 3, 16];
const random = seededRandom(0);
const xs = Array.from({ length: T }, () => randn([N, I], { dtype: 'float64', random }));
/** PyTorch's initialisation of recurrent weights: U(−1/√H, 1/√H). */
const init = (shape: number[]): Tensor => rand(shape, { dtype: 'float64', random }).mul(2).sub(1).div(Math.sqrt(H));
// #endregion

// #region rnn
const rnnWeights = { wIh: init([H, I]), wHh: init([H, H]) };

/** ‖∂L/∂h_t‖ for t = 1 … T, where L = Σ h_T (only the last step has a loss); W_hh scaled by `scale`. */
function rnnGradients(scale: number): number[] {
  const wIh = rnnWeights.wIh.clone().requiresGrad_();
  const wHh = rnnWeights.wHh.mul(scale).requiresGrad_(); // its gradient will sum over the 50 steps
  const states: Tensor[] = [];
  let h = zeros([N, H], { dtype: 'float64' });
  for (const x of xs) {
    h = x.matmul(wIh.transpose()).add(h.matmul(wHh.transpose())).tanh(); // h_t = tanh(x_t W_ihᵀ + h_{t−1} W_hhᵀ)
    h.retainGrad(); // keep ∂L/∂h_t in h.grad
    states.push(h);
  }
  h.sum().backward();
  return states.map((s) => s.grad!.pow(2).sum().sqrt().item());
}
// #endregion

// #region lstm
const lstmWeights = { wIh: init([4 * H, I]), wHh: init([4 * H, H]) };

/** The same for an LSTM cell, whose state is [h ‖ c]; forgetBias is added to the forget gate's bias. */
function lstmGradients(forgetBias: number): number[] {
  const [wIh, wHh] = [lstmWeights.wIh.clone().requiresGrad_(), lstmWeights.wHh.clone().requiresGrad_()];
  const bias = cat([zeros([H]), zeros([H]).add(forgetBias), zeros([2 * H])]).to('float64'); // gates i, f, g, o
  const states: Tensor[] = [];
  let s = zeros([N, 2 * H], { dtype: 'float64' });
  for (const x of xs) {
    s = lstmCell(x, s, wIh, wHh, bias, zeros([4 * H], { dtype: 'float64' }));
    s.retainGrad();
    states.push(s);
  }
  s.slice([null, { stop: H }]).sum().backward(); // L = Σ h_T
  return states.map((t) => t.grad!.pow(2).sum().sqrt().item());
}
// #endregion

// #region compare
const curves = {
  'RNN, default init': rnnGradients(1),
  'RNN, W_hh × 5': rnnGradients(5),
  'LSTM, default init': lstmGradients(0),
  'LSTM, forget bias 3': lstmGradients(3),
};
for (const [name, g] of Object.entries(curves)) {
  console.log(`${name.padEnd(20)} ‖∂L/∂state‖ at step 50: ${g[T - 1]!.toExponential(1)}, at step 40: ${g[T - 11]!.toExponential(1)}, at step 1: ${g[0]!.toExponential(1)}`);
}
// #endregion

export const figures = {
  '06-through-time.svg': lineChart({
    title: 'Gradient of a loss at step 50 reaching each earlier state',
    series: Object.entries(curves).map(([name, y]) => ({ name, y })),
    xLabel: 'time step t',
    yLabel: '‖∂L/∂(state at t)‖',
    logY: true,
  }),
};
