/**
 * The text package as Node sees it: everything in index.ts, plus vocab.txt files on disk
 * (vocab-file.ts). The package's Node entry exports this as `text`.
 */
export * from './index.js';
export { loadVocab, saveVocab } from './vocab-file.js';
