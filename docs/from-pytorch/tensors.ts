// Tensor creation: the PyTorch calls on the left of docs/from-pytorch.md, in Sapling.
// #region import
import { arange, eye, full, linspace, manualSeed, ones, rand, randint, randn, tensor, zeros, zerosLike } from 'sapling';
// #endregion

// #region create
const a = tensor([[1, 2], [3, 4]]);                  // float32, shape [2, 2]
const b = tensor([1, 2, 3], { dtype: 'int32' });     // dtype as an option
const c = zeros([2, 3]);                             // shapes are arrays
const d = ones([2, 3], { dtype: 'float64' });
const e = full([2, 2], 7);
const f = arange(0, 10, 2);                          // [0, 2, 4, 6, 8]
const g = linspace(0, 1, 5);                         // [0, 0.25, 0.5, 0.75, 1]
const h = eye(3);
const i = zerosLike(a);
// #endregion

// #region random
manualSeed(0);                                       // one seeded generator drives everything
const u = rand([2, 3]);                              // U[0, 1)
const n = randn([2, 3]);                             // N(0, 1)
const k = randint(0, 10, [5]);                       // int32 in [0, 10)
// #endregion

// #region inspect
console.log(a.shape, a.dtype, a.ndim, a.numel());       // [ 2, 2 ] float32 2 4
console.log(a.toArray());                            // [ [ 1, 2 ], [ 3, 4 ] ]
console.log(a.sum().item());                         // 10
const a64 = a.to('float64');                         // a converted copy
// #endregion

console.log(b.dtype, c.shape, d.dtype, e.toArray(), f.toArray(), g.toArray(), h.shape, i.toArray());
console.log(u.shape, n.shape, k.dtype, a64.dtype);
