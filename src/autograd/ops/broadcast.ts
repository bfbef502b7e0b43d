/**
 * broadcast — broadcastTo and its adjoint sumToShape, each the other's backward.
 *
 *   broadcastTo(x, shape)   copies x along size-1 (or missing leading) axes; each x value feeds
 *                           many outputs, so dX = sumToShape(dY, x.shape)
 *   sumToShape(g, shape)    sums g over the axes `shape` broadcasts along (leading axes it
 *                           lacks, axes where it has size 1); each g value reaches one output,
 *                           so dG = broadcastTo(dY, g.shape)
 * Every broadcasting op's backward ends with sumToShape ("a bias of shape [out] fed N rows, so
 * its gradient sums N rows"). The pair lives in one file so that the op files' imports form no
 * cycle (shape.ts and reduce.ts re-export them).
 */
import { apply, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import { broadcastShapes, checkShape, fmt, shapesEqual, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';
import { reshape } from './reshape.js';

const BroadcastTo: OpDef<readonly [Tensor], Shape> = {
  name: 'BroadcastTo',
  forward(ctx, [x], shape) {
    ctx.save(x);
    return kernels().broadcastTo(x, shape);
  },
  backward(ctx, dY) {
    return [sumToShape(dY, ctx.saved[0]!.shape)];
  },
};

/** Repeats x along size-1 (or missing leading) axes to `shape`; −1 keeps a size (torch.expand). */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  checkTensor(x, 'broadcastTo');
  const offset = shape.length - x.ndim;
  if (offset < 0) throw new RangeError(`broadcastTo: cannot broadcast ${fmt(x.shape)} to fewer dimensions ${fmt(shape)}`);
  const target = shape.map((d, i) => (d === -1 && i >= offset ? x.shape[i - offset]! : d));
  checkShape(target, 'broadcastTo');
  const result = broadcastShapes(x.shape, target, 'broadcastTo');
  if (!shapesEqual(result, target)) throw new RangeError(`broadcastTo: cannot broadcast ${fmt(x.shape)} to ${fmt(shape)}`);
  if (shapesEqual(target, x.shape)) return x;
  return apply(BroadcastTo, [x], target);
}

interface SumToShapeAttrs {
  readonly axes: readonly number[];
  readonly shape: Shape;
}

const SumToShape: OpDef<readonly [Tensor], SumToShapeAttrs> = {
  name: 'SumToShape',
  forward(ctx, [g], { axes, shape }) {
    ctx.save(g);
    return reshape(kernels().reduce('sum', g, axes, true), shape); // [1 …, shape with 1s] → shape: a view
  },
  backward(ctx, dY) {
    return [broadcastTo(dY, ctx.saved[0]!.shape)];
  },
};

/**
 * Sums `g` down to `shape`, the adjoint of broadcasting `shape` up to g's shape: leading axes
 * g has and `shape` lacks are summed away, and so are axes where `shape` has size 1.
 */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shapesEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  return apply(SumToShape, [g], { axes, shape });
}
