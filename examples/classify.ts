/**
 * classify — the trained Fashion-MNIST ResNet-18 names the clothing in your own pictures.
 *
 *   npx tsx examples/classify.ts photo.jpg [more.png …] [--checkpoint runs/resnet18-fashion-mnist-quick/best.safetensors]
 *
 * What you will see, per image: the top-3 classes with their probabilities and the latency of
 * the forward pass (batch 1, eval mode, BatchNorm folded into the convs). The model's shape
 * (stem, width, channels, classes) is read from the checkpoint, so a `--preset full` one works too.
 *
 * Preparing an image as the training images were prepared: decode it with `pngjs` or `jpeg-js`
 * (chosen by the file's first bytes, not its name); composite any transparency over white; grey
 * = 0.299 R + 0.587 G + 0.114 B; crop the centre square; shrink it to 28 × 28 by averaging the
 * source pixels each target pixel covers (a box filter, so no detail is aliased away); and, as
 * Fashion-MNIST shows light clothes on a black background, invert a picture whose border is
 * mostly light (a product photo on white) — `--no-invert` turns that off. Then standardise with
 * the dataset's mean and standard deviation, as the training loader did.
 *
 * Errors (each names the file): not a PNG or JPEG, a file the decoder rejects, an image under
 * 28 px on a side, a missing checkpoint (with the command that makes one).
 */
import { existsSync, readFileSync } from 'node:fs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import {
  FASHION_MNIST_CLASSES, FASHION_MNIST_MEAN, FASHION_MNIST_STD, Tensor, loadCheckpoint, noGrad, setBackend, softmax,
} from '../src/node.js';
import { ResNet18 } from '../src/models/index.js';
import { booleanFlag, choiceFlag, helpText, parseCli, stringFlag } from './lib/cli.js';

const SIZE = 28;
const DEFAULT_CHECKPOINT = 'runs/resnet18-fashion-mnist-quick/best.safetensors';

class ClassifyError extends Error {}

interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array; // RGBA, row-major
}

/** Decodes a PNG or JPEG, chosen by its signature bytes. */
export function decodeImage(bytes: Uint8Array, file: string): Rgba {
  const isPng = bytes.length >= 8 && [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((b, i) => bytes[i] === b);
  const isJpeg = bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
  if (!isPng && !isJpeg) throw new ClassifyError(`${file}: not a PNG or JPEG image (its first bytes are ${[...bytes.slice(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ') || 'missing: the file is empty'})`);
  try {
    if (isPng) {
      const png = PNG.sync.read(Buffer.from(bytes));
      return { width: png.width, height: png.height, data: png.data };
    }
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 512 });
    return { width: img.width, height: img.height, data: img.data };
  } catch (e) {
    throw new ClassifyError(`${file}: the ${isPng ? 'PNG' : 'JPEG'} decoder rejected it: ${(e as Error).message}`);
  }
}

/** Grey, centre-cropped, box-filtered to 28 × 28, optionally inverted, standardised: [1, 1, 28, 28]. */
export function prepare(image: Rgba, file: string, autoInvert = true): { input: Tensor; inverted: boolean } {
  const { width, height, data } = image;
  if (width < SIZE || height < SIZE) throw new ClassifyError(`${file}: the image is ${width}×${height}; at least ${SIZE}×${SIZE} is needed (enlarging would invent detail)`);
  const side = Math.min(width, height);
  const x0 = Math.floor((width - side) / 2);
  const y0 = Math.floor((height - side) / 2);
  const grey = (x: number, y: number): number => {
    const i = 4 * (y * width + x);
    const a = data[i + 3]! / 255; // transparent pixels become white
    return (0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!) * a + 255 * (1 - a);
  };
  const small = new Float64Array(SIZE * SIZE);
  const scale = side / SIZE;
  for (let ty = 0; ty < SIZE; ty++) {
    for (let tx = 0; tx < SIZE; tx++) {
      // The source rectangle [sx0, sx1) × [sy0, sy1) that this target pixel covers, with fractional edges weighted.
      const sx0 = tx * scale, sx1 = (tx + 1) * scale, sy0 = ty * scale, sy1 = (ty + 1) * scale;
      let total = 0, weight = 0;
      for (let y = Math.floor(sy0); y < Math.ceil(sy1); y++) {
        const wy = Math.min(y + 1, sy1) - Math.max(y, sy0);
        for (let x = Math.floor(sx0); x < Math.ceil(sx1); x++) {
          const w = wy * (Math.min(x + 1, sx1) - Math.max(x, sx0));
          total += w * grey(x0 + x, y0 + y);
          weight += w;
        }
      }
      small[ty * SIZE + tx] = total / weight;
    }
  }
  let border = 0;
  for (let i = 0; i < SIZE; i++) border += small[i]! + small[(SIZE - 1) * SIZE + i]! + small[i * SIZE]! + small[i * SIZE + SIZE - 1]!;
  const inverted = autoInvert && border / (4 * SIZE) > 127.5;
  const x = new Float32Array(SIZE * SIZE);
  for (let i = 0; i < x.length; i++) x[i] = ((inverted ? 255 - small[i]! : small[i]!) / 255 - FASHION_MNIST_MEAN) / FASHION_MNIST_STD;
  return { input: new Tensor(x, [1, 1, SIZE, SIZE]), inverted };
}

/** Rebuilds the model that a checkpoint's weights describe (stem, width, channels, classes). */
export function modelFromCheckpoint(path: string): ResNet18 {
  if (!existsSync(path)) {
    throw new ClassifyError(`no checkpoint at ${path}; train one first: npx tsx examples/resnet18-fashion-mnist.ts --preset quick (or pass --checkpoint FILE)`);
  }
  const weights = loadCheckpoint(path).model;
  const conv1 = weights['conv1.weight'];
  const fc = weights['fc.weight'];
  if (!conv1 || conv1.ndim !== 4 || !fc || fc.ndim !== 2) throw new ClassifyError(`${path}: not a ResNet-18 checkpoint (no conv1.weight / fc.weight)`);
  const [width = 0, inChannels = 0, kernel] = conv1.shape;
  const model = new ResNet18({ width, inChannels, numClasses: fc.shape[0]!, stem: kernel === 7 ? 'imagenet' : 'cifar', random: () => 0.5 });
  model.loadStateDict(weights);
  return model.eval();
}

async function main(): Promise<void> {
  const spec = {
    summary: 'Classify pictures of clothing with the Fashion-MNIST ResNet-18 that examples/resnet18-fashion-mnist.ts trained.',
    usage: 'npx tsx examples/classify.ts IMAGE.png|jpg ... [options]',
    positionals: true,
    flags: {
      checkpoint: stringFlag('the trained model', DEFAULT_CHECKPOINT, 'FILE'),
      noInvert: booleanFlag('never invert a light-background picture'),
      backend: choiceFlag('where the kernels run', ['cpu', 'wasm'] as const, 'wasm'),
    },
  };
  const { values, positionals } = parseCli(spec);
  if (positionals.length === 0) {
    console.error(`error: no image given\n\n${helpText(spec)}`);
    process.exit(2);
  }
  const { backend, checkpoint } = values;
  await setBackend(backend);
  const model = modelFromCheckpoint(checkpoint);
  if (model.inChannels !== 1 || model.numClasses !== FASHION_MNIST_CLASSES.length) {
    throw new ClassifyError(`${checkpoint}: a model for ${model.inChannels} channel(s) and ${model.numClasses} classes, not a Fashion-MNIST one (1 channel, 10 classes)`);
  }
  const fused = model.fuseForInference();
  console.log(`model: ${checkpoint} (ResNet-18, ${model.stem} stem, width ${model.width}); backend ${backend}`);
  noGrad(() => fused.forward(new Tensor(new Float32Array(SIZE * SIZE), [1, 1, SIZE, SIZE]))); // warm-up: first calls compile wasm
  let failures = 0;
  for (const file of positionals) {
    try {
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(file);
      } catch (e) {
        throw new ClassifyError(`${file}: cannot read it: ${(e as Error).message}`);
      }
      const { input, inverted } = prepare(decodeImage(bytes, file), file, !values.noInvert);
      const started = performance.now();
      const probs = noGrad(() => softmax(fused.forward(input), 1)).storage;
      const ms = performance.now() - started;
      const top = [...probs].map((p, c) => ({ p, c })).sort((a, b) => b.p - a.p).slice(0, 3);
      console.log(`${file}${inverted ? ' (light background: inverted)' : ''}  forward ${ms.toFixed(1)} ms`);
      for (const { p, c } of top) console.log(`  ${FASHION_MNIST_CLASSES[c]!.padEnd(12)} ${(100 * p).toFixed(1).padStart(5)}%`);
    } catch (e) {
      if (!(e instanceof ClassifyError)) throw e;
      console.error(`error: ${e.message}`);
      failures++;
    }
  }
  if (failures) process.exitCode = 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
