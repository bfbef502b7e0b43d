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
 *
 * The rows come from a traced forward (`summarize`): each module's forward is wrapped for the
 * call, on zeros of the input shapes, in eval mode under noGrad.
 */
import { zeros } from '../autograd/creation.js';
import type { DType } from '../autograd/dtype.js';
import { noGrad } from '../autograd/function.js';
import type { Shape } from '../autograd/shape.js';
import { Tensor } from '../autograd/tensor.js';
import type { AnyModule } from './module.js';
import { ownParameterCount } from './module-registry.js';

/** Options of `Module.summary`: the dtype of the traced zero inputs and whether to print the table. */
export interface SummaryOptions {
  /** dtype of the zero inputs (default float32; int32 for an Embedding-first model). */
  readonly dtype?: DType;
  /** Print the table with console.log (default true); it is returned either way. */
  readonly print?: boolean;
}

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

/**
 * `Module.summary()`: runs `root`'s forward on zeros of `inputShape` with every module's forward
 * hooked to record a row, restores the forwards and the training modes, and formats the table.
 */
export function summarize(root: AnyModule, inputShape: Shape | readonly Shape[], options: SummaryOptions): string {
  const { dtype = 'float32', print = true } = options;
  const shapes: readonly Shape[] = Array.isArray(inputShape[0]) ? (inputShape as readonly Shape[]) : [inputShape as Shape];
  const rows: SummaryRow[] = [];
  const modes = new Map(root.modules().map((m) => [m, m.training]));
  const restore: (() => void)[] = [];
  let depth = 0;
  // Wrap each module's forward in an own property that records a row (a forward hook), and
  // remove the wrappers afterwards; a module called twice gets two rows.
  for (const [name, m] of root.namedModules()) {
    const own = Object.getOwnPropertyDescriptor(m, 'forward');
    const original = m.forward as unknown as (...a: unknown[]) => unknown;
    const hooked = (...args: unknown[]): unknown => {
      const row: SummaryRow = { name, type: m.constructor.name, depth, output: '?', params: ownParameterCount(m) };
      rows.push(row);
      depth++;
      try {
        const out = original.apply(m, args);
        row.output = describeOutput(out);
        return out;
      } finally {
        depth--;
      }
    };
    Object.defineProperty(m, 'forward', { value: hooked, configurable: true, writable: true });
    restore.push(() => {
      if (own) Object.defineProperty(m, 'forward', own);
      else delete (m as { forward?: unknown }).forward;
    });
  }
  try {
    root.eval();
    noGrad(() => (root.forward as unknown as (...a: unknown[]) => unknown)(...shapes.map((s) => zeros(s, { dtype }))));
  } finally {
    for (const undo of restore) undo();
    for (const [m, mode] of modes) m.training = mode;
  }
  const params = root.parameters();
  const text = formatSummary(rows, {
    inputShapes: shapes,
    total: root.numParameters(),
    trainable: root.numParameters({ trainableOnly: true }),
    bytes: params.reduce((n, p) => n + p.numel() * (p.dtype === 'float64' ? 8 : 4), 0),
  });
  if (print) console.log(text);
  return text;
}

/** A forward's result as a shape: `[2, 10]`, or a list for arrays and objects of tensors. */
function describeOutput(out: unknown): string {
  if (out instanceof Tensor) return `[${out.shape.join(', ')}]`;
  if (Array.isArray(out)) return out.map(describeOutput).join(', ');
  if (out !== null && typeof out === 'object') {
    return Object.entries(out).map(([k, v]) => `${k}: ${describeOutput(v)}`).join(', ');
  }
  return String(out);
}
