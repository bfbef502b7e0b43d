/**
 * Classifies the sentiment of a review with the mini-BERT that examples/imdb-sentiment.ts
 * pretrained and fine-tuned.
 *
 * What you will see: for each text given, "positive" or "negative", the probability the model
 * gives it, and the latency of tokenising and of the forward pass. The model folder holds what
 * the example saved, in Hugging Face's layout: model.safetensors (the state dict, HF's names),
 * config.json (HF's BertConfig fields) and vocab.txt; the review is encoded as in training
 * ([CLS] … [SEP], head+tail truncation to the maxLength stored in the weights' metadata).
 * --attention draws every head of every layer on the first review (its first --attention-tokens).
 *
 *   npx tsx examples/classify-text.ts "A beautiful, moving film." "Two hours I will never get back."
 *   npx tsx examples/classify-text.ts --model runs/imdb-sentiment/scratch "…"   (the other model)
 *   npx tsx examples/classify-text.ts --attention runs/review-attention.svg "…"  (every head, one review)
 */

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors, noGrad, setBackend, softmax, text } from '../src/node.js';
import { bertConfigFromHuggingFace } from '../src/models/bert-config.js';
import { BertForSequenceClassification } from '../src/models/bert-heads.js';
import { attentionHeatmaps, bertAttentionPanels } from './lib/attention-heatmaps.js';
import { choiceFlag, intFlag, optionalStringFlag, parseCli, stringFlag } from './lib/cli.js';

const { values, positionals } = parseCli({
  summary: 'Sentiment of reviews with the fine-tuned mini-BERT of examples/imdb-sentiment.ts: label, probability, latency.',
  usage: 'npx tsx examples/classify-text.ts [options] "some review" ["another" …]',
  positionals: true,
  flags: {
    model: stringFlag('model.safetensors, config.json and vocab.txt', 'runs/imdb-sentiment/pretrained', 'DIR'),
    backend: choiceFlag('where the kernels run', ['wasm', 'cpu', 'webgpu'] as const, 'wasm'),
    attention: optionalStringFlag("write every head's attention on the first review to this SVG file", 'FILE'),
    attentionTokens: intFlag('tokens of the first review drawn in the attention picture (head+tail)', 64, 3),
  },
});
if (positionals.length === 0) {
  console.error('error: give at least one review, e.g. npx tsx examples/classify-text.ts "A beautiful, moving film."');
  process.exit(2);
}
await setBackend(values.backend);

const dir = values.model;
const t0 = performance.now();
const json = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
const weights = loadSafetensors(join(dir, 'model.safetensors'));
const model = new BertForSequenceClassification(bertConfigFromHuggingFace(json), Number(json['num_labels'] ?? 2)).eval();
model.loadStateDict(weights.tensors); //                                          strict: every name must match
if (values.backend === 'webgpu') await model.to('webgpu'); //                      the weights live on the GPU; results come back with await
const tokenizer = new text.WordPieceTokenizer(text.loadVocab(join(dir, 'vocab.txt')));
const padId = tokenizer.vocab.special.pad!;
const maxLength = Number(weights.metadata?.['maxLength'] ?? 128);
const labels = (json['id2label'] ?? { 0: 'negative', 1: 'positive' }) as Record<string, string>;
console.log(`model ${dir}: ${model.numParameters().toLocaleString('en')} parameters, loaded in ${(performance.now() - t0).toFixed(0)} ms; T = ${maxLength}, validation accuracy ${weights.metadata?.['validationAccuracy'] ?? '?'}`);

noGrad(() => model.forward(text.padBatch([tokenizer.encode('warm up')], { padId }).inputIds)); // the first call sets kernels up
for (const review of positionals) {
  const t1 = performance.now();
  const enc = tokenizer.encode(review, { maxLength, truncation: { kind: 'headTail' } });
  const batch = text.padBatch([enc], { padId });
  const t2 = performance.now();
  const p = await noGrad(() => softmax(model.forward(batch.inputIds, { attentionMask: batch.attentionMask }), -1)).data(); // [1, 2]
  const t3 = performance.now();
  const k = p[1]! > p[0]! ? 1 : 0;
  console.log(`${labels[String(k)] ?? k} (probability ${p[k]!.toFixed(3)}), ${enc.ids.length} tokens, tokenise ${(t2 - t1).toFixed(1)} ms + forward ${(t3 - t2).toFixed(1)} ms: ${JSON.stringify(review.length > 70 ? `${review.slice(0, 69)}…` : review)}`);
}

if (values.attention !== undefined) {
  const review = positionals[0]!;
  const enc = tokenizer.encode(review, { maxLength: Math.min(maxLength, values.attentionTokens), truncation: { kind: 'headTail' } });
  const panels = await bertAttentionPanels(model.bert, enc, padId);
  const pieces = Array.from(enc.ids, (id) => tokenizer.vocab.token(id));
  writeFileSync(values.attention, attentionHeatmaps(pieces, panels, Math.min(4, model.config.numAttentionHeads), `Attention of ${dir} on: “${review}”`));
  console.log(`attention: ${panels.length} heads on ${enc.ids.length} tokens → ${values.attention}`);
}
