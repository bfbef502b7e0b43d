/**
 * One neuron, o = tanh(x1·w1 + x2·w2 + b), differentiated by the chapter's `Value` and by
 * Sapling's tensors: the same five gradients. Run: npx tsx docs/course/code/00-neuron.ts
 */
import { tensor } from '../../../src/index.js';
import { Value } from './00-value.js';

// #region neuron
const x1 = new Value(2);
const x2 = new Value(0);
const w1 = new Value(-3);
const w2 = new Value(1);
const b = new Value(6.881373587019543); // chosen so that o comes out as 1/√2
const o = x1.mul(w1).add(x2.mul(w2)).add(b).tanh();
o.backward();
console.log(`o = ${o.data.toFixed(4)}`);
console.log(`do/dx1 = ${x1.grad.toFixed(4)}   do/dw1 = ${w1.grad.toFixed(4)}`);
console.log(`do/dx2 = ${x2.grad.toFixed(4)}   do/dw2 = ${w2.grad.toFixed(4)}   do/db = ${b.grad.toFixed(4)}`);
// #endregion

// #region twice
const a = new Value(3);
const twice = a.add(a); // a reaches the output along two edges
twice.backward();
console.log(`d(a + a)/da = ${a.grad}`);
// #endregion

// #region tensors
const x = tensor([2, 0], { dtype: 'float64' });
const w = tensor([-3, 1], { dtype: 'float64', requiresGrad: true });
const bias = tensor(6.881373587019543, { dtype: 'float64', requiresGrad: true });
const out = x.mul(w).sum().add(bias).tanh();
out.backward();
console.log(`Sapling: o = ${out.item().toFixed(4)}, do/dw = ${w.grad!.toString()}, do/db = ${bias.grad!.item().toFixed(4)}`);
// #endregion
