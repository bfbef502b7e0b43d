/**
 * The kernel seam: every primitive an op may call, and nothing about the graph. A kernel takes
 * tensors and plain options and returns a new tensor; it never records gradients and never
 * mutates its inputs. Options are data (tagged unions), not strings to parse, so a new padding
 * mode does not compile until every backend handles it.
 *
 * Two interfaces. `CoreKernels` is what every backend implements: elementwise maps, reductions,
 * movement, matmul, convolution and pooling. `FusedKernels` are several core kernels done in one
 * pass (a conv's epilogue, batch normalisation's channel passes, a recurrent layer over a whole
 * sequence): a backend may implement any of them, and `withFallbacks` (fallbacks.ts) gives it
 * the composition of core kernels for the rest. Ops call `Kernels`, both together. `cpu`
 * implements all of them with plain loops: the readable reference and the test oracle.
 */
import type { DType } from '../dtype.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** The backends `setBackend` knows (a backend made elsewhere may carry any name). */
export type BackendName = 'cpu' | 'wasm' | 'webgpu';

/** Elementwise functions of one argument. `erf` and `sign` exist for backward passes. */
export type UnaryOp =
  | 'neg' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'abs' | 'sign' | 'sin' | 'cos' | 'tanh'
  | 'sigmoid' | 'relu' | 'erf' | 'softplus' | 'square' | 'reciprocal' | 'floor' | 'ceil' | 'round'
  | 'gelu' | 'geluTanh';

/** Elementwise functions of one argument with a parameter. */
export type ParamUnaryOp =
  | { readonly kind: 'leakyRelu'; readonly slope: number }
  | { readonly kind: 'elu'; readonly alpha: number }
  | { readonly kind: 'clamp'; readonly min: number; readonly max: number };

/** Broadcasting binary functions. Comparisons return int32 0/1 masks. */
/** reluBackward(dY, x) = dY where x > 0, else 0 (PyTorch's threshold_backward at 0): one pass for ReLU's backward. */
/** addRelu(a, b) = relu(a + b), a residual sum and its ReLU in one pass (ResNet's blocks). */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'reluBackward' | 'addRelu';
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type ReduceOp = 'sum' | 'max' | 'min' | 'prod';

/** Running reductions along one axis: cumsum and cumprod. */
export type ScanOp = 'sum' | 'prod';

/** Explicit amounts of zero padding on each side of the two spatial axes. */
export interface Padding2d {
  readonly top: number;
  readonly bottom: number;
  readonly left: number;
  readonly right: number;
}

/** Convolution options, already resolved by the op ('same' becomes explicit padding). */
export interface Conv2dAttrs {
  readonly stride: readonly [number, number];
  readonly padding: Padding2d;
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

/**
 * What a conv kernel applies while it writes its output y: y = relu?(conv + bias[o] + residual),
 * each value rounded once. `residual` has y's shape (a ResNet block's shortcut).
 */
export interface ConvEpilogue {
  readonly bias?: Tensor | null;
  readonly residual?: Tensor | null;
  readonly relu?: boolean;
}

/** Which operands of a 2-D product are read transposed: C = op(A) · op(B) (`matmulTransposed`). */
export interface MatmulTranspose {
  readonly transposeA: boolean;
  readonly transposeB: boolean;
}

export interface Pool2dAttrs {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: Padding2d;
  readonly dilation: readonly [number, number];
  /** avgPool only: whether padded zeros count in the divisor (PyTorch's default is true). */
  readonly countIncludePad: boolean;
}

/**
 * The primitives every backend implements: elementwise, reductions, movement, matmul, convolutions and pooling. Ops call them through `kernels()`; no op loops over storage itself.
 */
export interface CoreKernels {
  readonly name: string;

  // ── elementwise ──
  unary(op: UnaryOp, x: Tensor): Tensor;
  unaryParam(op: ParamUnaryOp, x: Tensor): Tensor;
  /** Broadcasting; the result dtype is `dtype` (the promoted dtype, chosen by the op). */
  binary(op: BinaryOp, a: Tensor, b: Tensor, dtype: DType): Tensor;
  /** Broadcasting comparison; returns an int32 tensor of 0 and 1. */
  compare(op: CompareOp, a: Tensor, b: Tensor): Tensor;
  /** out = cond ≠ 0 ? a : b, all three broadcast together; result dtype `dtype`. */
  where(cond: Tensor, a: Tensor, b: Tensor, dtype: DType): Tensor;
  cast(x: Tensor, dtype: DType): Tensor;
  /** True when every element is finite (no NaN, no ±Inf). */
  allFinite(x: Tensor): boolean;

  // ── reductions ──
  /** Reduces over `axes` (sorted, distinct, non-empty allowed to be all). */
  reduce(op: ReduceOp, x: Tensor, axes: readonly number[], keepDim: boolean): Tensor;
  /** Index of the max/min along one axis, as int32 (first one on ties). */
  argReduce(op: 'argmax' | 'argmin', x: Tensor, axis: number, keepDim: boolean): Tensor;

  // ── sorting ──
  /**
   * The permutation that sorts x along `axis`, as int32 of x's shape. Stable: equal values keep
   * their order (descending too). NaN counts as larger than every number, as in PyTorch: last
   * ascending, first descending.
   */
  argsort(x: Tensor, axis: number, descending: boolean): Tensor;

  // ── movement ──
  /** out[i…] = x[perm…]: out.shape[j] = x.shape[perm[j]]. */
  permute(x: Tensor, perm: readonly number[]): Tensor;
  /** Materialises the broadcast of x to `shape`. */
  broadcastTo(x: Tensor, shape: Shape): Tensor;
  /** Strided slice: for each axis, start (inclusive), a positive step, and the output size. */
  slice(x: Tensor, starts: readonly number[], steps: readonly number[], sizes: Shape): Tensor;
  /** The adjoint of `slice`: zeros of `shape` with `x` written at the strided positions. */
  sliceScatter(x: Tensor, shape: Shape, starts: readonly number[], steps: readonly number[]): Tensor;
  concat(xs: readonly Tensor[], axis: number): Tensor;
  /** Constant padding: `pads[i] = [before, after]` for each axis (non-negative). */
  pad(x: Tensor, pads: readonly (readonly [number, number])[], value: number): Tensor;
  /** torch.gather: out[i][j][k] = x[i][index[i][j][k]][k] for axis 1; index is int32. */
  gather(x: Tensor, axis: number, index: Tensor): Tensor;
  /** The adjoint of gather: zeros of `shape`, then out[…index…] += src[…]. */
  scatterAdd(src: Tensor, axis: number, index: Tensor, shape: Shape): Tensor;
  /** torch.index_select: picks whole slices along `axis` by a 1-D int32 index. */
  indexSelect(x: Tensor, axis: number, index: Tensor): Tensor;
  /** The adjoint of indexSelect: zeros of `shape`, slices of src added at index. */
  indexAdd(src: Tensor, axis: number, index: Tensor, shape: Shape): Tensor;
  /** int32 indices → one-hot rows of `dtype` with `numClasses` columns. */
  oneHot(indices: Tensor, numClasses: number, dtype: DType): Tensor;

  // ── linear algebra ──
  /** [..., m, k] · [..., k, n] → [..., m, n], batch axes broadcast (both at least 2-D). */
  matmul(a: Tensor, b: Tensor): Tensor;

  // ── convolution and pooling (NCHW; weights [out, in/groups, kh, kw]) ──
  /** y = conv(x, w): [N, C, H, W] ⊛ [O, C/groups, KH, KW] → [N, O, OH, OW]. */
  conv2d(x: Tensor, w: Tensor, attrs: Conv2dAttrs): Tensor;
  /** dX for y = conv2d(x, w): takes dy [N, O, OH, OW], returns [N, C, H, W] = `xShape`. */
  conv2dBackpropInput(dy: Tensor, w: Tensor, xShape: Shape, attrs: Conv2dAttrs): Tensor;
  /** dW for y = conv2d(x, w): takes x and dy, returns `wShape` = [O, C/groups, KH, KW]. */
  conv2dBackpropFilter(x: Tensor, dy: Tensor, wShape: Shape, attrs: Conv2dAttrs): Tensor;
  maxPool2d(x: Tensor, attrs: Pool2dAttrs): Tensor;
  /** dX of maxPool2d: each dy goes to the (first) arg-max of its window in x. */
  maxPool2dBackward(dy: Tensor, x: Tensor, attrs: Pool2dAttrs): Tensor;
  avgPool2d(x: Tensor, attrs: Pool2dAttrs): Tensor;
  avgPool2dBackward(dy: Tensor, xShape: Shape, attrs: Pool2dAttrs): Tensor;
  /** PyTorch's adaptive average pooling: bin i spans [floor(i·H/OH), ceil((i+1)·H/OH)). */
  adaptiveAvgPool2d(x: Tensor, outSize: readonly [number, number]): Tensor;
  adaptiveAvgPool2dBackward(dy: Tensor, xShape: Shape): Tensor;
}

/**
 * Several core kernels in one pass. A backend may implement any of them; `withFallbacks`
 * (fallbacks.ts) supplies the others as compositions of core kernels, which compute the same
 * values up to float32 rounding.
 */
export interface FusedKernels {
  /** conv2d and its epilogue in the output pass: y = relu?(conv(x, w) + bias[o] + residual). */
  fusedConv2d(x: Tensor, w: Tensor, attrs: Conv2dAttrs, epilogue: ConvEpilogue): Tensor;

  /**
   * C = op(A) · op(B) for 2-D A and B, op a transpose where `t` asks for it (A [k, m] read as
   * [m, k], B [n, k] read as [k, n]), without the caller materialising the transpose: Linear's
   * x · Wᵀ and its gradients. The fallback is a permute, then matmul.
   */
  matmulTransposed(a: Tensor, b: Tensor, t: MatmulTranspose): Tensor;

  /**
   * maxPool2d and the index h·W + w, within its (n, c) plane, of each window's arg-max (the first
   * on ties; the last NaN where a NaN wins), int32 of the output's shape: PyTorch's
   * max_pool2d_with_indices, so that the backward scatters dy without searching x again.
   */
  maxPool2dWithIndices(x: Tensor, attrs: Pool2dAttrs): { readonly out: Tensor; readonly indices: Tensor };

  /**
   * The running sum or product along `axis` (y_i = x_0 ∘ … ∘ x_i), x's shape and dtype: one pass.
   * An int32 result int32 cannot hold is refused. The fallback is log₂(n) shifted adds (or products).
   */
  scan(op: ScanOp, x: Tensor, axis: number): Tensor;

  // ── per-channel passes over x [N, C, *] (batch normalisation; channels on axis 1) ──
  // Statistics are taken over the m = N·∏* values of each channel, accumulated in float64, and
  // returned as float64 [C] vectors whatever x's dtype (they are C numbers, and the per-channel
  // coefficients derived from them are where rounding would cost the most digits). A backend
  // without float64 (webgpu, for device tensors) returns float32 [C]: ops/helpers.ts's
  // `accumulateDtype(x)` says which, so an op can make its other [C] vectors match.
  /** μ[c] = Σ x / m, then the biased σ²[c] = Σ (x − μ[c])² / m: two passes, never E[x²] − μ². */
  channelMoments(x: Tensor): { readonly mean: Tensor; readonly variance: Tensor };
  /** Σ a and Σ a·(b − centre[c]) per channel, in one pass over a and b (same shape; centre [C]). */
  channelSums(a: Tensor, b: Tensor, centre: Tensor): { readonly sum: Tensor; readonly dot: Tensor };
  /**
   * out = Σ_k x_k · scale_k[c] + shift[c] in one pass, each value computed in float64 and rounded
   * once; every x_k has the same shape and float dtype (the output's), scales and shift are [C]
   * of either float dtype, and a null shift is 0.
   */
  channelAffine(terms: readonly ChannelTerm[], shift: Tensor | null): Tensor;

  // ── a recurrent layer over a whole sequence (ops/lstm-sequence.ts derives the maths) ──
  /**
   * One LSTM layer in one direction over x [T, N, I] from state0 = [h ‖ c] [N, 2H], with W_ih
   * [4H, I], W_hh [4H, H] and biases b_ih, b_hh [4H] (gates i, f, g, o): the states
   * S [T, N, 2H] = [h_t ‖ c_t] in time order, and what `lstmBackward` reads.
   */
  lstmForward(x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse: boolean): LstmForward;
  /** The gradients `need` asks for, from dS [T, N, 2H] (null for the others); dBias serves b_ih and b_hh alike. */
  lstmBackward(saved: LstmSaved, x: Tensor, state0: Tensor, wIh: Tensor, wHh: Tensor, dS: Tensor, reverse: boolean, need: LstmNeed): LstmGradients;
  /**
   * One GRU layer in one direction over x [T, N, I] from h0 [N, H], with W_ih [3H, I], W_hh
   * [3H, H] and biases b_ih, b_hh [3H] (gates r, z, n; ops/gru-sequence.ts): h_t for every
   * step, Y [T, N, H] in time order, and what `gruBackward` reads.
   */
  gruForward(x: Tensor, h0: Tensor, wIh: Tensor, wHh: Tensor, bIh: Tensor, bHh: Tensor, reverse: boolean): GruForward;
  /** The gradients `need` asks for (of x, h0, W_ih, W_hh, b_ih, b_hh), from dY [T, N, H]; null for the others. */
  gruBackward(saved: GruSaved, x: Tensor, wIh: Tensor, wHh: Tensor, dY: Tensor, reverse: boolean, need: GruNeed): GruGradients;

  // ── a Transformer's elementwise passes (ops/unary.ts, ops/attention.ts, ops/layer-norm.ts) ──
  /**
   * y = gelu(x) and its derivative y′ = Φ(x) + x·φ(x) (the tanh form's for 'tanh'; ops/unary.ts
   * derives both) in one pass: the op saves y′, and its backward is dY ⊙ y′.
   */
  geluWithDerivative(x: Tensor, approximate: 'none' | 'tanh'): { readonly y: Tensor; readonly dydx: Tensor };
  /**
   * The softmax along the last axis over the entries `keep` marks (int32 0/1 broadcasting to x;
   * null keeps all): 0 at the others, and 0 across a row that keeps none or whose kept entries
   * are all −∞ (ops/masked-softmax.ts's guarded softmax), in one kernel.
   */
  softmaxLastAxis(x: Tensor, keep: Tensor | null): Tensor;
  /** dX = P ⊙ (dP − Σ_j dP_j P_j) along the last axis (softmax's backward), p and dP of one shape and dtype. */
  softmaxBackward(p: Tensor, dP: Tensor): Tensor;
  /**
   * Layer normalisation over the last `k` axes of x (ops/layer-norm.ts), each row of those axes on
   * its own: x̂ = (x − μ)/√(σ² + ε), y = γ ⊙ x̂ + β (γ, β of the last k axes' shape, or null), and
   * s = 1/√(σ² + ε) in the keep-dim shape (the last k axes of size 1).
   */
  layerNorm(x: Tensor, k: number, weight: Tensor | null, bias: Tensor | null, eps: number): { readonly y: Tensor; readonly xHat: Tensor; readonly invStd: Tensor };
  /**
   * Its backward from dY, x̂ and s: dX = s·(g − mean(g) − x̂·mean(g ⊙ x̂)) with g = dY ⊙ γ, and
   * dγ = Σ_rows dY ⊙ x̂, dβ = Σ_rows dY in the last k axes' shape.
   */
  layerNormBackward(dY: Tensor, xHat: Tensor, invStd: Tensor, weight: Tensor | null, k: number): { readonly dX: Tensor; readonly dWeight: Tensor; readonly dBias: Tensor };

  // ── optimizer steps (src/optim: sgd.ts, adam.ts, rmsprop.ts and adagrad.ts derive them): new tensors, inputs untouched,
  //    unless the options say `inPlace` (InPlaceStep) ──
  /** One SGD step for one parameter θ with gradient g and momentum buffer b (null at the first step): θ' and b'. */
  sgdStep(param: Tensor, grad: Tensor, momentumBuffer: Tensor | null, options: SgdStepOptions): { readonly param: Tensor; readonly momentumBuffer: Tensor | null };
  /** One Adam/AdamW step for θ with gradient g and moments m, v (and v̂max with amsgrad): θ', m', v', v̂max'. */
  adamStep(param: Tensor, grad: Tensor, expAvg: Tensor, expAvgSq: Tensor, maxExpAvgSq: Tensor | null, options: AdamStepOptions): AdamStepResult;
  /**
   * One RMSprop step for θ with gradient g and running mean of g² s (and, when not null, the mean
   * gradient ḡ of the centred form and the momentum buffer b): θ', s', ḡ', b'.
   */
  rmspropStep(param: Tensor, grad: Tensor, squareAvg: Tensor, gradAvg: Tensor | null, momentumBuffer: Tensor | null, options: RmspropStepOptions): RmspropStepResult;
  /** One Adagrad step for θ with gradient g and the running sum of g² s: θ' and s'. */
  adagradStep(param: Tensor, grad: Tensor, sum: Tensor, options: AdagradStepOptions): { readonly param: Tensor; readonly sum: Tensor };
}

/**
 * `inPlace`: the caller (optimizer.ts) owns θ's and the state's storage, which nothing else shares,
 * holds or has saved, so a host backend may write θ' and the new state into it, return those same
 * tensors and leave the caller to record the writes (their versions). A backend that does not
 * (webgpu, the fallbacks) returns fresh tensors, as without the flag. The gradient is never written.
 */
export interface InPlaceStep {
  readonly inPlace?: boolean;
}

/** sgdStep's hyper-parameters (PyTorch's names; sgd.ts). */
export interface SgdStepOptions extends InPlaceStep {
  readonly lr: number;
  readonly momentum: number;
  readonly dampening: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  readonly maximize: boolean;
}

/** adamStep's numbers for this step, with the bias corrections already folded in (adam.ts). */
export interface AdamStepOptions extends InPlaceStep {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** η / (1 − β₁ᵗ) */
  readonly stepSize: number;
  /** √(1 − β₂ᵗ) */
  readonly sqrtBias2: number;
  /** 1 − ηλ for AdamW's decoupled decay, else 1. */
  readonly shrink: number;
  /** λ for Adam's L2 decay (added to the gradient), else 0. */
  readonly l2: number;
  readonly maximize: boolean;
}

export interface AdamStepResult {
  readonly param: Tensor;
  readonly expAvg: Tensor;
  readonly expAvgSq: Tensor;
  readonly maxExpAvgSq: Tensor | null;
}

/** rmspropStep's hyper-parameters (PyTorch's names; rmsprop.ts). Centring and momentum follow from which buffers are given. */
export interface RmspropStepOptions extends InPlaceStep {
  readonly lr: number;
  readonly alpha: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly momentum: number;
  readonly maximize: boolean;
}

/** adagradStep's numbers for this step (adagrad.ts). */
export interface AdagradStepOptions extends InPlaceStep {
  /** This step's learning rate η / (1 + (t − 1)·lrDecay). */
  readonly clr: number;
  readonly weightDecay: number;
  readonly eps: number;
  readonly maximize: boolean;
}

export interface RmspropStepResult {
  readonly param: Tensor;
  readonly squareAvg: Tensor;
  readonly gradAvg: Tensor | null;
  readonly momentumBuffer: Tensor | null;
}

/** What ops call: the core kernels and every fused one (a backend's own, or its fallback). */
export type Kernels = CoreKernels & FusedKernels;

/** What a backend provides: the core kernels and any of the fused ones. */
export type BackendKernels = CoreKernels & Partial<FusedKernels>;

/**
 * What a GRU forward keeps for its backward: opaque to ops, which only hand it back. The backend
 * that made it reads its own layout; any other backend reads `activations()`.
 */
export interface GruSaved {
  /** The saved activations in the canonical layout. */
  activations(): GruActivations;
}

/** A GRU's saved activations, time-major over every batch row: gates [T, N, 3H] (r, z, n), ṽ [T, N, H], and the h each step read [T, N, H]. */
export interface GruActivations {
  readonly gates: Tensor;
  readonly vN: Tensor;
  readonly hPrev: Tensor;
}

export interface GruForward {
  readonly out: Tensor;
  readonly saved: GruSaved;
}

export type GruNeed = readonly [x: boolean, h0: boolean, wIh: boolean, wHh: boolean, bIh: boolean, bHh: boolean];

export interface GruGradients {
  readonly dX: Tensor | null;
  readonly dH0: Tensor | null;
  readonly dWIh: Tensor | null;
  readonly dWHh: Tensor | null;
  readonly dBIh: Tensor | null;
  readonly dBHh: Tensor | null;
}

/**
 * What an LSTM forward keeps for its backward: opaque to ops, which only hand it back. The
 * backend that made it reads its own layout (the wasm backend keeps one block of batch rows per
 * thread); any other backend reads `activations()`.
 */
export interface LstmSaved {
  /** The saved activations in the canonical layout. */
  activations(): LstmActivations;
}

/**
 * An LSTM's saved activations, time-major over every batch row: the gates [T, N, 4H] (i, f, g, o,
 * after their nonlinearities), τ = tanh(c_t) [T, N, H], the h each step read [T, N, H], and the
 * states S [T, N, 2H].
 */
export interface LstmActivations {
  readonly gates: Tensor;
  readonly tanhC: Tensor;
  readonly hPrev: Tensor;
  readonly s: Tensor;
}

export interface LstmForward {
  readonly out: Tensor;
  readonly saved: LstmSaved;
}

/** Which gradients to compute: of x, state0, W_ih, W_hh, and the biases. */
export type LstmNeed = readonly [x: boolean, state0: boolean, wIh: boolean, wHh: boolean, bias: boolean];

export interface LstmGradients {
  readonly dX: Tensor | null;
  readonly dState0: Tensor | null;
  readonly dWIh: Tensor | null;
  readonly dWHh: Tensor | null;
  readonly dBias: Tensor | null;
}

/** One term x · scale[c] of `channelAffine`: x [N, C, *] and a per-channel scale [C]. */
export type ChannelTerm = readonly [x: Tensor, scale: Tensor];
