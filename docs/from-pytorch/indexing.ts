// Indexing, slicing, joining and reshaping, side by side with PyTorch in docs/from-pytorch.md.
// #region import
import { arange, cat, stack, tensor, where } from 'sapling';

const x = arange(0, 12).reshape([3, 4]);             // [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]
// #endregion

// #region slice
const row = x.slice([1]);                            // x[1]        → [4, 5, 6, 7]
const col = x.slice([null, 2]);                      // x[:, 2]     → [2, 6, 10]
const block = x.slice([{ start: 0, stop: 2 }, { start: 1 }]);  // x[0:2, 1:]
const stepped = x.slice([null, { step: 2 }]);        // x[:, ::2]
const last = x.slice([-1]);                          // x[-1]
// #endregion

// #region select
const rows = x.indexSelect(0, tensor([2, 0], { dtype: 'int32' }));          // x[[2, 0]]
const picked = x.gather(1, tensor([[0], [3], [1]], { dtype: 'int32' }));   // torch.gather(x, 1, idx)
const clipped = where(x.gt(5), x, 0);                                      // torch.where(x > 5, x, 0)
// #endregion

// #region join
const both = cat([x, x], 0);                         // torch.cat([x, x], dim=0)   → [6, 4]
const layers = stack([x, x], 0);                     // torch.stack([x, x])        → [2, 3, 4]
const [left, right] = x.chunk(2, 1);                 // x.chunk(2, dim=1)
// #endregion

// #region reshape
const flat = x.reshape([-1]);                        // x.reshape(-1) (x.view works too)
const t = x.transpose(0, 1);                         // x.T for 2-D, x.transpose(0, 1)
const p = x.unsqueeze(0).permute([2, 0, 1]);         // [4, 1, 3]
const s = p.squeeze(1);                              // [4, 3]
// #endregion

console.log(row.toArray(), col.toArray(), block.toArray(), stepped.toArray(), last.toArray());
console.log(rows.toArray(), picked.toArray(), clipped.toArray());
console.log(both.shape, layers.shape, left!.shape, right!.shape);
console.log(flat.shape, t.shape, p.shape, s.shape);
