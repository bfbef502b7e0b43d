/**
 * strided — one kernel shape behind elementwise maps and most movement: every output element i
 * (row-major over `shape`) reads each operand k at offset base_k + Σ_axis coord_axis · stride_k,axis,
 * and stores f(operands). Broadcasting is a stride of 0, a permutation is permuted strides, a
 * strided slice is a base offset and multiplied strides. Axes every operand walks contiguously
 * are merged first (cpu/iterate.ts's `coalesce`), so a same-shape add is a rank-1 walk.
 *
 * The shader is generated from the expression and the operands' element types; the shape,
 * strides and offsets travel in the meta words, so one compiled pipeline serves every shape:
 *   meta = [n, rank, shape[rank], (base_k, strides_k[rank]) for each operand k, params…]
 * An operand may be a *scalar* instead of a buffer (a host number, such as the 2 of x·2): its
 * value then sits in its base word and it costs no upload and no binding.
 */
import type { DType } from '../../dtype.js';
import { Tensor } from '../../tensor.js';
import { deviceArrayOf, storageOf } from '../../tensor-storage.js';
import { coalesce } from '../cpu/iterate.js';
import { f32Bits, i32Bits, launch, MAIN_1D, PRELUDE, WORKGROUP } from './gpu.js';
import { GpuArray } from './gpu-array.js';
import { MATH } from './math.js';

export type Wgsl = 'f32' | 'i32';
export const wgslOf = (dtype: DType): Wgsl => (dtype === 'int32' ? 'i32' : 'f32');

/** One operand: a tensor read through strides (0 where broadcast) from a base offset. */
export interface StridedOperand {
  readonly t: Tensor;
  readonly strides: readonly number[];
  readonly base?: number;
}

export interface StridedMap {
  /** A name for errors ('add', 'permute', …). */
  readonly what: string;
  /** WGSL of the result in the compute type, in terms of x0, x1, … (each already of that type) and p0, p1, … (f32 parameters). */
  readonly expr: string;
  /** The type the operands are converted to before `expr`. */
  readonly compute: Wgsl;
  readonly shape: readonly number[];
  readonly operands: readonly StridedOperand[];
  readonly dtype: DType;
  readonly params?: readonly number[];
}

/** The buffers a kernel reads, uploading host tensors for the length of one dispatch. */
export class Operands {
  readonly #temps: GpuArray[] = [];

  /** `t`'s buffer: its own on the device, or a temporary upload of a host tensor. */
  buffer(t: Tensor, what: string): GPUBuffer {
    const a = deviceArrayOf(t);
    if (a !== null) {
      if (!(a instanceof GpuArray)) throw new TypeError(`${what}: a device array of another backend`);
      return a.buffer(what);
    }
    const up = GpuArray.upload(storageOf(t));
    this.#temps.push(up);
    return up.buffer(what);
  }

  /** Returns the temporaries to the pool (free after the submit that runs the dispatch). */
  done(): void {
    for (const t of this.#temps) t.release('its kernel');
  }
}

/** A new device tensor of `shape` and `dtype`, its values not yet written. */
export function emptyTensor(shape: readonly number[], dtype: DType): Tensor {
  return new Tensor(GpuArray.empty(dtype, shape.reduce((p, d) => p * d, 1)), shape);
}

const sources = new Map<string, string>();

function source(expr: string, compute: Wgsl, kinds: readonly (Wgsl | 'scalar')[], out: Wgsl): string {
  const key = `${expr}|${compute}|${kinds.join(',')}|${out}`;
  let s = sources.get(key);
  if (s !== undefined) return s;
  let binding = 1;
  const decls = kinds.map((k, j) => (k === 'scalar' ? '' : `@group(0) @binding(${binding++}) var<storage, read> in${j}: array<${k}>;`));
  const loads = kinds.map((k, j) =>
    k === 'scalar' ? `let x${j} = ${compute === 'f32' ? `metaF(op + ${j}u * (rank + 1u))` : `metaI(op + ${j}u * (rank + 1u))`};` : `let x${j} = ${compute}(in${j}[o${j}]);`,
  );
  const offsets = kinds.map((k, j) => (k === 'scalar' ? '' : `var o${j} = args[op + ${j}u * (rank + 1u)];`));
  const steps = kinds.map((k, j) => (k === 'scalar' ? '' : `o${j} += c * args[op + ${j}u * (rank + 1u) + 1u + a];`));
  const params = `let pp = op + ${kinds.length}u * (rank + 1u);`;
  s = `${PRELUDE}${decls.join('\n')}
@group(0) @binding(${binding}) var<storage, read_write> out: array<${out}>;
${MATH}
${MAIN_1D}
  let rank = args[1];
  let op = 2u + rank;
  ${params}
  ${offsets.join(' ')}
  var rem = i;
  for (var d = rank; d > 0u; d--) {
    let a = d - 1u;
    let c = rem % args[2u + a];
    rem = rem / args[2u + a];
    ${steps.join(' ')}
  }
  ${loads.join(' ')}
  out[i] = ${out}(${expr.replace(/\bp(\d)\b/g, 'metaF(pp + $1u)')});
}`;
  sources.set(key, s);
  return s;
}

/** Is `t` a host tensor of one element, passed as a number rather than a buffer? */
const isScalar = (t: Tensor): boolean => t.numel() === 1 && deviceArrayOf(t) === null;

/** Runs one strided map; returns the new device tensor of `shape`. */
export function stridedMap({ what, expr, compute, shape, operands, dtype, params = [] }: StridedMap): Tensor {
  const out = emptyTensor(shape, dtype);
  const n = out.numel();
  if (n === 0) return out;
  const full = [shape.map((_, a) => shape.slice(a + 1).reduce((p, d) => p * d, 1)), ...operands.map((o) => o.strides)];
  const plan = coalesce(shape, full);
  const rank = plan.shape.length;
  const kinds = operands.map((o) => (isScalar(o.t) ? 'scalar' : wgslOf(o.t.dtype)));
  const meta: number[] = [n, rank, ...plan.shape];
  const ops = new Operands();
  const inputs: GPUBuffer[] = [];
  operands.forEach((o, j) => {
    if (kinds[j] === 'scalar') {
      const v = storageOf(o.t)[0]!;
      meta.push(compute === 'f32' ? f32Bits(v) : i32Bits(Math.trunc(v)), ...plan.strides[j + 1]!.map(() => 0));
    } else {
      inputs.push(ops.buffer(o.t, what));
      meta.push(o.base ?? 0, ...plan.strides[j + 1]!);
    }
  });
  meta.push(...params.map(f32Bits));
  launch({ source: source(expr, compute, kinds, wgslOf(dtype)), meta, inputs, outputs: [(deviceArrayOf(out) as GpuArray).buffer(what)], groups: Math.ceil(n / WORKGROUP) });
  ops.done();
  return out;
}
