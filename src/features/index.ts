/** Features from raw data: the bag-of-words text featuriser (isomorphic: no Node built-ins). */
export { BagOfWords, DEFAULT_TOKEN_PATTERN, sparseToDense, sparseToPadded, tokenize, type BagOfWordsJson, type BagOfWordsOptions, type SparseRows } from './bag-of-words.js';
