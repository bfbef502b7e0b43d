/**
 * Overfitting, seen on a validation set: a large MLP trained on 60 noisy points drives its
 * training loss towards zero while the loss on fresh points turns back up. Keeping the weights of
 * the best validation epoch (early stopping) and weight decay are two answers.
 * Run: npx tsx docs/course/code/03-overfitting.ts
 */
import { F, Linear, manualSeed, noGrad, optim, Relu, seededRandom, Sequential, type StateDict } from '../../../src/index.js';
import { lineChart } from '../../../src/utils/index.js';
import { makeSpirals } from './03-spirals.js';

// #region setup
const train = makeSpirals(20, 0.6, seededRandom(1)); //       60 points, heavily blurred
const validation = makeSpirals(50, 0.6, seededRandom(2)); //  150 fresh points

/** Trains a 2-32-32-3 MLP on all 60 points at once; returns both losses per epoch. */
function run(weightDecay: number): { train: number[]; validation: number[]; best: { epoch: number; loss: number; weights: StateDict } } {
  manualSeed(0);
  const model = new Sequential(new Linear(2, 32), new Relu(), new Linear(32, 32), new Relu(), new Linear(32, 3));
  const optimizer = new optim.AdamW(model.parameters(), { lr: 0.01, weightDecay });
  const losses = { train: [] as number[], validation: [] as number[] };
  let best = { epoch: 0, loss: Infinity, weights: model.stateDict() };
  for (let epoch = 1; epoch <= 150; epoch++) {
    const loss = F.crossEntropy(model.forward(train.x), train.y);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    const validationLoss = noGrad(() => F.crossEntropy(model.forward(validation.x), validation.y).item());
    losses.train.push(loss.item());
    losses.validation.push(validationLoss);
    if (validationLoss < best.loss) best = { epoch, loss: validationLoss, weights: model.stateDict() }; // a snapshot
  }
  return { ...losses, best };
}
// #endregion

// #region compare
const plain = run(0);
const decayed = run(1);
for (const [name, r] of [['no weight decay', plain], ['weight decay 1', decayed]] as const) {
  console.log(`${name}: final training loss ${r.train.at(-1)!.toFixed(3)}, final validation loss ${r.validation.at(-1)!.toFixed(3)}, best validation loss ${r.best.loss.toFixed(3)} at epoch ${r.best.epoch}`);
}
// #endregion

export const figures = {
  '03-overfitting.svg': lineChart({
    title: 'A 2-32-32-3 MLP on 60 noisy points',
    series: [
      { name: 'training', y: plain.train },
      { name: 'validation', y: plain.validation },
      { name: 'training, wd 1', y: decayed.train },
      { name: 'validation, wd 1', y: decayed.validation },
    ],
    xLabel: 'epoch (one full-batch step each)',
    yLabel: 'cross-entropy',
    logY: true,
  }),
};
