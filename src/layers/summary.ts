/**
 * summary — the table behind `Module.summary()`, in the style of torchinfo: one row per module
 * call, indented by depth, with the output shape and the parameters registered on that module
 * (a container shows "--": its parameters are counted on its children's rows), then totals.
 *
 *   ===========================================================
 *   Layer (type)                    Output Shape       Param #
 *   ===========================================================
 *   Sequential                      [2, 10]            --
 *   ├─Linear (0)                    [2, 32]            160
 *   ├─Relu (1)                      [2, 32]            --
 *   ├─Linear (2)                    [2, 10]            330
 *   ===========================================================
 *   Input shape: [2, 4]
 *   Total params: 490  ...
 */

/** One module call, as recorded by the forward hooks of `Module.summary`. */
export interface SummaryRow {
  /** Dotted name ('' for the root). */
  readonly name: string;
  readonly type: string;
  readonly depth: number;
  /** The output shape(s), filled in when the call returns. */
  output: string;
  /** Scalars in the parameters registered on this module itself. */
  readonly params: number;
}

export interface SummaryTotals {
  readonly inputShapes: readonly (readonly number[])[];
  readonly total: number;
  readonly trainable: number;
  /** Bytes held by the parameters. */
  readonly bytes: number;
}

const thousands = (n: number): string => n.toLocaleString('en-US');

/** The formatted table (no trailing newline). */
export function formatSummary(rows: readonly SummaryRow[], totals: SummaryTotals): string {
  const label = (r: SummaryRow): string => {
    if (r.depth === 0) return r.type;
    const last = r.name.slice(r.name.lastIndexOf('.') + 1);
    return `${'│ '.repeat(r.depth - 1)}├─${r.type} (${last})`;
  };
  const table = rows.map((r) => [label(r), r.output, r.params > 0 ? thousands(r.params) : '--'] as const);
  const header = ['Layer (type)', 'Output Shape', 'Param #'] as const;
  const widths = [0, 1, 2].map((i) => Math.max(header[i]!.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string =>
    `${cells[0]!.padEnd(widths[0]! + 4)}${cells[1]!.padEnd(widths[1]! + 4)}${cells[2]!.padStart(widths[2]!)}`;
  const rule = '='.repeat(widths[0]! + widths[1]! + widths[2]! + 8);
  const inputs = totals.inputShapes.map((s) => `[${s.join(', ')}]`).join(', ');
  return [
    rule,
    line(header),
    rule,
    ...table.map(line),
    rule,
    `Input shape: ${inputs}`,
    `Total params: ${thousands(totals.total)}`,
    `Trainable params: ${thousands(totals.trainable)}`,
    `Non-trainable params: ${thousands(totals.total - totals.trainable)}`,
    `Params size (MB): ${(totals.bytes / 1e6).toFixed(2)}`,
    rule,
  ].join('\n');
}
