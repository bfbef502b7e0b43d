/**
 * An MLP learns three spirals: the training loop with a loss, an optimizer, a schedule and a
 * data loader, and accuracy on points it never saw. Chapter 3 (docs/course/03-training.md).
 * Run: npx tsx docs/course/code/03-mlp.ts
 */
import { DataLoader, F, Linear, manualSeed, noGrad, optim, Relu, seededRandom, Sequential, TensorDataset, type Tensor } from '../../../src/index.js';
import { makeSpirals } from './03-spirals.js';

// #region data
manualSeed(0);
const train = makeSpirals(100, 0.2, seededRandom(1)); //      300 points to learn from
const validation = makeSpirals(100, 0.2, seededRandom(2)); // 300 others from the same distribution
const loader = new DataLoader(new TensorDataset(train.x, train.y), { batchSize: 50, shuffle: true, seed: 0 });
// #endregion

// #region model
const model = new Sequential(
  new Linear(2, 64), new Relu(), //  [N, 2]  → [N, 64]
  new Linear(64, 64), new Relu(), // [N, 64] → [N, 64]
  new Linear(64, 3), //              [N, 64] → [N, 3]: one score (logit) per class
);
console.log(`${model.numParameters()} parameters`);
// #endregion

// #region evaluate
/** Fraction of points whose highest logit is their class; no graph, eval mode. */
function accuracy(x: Tensor, y: Tensor): number {
  model.eval();
  const correct = noGrad(() => model.forward(x).argmax(1).eq(y).sum().item());
  model.train();
  return correct / y.shape[0]!;
}
// #endregion

// #region loop
const epochs = 30;
const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
const schedule = new optim.CosineAnnealingLR(optimizer, { tMax: epochs });
for (let epoch = 1; epoch <= epochs; epoch++) {
  let total = 0;
  for (const [x, y] of loader) {
    const loss = F.crossEntropy(model.forward(x), y); // forward
    optimizer.zeroGrad(); //                             clear last step's gradients
    loss.backward(); //                                  backward
    optimizer.step(); //                                 update
    total += loss.item() * y.shape[0]!;
  }
  schedule.step(); // once per epoch: tMax counts epochs
  if (epoch % 10 === 0) {
    const meanLoss = (total / train.y.shape[0]!).toFixed(4);
    console.log(`epoch ${epoch}: training loss ${meanLoss}, accuracy ${accuracy(train.x, train.y).toFixed(3)} (training), ${accuracy(validation.x, validation.y).toFixed(3)} (validation)`);
  }
}
// #endregion
