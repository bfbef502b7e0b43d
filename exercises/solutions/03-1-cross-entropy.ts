/** Reference solution of exercise 3.1 (exercises/03-1-cross-entropy.ts). */
import type { Tensor } from '../../src/index.js';

export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  const n = logits.shape[0]!;
  const logProbabilities = logits.logSoftmax(1); //                    [N, C]
  const ofLabels = logProbabilities.gather(1, labels.reshape([n, 1])); // [N, 1]: log p of each row's label
  return ofLabels.neg().mean();
}
