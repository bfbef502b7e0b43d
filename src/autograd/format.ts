/**
 * format — a readable `toString()` in PyTorch's style:
 *   tensor([[1.0000, 2.5000],
 *           [3.0000, 4.0000]], dtype=float64)
 * Large tensors show the first and last three entries of each axis around "...".
 */
import type { DataArray } from './dtype.js';
import type { Tensor } from './tensor.js';
import { stridesOf } from './shape.js';

const EDGE = 3;
const SUMMARISE_ABOVE = 1000;

function formatNumber(v: number, style: 'int' | 'integral' | 'fixed' | 'sci'): string {
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

/** `t` as text; `data` is its storage (read, never handed out: tensor.ts passes it). */
export function formatTensor(t: Tensor, data: DataArray): string {
  const summarise = t.size > SUMMARISE_ABOVE;
  const finite = Array.from(data).filter(Number.isFinite);
  const maxAbs = finite.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  const minAbs = finite.reduce((m, v) => (v !== 0 ? Math.min(m, Math.abs(v)) : m), Infinity);
  const style =
    t.dtype === 'int32' ? 'int'
    : finite.every(Number.isInteger) && maxAbs < 1e8 ? 'integral'
    : maxAbs >= 1e5 || minAbs < 1e-4 ? 'sci'
    : 'fixed';
  const width = Math.max(1, ...finite.slice(0, 2000).map((v) => formatNumber(v, style).length), ...(finite.length < data.length ? [4] : []));
  const strides = stridesOf(t.shape);
  const indent = 'tensor('.length;

  const build = (axis: number, offset: number): string => {
    if (t.ndim === 0) return formatNumber(data[0]!, style);
    const n = t.shape[axis]!;
    const picks = summarise && n > 2 * EDGE ? [...range(0, EDGE), -1, ...range(n - EDGE, n)] : range(0, n);
    if (axis === t.ndim - 1) {
      const items = picks.map((i) => (i < 0 ? '...' : formatNumber(data[offset + i]!, style).padStart(width)));
      return `[${items.join(', ')}]`;
    }
    const sep = `,${'\n'.repeat(t.ndim - axis - 1)}${' '.repeat(indent + axis + 1)}`;
    return `[${picks.map((i) => (i < 0 ? '...' : build(axis + 1, offset + i * strides[axis]!))).join(sep)}]`;
  };

  const extras: string[] = [];
  if (t.dtype !== 'float32') extras.push(`dtype=${t.dtype}`);
  if (t.creator) extras.push(`gradFn=<${t.creator.name}>`);
  else if (t.requiresGrad) extras.push('requiresGrad=true');
  return `tensor(${build(0, 0)}${extras.map((e) => `, ${e}`).join('')})`;
}

function range(start: number, stop: number): number[] {
  return Array.from({ length: stop - start }, (_, i) => start + i);
}
