import { describe, expect, test } from 'vitest';
import { manualSeed, text } from '../../src/index.js';
import { bertConfig } from '../../src/models/bert-config.js';
import { BertModel } from '../../src/models/bert.js';
import { attentionHeatmaps, bertAttentionPanels } from './attention-heatmaps.js';

describe('attention heatmaps', () => {
  test('one panel per layer and head, rows are distributions over the tokens', async () => {
    manualSeed(0);
    const bert = new BertModel(bertConfig('tiny', { vocabSize: 30, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 16 }));
    const ids = Int32Array.from([2, 7, 11, 5, 3]);
    const encoding: text.Encoding = { ids, tokenTypeIds: new Int32Array(5), attentionMask: new Int32Array(5).fill(1) };
    const panels = await bertAttentionPanels(bert, encoding, 0);
    expect(panels.map((p) => p.title)).toEqual(['layer 0, head 0', 'layer 0, head 1', 'layer 1, head 0', 'layer 1, head 1']);
    for (const p of panels) {
      expect(p.weights).toHaveLength(5);
      for (const row of p.weights) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
    // Not uniform: the random weights give each head its own pattern.
    expect(panels[0]!.weights[0]).not.toEqual(panels[1]!.weights[0]);
  });

  test('every cell drawn with its value, tokens escaped, panels laid out in columns', () => {
    const panel = (title: string) => ({ title, weights: [[1, 0], [0.25, 0.75]] });
    const svg = attentionHeatmaps(['<a>', 'b&c'], [panel('h0'), panel('h1'), panel('h2')], 2, 'a review');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect x="\d+" y="\d+" width="14" height="14"/g)).toHaveLength(12);
    expect(svg).toContain('<title>&lt;a&gt; → b&amp;c: 0.000</title>');
    expect(svg).toContain('fill="rgb(0,0,255)"><title>&lt;a&gt; → &lt;a&gt;: 1.000</title>');
    expect(svg).toContain('fill="rgb(128,128,255)"><title>b&amp;c → &lt;a&gt;: 0.250</title>'); // √0.25 = 0.5
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    expect(width).toBeLessThan(height * 2); //                                       2 columns, 2 rows of panels
  });
});
