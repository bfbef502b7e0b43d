/**
 * attention-heatmaps — attention weights as a standalone SVG: one panel per (layer, head), rows the
 * queries, columns the keys, each cell shaded by √weight (white 0 … blue 1: the square root
 * makes a weight spread evenly over 40 keys, 0.025, visible but pale), the tokens written along
 * both axes, a cell's value in its tooltip. No dependency. `bertAttentionPanels` reads the panels
 * off a BERT (every layer's weights, outputAttentions) for one encoded text.
 */
import { noGrad, text, type Tensor } from '../../src/index.js';
import type { BertModel } from '../../src/models/bert.js';

export interface AttentionPanel {
  readonly title: string;
  /** weights[i][j]: how much query i attends to key j (a row sums to 1). */
  readonly weights: readonly (readonly number[])[];
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Panels side by side, `columns` to a row, all with the same tokens. */
export function attentionHeatmaps(tokens: readonly string[], panels: readonly AttentionPanel[], columns: number, title: string): string {
  const n = tokens.length;
  const cell = n > 48 ? 6 : n > 24 ? 10 : 14;
  const label = 70; //                                                            room for the token labels
  const side = n * cell;
  const panelW = label + side + 20;
  const panelH = 24 + label + side + 10;
  const rows = Math.ceil(panels.length / columns);
  const width = columns * panelW + 10;
  const height = 30 + rows * panelH;
  const font = Math.max(5, Math.min(10, cell - 1));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="12">${escape(title.length > width / 7 ? `${title.slice(0, Math.floor(width / 7) - 1)}…` : title)}</text>`,
  ];
  panels.forEach((panel, k) => {
    const ox = 10 + (k % columns) * panelW;
    const oy = 30 + Math.floor(k / columns) * panelH;
    const gx = ox + label;
    const gy = oy + 24 + label;
    parts.push(`<text x="${gx}" y="${oy + 14}" font-size="12">${escape(panel.title)}</text>`);
    panel.weights.forEach((row, i) => row.forEach((w, j) => {
      const shade = Math.round(255 * (1 - Math.sqrt(Math.min(1, Math.max(0, w)))));
      parts.push(`<rect x="${gx + j * cell}" y="${gy + i * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)"><title>${escape(tokens[i]!)} → ${escape(tokens[j]!)}: ${w.toFixed(3)}</title></rect>`);
    }));
    parts.push(`<rect x="${gx}" y="${gy}" width="${side}" height="${side}" fill="none" stroke="#888"/>`);
    tokens.forEach((t, i) => {
      const short = escape(t.length > 12 ? `${t.slice(0, 11)}…` : t);
      parts.push(`<text x="${gx - 3}" y="${gy + i * cell + cell * 0.8}" font-size="${font}" text-anchor="end">${short}</text>`);
      const x = gx + i * cell + cell * 0.75;
      parts.push(`<text x="${x}" y="${gy - 3}" font-size="${font}" transform="rotate(-90 ${x} ${gy - 3})">${short}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * One panel per (layer, head) of `bert` on one encoded text: the softmax weights of the eval-mode
 * forward, [CLS] and [SEP] included, no padding (a batch of one).
 */
export async function bertAttentionPanels(bert: BertModel, encoding: text.Encoding, padId: number): Promise<AttentionPanel[]> {
  const b = text.padBatch([encoding], { padId });
  bert.eval();
  const attentions: readonly Tensor[] = noGrad(() => bert.forward(b.inputIds, { attentionMask: b.attentionMask, outputAttentions: true }).attentions);
  const values = await Promise.all(attentions.map((a) => a.toArrayAsync())); //     one wait for every layer (webgpu)
  return values.flatMap((a, l) => {
    const w = a as number[][][][]; //                                                    [1, A, T, T]
    return w[0]!.map((weights, h) => ({ title: `layer ${l}, head ${h}`, weights }));
  });
}
