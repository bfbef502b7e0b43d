/**
 * The text package: BERT normalisation, WordPiece (training, encoding, vocab.txt), truncation and
 * batching. vocab.txt files on disk (loadVocab, saveVocab) are Node only: node.ts.
 */
export { normalize, resolveNormalizerOptions, type BertNormalizerOptions, type ResolvedNormalizerOptions } from './normalizer.js';
export { isPunctuation, preTokenize } from './pre-tokenizer.js';
export { SPECIAL_TOKENS, Vocab, type SpecialIds } from './vocab.js';
export { WordPiece, type WordPieceOptions } from './wordpiece.js';
export { pairBudgets, SUN_ET_AL_BUDGET, SUN_ET_AL_HEAD, truncateIds, type Truncation } from './truncation.js';
export { WordPieceTokenizer, type EncodeOptions, type Encoding, type TokenizerOptions } from './tokenizer.js';
export { countWords, trainWordPiece, trainWordPieceFromCounts, type WordPieceTrainerOptions } from './trainer.js';
export { bucketBatches, padBatch, paddingStats, type BucketOptions, type PadOptions, type TextBatch } from './batching.js';
export { maskTokens, type MlmBatch, type MlmMaskingOptions } from './mlm-masking.js';
