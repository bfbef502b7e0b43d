/**
 * Suite `onnx`: batch-1 inference latency of Sapling beside ONNX Runtime running Sapling's own
 * export of the same model — a figure, not a target.
 *
 *   npx tsx benchmarks/onnx.bench.ts [--quick] [--no-write]      (or: npm run bench onnx)
 *
 * Models: the MNIST CNN (1×28×28), ResNet-18 width 8 (3×48×48), the full ResNet-18 (3×224×224;
 * skipped with --quick) and the LSTM forecaster of examples/lstm-vs-arima.ts (44 days × 2
 * features, hidden 16). Sapling runs on its wasm backend in eval mode under noGrad; ONNX Runtime
 * (onnxruntime-node, CPU execution provider, native MLAS kernels) runs the bytes of
 * exportOnnxBytes with as many intra-op threads as Sapling's wasm kernels use. Both are checked
 * to agree (float32 tolerance) before anything is timed, then timed interleaved round by round
 * (lib/interleave.ts), wall time of one call each, ORT's including its input and output copies.
 * On a shared machine read the load figures printed beside the table before trusting a ratio.
 */
import { getNumThreads, manualSeed, noGrad, randn, setBackend, type Tensor } from '../src/index.js';
import type { AnyModule } from '../src/layers/module.js';
import { mnistCnn, ResNet18 } from '../src/models/index.js';
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
  readonly input: readonly number[];
  readonly full?: boolean;
}

const CASES: readonly Case[] = [
  { name: 'MNIST CNN', model: mnistCnn, input: [1, 1, 28, 28] },
  { name: 'ResNet-18 width 8', model: () => new ResNet18({ width: 8, numClasses: 10 }), input: [1, 3, 48, 48] },
  { name: 'ResNet-18 (full, 224×224)', model: () => new ResNet18(), input: [1, 3, 224, 224], full: true },
  { name: 'LSTM forecaster', model: () => new LstmRegressor(2, 16, 0), input: [1, 44, 2] },
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
    const x = randn([...c.input]);
    const forward = model.forward.bind(model) as unknown as (t: Tensor) => Tensor;
    log(`${c.name}: exporting …`);
    const bytes = exportOnnxBytes(model, x);
    const session = await createOnnxSession(bytes, { intraOpNumThreads: threads });
    const ours = noGrad(() => forward(x));
    const theirs = (await session.run(x)).logits;
    assertClose(c.name, ours.storage, theirs.storage, 1e-4, 1e-4);
    log(`${c.name}: timing …`);
    const { stats, load } = await timeInterleaved({
      sapling: () => noGrad(() => forward(x)),
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
