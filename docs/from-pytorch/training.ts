// A training loop: model, loss, optimizer, schedule; the shape of every PyTorch loop.
// #region import
import { Adam, DataLoader, F, Linear, ReLU, Sequential, StepLR, TensorDataset, clipGradNorm, manualSeed, noGrad, randn } from 'sapling';
// #endregion

manualSeed(0);
// A toy problem: the class is whether the sum of the 4 features is positive.
const x = randn([256, 4]);
const y = x.sum(1).gt(0).to('int32');
const loader = new DataLoader(new TensorDataset(x, y), { batchSize: 32, shuffle: true, seed: 0 });

// #region loop
const model = new Sequential(new Linear(4, 16), new ReLU(), new Linear(16, 2));
const optimizer = new Adam(model.parameters(), { lr: 1e-2 });
const scheduler = new StepLR(optimizer, { stepSize: 5, gamma: 0.5 });
for (let epoch = 0; epoch < 10; epoch++) {
  model.train();
  for (const [xb, yb] of loader) {
    const loss = F.crossEntropy(model.forward(xb), yb);  // F.cross_entropy(model(xb), yb)
    optimizer.zeroGrad();                                 // optimizer.zero_grad()
    loss.backward();
    clipGradNorm(model.parameters(), 1.0);                // nn.utils.clip_grad_norm_
    optimizer.step();
  }
  scheduler.step();
}
// #endregion

// #region evaluate
model.eval();
const accuracy = noGrad(() => model.forward(x).argmax(1).eq(y).to('float32').mean().item());
console.log(`accuracy ${accuracy.toFixed(3)}, lr ${optimizer.paramGroups[0]!.lr}`);
// #endregion
