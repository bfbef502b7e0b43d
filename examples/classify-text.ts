/**
 * Classifies the sentiment of a review with the mini-BERT that examples/imdb-sentiment.ts
 * pretrained and fine-tuned.
 *
 * What you will see: for each text given, "positive" or "negative", the probability the model
 * gives it, and the latency of tokenising and of the forward pass. The model folder holds what
 * the example saved, in Hugging Face's layout: model.safetensors (the state dict, HF's names),
 * config.json (HF's BertConfig fields) and vocab.txt; the review is encoded as in training
 * ([CLS] … [SEP], head+tail truncation to the maxLength stored in the weights' metadata).
 *
 *   npx tsx examples/classify-text.ts "A beautiful, moving film." "Two hours I will never get back."
 *   npx tsx examples/classify-text.ts --model runs/imdb-sentiment/scratch "…"   (the other model)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSafetensors, noGrad, setBackend, softmax, text } from '../src/node.js';
import { bertConfigFromHuggingFace } from '../src/models/bert-config.js';
import { BertForSequenceClassification } from '../src/models/bert-heads.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { model: { type: 'string', default: 'runs/imdb-sentiment/pretrained' }, backend: { type: 'string', default: 'wasm' }, help: { type: 'boolean' } },
});
if (values.help || positionals.length === 0) {
  console.log('Sentiment of a review with the fine-tuned mini-BERT of examples/imdb-sentiment.ts.\n\n  npx tsx examples/classify-text.ts [--model DIR] [--backend wasm|cpu] "some review" ["another" …]\n\n  --model DIR   model.safetensors, config.json and vocab.txt (default runs/imdb-sentiment/pretrained)');
  process.exit(values.help ? 0 : 1);
}
if (values.backend !== 'wasm' && values.backend !== 'cpu') throw new RangeError(`--backend must be wasm or cpu, got '${values.backend}'`);
await setBackend(values.backend);

const dir = values.model!;
const t0 = performance.now();
const json = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
const weights = loadSafetensors(join(dir, 'model.safetensors'));
const model = new BertForSequenceClassification(bertConfigFromHuggingFace(json), Number(json['num_labels'] ?? 2)).eval();
model.loadStateDict(weights.tensors); //                                          strict: every name must match
const tokenizer = new text.WordPieceTokenizer(text.loadVocab(join(dir, 'vocab.txt')));
const maxLength = Number(weights.metadata?.['maxLength'] ?? 128);
const labels = (json['id2label'] ?? { 0: 'negative', 1: 'positive' }) as Record<string, string>;
console.log(`model ${dir}: ${model.numParameters().toLocaleString('en')} parameters, loaded in ${(performance.now() - t0).toFixed(0)} ms; T = ${maxLength}, validation accuracy ${weights.metadata?.['validationAccuracy'] ?? '?'}`);

noGrad(() => model.forward(text.padBatch([tokenizer.encode('warm up')], { padId: 0 }).inputIds)); // the first call sets kernels up
for (const review of positionals) {  const t1 = performance.now();
  const enc = tokenizer.encode(review, { maxLength, truncation: { kind: 'headTail' } });
  const batch = text.padBatch([enc], { padId: tokenizer.vocab.special.pad! });
  const t2 = performance.now();
  const p = noGrad(() => softmax(model.forward(batch.inputIds, { attentionMask: batch.attentionMask }), -1)).storage; // [1, 2]
  const t3 = performance.now();
  const k = p[1]! > p[0]! ? 1 : 0;
  console.log(`${labels[String(k)] ?? k} (probability ${p[k]!.toFixed(3)}), ${enc.ids.length} tokens, tokenise ${(t2 - t1).toFixed(1)} ms + forward ${(t3 - t2).toFixed(1)} ms: ${JSON.stringify(review.length > 70 ? `${review.slice(0, 69)}…` : review)}`);
}
