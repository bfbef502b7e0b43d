/**
 * models — the classifiers the server loads from checkpoints at start, each with its input spec
 * and class names. The architecture is read from the weights' names and shapes:
 *
 *   0.weight … 9.bias                 the MNIST CNN of `npm start` (src/models/mnist-cnn.ts), 1 × 28 × 28
 *   conv1.weight, …, fc.weight        ResNet-18 (src/models/resnet18.ts): a 3 × 3 'cifar' stem reads
 *                                     28 × 28 (the Fashion-MNIST example's), a 7 × 7 'imagenet'
 *                                     stem 224 × 224; BatchNorm is folded into the convs for serving
 *
 * A file may be a Sapling checkpoint (saveCheckpoint) or a plain safetensors state dict. Each
 * model runs on Sapling (noGrad, eval mode) or, with `runtime: 'onnx'`, exported to ONNX and run
 * by ONNX Runtime (src/io/onnx/run-onnx.ts), for comparison.
 */
import { existsSync } from 'node:fs';
import { createOnnxSession } from '../../src/io/onnx/run-onnx.js';
import {
  CheckpointError, exportOnnxBytes, FASHION_MNIST_CLASSES, FASHION_MNIST_MEAN, FASHION_MNIST_STD, getBackend, loadCheckpoint, loadSafetensors, MNIST_MEAN, MNIST_STD,
  mnistCnn, noGrad, ResNet18, Tensor, type Module, type StateDict,
} from '../../src/node.js';
import type { InputSpec } from './images.js';

export type Runtime = 'sapling' | 'onnx';

export interface ServedModel {
  readonly name: string;
  readonly description: string;
  readonly checkpoint: string;
  readonly input: InputSpec;
  readonly classes: readonly string[];
  readonly runtime: Runtime;
  /** Logits [B, classes] of a batch [B, C, S, S]. */
  forward(batch: Tensor): Promise<Tensor>;
  close(): Promise<void>;
}

/** The command that writes each default checkpoint, for the message when it is missing. */
export const DEFAULT_MODELS = {
  mnist: { checkpoint: 'runs/mnist-cnn/best.safetensors', command: 'npm start' },
  fashion: { checkpoint: 'runs/resnet18-fashion-mnist-quick/best.safetensors', command: 'npx tsx examples/resnet18-fashion-mnist.ts --preset quick' },
} as const;

const IMAGENET = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

/** Reads a checkpoint or a plain state dict; a missing file names the command that makes it. */
function readWeights(path: string, makeWith: string): StateDict {
  if (!existsSync(path)) throw new Error(`no checkpoint at ${path}; make it with \`${makeWith}\` (or pass another with --model NAME=FILE)`);
  try {
    return loadCheckpoint(path).model;
  } catch (e) {
    if (e instanceof CheckpointError && e.problems.some((p) => p.startsWith('not a Sapling checkpoint'))) return loadSafetensors(path).tensors;
    throw e;
  }
}

/** Loads the model in `path` under `name` (its architecture from its weights). */
export async function loadServedModel(name: string, path: string, options: { runtime?: Runtime; makeWith?: string } = {}): Promise<ServedModel> {
  const runtime = options.runtime ?? 'sapling';
  const weights = readWeights(path, options.makeWith ?? 'the example that trains it');
  let module: Module<[Tensor], Tensor>;
  let input: InputSpec;
  let classes: readonly string[];
  let description: string;
  if ('conv1.weight' in weights && 'fc.weight' in weights) {
    const conv1 = weights['conv1.weight']!;
    const fc = weights['fc.weight']!;
    const [width = 0, inChannels = 0, kernel] = conv1.shape;
    const stem = kernel === 7 ? 'imagenet' : 'cifar';
    if (inChannels !== 1 && inChannels !== 3) throw new Error(`${path}: a ResNet-18 of ${inChannels} input channels; the server reads grey (1) or RGB (3) images`);
    const model = new ResNet18({ width, inChannels, numClasses: fc.shape[0]!, stem, random: () => 0.5 });
    model.loadStateDict(weights);
    module = model.eval().fuseForInference();
    const size = stem === 'imagenet' ? 224 : 28;
    const fashion = inChannels === 1 && fc.shape[0] === 10;
    input = inChannels === 1
      ? { channels: 1, size, mean: [FASHION_MNIST_MEAN], std: [FASHION_MNIST_STD], autoInvert: size === 28 }
      : { channels: 3, size, ...IMAGENET, autoInvert: false };
    classes = fashion ? FASHION_MNIST_CLASSES : Array.from({ length: fc.shape[0]! }, (_, i) => `class ${i}`);
    description = `ResNet-18 (${stem} stem, width ${width}, ${inChannels} channel${inChannels > 1 ? 's' : ''}, ${size} × ${size}, BatchNorm folded)`;
  } else if ('0.weight' in weights && '9.weight' in weights) {
    const model = mnistCnn();
    model.loadStateDict(weights);
    module = model.eval();
    input = { channels: 1, size: 28, mean: [MNIST_MEAN], std: [MNIST_STD], autoInvert: true };
    classes = Array.from({ length: 10 }, (_, d) => String(d));
    description = 'the MNIST CNN of npm start (src/models/mnist-cnn.ts, 28 × 28 grey)';
  } else {
    throw new Error(`${path}: neither the MNIST CNN (0.weight … 9.bias) nor a ResNet-18 (conv1.weight … fc.weight)`);
  }
  const example = new Tensor(new Float32Array(input.channels * input.size * input.size), [1, input.channels, input.size, input.size]);
  if (runtime === 'onnx') {
    const session = await createOnnxSession(exportOnnxBytes(module, example), { intraOpNumThreads: 1 });
    return {
      name, description: `${description}, exported to ONNX, run by ONNX Runtime`, checkpoint: path, input, classes, runtime,
      forward: async (batch) => (await session.run(batch)).logits,
      close: () => session.close(),
    };
  }
  if (getBackend() === 'webgpu') await module.to('webgpu'); // the weights live on the GPU; the batcher reads with await
  // warm-up: the first call compiles and allocates; a weight seen again is kept resident, and a 3×3
  // conv's seen again runs as Winograd from then on (its filter transformed once), so the third call
  // is the first one a request would see
  for (let i = 0; i < 3; i++) noGrad(() => module.forward(example));
  return {
    name, description, checkpoint: path, input, classes, runtime,
    forward: (batch) => Promise.resolve(noGrad(() => module.forward(batch))),
    close: () => Promise.resolve(),
  };
}
