/** Reference solution of exercise 4.3 (exercises/04-3-max-pool.ts). */
import { defineOp, type Tensor } from '../../src/index.js';

/** t [N, C, H/2, W/2] repeated over each 2 × 2 window: [N, C, H, W]. */
function up(t: Tensor): Tensor {
  const [n, c, h, w] = t.shape as [number, number, number, number];
  return t.reshape([n, c, h, 1, w, 1]).expand([n, c, h, 2, w, 2]).reshape([n, c, 2 * h, 2 * w]);
}

export const maxPool2x2 = defineOp<[Tensor]>({
  name: 'MaxPool2x2',
  forward(ctx, [x]) {
    const [n, c, h, w] = x.shape as [number, number, number, number];
    if (x.ndim !== 4 || h % 2 !== 0 || w % 2 !== 0) throw new RangeError(`maxPool2x2: expected [N, C, H, W] with H and W even, got [${x.shape.join(',')}]`);
    const y = x.reshape([n, c, h / 2, 2, w / 2, 2]).amax([3, 5]); // each window on axes 3 and 5
    ctx.save(x, y);
    return y;
  },
  backward(ctx, dOut) {
    const [x, y] = ctx.saved as [Tensor, Tensor];
    const isMax = x.eq(up(y)).to(x.dtype); // 1 where x is its window's maximum
    return [up(dOut).mul(isMax)];
  },
});
