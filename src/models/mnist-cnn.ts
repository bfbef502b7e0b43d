/**
 * The small CNN of examples/mnist-cnn.ts, as a builder, so the ONNX export, the PyTorch hand-off
 * (scripts/continue-in-pytorch.py builds the same `nn.Sequential`) and benchmarks share one definition.
 *
 *   x [N, 1, 28, 28]
 *   conv 5×5, 1 → 16, relu, max-pool 2     → [N, 16, 12, 12]
 *   conv 5×5, 16 → 32, relu, max-pool 2    → [N, 32, 4, 4]
 *   flatten, linear 512 → 64, relu         → [N, 64]
 *   linear 64 → 10                         → logits [N, 10]
 * 46,730 parameters, named as PyTorch's nn.Sequential names them (`0.weight`, …, `9.bias`).
 */
import { Relu } from '../layers/activations.js';
import { Sequential } from '../layers/containers.js';
import { Conv2d } from '../layers/conv2d.js';
import { Linear } from '../layers/linear.js';
import { MaxPool2d } from '../layers/pooling.js';
import { Flatten } from '../layers/shape.js';

/**
 * The small CNN of `npm start` (two 5×5 conv blocks and a two-layer head, 46,730 parameters) for [N, 1, 28, 28] inputs.
 * @example mnistCnn().numParameters()  // 46730
 */
export function mnistCnn(): Sequential {
  return new Sequential(
    new Conv2d(1, 16, 5), new Relu(), new MaxPool2d(2),
    new Conv2d(16, 32, 5), new Relu(), new MaxPool2d(2),
    new Flatten(), new Linear(32 * 4 * 4, 64), new Relu(), new Linear(64, 10),
  );
}
