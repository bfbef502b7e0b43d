/**
 * A tiny Transformer learns to reverse sequences: token and position embeddings, one encoder
 * layer (2 heads), a linear head; trained for 120 steps of Adam, then its attention map.
 * Chapter 7 (docs/course/07-attention-and-transformers.md). Run: npx tsx docs/course/code/07-transformer.ts
 */
import { Embedding, F, LearnedPositionalEmbedding, Linear, manualSeed, Module, noGrad, optim, seededRandom, tensor, TransformerEncoderLayer, type Tensor } from '../../../src/index.js';
import { heatmap, lineChart } from '../../../src/utils/index.js';

// #region task
const [V, T] = [10, 6]; // 10 symbols, sequences of 6
const random = seededRandom(1);
/** n random sequences x and their reversals y, both [n, T] int32. */
function batch(n: number): { x: Tensor; y: Tensor } {
  const rows = Array.from({ length: n }, () => Array.from({ length: T }, () => Math.floor(random() * V)));
  return { x: tensor(rows, { dtype: 'int32' }), y: tensor(rows.map((r) => [...r].reverse()), { dtype: 'int32' }) };
}
// #endregion

// #region model
const [D, H] = [32, 2]; // model width, heads
class Reverser extends Module<[Tensor], Tensor> {
  readonly embed = new Embedding(V, D); //                                      which symbol
  readonly position = new LearnedPositionalEmbedding(D, { maxLen: T, batchFirst: true }); // where it is
  readonly layer = new TransformerEncoderLayer(D, H, { dimFeedforward: 64, dropout: 0, batchFirst: true });
  readonly head = new Linear(D, V); //                                          a score per symbol

  /** The input of the encoder layer: symbol plus position, [N, T, D]. */
  embedded(x: Tensor): Tensor {
    return this.position.forward(this.embed.forward(x));
  }

  forward(x: Tensor): Tensor {
    return this.head.forward(this.layer.forward(this.embedded(x))); // [N, T] → [N, T, D] → [N, T, V]
  }
}
manualSeed(0);
const model = new Reverser();
console.log(`${model.numParameters()} parameters`);
// #endregion

// #region train
const test = batch(256);
/** Fraction of test symbols put in the right place, and of test sequences reversed without a mistake. */
function accuracy(): { symbols: number; sequences: number } {
  const right = noGrad(() => model.forward(test.x).argmax(-1).eq(test.y));
  return { symbols: right.to('float32').mean().item(), sequences: right.amin(-1).to('float32').mean().item() };
}
const optimizer = new optim.Adam(model.parameters(), { lr: 0.01 });
const losses: number[] = [];
for (let step = 1; step <= 120; step++) {
  const { x, y } = batch(32);
  const loss = F.crossEntropy(model.forward(x).reshape([-1, V]), y.reshape([-1])); // [N·T, V] against [N·T]
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  losses.push(loss.item());
  if (step % 40 === 0) {
    const { symbols, sequences } = accuracy();
    console.log(`step ${step}: loss ${loss.item().toFixed(3)}, test symbols right ${symbols.toFixed(3)}, whole sequences right ${sequences.toFixed(3)}`);
  }
}
// #endregion

// #region attention-map
const attention = noGrad(() => {
  const h = model.embedded(test.x);
  return model.layer.selfAttn.forward(h, h, h).weights!.mean(0); // [T, T]: averaged over heads, then over 256 sequences
});
const map = attention.toArray() as number[][];
console.log(`where each output position looks (the key with the most weight): ${JSON.stringify(map.map((row) => row.indexOf(Math.max(...row))))}`);
// #endregion

const positions = Array.from({ length: T }, (_, i) => String(i));
export const figures = {
  '07-reverse-loss.svg': lineChart({
    title: 'Reversing sequences of 6 symbols: training loss',
    series: [{ name: 'cross-entropy', y: losses }],
    xLabel: 'step (batches of 32)',
    yLabel: 'loss',
    logY: true,
  }),
  '07-reverse-attention.svg': heatmap({
    title: 'Trained attention, mean of 2 heads',
    values: map,
    rowLabels: positions,
    columnLabels: positions,
    yLabel: 'query (output) position',
    xLabel: 'key (input) position',
    format: (w) => w.toFixed(2),
  }),
};
