/**
 * plan — how each wasm kernel is cut into shares and which algorithm a share runs: pure
 * functions of the sizes and of the thread budget, testable without tfjs (plan.test.ts).
 *
 * Cuts: a kernel of `flops` work gets at most one share per thread, and fewer when a share would
 * get under `minFlopsPerShare` (a worker round trip and tfjs's per-call overhead cost more than
 * they save below that: threads.ts). Each kernel then picks the axis to cut (blocks of the batch,
 * of images, of channels, of rows) by the rules below, each with the measurement that set it.
 * Routing: fewChannels and isPointwise send a conv to Sapling's own SIMD kernels (conv-nchw.wat);
 * patchesOnTheRight orients the filter gradient's product.
 */
import { convFlops, type ConvGeometry } from '../../conv-geometry.js';

/** How many threads a kernel may use and the least work worth a share of its own. */
export interface ThreadBudget {
  readonly threads: number;
  readonly minFlopsPerShare: number;
}

/** How many shares a kernel of `flops` work with at most `maxParts` natural parts should use. */
export function sharesFor(flops: number, maxParts: number, budget: ThreadBudget): number {
  const byWork = budget.minFlopsPerShare > 0 ? Math.floor(flops / budget.minFlopsPerShare) : Infinity;
  return Math.max(1, Math.min(budget.threads, maxParts, byWork));
}

/**
 * Near-equal contiguous parts of [0, total): `parts` ranges [start, end), the first
 * `total mod parts` one longer than the rest. The split depends only on (total, parts), which is
 * what makes a parallel result reproducible for a given thread count.
 */
export function splitRange(total: number, parts: number): [number, number][] {
  const base = Math.floor(total / parts);
  const extra = total % parts;
  const out: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const end = start + base + (i < extra ? 1 : 0);
    out.push([start, end]);
    start = end;
  }
  return out;
}

/** The fewest channels a channel share of a conv, or columns a column share of a matmul, may get (XNNPACK vectorises over 8). */
export const MIN_CHANNELS_PER_SHARE = 8;

/**
 * The forward conv and the input gradient are split by channels rather than images when the
 * activation (x; dY for the input gradient) is at most this many times the size of the filter.
 * Image shares each handle the whole filter — transpose it and have XNNPACK pack it (~9 ns a
 * weight) — while channel shares each handle the whole activation. At CIFAR ResNet-18 layer4
 * ([32,512,4,4] by [512,512,3,3]) packing a new filter costs 21 ms of the forward's 86; split by
 * images layer4 gave 1.46× on 2 threads, by channels 1.88×.
 */
export const CHANNEL_SPLIT_RATIO = 2;

/** Fewest batch rows per share of a recurrent layer: each step's product has that many rows, and XNNPACK works on tiles of several. */
export const MIN_ROWS_PER_SHARE = 8;

/**
 * A matmul's cut. A batch of products: blocks of the batch. One product: blocks of columns of B
 * (each share packs only its columns of B, which XNNPACK repacks on every call: 512² went from
 * 1.51× by rows to 1.69–2.1× by columns), or blocks of rows of A when A has more than 4× as many
 * rows as B has columns.
 */
export function planMatmul(batch: number, m: number, k: number, n: number, budget: ThreadBudget): { by: 'batch' | 'columns' | 'rows'; parts: [number, number][] } {
  const flops = 2 * batch * m * k * n;
  const by = batch > 1 ? 'batch' : n >= MIN_CHANNELS_PER_SHARE * 2 && m <= 4 * n ? 'columns' : 'rows';
  const natural = by === 'batch' ? batch : by === 'columns' ? Math.floor(n / MIN_CHANNELS_PER_SHARE) : m;
  return { by, parts: splitRange(by === 'batch' ? batch : by === 'columns' ? n : m, sharesFor(flops, natural, budget)) };
}

/** A conv's cut: blocks of images, or of channels (output channels; input channels for the input gradient). */
export interface ConvPlan {
  readonly by: 'batch' | 'channel';
  readonly parts: [number, number][];
}

/**
 * By images when there are enough to share evenly, else by channels, which is what batch 1 —
 * inference — needs, as long as each share keeps MIN_CHANNELS_PER_SHARE channels (a share of 1
 * or 2 runs several times slower per multiply-add); failing both, by uneven blocks of images.
 * Channels also win over images when `preferChannels` (the filter is large, see
 * CHANNEL_SPLIT_RATIO). Bands of output rows were measured for batch 1 too: within 6% of channel
 * blocks on the early ResNet-18 layers, up to 1.8× slower on the deep ones (every band packs the
 * whole filter), so they are not used.
 */
export function planConv(g: ConvGeometry, channels: number, preferChannels: boolean, budget: ThreadBudget): ConvPlan {
  const want = sharesFor(convFlops(g), Math.max(g.N, channels), budget);
  if (want === 1) return { by: 'batch', parts: [[0, g.N]] };
  const byChannel = Math.min(want, Math.floor(channels / MIN_CHANNELS_PER_SHARE));
  if (preferChannels && byChannel === want) return { by: 'channel', parts: splitRange(channels, byChannel) };
  if (g.N >= want && (g.N % want === 0 || g.N >= 4 * want)) return { by: 'batch', parts: splitRange(g.N, want) };
  if (byChannel >= 2) return { by: 'channel', parts: splitRange(channels, byChannel) };
  return { by: 'batch', parts: splitRange(g.N, Math.min(want, g.N)) };
}

const sizes = (g: ConvGeometry): { x: number; w: number; dy: number } => ({
  x: g.N * g.C * g.H * g.W, w: g.O * (g.C / g.groups) * g.KH * g.KW, dy: g.N * g.O * g.OH * g.OW,
});

/**
 * At batch 1 the calling thread's channel share of a forward conv is this fraction of a worker's:
 * besides its share it copies the workers' operands into the arena and their outputs back, and
 * runs every op between the convs. ResNet-18 at 224 px on 2 threads (per-thread CPU of a forward,
 * shared machine): even shares, calling thread 80–86 ms and worker 64–67; at 2 : 3 (O = 64 cut
 * 24 + 40), 64–77 and 62–74, the two within a few ms, so the forward waits less on either.
 */
export const CALLER_SHARE_WEIGHT = 2 / 3;

/**
 * The forward conv: output channels when x is at most CHANNEL_SPLIT_RATIO × w. A batch-1 channel
 * split gives the calling thread CALLER_SHARE_WEIGHT of a worker's channels, in fours (the
 * Winograd share computes four a vector), at least MIN_CHANNELS_PER_SHARE.
 */
export function planConvForward(g: ConvGeometry, budget: ThreadBudget): ConvPlan {
  const plan = planConv(g, g.O, sizes(g).x <= CHANNEL_SPLIT_RATIO * sizes(g).w, budget);
  const T = plan.parts.length;
  if (plan.by !== 'channel' || g.N !== 1 || T < 2) return plan;
  const first = Math.round((g.O * CALLER_SHARE_WEIGHT) / (CALLER_SHARE_WEIGHT + T - 1) / 4) * 4;
  if (first < MIN_CHANNELS_PER_SHARE || g.O - first < (T - 1) * MIN_CHANNELS_PER_SHARE) return plan;
  return { by: 'channel', parts: [[0, first], ...splitRange(g.O - first, T - 1).map(([a, b]): [number, number] => [first + a, first + b])] };
}

/** The input gradient: input channels when dY is at most CHANNEL_SPLIT_RATIO × w. */
export const planConvInput = (g: ConvGeometry, budget: ThreadBudget): ConvPlan => planConv(g, g.C, sizes(g).dy <= CHANNEL_SPLIT_RATIO * sizes(g).w, budget);

/**
 * The filter gradient sums over the batch. Image shares cost a serial reduction and transpose of
 * T partial dW on the calling thread; channel shares cost every thread the patches of all the
 * pixels. So: channels when the output pixels (N·OH·OW) are no more than the output channels
 * (the deep layers), images otherwise. Measured on CIFAR ResNet-18 (batch 32, 2 threads):
 * layer3's 3×3 (2,048 pixels, 256 channels) 60–65 ms by channels, 51–63 by images; layer4's
 * (512 pixels, 512 channels) within 5% either way.
 */
export const planConvFilter = (g: ConvGeometry, budget: ThreadBudget): ConvPlan => planConv(g, g.O, g.N * g.OH * g.OW <= g.O, budget);

/** A recurrent layer's cut: blocks of at least MIN_ROWS_PER_SHARE batch rows, each running all T steps. */
export const planRows = (N: number, flops: number, budget: ThreadBudget): [number, number][] =>
  splitRange(N, sharesFor(flops, Math.floor(N / MIN_ROWS_PER_SHARE), budget));

/**
 * Below this many input channels (the stems) a conv leaves XNNPACK for conv-nchw.wat's direct
 * kernels: XNNPACK computes 8 output channels at a time, so the input gradient's phase convs
 * (whose outputs are the input channels) run at a third of its speed with 3 of them (ImageNet
 * stem: 20 ms against a 9 ms forward), and the forward's transposes cost more than its arithmetic.
 */
export const FEW_CHANNELS = 8;

/**
 * The convs that leave XNNPACK: fewer than FEW_CHANNELS input channels and dilation 1 (the direct
 * kernel reads a window row's taps as neighbours). On ResNet-18's other convs the direct kernel
 * measured from as fast as XNNPACK (3×3, stride 1, wide rows) to 2–5× slower (1×1, stride 2).
 */
export function fewChannels(g: ConvGeometry): boolean {
  return g.C < FEW_CHANNELS && g.dilation[0] === 1 && g.dilation[1] === 1;
}

/** A 1×1 conv without padding (ResNet's downsamples, any stride; a single tap makes dilation irrelevant): one product per image. */
export function isPointwise(g: ConvGeometry): boolean {
  return g.KH === 1 && g.KW === 1 && g.pads.every((pad) => pad === 0);
}

/**
 * The convs a share may run as Winograd's F(m×m, 3×3) (shares/winograd.ts, m by winogradTile): 3×3, stride 1,
 * undilated, at least FEW_CHANNELS input channels and output channels in fours (the output pass
 * computes four a vector). ResNet-18's 3×3 stride-1 convs are 3.0 of its 3.64 GFLOP at 224 px.
 * The share takes this path only for a filter it has seen before (shares/resident.ts `isReused`):
 * the filter's transform and XNNPACK's packing of it are paid once and kept, which inference
 * repays and training, whose weights change at every step, would not.
 */
export function winogradFits(g: ConvGeometry): boolean {
  return g.KH === 3 && g.KW === 3 && g.stride[0] === 1 && g.stride[1] === 1 && g.dilation[0] === 1 && g.dilation[1] === 1
    && g.groups === 1 && g.C >= FEW_CHANNELS && g.O % 4 === 0;
}

/** Test and measurement hook: forces winogradTile's answer (null: the rule below). */
let forcedTile: 2 | 4 | null = null;
export function forceWinogradTile(m: 2 | 4 | null): void {
  forcedTile = m;
}

/**
 * The output block of a conv that fits Winograd: F(4×4, 3×3) (36 products for 16 outputs, 4×
 * fewer multiplies than the direct conv) on maps of at least WINOGRAD4_MIN_SIDE pixels a side,
 * F(2×2, 3×3) (16 for 4, 2.25×) on smaller ones, where F(4×4)'s tiles stick out of the map (7 × 7
 * computes 8 × 8) and its 36 products are too few rows each to pay for streaming 4× the filter.
 */
export function winogradTile(g: ConvGeometry): 2 | 4 {
  if (forcedTile !== null) return forcedTile;
  return Math.min(g.OH, g.OW) >= WINOGRAD4_MIN_SIDE ? 4 : 2;
}

/** See winogradTile. */
export const WINOGRAD4_MIN_SIDE = 14;

/**
 * Output pixels per block of the filter gradient's product: large enough that each matmul runs at
 * full speed, small enough that the operand XNNPACK packs stays in the L2 cache (512 → 2048 gained
 * 5–10% on ResNet-18's convs, 8192 nothing more), and at most 2²³ floats (32 MB) of patches.
 */
export const filterBlockPixels = (Q: number): number => Math.min(2048, Math.floor(2 ** 23 / Q));

/**
 * Whether the filter gradient's product puts the patches [K, Q] on the right (dW [Ot, Q] = dY ·
 * patchesᵀ) rather than dY [K, Ot] (dWᵀ [Q, Ot] = patches · dY): the one that moves fewer values.
 * The right operand is moved twice (transposed into the heap, packed by XNNPACK) and a product
 * not in the layout wanted (`transposed`: Sapling's [Ot, Q]) is transposed once more. The
 * patches win for a filter with very few taps (a 3-channel stem: Q = 27 against 64 channels) and
 * for the deep layers at batch 1, whose dW is far larger than their patches.
 */
export function patchesOnTheRight(g: ConvGeometry, Ot: number, transposed: boolean): boolean {
  const pixels = g.N * g.OH * g.OW;
  const Q = g.C * g.KH * g.KW;
  return 2 * pixels * Q + (transposed ? 0 : Q * Ot) < 2 * pixels * Ot + (transposed ? Q * Ot : 0);
}

/** tfjs refuses a conv whose stride and dilation both exceed 1: those run on the cpu kernels. */
export function tfjsCanConv({ stride, dilation }: { readonly stride: readonly [number, number]; readonly dilation: readonly [number, number] }): boolean {
  return (stride[0] === 1 && stride[1] === 1) || (dilation[0] === 1 && dilation[1] === 1);
}
