/**
 * A convolution slides one small kernel along a signal: a 5-tap average smooths a noisy step,
 * a difference kernel finds its edge. The signal is a [1, 1, 1, 120] image, so this is conv2d.
 * Run: npx tsx docs/course/code/04-signal.ts
 */
import { conv2d, randn, seededRandom, tensor } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';

// #region filters
const length = 120;
const step = Array.from({ length }, (_, i) => (i >= 60 ? 1 : 0));
const noise = randn([length], { random: seededRandom(4) }).mul(0.15);
const signal = tensor(step).add(noise).reshape([1, 1, 1, length]); // [N, C, H, W]

const average = tensor([[[[0.2, 0.2, 0.2, 0.2, 0.2]]]]); // [O, C, KH, KW] = [1, 1, 1, 5]
const difference = tensor([[[[-0.5, 0, 0.5]]]]); //          (x[i + 1] − x[i − 1]) / 2
const smooth = conv2d(signal, average, null, { padding: [0, 2] }); // padding keeps the length
const edges = conv2d(smooth, difference, null, { padding: [0, 1] });
const peak = edges.reshape([length]).argmax().item();
console.log(`the edge response peaks at position ${peak} (the step is at 60)`);
// #endregion

const values = (t: typeof signal): number[] => Array.from(t.storage);
export const figures = {
  '04-signal.svg': lineChart({
    title: 'conv2d on a [1, 1, 1, 120] signal',
    series: [
      { name: 'noisy step', y: values(signal) },
      { name: 'average of 5', y: values(smooth) },
      { name: 'difference of that', y: values(edges) },
    ],
    xLabel: 'position',
    yLabel: 'value',
  }),
};
