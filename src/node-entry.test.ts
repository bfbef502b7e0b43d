/**
 * Node's entry (node.ts) is the core (index.ts) plus the functions that need Node: every name of
 * the core is there, unchanged, and the Node-only names are there and only there.
 */
import { expect, test } from 'vitest';
import * as core from './index.js';
import * as node from './node.js';

const NODE_ONLY = [
  'exportOnnx', 'loadCheckpoint', 'loadFashionMnist', 'loadFashionMnistSplits', 'loadImdb', 'loadMnist', 'loadSafetensors', 'loadSpamAssassin',
  'readImdbReviews', 'saveCheckpoint', 'saveSafetensors', 'SPAM_ASSASSIN_PACKAGE', 'writeFileAtomic',
];
/** In Node these return Buffers; in the core, Uint8Arrays. */
const NODE_VARIANTS = ['serialize', 'serializeCheckpoint', 'text'];

test('every name of the core is in the Node entry, the same value but for the Buffer-returning variants', () => {
  for (const name of Object.keys(core)) {
    expect(Object.keys(node)).toContain(name);
    if (!NODE_VARIANTS.includes(name)) expect((node as Record<string, unknown>)[name], name).toBe((core as Record<string, unknown>)[name]);
  }
});

test('the Node-only names are in the Node entry and not in the core', () => {
  expect(Object.keys(node).filter((n) => !(n in core)).sort()).toEqual([...NODE_ONLY].sort());
  expect(Object.keys(node.text).filter((n) => !(n in core.text)).sort()).toEqual(['loadVocab', 'saveVocab']);
  expect(Buffer.isBuffer(node.serialize({ w: core.tensor([1, 2]) }))).toBe(true);
  expect(Buffer.isBuffer(core.serialize({ w: core.tensor([1, 2]) }))).toBe(false);
  expect(Buffer.from(node.serialize({ w: core.tensor([1, 2]) })).equals(Buffer.from(core.serialize({ w: core.tensor([1, 2]) })))).toBe(true);
});
