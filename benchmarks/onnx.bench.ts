/**
 * Suite `onnx`: batch-1 inference latency of Sapling beside ONNX Runtime running Sapling's own
 * export of the same model — a figure, not a target.
 *
 *   npx tsx benchmarks/onnx.bench.ts [--quick] [--no-write]      (or: npm run bench onnx)
 *
 * Models: MNIST CNN, ResNet-18 width 8 (3×48×48) and full (3×224×224; not with --quick), the LSTM
 * forecaster of examples/lstm-vs-arima.ts, a 2-layer TransformerEncoder (d 64, 64 tokens, a key
 * padding mask as second input) and the IMDB example's quick mini-BERT (H 64, 128 tokens; ids and
 * attention mask as inputs). Sapling: wasm backend, eval, noGrad. ONNX Runtime: onnxruntime-node,
 * CPU provider, as many intra-op threads as Sapling's wasm kernels. Outputs are checked to agree
 * (float32 tolerance), then both are timed interleaved round by round (lib/interleave.ts), one
 * call's wall time each, ORT's with its copies. On a shared machine read the load figures.
 */
import { getNumThreads, manualSeed, noGrad, randint, randn, setBackend, tensor, type Tensor } from '../src/index.js';
import { Module, type AnyModule } from '../src/layers/module.js';
import { TransformerEncoder, TransformerEncoderLayer } from '../src/layers/transformer.js';
import { bertConfig, BertForSequenceClassification, mnistCnn, ResNet18 } from '../src/models/index.js';
import { exportOnnxBytes } from '../src/io/onnx/export.js';
import { createOnnxSession } from '../src/io/onnx/run-onnx.js';
import { LstmRegressor } from '../examples/lstm-vs-arima.js';
import { assertClose, parseFlags } from './lib/compare.js';
import { timeInterleaved } from './lib/interleave.js';
import { formatMachineFacts, machineFacts } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { formatMs, markdownTable } from './lib/table.js';

const flags = parseFlags();
const log = (s: string): void => console.error(`[onnx] ${s}`);

interface Case {
  readonly name: string;
  readonly model: () => AnyModule;
  /** The shape of the one float input; or `inputs` makes them (token ids and a mask). */
  readonly input: readonly number[];
  readonly inputs?: () => Tensor[];
  readonly full?: boolean;
}

/** The Transformer encoder of the weather example's size class, batch first, with a key padding mask as a second input. */
class PaddedEncoder extends Module<[Tensor, Tensor], Tensor> {
  readonly encoder = this.child('encoder', new TransformerEncoder(new TransformerEncoderLayer(64, 4, { dimFeedforward: 128, batchFirst: true }), 2));
  forward(x: Tensor, padding: Tensor): Tensor {
    return this.encoder.forward(x, { srcKeyPaddingMask: padding });
  }
}

/** The IMDB example's quick mini-BERT (2 layers, H 64, 2 heads, I 256; 8,000 words) as a classifier of ids and attention mask. */
class MiniBert extends Module<[Tensor, Tensor], Tensor> {
  readonly model = this.child('model', new BertForSequenceClassification(bertConfig('tiny', {
    vocabSize: 8000, numHiddenLayers: 2, hiddenSize: 64, numAttentionHeads: 2, intermediateSize: 256, maxPositionEmbeddings: 256,
  }), 2));
  forward(ids: Tensor, attentionMask: Tensor): Tensor {
    return this.model.forward(ids, { attentionMask });
  }
}

/** One text of `length` tokens padded to T: ids [1, T] and a [1, T] 0/1 mask (1 = real token; `paddingOnes` flips it). */
function paddedText(T: number, length: number, paddingOnes: boolean): [Tensor, Tensor] {
  const real = Array.from({ length: T }, (_, t) => (t < length ? 1 : 0));
  const mask = tensor(real.map((r) => (paddingOnes ? 1 - r : r)), [1, T], { dtype: 'int32' });
  return [randint(1, 8000, [1, T]).mul(tensor(real, [1, T], { dtype: 'int32' })), mask];
}

const CASES: readonly Case[] = [
  { name: 'MNIST CNN', model: mnistCnn, input: [1, 1, 28, 28] },
  { name: 'ResNet-18 width 8', model: () => new ResNet18({ width: 8, numClasses: 10 }), input: [1, 3, 48, 48] },
  { name: 'ResNet-18 (full, 224×224)', model: () => new ResNet18(), input: [1, 3, 224, 224], full: true },
  { name: 'LSTM forecaster', model: () => new LstmRegressor(2, 16, 0), input: [1, 44, 2] },
  { name: 'TransformerEncoder 2 × d 64 (padding mask)', model: () => new PaddedEncoder(), input: [1, 64, 64], inputs: () => [randn([1, 64, 64]), paddedText(64, 48, true)[1]] },
  { name: 'mini-BERT classifier (ids + mask)', model: () => new MiniBert(), input: [1, 128], inputs: () => paddedText(128, 100, false) },
];

async function main(): Promise<void> {
  await setBackend('wasm');
  const threads = getNumThreads();
  const machine = machineFacts();
  const budget = flags.quick
    ? { warmupRounds: 2, minRounds: 5, maxRounds: 5, minTimeMs: 0 }
    : { warmupRounds: 5, minRounds: 30, maxRounds: 500, minTimeMs: 3000 };
  const rows: string[][] = [];
  const results: Record<string, unknown>[] = [];
  for (const c of CASES) {
    if (c.full && flags.quick) continue;
    manualSeed(0);
    const model = c.model().eval();
    const x = c.inputs ? c.inputs() : [randn([...c.input])];
    const forward = model.forward.bind(model) as unknown as (...t: Tensor[]) => Tensor;
    log(`${c.name}: exporting …`);
    const bytes = exportOnnxBytes(model, x);
    const session = await createOnnxSession(bytes, { intraOpNumThreads: threads });
    const ours = noGrad(() => forward(...x));
    const theirs = (await session.run(x)).logits;
    assertClose(c.name, ours.storage, theirs.storage, 1e-4, 1e-4);
    log(`${c.name}: timing …`);
    const { stats, load } = await timeInterleaved({
      sapling: () => noGrad(() => forward(...x)),
      onnxruntime: () => session.run(x),
    }, budget);
    await session.close();
    const ratio = stats.sapling.medianMs / stats.onnxruntime.medianMs;
    rows.push([c.name, `[${c.input.join(', ')}]`, formatMs(stats.sapling.medianMs), formatMs(stats.onnxruntime.medianMs), `${ratio.toFixed(2)}×`, `${stats.sapling.samples}`, `${load.loadavg1.toFixed(1)} / ${load.othersCores?.toFixed(1) ?? '–'}`]);
    results.push({ model: c.name, input: c.input, onnxBytes: bytes.byteLength, sapling: stats.sapling, onnxruntime: stats.onnxruntime, ratio, load });
  }
  console.log(formatMachineFacts(machine));
  console.log(`- Sapling backend: wasm, ${threads} threads; ONNX Runtime: onnxruntime-node, CPU, intraOpNumThreads ${threads}\n`);
  console.log(markdownTable(
    ['model', 'input', 'Sapling p50', 'ONNX Runtime p50', 'Sapling / ORT', 'rounds', 'load avg / other cores'],
    rows, ['left', 'left', 'right', 'right', 'right', 'right', 'right'],
  ));
  if (!flags.noWrite) log(`wrote ${writeResults('onnx', { machine, threads, quick: flags.quick, results })}`);
}

await main();
