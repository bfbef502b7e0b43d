/**
 * unary — ops/unary.ts and ops/activations.ts in ONNX. Most have an ONNX op of their own; the
 * others are short compositions with the same formula as the Sapling op's header:
 *
 *   Rsqrt          →  Reciprocal(Sqrt(x))
 *   Clamp          →  Clip(x, min, max)             (an infinite bound is left out)
 *   Gelu, GeluTanh →  Gelu (opset ≥ 20), else x·½(1 + erf(x/√2)) or ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
 *   Silu           →  x·Sigmoid(x)                   Mish → x·Tanh(Softplus(x))
 *   Hardsigmoid    →  HardSigmoid(α = 1/6, β = ½)    Hardswish → HardSwish
 *   Softplus(β, threshold) → Where(βx > threshold, x, Softplus(βx)/β)
 */
import type { Tensor } from '../../../autograd/tensor.js';
import { float, type OnnxGraphBuilder, str } from '../graph-builder.js';
import { hint, sameBatch, type OnnxConverter } from './common.js';

/** The same op under the same or another ONNX name, with constant attributes. */
function direct(onnxOp: string, attributes: (attrs: unknown) => Parameters<OnnxGraphBuilder['op']>[2] = () => ({})): OnnxConverter {
  return (g, node) => sameBatch(g, node, g.op(onnxOp, [g.value(node.inputs[0]!)], attributes(node.attrs), hint(g, node)));
}

/** A converter that builds its output from x with a small expression. */
function composed(build: (g: OnnxGraphBuilder, x: string, like: Tensor, h: string) => string): OnnxConverter {
  return (g, node) => {
    const x = node.inputs[0]!;
    sameBatch(g, node, build(g, g.value(x), x, hint(g, node)));
  };
}

function geluErf(g: OnnxGraphBuilder, x: string, like: Tensor, h: string): string {
  const scaled = g.op('Mul', [x, g.scalar(`${h}/inv_sqrt2`, Math.SQRT1_2, like)], {}, `${h}/scaled`);
  const cdf = g.op('Add', [g.op('Erf', [scaled], {}, `${h}/erf`), g.scalar(`${h}/one`, 1, like)], {}, `${h}/cdf2`);
  return g.op('Mul', [g.op('Mul', [x, cdf], {}, `${h}/x_cdf2`), g.scalar(`${h}/half`, 0.5, like)], {}, h);
}

function geluTanh(g: OnnxGraphBuilder, x: string, like: Tensor, h: string): string {
  const cube = g.op('Mul', [g.op('Mul', [x, x], {}, `${h}/x2`), x], {}, `${h}/x3`);
  const inner = g.op('Add', [x, g.op('Mul', [cube, g.scalar(`${h}/c`, 0.044715, like)], {}, `${h}/cx3`)], {}, `${h}/inner`);
  const t = g.op('Tanh', [g.op('Mul', [inner, g.scalar(`${h}/sqrt_2_over_pi`, Math.sqrt(2 / Math.PI), like)], {}, `${h}/u`)], {}, `${h}/tanh`);
  const onePlus = g.op('Add', [t, g.scalar(`${h}/one`, 1, like)], {}, `${h}/one_plus`);
  return g.op('Mul', [g.op('Mul', [x, onePlus], {}, `${h}/x_one_plus`), g.scalar(`${h}/half`, 0.5, like)], {}, h);
}

function gelu(approximate: 'none' | 'tanh'): OnnxConverter {
  return composed((g, x, like, h) => {
    if (g.opset >= 20) return g.op('Gelu', [x], { approximate: str(approximate) }, h);
    return approximate === 'none' ? geluErf(g, x, like, h) : geluTanh(g, x, like, h);
  });
}

interface SoftplusAttrs {
  readonly beta: number;
  readonly threshold: number;
}

/** unary.ts's Softplus has no attrs (β = 1, no threshold); activations.ts's has β and a threshold. */
const softplus: OnnxConverter = (g, node) => {
  const x = node.inputs[0]!;
  const h = hint(g, node);
  const attrs = node.attrs as SoftplusAttrs | undefined;
  if (attrs === undefined) return sameBatch(g, node, g.op('Softplus', [g.value(x)], {}, h));
  const { beta, threshold } = attrs;
  const bx = beta === 1 ? g.value(x) : g.op('Mul', [g.value(x), g.scalar(`${h}/beta`, beta, x)], {}, `${h}/bx`);
  let smooth = g.op('Softplus', [bx], {}, `${h}/softplus`);
  if (beta !== 1) smooth = g.op('Div', [smooth, g.scalar(`${h}/beta`, beta, x)], {}, `${h}/smooth`);
  const above = g.op('Greater', [bx, g.scalar(`${h}/threshold`, threshold, x)], {}, `${h}/above`);
  sameBatch(g, node, g.op('Where', [above, g.value(x), smooth], {}, h));
};

export const unaryConverters: Readonly<Record<string, OnnxConverter>> = {
  Exp: direct('Exp'),
  Log: direct('Log'),
  Sqrt: direct('Sqrt'),
  Rsqrt: composed((g, x, _like, h) => g.op('Reciprocal', [g.op('Sqrt', [x], {}, `${h}/sqrt`)], {}, h)),
  Sin: direct('Sin'),
  Cos: direct('Cos'),
  Tanh: direct('Tanh'),
  Sigmoid: direct('Sigmoid'),
  Relu: direct('Relu'),
  Abs: direct('Abs'),
  Erf: direct('Erf'),
  LeakyRelu: direct('LeakyRelu', (slope) => ({ alpha: float(slope as number) })),
  Elu: direct('Elu', (alpha) => ({ alpha: float(alpha as number) })),
  Clamp(g, node) {
    const x = node.inputs[0]!;
    const [min, max] = node.attrs as readonly [number, number];
    const h = hint(g, node);
    const bounds = [
      Number.isFinite(min) ? g.scalar(`${h}/min`, min, x) : '',
      Number.isFinite(max) ? g.scalar(`${h}/max`, max, x) : '',
    ];
    while (bounds.length > 0 && bounds[bounds.length - 1] === '') bounds.pop(); // trailing optional inputs are left out
    sameBatch(g, node, g.op('Clip', [g.value(x), ...bounds], {}, h));
  },
  Gelu: gelu('none'),
  GeluTanh: gelu('tanh'),
  Softplus: softplus,
  Silu: composed((g, x, _like, h) => g.op('Mul', [x, g.op('Sigmoid', [x], {}, `${h}/sigmoid`)], {}, h)),
  Mish: composed((g, x, _like, h) => g.op('Mul', [x, g.op('Tanh', [g.op('Softplus', [x], {}, `${h}/softplus`)], {}, `${h}/tanh`)], {}, h)),
  Hardsigmoid: direct('HardSigmoid', () => ({ alpha: float(1 / 6), beta: float(0.5) })),
  Hardswish: direct('HardSwish'),
};
