/**
 * elementwise — broadcasting binary ops: add, sub, mul, div, maximum, minimum (pow is in pow.ts,
 * since its backward needs log); the comparisons (eq … ge, not differentiable) and where.
 *
 * Broadcasting has an adjoint. If a of shape [3] is added to every row of b [4, 3], each a_j
 * feeds 4 outputs, so ∂L/∂a_j = Σ_i ∂L/∂y_ij: the gradient of a broadcast input sums dY over the
 * axes it was broadcast along (`sumToShape`). Every backward below ends with it.
 *
 *   y = a + b     dA = dY              dB = dY
 *   y = a − b     dA = dY              dB = −dY
 *   y = a · b     dA = dY · b          dB = dY · a
 *   y = a / b     dA = dY / b          dB = −dY · a / b²
 *   y = max(a,b)  dA = dY · [a > b] + ½ dY · [a = b]   (ties split the gradient, as PyTorch)
 */
import { apply, isGradEnabled, type OpDef } from '../function.js';
import { kernels } from '../backends/index.js';
import type { BinaryOp, CompareOp } from '../backends/types.js';
import { isFloat, promote, type DType } from '../dtype.js';
import { broadcastShapes, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { lift, checkTensor, type TensorLike } from './helpers.js';
import { sumToShape } from './broadcast.js';

type Pair = readonly [Tensor, Tensor];

/** The operands' shapes and dtypes, which every backward needs (sumToShape) whether or not it saved the operands. */
export interface BinaryShapes {
  readonly aShape: Shape;
  readonly bShape: Shape;
  readonly aDType: DType;
  readonly bDType: DType;
}

/** What a binary backward may read: the inputs a, b and the output y. */
export type Operand = 'a' | 'b' | 'y';

/** The saved operands, by name; only those the op listed are present. */
export type SavedOperands = { readonly [K in Operand]?: Tensor };

/** dtype of a binary result; true division of integers gives float32, as in PyTorch. */
function resultDType(op: BinaryOp, a: Tensor, b: Tensor): DType {
  const dtype = promote(a.dtype, b.dtype);
  return (op === 'div' || op === 'pow') && dtype === 'int32' ? (op === 'div' ? 'float32' : 'int32') : dtype;
}

/**
 * A broadcasting binary op on kernel `op` (pow.ts uses it too). `reads` lists the operands its
 * backward reads, and only those are saved: an input written in place after the op (a running
 * average updated under noGrad) breaks the backward only where the gradient depends on its values,
 * as in PyTorch (`a + b` saves nothing; `a · b` saves both).
 */
export function binaryDef(name: string, op: BinaryOp, reads: readonly Operand[], backward: (dY: Tensor, t: SavedOperands) => [() => Tensor, () => Tensor]): OpDef<Pair, BinaryShapes> {
  return {
    name,
    forward(ctx, [a, b]) {
      broadcastShapes(a.shape, b.shape, name.toLowerCase());
      const y = kernels().binary(op, a, b, resultDType(op, a, b));
      const all = { a, b, y };
      ctx.save(...reads.map((k) => all[k]));
      return y;
    },
    backward(ctx, dY, { aShape, bShape, aDType, bDType }) {
      const t: { [K in Operand]?: Tensor } = {};
      reads.forEach((k, i) => (t[k] = ctx.saved[i]!));
      const [dA, dB] = backward(dY, t);
      // Gradients only for float inputs that need them; broadcast axes summed away.
      return [
        ctx.needsInputGrad[0] && isFloat(aDType) ? sumToShape(dA(), aShape) : null,
        ctx.needsInputGrad[1] && isFloat(bDType) ? sumToShape(dB(), bShape) : null,
      ];
    },
  };
}

const Add = binaryDef('Add', 'add', [], (dY) => [() => dY, () => dY]);
const Sub = binaryDef('Sub', 'sub', [], (dY) => [() => dY, () => neg(dY)]);
const Mul = binaryDef('Mul', 'mul', ['a', 'b'], (dY, { a, b }) => [() => mul(dY, b!), () => mul(dY, a!)]);
const Div = binaryDef('Div', 'div', ['a', 'b'], (dY, { a, b }) => [() => div(dY, b!), () => neg(div(mul(dY, a!), mul(b!, b!)))]);
// Ties split the gradient in half between the two inputs, as in PyTorch.
const tieSplit = (dY: Tensor, wins: Tensor, ties: Tensor): Tensor => mul(dY, add(wins, mul(ties, 0.5)));
const Maximum = binaryDef('Maximum', 'maximum', ['a', 'b'], (dY, { a, b }) => [() => tieSplit(dY, gt(a!, b!), eq(a!, b!)), () => tieSplit(dY, lt(a!, b!), eq(a!, b!))]);
const Minimum = binaryDef('Minimum', 'minimum', ['a', 'b'], (dY, { a, b }) => [() => tieSplit(dY, lt(a!, b!), eq(a!, b!)), () => tieSplit(dY, gt(a!, b!), eq(a!, b!))]);

const describe = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

/** Both operands as tensors: a plain number takes the dtype of the tensor it meets. */
function operands(a: TensorLike, b: TensorLike, name: string): Pair {
  const first: unknown = a;
  const second: unknown = b;
  if (!(first instanceof Tensor) && typeof first !== 'number') throw new TypeError(`${name}: first argument must be a Tensor or a number, got ${describe(first)}`);
  if (!(second instanceof Tensor) && typeof second !== 'number') throw new TypeError(`${name}: second argument must be a Tensor or a number, got ${describe(second)}`);
  if (typeof a === 'number' && typeof b === 'number') throw new TypeError(`${name}: at least one argument must be a Tensor, got two numbers`);
  const ta = typeof a === 'number' ? lift(a, b as Tensor, name) : a;
  return [ta, lift(b, ta, name)];
}

/** Applies a binary op def to two operands (a number takes the other's dtype), recording their shapes for backward. */
export function binary(def: OpDef<Pair, BinaryShapes>, a: TensorLike, b: TensorLike, name: string): Tensor {
  const [ta, tb] = operands(a, b, name);
  return apply(def, [ta, tb], { aShape: ta.shape, bShape: tb.shape, aDType: ta.dtype, bDType: tb.dtype });
}

/** a + b with broadcasting. @example add(tensor([1, 2]), 1).toArray()  // [2, 3] */
export const add = (a: TensorLike, b: TensorLike): Tensor => binary(Add, a, b, 'add');
/**
 * a − b, elementwise, broadcasting.
 * @example sub(tensor([3, 4]), 1).toArray()  // [2, 3]
 */
export const sub = (a: TensorLike, b: TensorLike): Tensor => binary(Sub, a, b, 'sub');
/**
 * a · b, elementwise, broadcasting.
 * @example mul(tensor([1, 2]), tensor([[1], [10]])).toArray()  // [[1, 2], [10, 20]]
 */
export const mul = (a: TensorLike, b: TensorLike): Tensor => binary(Mul, a, b, 'mul');
/**
 * a / b, elementwise, broadcasting.
 * @example div(tensor([1, 2]), 2).toArray()  // [0.5, 1]
 */
export const div = (a: TensorLike, b: TensorLike): Tensor => binary(Div, a, b, 'div');
/**
 * The larger of a and b, elementwise, broadcasting (the gradient goes to the larger; half to each on a tie).
 * @example maximum(tensor([1, 5]), 3).toArray()  // [3, 5]
 */
export const maximum = (a: TensorLike, b: TensorLike): Tensor => binary(Maximum, a, b, 'maximum');
/**
 * The smaller of a and b, elementwise, broadcasting.
 * @example minimum(tensor([1, 5]), 3).toArray()  // [1, 3]
 */
export const minimum = (a: TensorLike, b: TensorLike): Tensor => binary(Minimum, a, b, 'minimum');

/**
 * dY ⊙ [x > 0], ReLU's backward. Recorded (createGraph) it is the composed mul(dY, gt(x, 0));
 * otherwise one kernel pass instead of three (compare, cast, multiply) and their arrays.
 */
export function reluBackward(dY: Tensor, x: Tensor): Tensor {
  return isGradEnabled() ? mul(dY, gt(x, 0)) : kernels().binary('reluBackward', dY, x, dY.dtype);
}

// y = relu(a + b): both inputs get dY where y > 0 (ReLU's own backward, with y standing for a + b),
// computed once for the two of them
const AddRelu = binaryDef('AddRelu', 'addRelu', ['y'], (dY, { y }) => {
  let masked: Tensor | null = null;
  const dSum = (): Tensor => (masked ??= reluBackward(dY, y!));
  return [dSum, dSum];
});

/**
 * relu(a + b) in one pass and one allocation instead of two: ResNet's residual sum and its ReLU.
 * @example addRelu(tensor([1, -3]), tensor([1, 1])).toArray()  // [2, 0]
 */
export const addRelu = (a: TensorLike, b: TensorLike): Tensor => binary(AddRelu, a, b, 'addRelu');

const Neg: OpDef<readonly [Tensor]> = {
  name: 'Neg',
  forward(_ctx, [x]) {
    return kernels().unary('neg', x);
  },
  backward(_ctx, dY) {
    return [neg(dY)]; // y = −x, dX = −dY
  },
};

/** −x. */
export function neg(x: Tensor): Tensor {
  checkTensor(x, 'neg');
  return apply(Neg, [x], undefined);
}

function comparison(op: CompareOp, a: TensorLike, b: TensorLike): Tensor {
  const [ta, tb] = operands(a, b, op);
  return kernels().compare(op, ta, tb); // a step function: no gradient, so no graph node
}

/** Elementwise a == b as an int32 0/1 mask (not differentiable). */
export const eq = (a: TensorLike, b: TensorLike): Tensor => comparison('eq', a, b);
/** Elementwise a ≠ b as an int32 0/1 mask, broadcasting (not differentiable). */
export const ne = (a: TensorLike, b: TensorLike): Tensor => comparison('ne', a, b);
/**
 * Elementwise a < b as an int32 0/1 mask, broadcasting (not differentiable).
 * @example lt(tensor([1, 5]), 3).toArray()  // [1, 0]
 */
export const lt = (a: TensorLike, b: TensorLike): Tensor => comparison('lt', a, b);
/** Elementwise a ≤ b as an int32 0/1 mask, broadcasting (not differentiable). */
export const le = (a: TensorLike, b: TensorLike): Tensor => comparison('le', a, b);
/**
 * Elementwise a > b as an int32 0/1 mask, broadcasting (not differentiable).
 * @example gt(tensor([1, 5]), 3).toArray()  // [0, 1]
 */
export const gt = (a: TensorLike, b: TensorLike): Tensor => comparison('gt', a, b);
/** Elementwise a ≥ b as an int32 0/1 mask, broadcasting (not differentiable). */
export const ge = (a: TensorLike, b: TensorLike): Tensor => comparison('ge', a, b);

/**
 * where(cond, a, b) — a where cond ≠ 0, else b; all three broadcast together.
 * Backward: each output element came from exactly one of a or b, so
 *   dA = sumToShape(where(cond, dY, 0), a.shape)   dB = sumToShape(where(cond, 0, dY), b.shape)
 * and the mask gets no gradient.
 */
const Where: OpDef<readonly [Tensor, Tensor, Tensor]> = {
  name: 'Where',
  forward(ctx, [cond, a, b]) {
    ctx.save(cond, a, b);
    return kernels().where(cond, a, b, promote(a.dtype, b.dtype));
  },
  backward(ctx, dY) {
    const [cond, a, b] = ctx.saved as [Tensor, Tensor, Tensor];
    return [
      null,
      ctx.needsInputGrad[1] ? sumToShape(where(cond, dY, 0), a.shape) : null,
      ctx.needsInputGrad[2] ? sumToShape(where(cond, 0, dY), b.shape) : null,
    ];
  },
};

/** Picks from a where cond is non-zero (a boolean-like 0/1 mask), else from b. */
export function where(cond: Tensor, a: TensorLike, b: TensorLike): Tensor {
  checkTensor(cond, 'where', 'condition');
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : cond.dtype === 'int32' ? lift(0, cond, 'where').to('float32') : cond;
  const ta = lift(a, like, 'where');
  const tb = lift(b, ta, 'where');
  broadcastShapes(broadcastShapes(cond.shape, ta.shape, 'where'), tb.shape, 'where');
  return apply(Where, [cond, ta, tb], undefined);
}
