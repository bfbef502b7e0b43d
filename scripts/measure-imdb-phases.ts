/**
 * Sapling's speed in each phase of an examples/imdb-sentiment.ts preset, without running it:
 * a few steps of fine-tuning, evaluation and MLM pretraining on real IMDB batches of the preset's
 * shapes, in tokens per second of wall time and per second of CPU time (process.cpuUsage, main
 * thread and kernel workers together, which another process's load does not inflate the way it
 * inflates wall time). The preset's time is then its token counts (docs/attention-and-transformers.md
 * §11) divided by these rates.
 *
 *   npx tsx scripts/measure-imdb-phases.ts [quick|full|smoke] [--steps N]
 *
 * The vocabulary is trained on the first 4,000 training reviews (its size is the preset's): the
 * rates depend on the shapes, not on which tokens they are.
 */
import { parseArgs } from 'node:util';
import { F, loadImdb, manualSeed, noGrad, optim, seededRandom, setBackend, text } from '../src/node.js';
import { bertConfig } from '../src/models/bert-config.js';
import { BertForMaskedLM, BertForSequenceClassification } from '../src/models/bert-heads.js';
import { batches, tokenizeImdb } from '../examples/lib/imdb-text.js';
import { PRESETS, type PresetName } from '../examples/lib/imdb-presets.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { steps: { type: 'string', default: '6' } } });
const name = (positionals[0] ?? 'quick') as PresetName;
if (!(name in PRESETS)) throw new RangeError(`measure-imdb-phases: preset must be smoke, quick or full, got '${name}'`);
const p = PRESETS[name];
const steps = Number(values.steps);
await setBackend('wasm');
manualSeed(0);
const t = tokenizeImdb(loadImdb(), { vocabSize: p.vocabSize, maxLength: p.maxLength, cacheDir: 'runs/imdb-sentiment/cache', sizes: { train: 4000, validation: 1, test: 1 } });
const padId = t.vocab.special.pad!;
const config = bertConfig('tiny', { ...p.model, vocabSize: t.vocab.size, maxPositionEmbeddings: Math.max(p.maxLength, p.mlm.maxLength) });

/** Runs fn once untimed, then n times; prints tokens/s of wall and CPU time. */
function measure(what: string, n: number, fn: (i: number) => number): void {
  fn(0);
  let tokens = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 1; i <= n; i++) tokens += fn(i);
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1e6;
  console.log(`${what}: ${n} steps, ${tokens} tokens, ${(tokens / wall).toFixed(0)} tokens/s, ${(tokens / cpu).toFixed(0)} tokens/CPU-s (CPU/wall ${(cpu / wall).toFixed(2)})`);
}

console.log(`preset ${name}: ${config.numHiddenLayers} layers, hidden ${config.hiddenSize}, ${config.hiddenAct}, dropout ${config.hiddenDropoutProb}, T = ${p.maxLength}`);
const train = batches(t.train, p.scratch.batchSize, padId, seededRandom(1));
const model = new BertForSequenceClassification(config, 2);
const opt = new optim.AdamW(model.parameters(), { lr: p.scratch.lr });
measure('fine-tuning', steps, (i) => {
  const b = train[i % train.length]!;
  const loss = F.crossEntropy(model.forward(b.inputIds, { attentionMask: b.attentionMask }), b.labels);
  opt.zeroGrad();
  loss.backward();
  optim.clipGradNorm(model.parameters(), 1);
  opt.step();
  return b.tokens;
});
const evalBatches = batches(t.train, p.evalBatchSize, padId, null);
model.eval();
measure('evaluation', Math.max(1, Math.round(steps / 2)), (i) => {
  const b = evalBatches[i % evalBatches.length]!;
  noGrad(() => model.forward(b.inputIds, { attentionMask: b.attentionMask }));
  return b.tokens;
});
const mlm = new BertForMaskedLM(config);
const mlmOpt = new optim.AdamW(mlm.parameters(), { lr: p.mlm.lr });
const mlmBatches = batches(t.train, p.mlm.batchSize, padId, seededRandom(2));
const special = Object.values(t.vocab.special).filter((id): id is number => id !== null);
const masking = { maskId: t.vocab.special.mask!, vocabSize: t.vocab.size, firstRegularId: Math.max(...special) + 1, specialIds: special, random: seededRandom(3) };
measure('MLM pretraining', Math.max(1, Math.round(steps * 2 / 3)), (i) => {
  const b = mlmBatches[i % mlmBatches.length]!;
  const m = text.maskTokens(b.inputIds, b.attentionMask, masking);
  const loss = F.crossEntropy(mlm.forward(m.inputIds, { attentionMask: b.attentionMask, maskedPositions: m.positions }), m.targets);
  mlmOpt.zeroGrad();
  loss.backward();
  optim.clipGradNorm(mlm.parameters(), 1);
  mlmOpt.step();
  return b.tokens;
});
