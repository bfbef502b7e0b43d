/**
 * channels — moving blocks of channels between a share's output and the whole tensor (a channel
 * share computes all images of its channels), and a grouped convolution as `groups` ordinary
 * ones (group g owns input channels [g·C/G, (g+1)·C/G) and output channels [g·O/G, (g+1)·O/G)).
 */
import type { Shape } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { cpuKernels } from '../cpu/index.js';
import type { Conv2dAttrs } from '../types.js';

/** The views of channels [c0, c1) of every image of an [N, C, P] array: where scatterChannels writes. */
export function channelViews(out: Float32Array, N: number, C: number, c0: number, c1: number, P: number): Float32Array[] {
  return Array.from({ length: N }, (_, n) => out.subarray((n * C + c0) * P, (n * C + c1) * P));
}

/** A channel share's output [N, Ct, P] into channels [c0, c0 + Ct) of the full [N, C, P]. */
export function scatterChannels(part: Float32Array, out: Float32Array, N: number, Ct: number, C: number, c0: number, P: number): void {
  for (let n = 0; n < N; n++) out.set(part.subarray(n * Ct * P, (n + 1) * Ct * P), (n * C + c0) * P);
}

/** Channels [c0, c1) of every image of x [N, C, P], packed as [N, c1 − c0, P]. */
export function gatherChannels(x: Float32Array, N: number, C: number, c0: number, c1: number, P: number): Float32Array {
  const out = new Float32Array(N * (c1 - c0) * P);
  for (let n = 0; n < N; n++) out.set(x.subarray((n * C + c0) * P, (n * C + c1) * P), n * (c1 - c0) * P);
  return out;
}

/**
 * A grouped convolution as `groups` ordinary ones: group g owns input channels
 * [g·C/groups, (g+1)·C/groups) and output channels [g·O/groups, (g+1)·O/groups). The three
 * kernels split different operands, so `kind` says which axis of which tensor is split.
 */
export function perGroup(
  a: Tensor, b: Tensor, attrs: Conv2dAttrs, kind: 'forward' | 'input' | 'filter',
  conv: (a: Tensor, b: Tensor, shape: Shape) => Tensor, shape: Shape = [],
): Tensor {
  const G = attrs.groups;
  const cpu = cpuKernels;
  const channelSlice = (t: Tensor, axis: number, g: number): Tensor => {
    const size = t.shape[axis]! / G;
    const starts = t.shape.map((_, i) => (i === axis ? g * size : 0));
    const sizes = t.shape.map((d, i) => (i === axis ? size : d));
    return cpu.slice(t, starts, t.shape.map(() => 1), sizes);
  };
  const parts: Tensor[] = [];
  for (let g = 0; g < G; g++) {
    if (kind === 'forward') parts.push(conv(channelSlice(a, 1, g), channelSlice(b, 0, g), []));
    else if (kind === 'input') parts.push(conv(channelSlice(a, 1, g), channelSlice(b, 0, g), shape.map((d, i) => (i === 1 ? d / G : d))));
    else parts.push(conv(channelSlice(a, 1, g), channelSlice(b, 1, g), shape.map((d, i) => (i === 0 ? d / G : d))));
  }
  // forward and input gradients stack groups along channels (axis 1); filter gradients along O (axis 0)
  return cpu.concat(parts, kind === 'filter' ? 0 : 1);
}
