import { describe, expect, test } from 'vitest';
import { ones, randn, tensor, zeros } from '../creation.js';
import { noGrad } from '../function.js';
import { seededRandom } from '../random.js';
import { add, mul, sub } from './elementwise.js';
import { add_, clamp_, copy_, div_, fill_, mul_, sub_, zero_ } from './in-place.js';
import { sum } from './reduce.js';
import { exp } from './unary.js';
import { reshape } from './reshape.js';

describe('in-place ops write into the tensor and return it', () => {
  test('add_, sub_, mul_, div_ with tensors (broadcast) and numbers, alpha as PyTorch', () => {
    const x = tensor([[1, 2], [3, 4]]);
    expect(add_(x, tensor([10, 20]))).toBe(x);
    expect(x.toArray()).toEqual([[11, 22], [13, 24]]);
    sub_(x, 1);
    expect(x.toArray()).toEqual([[10, 21], [12, 23]]);
    mul_(x, tensor([[2], [0.5]]));
    expect(x.toArray()).toEqual([[20, 42], [6, 11.5]]);
    div_(x, 2);
    expect(x.toArray()).toEqual([[10, 21], [3, 5.75]]);
    add_(x, tensor([1, 1]), -3); // x += −3 · [1, 1]
    sub_(x, 2, 0.5); //            x −= 0.5 · 2
    expect(x.toArray()).toEqual([[6, 17], [-1, 1.75]]);
  });

  test('clamp_, fill_, zero_ and copy_', () => {
    const x = tensor([-2, 0.5, 3]);
    expect(clamp_(x, 0, 1).toArray()).toEqual([0, 0.5, 1]);
    expect(clamp_(x, null, 0.25).toArray()).toEqual([0, 0.25, 0.25]);
    expect(fill_(x, 7).toArray()).toEqual([7, 7, 7]);
    expect(zero_(x).toArray()).toEqual([0, 0, 0]);
    const m = zeros([2, 3]);
    expect(copy_(m, tensor([1, 2, 3], { dtype: 'float64' })).toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(m.dtype).toBe('float32');
    const i = zeros([3], { dtype: 'int32' });
    expect(copy_(i, tensor([1.9, -1.9, 2])).toArray()).toEqual([1, -1, 2]); // truncated toward zero, as PyTorch's copy_
    expect(fill_(i, -2.7).toArray()).toEqual([-2, -2, -2]);
    expect(() => fill_(i, 3e9)).toThrow(/fill_: 3000000000 cannot be stored as int32/);
    expect(() => copy_(i, tensor([Number.NaN, 0, 0]))).toThrow(/NaN \(element 0\) cannot be stored as int32/);
    expect(() => copy_(m, tensor([1, 2]))).toThrow(/^copy_: shapes \[2\] and \[2,3\] cannot be broadcast/);
    expect(() => copy_(ones([3]), ones([2, 3]))).toThrow(new RangeError("copy_: src [2,3] does not broadcast to the tensor's shape [3]"));
  });

  test('int32 tensors keep integer results and refuse float ones', () => {
    const i = tensor([1, 2, 3], { dtype: 'int32' });
    expect(mul_(add_(i, 1), 2).toArray()).toEqual([4, 6, 8]);
    expect(i.dtype).toBe('int32');
    expect(() => mul_(i, 2.5)).toThrow(new TypeError("mul_: the result is float32, which cannot be written into an int32 tensor [3] in place; use the out-of-place op, or convert with .to('float32') first"));
    expect(() => div_(i, 2)).toThrow(/div_: the result is float32/);
    expect(i.toArray()).toEqual([4, 6, 8]); // nothing was written
  });

  test('the operand broadcasts to the tensor, never the other way', () => {
    const x = ones([3]);
    expect(() => add_(x, ones([2, 3]))).toThrow(new RangeError('add_: the result has shape [2,3], which does not fit in place into [3] (the operand must broadcast to the tensor\'s shape)'));
    expect(x.toArray()).toEqual([1, 1, 1]);
  });

  test('views share the write; each write is a new version', () => {
    const x = zeros([2, 2]);
    const view = reshape(x, [4]);
    const before = x.version;
    add_(view, tensor([1, 2, 3, 4]));
    expect(x.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(x.version).toBeGreaterThan(before);
    const detached = x.detach();
    zero_(detached);
    expect(x.toArray()).toEqual([[0, 0], [0, 0]]);
  });
});

describe("PyTorch's rules: when an in-place write is allowed", () => {
  test('a leaf that requires grad: refused while recording, allowed under noGrad (an optimizer step)', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => sub_(w, 1)).toThrow(/sub_: a leaf tensor that requires grad cannot be written in place while gradients are recorded; write it inside noGrad/);
    noGrad(() => sub_(w, 1));
    expect(w.toArray()).toEqual([0, 1]);
    expect(w.requiresGrad).toBe(true);
  });

  test('a tensor inside a graph, or an operand that requires grad, is refused while recording', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const y = mul(w, 2);
    expect(() => add_(y, 1)).toThrow(/add_: this tensor was made by Mul and belongs to a graph/);
    const plain = tensor([0, 0]);
    expect(() => add_(plain, w)).toThrow(/add_: the operand requires grad, but an in-place write records no graph/);
    expect(() => copy_(plain, w)).toThrow(/copy_: the operand requires grad/);
    expect(plain.toArray()).toEqual([0, 0]);
  });
});

describe('a saved tensor written in place makes backward fail, naming the op and the write', () => {
  test('an input saved by Mul, changed by mul_', () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = tensor([4, 5, 6]);
    const loss = sum(mul(a, b));
    mul_(b, 2);
    expect(() => loss.backward()).toThrow(
      /^backward: Mul saved a float32 tensor of shape \[3\] for its backward, and mul_ modified it in place afterwards \(version \d+ → \d+\), so its gradient would be wrong; write into a clone\(\) instead, or after backward\(\)$/,
    );
  });

  test('an output saved by Exp (its backward reads y), changed under noGrad by add_', () => {
    const x = tensor([0, 1], { requiresGrad: true });
    const y = exp(x);
    const loss = sum(y);
    noGrad(() => add_(y, 1));
    expect(() => loss.backward()).toThrow(/backward: Exp saved a float32 tensor of shape \[2\].*add_ modified it/);
  });

  test('a parameter stepped before backward (through assign) is named too', () => {
    const w = randn([2, 2], { random: seededRandom(1), requiresGrad: true });
    const x = randn([2, 2], { random: seededRandom(2), requiresGrad: true });
    const loss = sum(mul(w, x));
    noGrad(() => w.assign(sub(w, 0.1)));
    expect(() => loss.backward()).toThrow(/Mul saved .* and assign modified it/);
  });

  test("ops whose backward does not read a value keep working, as in PyTorch (add, sub, sum, mean save nothing)", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const running = tensor([10, 20]);
    const loss = sum(sub(add(w, running), running)).add(w.mean());
    noGrad(() => mul_(running, 0.9));
    loss.backward();
    expect(w.grad!.toArray()).toEqual([1.5, 1.5]);
  });

  test('without a write, backward runs as before', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const b = tensor([3, 4]);
    const loss = sum(mul(a, b));
    const c = tensor([0, 0]);
    add_(c, b); // a different tensor: no effect on the graph
    loss.backward();
    expect(a.grad!.toArray()).toEqual([3, 4]);
  });
});
