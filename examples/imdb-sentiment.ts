/**
 * Sentiment of IMDB movie reviews, three ways, on one split in one run.
 *
 * What you will see: Sapling's seeded IMDB split (src/data/imdb.ts: 22,500 training, 2,500
 * validation, 25,000 test reviews); a WordPiece vocabulary trained on the training reviews only;
 * then three models, each scored on the same test reviews (accuracy, F1, minutes):
 *   1. bag of words: unigram + bigram TF-IDF of the whole review, logistic regression (Sapling)
 *   2. mini-BERT from scratch: BertForSequenceClassification trained on the labels only
 *   3. mini-BERT pretrained: the same model first trained as a masked language model (15% of the
 *      tokens, 80/10/10) on the training reviews' text, then fine-tuned on the labels
 *   reviews [N, T] → embeddings → L post-norm layers → pooler on [CLS] → classifier → [N, 2]
 * Reviews are cut to T tokens keeping the head and the tail (Sun et al. 2019) and batched by
 * length. Progress bars, curves.svg, the best model of each BERT by validation accuracy
 * (model.safetensors + config.json + vocab.txt, Hugging Face's layout), attention.svg (every head
 * of the pretrained model on one review), and result.json with tokens/s per phase.
 *
 *   npx tsx examples/imdb-sentiment.ts --preset tiny|smoke|quick|full [--backend wasm|cpu|webgpu] [--seed N]
 *   npx tsx examples/classify-text.ts "what a waste of two hours"       (uses the pretrained model)
 * Presets, their budgets and measured results: see PRESETS below and docs/attention-and-transformers.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { getBackend, getNumThreads, loadImdb, loadSafetensors, manualSeed, metrics, noGrad, seededRandom, setBackend, text, toHost, type Tensor } from '../src/node.js';
import { bertConfig, type BertConfig } from '../src/models/bert-config.js';
import { BertForMaskedLM, BertForSequenceClassification } from '../src/models/bert-heads.js';
import { loadBertWeights } from '../src/models/bert-checkpoint.js';
import { fitTfidf, predictSparse, SparseLogisticRegression, trainSparse, transformTfidf } from './lib/bag-of-words.js';
import { evaluate, fineTune, pretrainMlm, type PhaseStats, type Schedule } from './lib/bert-train.js';
import { attentionHeatmaps, bertAttentionPanels } from './lib/attention-heatmaps.js';
import { exportTokens, tokenizeImdb, type EncodedSplit } from './lib/imdb-text.js';
import { chartRow, ProgressBar } from '../src/utils/index.js';
import { PRESETS, type PresetName } from './lib/imdb-presets.js';
import { choiceFlag, intFlag, optionalStringFlag, parseCli, stringFlag } from './lib/cli.js';

const { values: flags } = parseCli({
  summary: 'Sentiment of IMDB reviews: bag of words, mini-BERT from scratch, mini-BERT pretrained with masked language modelling.',
  usage: 'npx tsx examples/imdb-sentiment.ts [--preset tiny|smoke|quick|full] [options]',
  flags: {
    preset: choiceFlag('how much to train (tiny: seconds, to check that every phase runs; smoke under 3 minutes, quick under an hour, full hours)', ['tiny', 'smoke', 'quick', 'full'] as const, 'smoke'),
    backend: choiceFlag('where the kernels run (webgpu: the models train and score on the GPU)', ['wasm', 'cpu', 'webgpu'] as const, 'wasm'),
    seed: intFlag('initialisation, masking and batch order', 0, -Infinity),
    out: stringFlag('where models, plots and result.json go', 'runs/imdb-sentiment', 'DIR'),
    exportTokens: optionalStringFlag("write the split's token ids for scripts/bert-recipe-search.py to DIR and exit", 'DIR'),
  },
  epilog: 'Then: npx tsx examples/classify-text.ts "some review" (the pretrained, fine-tuned model).',
});
const presetName: PresetName = flags.preset;
const preset = PRESETS[presetName];
const { backend, seed, out } = flags;

const started = performance.now();
const loadAtStart = loadavg()[0];
const minutesSince = (t: number): number => (performance.now() - t) / 60000;
await setBackend(backend);
manualSeed(seed);
const imdb = loadImdb();

if (flags.exportTokens !== undefined) {
  const t = tokenizeImdb(imdb, { vocabSize: preset.vocabSize, maxLength: preset.maxLength, cacheDir: join(out, 'cache'), sizes: preset.sizes });
  exportTokens(imdb, t.vocab, flags.exportTokens);
  console.log(`token ids of the whole split and vocab.txt (${t.vocab.size} tokens) written to ${flags.exportTokens}`);
  process.exit(0);
}

console.log(`IMDB: ${preset.sizes.train} training, ${preset.sizes.validation} validation, ${preset.sizes.test} test reviews; preset ${presetName}; backend ${getBackend()} (${getNumThreads()} threads); seed ${seed}`);
mkdirSync(out, { recursive: true });
const phases: Record<string, PhaseStats | { seconds: number }> = {};

// ── tokens ──
const tokens = tokenizeImdb(imdb, { vocabSize: preset.vocabSize, maxLength: preset.maxLength, cacheDir: join(out, 'cache'), sizes: preset.sizes });
const { vocab } = tokens;
const padId = vocab.special.pad!;
const encoded = tokens.train.encodings.length + tokens.validation.encodings.length + tokens.test.encodings.length;
console.log(`WordPiece vocabulary of ${vocab.size} tokens from the training reviews (${tokens.vocabSeconds.toFixed(1)} s); ${encoded} reviews encoded at T = ${preset.maxLength}, head+tail (${(encoded / tokens.encodeSeconds).toFixed(0)} reviews/s)`);
phases['tokenize'] = { seconds: tokens.vocabSeconds + tokens.encodeSeconds };

type ModelResult = { accuracy: number; f1: number; minutes: number; bestValidation: number; parameters: number };
const models: Record<string, ModelResult> = {};
const score = (predictions: Int32Array, labels: Int32Array): { accuracy: number; f1: number } =>
  ({ accuracy: metrics.accuracy(labels, predictions), f1: metrics.f1Score(labels, predictions) });

// ── 1. bag of words ──
{
  const t0 = performance.now();
  const words = (split: EncodedSplit): string[][] => split.texts.map((t) => tokens.tokenizer.words(t));
  const tfidf = fitTfidf(words(tokens.train), preset.bow.minDf);
  const [train, validation, test] = [tokens.train, tokens.validation, tokens.test].map((s) => transformTfidf(words(s), tfidf)) as [ReturnType<typeof transformTfidf>, ReturnType<typeof transformTfidf>, ReturnType<typeof transformTfidf>];
  const featureSeconds = (performance.now() - t0) / 1000;
  console.log(`\n1. bag of words: ${tfidf.idf.length.toLocaleString('en')} unigram and bigram features (document frequency ≥ ${preset.bow.minDf}) in ${featureSeconds.toFixed(1)} s`);
  const model = new SparseLogisticRegression(tfidf.idf.length);
  let bar: ProgressBar | null = null;
  const { best } = await trainSparse(model, train, tokens.train.labels, {
    ...preset.bow, random: seededRandom(seed),
    onStep: (step, steps, loss) => {
      if (step === 1) bar = new ProgressBar(steps, { label: 'bag of words ', samplesPerStep: preset.bow.batchSize });
      bar!.update(step, `loss ${loss.toFixed(4)}`);
    },
    onEpoch: async (epoch) => {
      const acc = metrics.accuracy(tokens.validation.labels, await predictSparse(model, validation));
      console.log(`bag of words: epoch ${epoch}, validation accuracy ${(100 * acc).toFixed(2)}%`);
      return acc;
    },
  });
  const s = score(await predictSparse(model, test), tokens.test.labels);
  models['bagOfWords'] = { ...s, minutes: minutesSince(t0), bestValidation: best, parameters: model.numParameters() };
  phases['bagOfWords'] = { seconds: (performance.now() - t0) / 1000 };
  console.log(`bag of words: test accuracy ${(100 * s.accuracy).toFixed(2)}%, F1 ${s.f1.toFixed(4)}`);
}

// ── the mini-BERT ──
const config: BertConfig = bertConfig('tiny', { ...preset.model, vocabSize: vocab.size, maxPositionEmbeddings: Math.max(preset.maxLength, preset.mlm.maxLength), padTokenId: padId });
const schedule = (lr: number): Schedule => ({ lr, warmup: 0.06, weightDecay: 0.01, clip: 1 });
const metadata = { maxLength: String(preset.maxLength), truncation: 'headTail', preset: presetName };
const curves: Record<string, { loss: { x: number[]; y: number[] }; validation: { x: number[]; y: number[] } }> = {};

async function trainAndTest(label: string, key: string, model: BertForSequenceClassification, epochs: number, batchSize: number, lr: number, t0: number): Promise<void> {
  const dir = join(out, key);
  mkdirSync(dir, { recursive: true });
  text.saveVocab(join(dir, 'vocab.txt'), vocab);
  const r = await fineTune({
    model, label, train: tokens.train, validation: tokens.validation, epochs, batchSize, evalBatchSize: preset.evalBatchSize,
    evalsPerEpoch: preset.evalsPerEpoch, schedule: schedule(lr), padId, random: seededRandom(seed + 1), out: dir, metadata,
  });
  curves[key] = r;
  phases[`${key}.train`] = r.stats;
  phases[`${key}.validation`] = r.evalStats;
  loadBertWeights(model, loadModelWeights(dir));
  const e = await evaluate(model, tokens.test, preset.evalBatchSize, padId);
  phases[`${key}.test`] = e.stats;
  const s = score(e.predictions, tokens.test.labels);
  models[key] = { ...s, minutes: minutesSince(t0), bestValidation: r.bestValidation, parameters: model.numParameters() };
  console.log(`${label}: test accuracy ${(100 * s.accuracy).toFixed(2)}%, F1 ${s.f1.toFixed(4)} (best checkpoint; training ${Math.round(r.stats.tokensPerSecond)} tokens/s, evaluation ${Math.round(e.stats.tokensPerSecond)} tokens/s)`);
}

// ── 2. from scratch ──
{
  const t0 = performance.now();
  manualSeed(seed);
  const model = new BertForSequenceClassification(config, 2);
  console.log(`\n2. mini-BERT from scratch: ${config.numHiddenLayers} layers, hidden ${config.hiddenSize}, ${config.numAttentionHeads} heads, feed-forward ${config.intermediateSize}, ${model.numParameters().toLocaleString('en')} parameters`);
  if (presetName === 'quick' || presetName === 'full') model.summary([1, preset.maxLength]);
  await trainAndTest('from scratch', 'scratch', model, preset.scratch.epochs, preset.scratch.batchSize, preset.scratch.lr, t0);
}

// ── 3. pretrained with MLM, then fine-tuned ──
{
  const t0 = performance.now();
  manualSeed(seed);
  const mlm = new BertForMaskedLM(config);
  const mlmTokens = preset.mlm.maxLength === preset.maxLength ? tokens.train
    : tokenizeImdb(imdb, { vocabSize: preset.vocabSize, maxLength: preset.mlm.maxLength, cacheDir: join(out, 'cache'), sizes: preset.sizes }).train;
  console.log(`\n3. mini-BERT pretrained: ${preset.mlm.steps} MLM steps of ${preset.mlm.batchSize} training reviews (T = ${preset.mlm.maxLength}), then fine-tuned`);
  const pre = await pretrainMlm({ model: mlm, train: mlmTokens, steps: preset.mlm.steps, batchSize: preset.mlm.batchSize, schedule: schedule(preset.mlm.lr), vocab, random: seededRandom(seed + 2) });
  phases['pretrained.mlm'] = pre.stats;
  console.log(`MLM: final running loss ${pre.loss.y.at(-1)?.toFixed(3)} (ln ${vocab.size} = ${Math.log(vocab.size).toFixed(2)} is a uniform guess), ${Math.round(pre.stats.tokensPerSecond)} tokens/s`);
  manualSeed(seed);
  const model = new BertForSequenceClassification(config, 2);
  const { missingKeys } = loadBertWeights(model, await toHost(mlm.stateDict())); // host copies; fineTune moves the model
  console.log(`fine-tuning from the MLM encoder; newly initialised: ${missingKeys.join(', ')}`);
  await trainAndTest('pretrained', 'pretrained', model, preset.finetune.epochs, preset.finetune.batchSize, preset.finetune.lr, t0);
  curves['mlm'] = { loss: pre.loss, validation: { x: [], y: [] } };
  writeFileSync(join(out, 'attention.svg'), await attentionPicture(model, tokens.validation));
}

function loadModelWeights(dir: string): Record<string, Tensor> {
  return loadSafetensors(join(dir, 'model.safetensors')).tensors;
}

/** Every head of every layer on the shortest validation review: the attention picture. */
async function attentionPicture(model: BertForSequenceClassification, split: EncodedSplit): Promise<string> {
  const row = split.lengths.reduce((best, n, i) => (n < split.lengths[best]! ? i : best), 0);
  const enc = tokens.tokenizer.encode(split.texts[row]!, { maxLength: Math.min(48, config.maxPositionEmbeddings), truncation: { kind: 'headTail' } });
  const pieces = Array.from(enc.ids, (id) => vocab.token(id));
  const panels = await bertAttentionPanels(model.bert, enc, padId);
  console.log(`attention picture: validation review ${row} (${split.labels[row] === 1 ? 'positive' : 'negative'}), ${enc.ids.length} tokens, ${panels.length} heads → ${join(out, 'attention.svg')}`);
  return attentionHeatmaps(pieces, panels, Math.min(4, config.numAttentionHeads), `Attention of the pretrained, fine-tuned mini-BERT on: “${split.texts[row]!}”`);
}

// ── curves and result ──
const svg = chartRow([
  { title: 'training loss (running)', xLabel: 'epoch', yLabel: 'cross-entropy', logY: true, series: ['scratch', 'pretrained'].map((k) => ({ name: k, x: curves[k]!.loss.x, y: curves[k]!.loss.y })) },
  { title: 'validation accuracy', xLabel: 'epoch', yLabel: 'accuracy', series: ['scratch', 'pretrained'].map((k) => ({ name: k, x: curves[k]!.validation.x, y: curves[k]!.validation.y })) },
  { title: 'MLM loss (running)', xLabel: 'step', yLabel: 'cross-entropy', series: [{ name: 'MLM', x: curves['mlm']!.loss.x, y: curves['mlm']!.loss.y }] },
]);
writeFileSync(join(out, 'curves.svg'), svg);
const totalMinutes = minutesSince(started);
const result = {
  preset: presetName, backend, threads: getNumThreads(), seed, date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadavgAtStart: loadAtStart, loadavgAtEnd: loadavg()[0] },
  cpuMinutes: (process.cpuUsage().user + process.cpuUsage().system) / 60e6,
  sizes: preset.sizes, maxLength: preset.maxLength, vocabSize: vocab.size, config, recipe: preset,
  models, phases, totalMinutes,
};
writeFileSync(join(out, 'result.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(`\n| model | test accuracy | F1 | minutes |\n|---|---:|---:|---:|`);
for (const [name, m] of Object.entries(models)) console.log(`| ${name} | ${(100 * m.accuracy).toFixed(2)}% | ${m.f1.toFixed(4)} | ${m.minutes.toFixed(1)} |`);
console.log(`\ntotal ${totalMinutes.toFixed(1)} minutes; curves.svg, attention.svg, result.json and the models in ${out}`);
