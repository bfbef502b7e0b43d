/**
 * text — the IMDB text pipeline: how long the WordPiece vocabulary takes to train, how many
 * reviews per second the tokenizer encodes, and how much padding length bucketing saves.
 *
 *   train     trainWordPiece on the 25,000 training reviews (train + validation sides of Sapling's
 *             split), vocabSize 8,000 and 30,000: word counting and merges timed apart
 *   encode    the 25,000 test reviews, whole and with maxLength 256 head+tail: a cold tokenizer
 *             (empty word cache) and a warm one; reviews/s and tokens/s
 *   oracle    the same 1,000 test reviews through Sapling and through Hugging Face's tokenizers.js
 *             (the test oracle) over the same vocabulary, interleaved rounds
 *   padding   share of padding in batches of 32 at maxLength 256, random batches vs bucketed
 * There is no target: the issue asks for the figures. The development machine is shared with
 * other work; the load is printed beside the timings.
 *
 *   npx tsx benchmarks/text.bench.ts [--quick] [--no-write]
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { loadImdb } from '../src/data/imdb.js';
import { bucketBatches, paddingStats } from '../src/text/batching.js';
import { WordPieceTokenizer, type EncodeOptions } from '../src/text/tokenizer.js';
import { countWords, trainWordPieceFromCounts } from '../src/text/trainer.js';
import { SPECIAL_TOKENS, type Vocab } from '../src/text/vocab.js';
import { parseFlags } from './lib/compare.js';
import { measuringLoad, statsOf, timeInterleaved, type LoadSample } from './lib/interleave.js';
import { formatMachineFacts, machineFacts } from './lib/machine.js';
import { writeResults } from './lib/results.js';
import { formatMs, markdownTable } from './lib/table.js';

const SUITE = 'text';
const flags = parseFlags();
const rounds = flags.quick ? 1 : 3;
const machine = machineFacts();
console.log(`# text pipeline (IMDB)${flags.quick ? ' — quick' : ''}\n\n${formatMachineFacts(machine)}\n- The machine is shared with other work: see the load beside each figure.\n`);

const loadStart = performance.now();
const imdb = loadImdb();
const loadMs = performance.now() - loadStart;
const trainTexts = [...imdb.train.texts, ...imdb.validation.texts];
const testTexts = flags.quick ? imdb.test.texts.slice(0, 2000) : imdb.test.texts;
console.log(`loadImdb: ${formatMs(loadMs)} ms (read reviews.json, clean, split)\n`);

const loadNote = (l: LoadSample): string => `load ${l.loadavg1.toFixed(1)}${l.othersCores === null ? '' : `, others ${l.othersCores.toFixed(2)} cores`}`;

// ── train ──
interface TrainRow { vocabSize: number; countMs: number; mergeMs: number; totalMs: number; tokens: number; load: LoadSample }
const trainRows: TrainRow[] = [];
let vocab8k: Vocab | null = null;
for (const vocabSize of flags.quick ? [8000] : [8000, 30000]) {
  const counts: number[] = [];
  const merges: number[] = [];
  let vocab: Vocab | null = null;
  const { load } = await measuringLoad(async () => {
    for (let r = 0; r < rounds; r++) {
      let t = performance.now();
      const words = countWords(trainTexts);
      counts.push(performance.now() - t);
      t = performance.now();
      vocab = trainWordPieceFromCounts(words, { vocabSize });
      merges.push(performance.now() - t);
    }
  });
  const v = vocab as Vocab | null;
  if (v === null) throw new Error('text bench: no vocabulary trained');
  if (vocabSize === 8000) vocab8k = v;
  const countMs = statsOf(counts).medianMs;
  const mergeMs = statsOf(merges).medianMs;
  trainRows.push({ vocabSize, countMs, mergeMs, totalMs: countMs + mergeMs, tokens: v.size, load });
}
console.log(`## Training the vocabulary on ${trainTexts.length.toLocaleString('en')} reviews (median of ${rounds})\n`);
console.log(markdownTable(
  ['vocabSize', 'count words ms', 'merges ms', 'total s', 'tokens', 'load'],
  trainRows.map((r) => [String(r.vocabSize), formatMs(r.countMs), formatMs(r.mergeMs), (r.totalMs / 1000).toFixed(2), String(r.tokens), loadNote(r.load)]),
  ['right', 'right', 'right', 'right', 'right', 'left'],
));

// ── encode ──
const vocab = vocab8k!;
interface EncodeRow { name: string; cache: string; ms: number; reviewsPerS: number; tokensPerS: number; load: LoadSample }
const encodeRows: EncodeRow[] = [];
const settings: [string, EncodeOptions][] = [
  ['whole reviews', {}],
  ['maxLength 256, head+tail', { maxLength: 256, truncation: { kind: 'headTail' } }],
];
for (const [name, options] of settings) {
  for (const cache of ['cold', 'warm'] as const) {
    const times: number[] = [];
    let tokens = 0;
    const { load } = await measuringLoad(async () => {
      const warm = new WordPieceTokenizer(vocab);
      if (cache === 'warm') for (const t of testTexts) warm.encode(t, options);
      for (let r = 0; r < rounds; r++) {
        const tokenizer = cache === 'cold' ? new WordPieceTokenizer(vocab) : warm;
        tokens = 0;
        const t0 = performance.now();
        for (const t of testTexts) tokens += tokenizer.encode(t, options).ids.length;
        times.push(performance.now() - t0);
      }
    });
    const ms = statsOf(times).medianMs;
    encodeRows.push({ name, cache, ms, reviewsPerS: (testTexts.length / ms) * 1000, tokensPerS: (tokens / ms) * 1000, load });
  }
}
console.log(`\n## Encoding ${testTexts.length.toLocaleString('en')} test reviews, vocabulary of 8,000 (median of ${rounds})\n`);
console.log(markdownTable(
  ['encoding', 'word cache', 'ms', 'reviews/s', 'tokens/s', 'load'],
  encodeRows.map((r) => [r.name, r.cache, formatMs(r.ms), Math.round(r.reviewsPerS).toLocaleString('en'), Math.round(r.tokensPerS).toLocaleString('en'), loadNote(r.load)]),
  ['left', 'left', 'right', 'right', 'right', 'left'],
));

// ── oracle: the same reviews through Hugging Face's tokenizers.js ──
const id = (t: string): number => vocab.requireId(t, 'text bench');
const hf = new Tokenizer({
  added_tokens: SPECIAL_TOKENS.map((content) => ({ id: id(content), content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: { type: 'BertProcessing', sep: ['[SEP]', id('[SEP]')], cls: ['[CLS]', id('[CLS]')] },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(vocab.tokens.map((t, i) => [t, i])) },
}, {});
const sample = imdb.test.texts.slice(0, 1000);
const ours = new WordPieceTokenizer(vocab);
for (const t of sample) {
  if (Array.from(ours.encode(t).ids).join() !== hf.encode(t).ids.join()) throw new Error(`text bench: Sapling and tokenizers.js disagree on "${t.slice(0, 60)}…"`);
}
const duel = await timeInterleaved({
  sapling: () => { for (const t of sample) ours.encode(t); },
  'tokenizers.js': () => { for (const t of sample) hf.encode(t); },
}, flags.quick ? { warmupRounds: 1, minRounds: 2, maxRounds: 2, minTimeMs: 0 } : { warmupRounds: 1, minRounds: 5, maxRounds: 9, minTimeMs: 5000 });
const perS = (ms: number): number => (sample.length / ms) * 1000;
console.log(`\n## Against Hugging Face's tokenizers.js, same 1,000 reviews and vocabulary (ids checked identical first; ${loadNote(duel.load)})\n`);
console.log(markdownTable(
  ['tokenizer', 'median ms', 'reviews/s'],
  (['sapling', 'tokenizers.js'] as const).map((k) => [k, formatMs(duel.stats[k].medianMs), Math.round(perS(duel.stats[k].medianMs)).toLocaleString('en')]),
  ['left', 'right', 'right'],
));

// ── padding ──
const lengths = testTexts.map((t) => ours.encode(t, { maxLength: 256, truncation: { kind: 'headTail' } }).ids.length);
const padding = {
  random: paddingStats(lengths, bucketBatches(lengths, { batchSize: 32, seed: 0, poolBatches: 1 })),
  bucketed50: paddingStats(lengths, bucketBatches(lengths, { batchSize: 32, seed: 0 })),
  sorted: paddingStats(lengths, bucketBatches(lengths, { batchSize: 32, seed: 0, poolBatches: Infinity })),
};
const sortedLengths = [...lengths].sort((a, b) => a - b);
console.log(`\n## Padding, batches of 32 at maxLength 256 (median length ${sortedLengths[sortedLengths.length >> 1]}, ${Math.round((100 * lengths.filter((l) => l === 256).length) / lengths.length)}% truncated)\n`);
console.log(markdownTable(
  ['batches', 'real tokens', 'padded tokens', 'padding'],
  [['random', padding.random], ['bucketed (pools of 50 batches)', padding.bucketed50], ['sorted by length', padding.sorted]].map(([name, s]) => {
    const p = s as ReturnType<typeof paddingStats>;
    return [name as string, p.real.toLocaleString('en'), p.padded.toLocaleString('en'), `${(100 * p.padFraction).toFixed(1)}%`];
  }),
  ['left', 'right', 'right', 'right'],
));

if (!flags.noWrite) {
  const path = writeResults(SUITE, {
    suite: SUITE, quick: flags.quick, machine, shared: true, loadImdbMs: loadMs,
    train: trainRows, encode: encodeRows,
    oracle: { reviews: sample.length, sapling: duel.stats.sapling, tokenizersJs: duel.stats['tokenizers.js'], load: duel.load },
    padding,
  });
  console.log(`\nresults: ${path}`);
}
