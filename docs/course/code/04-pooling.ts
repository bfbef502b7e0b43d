/**
 * Max pooling keeps the largest value of each window, and its gradient goes back to that one
 * element; average pooling spreads it evenly. Run: npx tsx docs/course/code/04-pooling.ts
 */
import { avgPool2d, maxPool2d, tensor } from '../../../src/index.js';

// #region pool
const x = tensor([[[[1, 5, 2, 0], [3, 4, 8, 1], [0, 2, 6, 7], [9, 1, 3, 4]]]], { requiresGrad: true }); // [1, 1, 4, 4]
const y = maxPool2d(x, 2); // 2 × 2 windows, stride 2 → [1, 1, 2, 2]
console.log(`max pool:\n${y.toString()}`);
y.sum().backward();
console.log(`its gradient (1 per window, at the maximum):\n${x.grad!.toString()}`);
x.grad = null;
avgPool2d(x, 2).sum().backward();
console.log(`average pool's gradient (1/4 everywhere):\n${x.grad!.toString()}`);
// #endregion
