/**
 * format — a readable `toString()` in PyTorch's style:
 *   tensor([[1.0000, 2.5000],
 *           [3.0000, 4.0000]], dtype=float64)
 * Large tensors show the first and last three entries of each axis around "...". We read only
 * the entries we print — the number style and column width come from them, as in PyTorch — so
 * summarising a 200 MB tensor reads a few dozen values, and an empty tensor prints at once as
 * `tensor([], size=(…))` whatever its other dimensions are.
 */
import type { DataArray } from './dtype.js';
import type { Tensor } from './tensor.js';
import { stridesOf } from './shape.js';

const EDGE = 3;
const SUMMARISE_ABOVE = 1000;

type Style = 'int' | 'integral' | 'fixed' | 'sci';

function formatNumber(v: number, style: Style): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  switch (style) {
    case 'int':
      return String(v);
    case 'integral':
      return `${v}.`;
    case 'fixed':
      return v.toFixed(4);
    case 'sci':
      return v.toExponential(4);
  }
}

/** The style PyTorch would pick for these values. */
function styleOf(values: readonly number[], dtype: Tensor['dtype']): Style {
  if (dtype === 'int32') return 'int';
  const finite = values.filter(Number.isFinite);
  const maxAbs = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const minAbs = finite.reduce((m, v) => (v !== 0 ? Math.min(m, Math.abs(v)) : m), Infinity);
  if (finite.every(Number.isInteger) && maxAbs < 1e8) return 'integral';
  return maxAbs >= 1e5 || minAbs < 1e-4 ? 'sci' : 'fixed';
}

/** `t` as text; `data` is its storage (read, never handed out: tensor.ts passes it). */
export function formatTensor(t: Tensor, data: DataArray): string {
  const extras: string[] = [];
  if (t.dtype !== 'float32') extras.push(`dtype=${t.dtype}`);
  if (t.creator) extras.push(`gradFn=<${t.creator.name}>`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  const tail = extras.map((e) => `, ${e}`).join('');
  if (t.numel() === 0) {
    const size = t.ndim === 1 ? '' : `, size=(${t.shape.join(', ')})`;
    return `tensor([]${size}${tail})`;
  }


  const summarise = t.numel() > SUMMARISE_ABOVE;
  const strides = stridesOf(t.shape);
  const picksOf = (axis: number): number[] => {
    const n = t.shape[axis]!;
    return summarise && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
  };
  // First pass: the printed values only, for the style and the width.
  const shown: number[] = [];
  const gather = (axis: number, offset: number): void => {
    if (axis === t.ndim) shown.push(data[offset]!);
    else for (const i of picksOf(axis)) if (i >= 0) gather(axis + 1, offset + i * strides[axis]!);
  };
  gather(0, 0);
  const style = styleOf(shown, t.dtype);
  const width = shown.reduce((w, v) => Math.max(w, formatNumber(v, style).length), 1);
  const indent = 'tensor('.length;

  const build = (axis: number, offset: number): string => {
    if (t.ndim === 0) return formatNumber(data[0]!, style);
    const picks = picksOf(axis);
    if (axis === t.ndim - 1) {
      const items = picks.map((i) => (i < 0 ? '...' : formatNumber(data[offset + i]!, style).padStart(width)));
      return `[${items.join(', ')}]`;
    }
    const sep = `,${'\n'.repeat(t.ndim - axis - 1)}${' '.repeat(indent + axis + 1)}`;
    return `[${picks.map((i) => (i < 0 ? '...' : build(axis + 1, offset + i * strides[axis]!))).join(sep)}]`;
  };
  return `tensor(${build(0, 0)}${tail})`;
}

function range(start: number, stop: number): number[] {
  return Array.from({ length: stop - start }, (_, i) => start + i);
}
