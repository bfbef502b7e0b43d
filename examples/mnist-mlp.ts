/**
 * A multilayer perceptron, 784 → 256 → 128 → 10, learns MNIST (≥ 97.5% on the test set).
 *
 * What you will see: the same pipeline as `npm start` (55,000 / 5,000 / 10,000 images, Adam with
 * a one-cycle learning rate, progress bars, validation after each epoch, best checkpoint, curves
 * in an SVG) with a network that sees each image as 784 numbers and no notion of neighbouring
 * pixels — compare its accuracy with the CNN's.
 *
 *   x [B, 1, 28, 28] → flatten [B, 784] → linear 256, relu → linear 128, relu → linear 10
 *
 * Run: `npx tsx examples/mnist-mlp.ts` (`--help` for the options).
 */
import { Flatten, Linear, ReLU, Sequential, getBackend, loadMnist, manualSeed, setBackend } from '../src/node.js';
import { trainingFlags } from './lib/cli.js';
import { adamOneCycle, firstRows, reportTest, splitTrainValidation, trainClassifier } from './lib/train.js';

const flags = trainingFlags('Train a 784-256-128-10 MLP on MNIST.', 'npx tsx examples/mnist-mlp.ts [options]', {
  epochs: 5, batchSize: 128, lr: 0.003, backend: 'wasm', out: 'runs/mnist-mlp',
});
await setBackend(flags.backend);
manualSeed(flags.seed);

const { train, validation } = splitTrainValidation(loadMnist({ split: 'train', normalize: true }), flags.limit, flags.evalLimit);
const test = firstRows(loadMnist({ split: 'test', normalize: true }), flags.evalLimit);
console.log(`MNIST: ${train.labels.numel()} training, ${validation.labels.numel()} validation and ${test.labels.numel()} test images; backend ${getBackend()}`);

const model = new Sequential(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 128), new ReLU(), new Linear(128, 10));
console.log(`model: ${model.numParameters().toLocaleString('en')} parameters`);

const result = await trainClassifier({
  model, train, validation, test, epochs: flags.epochs, batchSize: flags.batchSize, seed: flags.seed, out: flags.out,
  optimizer: adamOneCycle(model, flags.lr, flags.epochs),
});
reportTest(result, test.labels.numel());
