/**
 * function — the contract every differentiable op fulfils, and `apply()`, the ONE place where
 * graph nodes are made.
 *
 * An op is a pair of functions (PyTorch's `autograd.Function`):
 *   forward(ctx, inputs, attrs)  → output        computes values with kernels, saves what backward needs
 *   backward(ctx, dOut, attrs)   → one gradient per input (null where an input needs none)
 * `apply` runs forward with recording switched off, then — if any input requires a gradient and
 * recording is on — attaches a `Node` to the output that remembers the inputs and how to call
 * backward. The engine (engine.ts) later walks these nodes in reverse topological order.
 * `observeOps` shows an exporter every op applied, graph node or not (src/io/onnx/trace.ts).
 *
 * Users define their own ops the same way: write an `OpDef` and call `apply`, or wrap it once
 * with `defineOp` (see the example on `defineOp`).
 */
import { kernels } from './backends/index.js';
import { fmt } from './shape.js';
import { lastWriterOf } from './storage.js';
import { type Tensor } from './tensor.js';
import { storageObject } from './tensor-storage.js';

/** One gradient per input, or null where the input is not differentiable. */
export type GradsOf<Inputs extends readonly Tensor[]> = { readonly [K in keyof Inputs]: Tensor | null };

/**
 * A differentiable op, PyTorch's `autograd.Function`: a name, a forward that computes the output from the inputs, and a hand-written backward that returns one gradient per input (see `defineOp`).
 */
export interface OpDef<Inputs extends readonly Tensor[], Attrs = undefined> {
  /** Also the name used in error messages, anomaly reports and benchmark tables. */
  readonly name: string;
  forward(ctx: Context, inputs: Inputs, attrs: Attrs): Tensor;
  backward(ctx: Context, dOut: Tensor, attrs: Attrs): GradsOf<Inputs>;
}

/** What forward leaves for backward: saved tensors and which inputs need a gradient. */
export class Context {
  /** Tensors forward saved for backward (inputs or the output). Emptied when the graph is released. */
  saved: readonly Tensor[] = [];
  /** needsInputGrad[i] is true when input i requires a gradient; backward may skip the others. */
  readonly needsInputGrad: readonly boolean[];
  /**
   * What a fused kernel kept for its backward, for ops that call one (an opaque handle such as
   * LstmSaved, read only by the backend). Released with the graph, as `saved` is.
   */
  handle: unknown = null;

  constructor(needsInputGrad: readonly boolean[]) {
    this.needsInputGrad = needsInputGrad;
  }

  save(...tensors: Tensor[]): void {
    this.saved = tensors;
  }
}

/** A recorded application of an op: the edge list of the graph. */
export interface Node {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  /** The op's non-tensor arguments (its `Attrs`), as given to forward: read by graph exporters (src/io/onnx). */
  readonly attrs: unknown;
  /** Calls the op's backward with its context and attrs. */
  readonly backward: (dOut: Tensor) => readonly (Tensor | null)[];
  released: boolean;
  release(): void;
}

/** The error detectAnomaly throws; `op` names the op whose forward or backward went non-finite. */
export class AnomalyError extends Error {
  readonly op: string;
  constructor(message: string, op: string) {
    super(message);
    this.name = 'AnomalyError';
    this.op = op;
  }
}

let gradEnabled = true;
let anomalyMode = false;

/**
 * Whether ops record the graph now (false inside `noGrad`).
 * @example noGrad(() => isGradEnabled())  // false
 */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

function withGrad<T>(enabled: boolean, fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Runs `fn` without recording a graph: tensors made inside have no creator.
 * @example noGrad(() => x.mul(2)).requiresGrad  // false
 */
export const noGrad = <T>(fn: () => T): T => withGrad(false, fn);

/** Runs `fn` with recording on, even inside `noGrad`. */
export const enableGrad = <T>(fn: () => T): T => withGrad(true, fn);

/**
 * Switches anomaly detection on or off: when on, the first forward or backward that produces a
 * NaN or ±Inf throws an error naming the op. It costs one scan of every tensor, so it is off by default.
 */
export function detectAnomaly(enabled: boolean): void {
  anomalyMode = enabled;
}

export function isAnomalyEnabled(): boolean {
  return anomalyMode;
}

/**
 * Refuses a backward whose saved tensors were written in place after forward saved them (their
 * version moved: storage.ts), as PyTorch does: the gradient would be computed from the new values
 * and be silently wrong. The message names the op that saved the tensor and the write.
 */
function checkSaved(name: string, saved: readonly Tensor[], versions: readonly number[]): void {
  saved.forEach((t, i) => {
    if (t.version === versions[i]) return;
    const by = lastWriterOf(storageObject(t)) ?? 'an in-place write';
    throw new Error(
      `backward: ${name} saved a ${t.dtype} tensor of shape ${fmt(t.shape)} for its backward, and ${by} modified it in place afterwards ` +
      `(version ${versions[i]} → ${t.version}), so its gradient would be wrong; write into a clone() instead, or after backward()`,
    );
  });
}

/** Told about one op application: its name, input tensors, attrs and output (see `observeOps`). */
export type OpObserver = (name: string, inputs: readonly Tensor[], attrs: unknown, output: Tensor) => void;

let observer: OpObserver | null = null;
let opDepth = 0; // > 0 while an op's forward runs: the ops it calls are its implementation

/**
 * Runs `fn` and tells `observe` about every op applied in it, whether or not it records a graph
 * node (integer and `noGrad` ops too) — the outermost ops only, not those an op's forward calls.
 * This is how an exporter traces a forward pass (src/io/onnx/trace.ts), as torch.jit.trace does.
 * @example const names: string[] = []; observeOps((name) => names.push(name), () => x.mul(2).exp()); names  // ['Mul', 'Exp']
 */
export function observeOps<T>(observe: OpObserver, fn: () => T): T {
  const previous = [observer, opDepth] as const;
  [observer, opDepth] = [observe, 0];
  try {
    return fn();
  } finally {
    [observer, opDepth] = previous;
  }
}

/** Tells the observer (if any) about an op computed without `apply`, such as a comparison. */
export function reportOp(name: string, inputs: readonly Tensor[], attrs: unknown, output: Tensor): void {
  if (observer !== null && opDepth === 0) observer(name, inputs, attrs, output);
}

/** Applies `op` to `inputs`, recording a graph node when a gradient will be needed. */
export function apply<Inputs extends readonly Tensor[], Attrs>(op: OpDef<Inputs, Attrs>, inputs: Inputs, attrs: Attrs): Tensor {
  const recording = gradEnabled;
  const needsInputGrad = inputs.map((t) => recording && t.requiresGrad);
  const ctx = new Context(needsInputGrad);
  opDepth++;
  let out: Tensor;
  try {
    out = withGrad(false, () => op.forward(ctx, inputs, attrs));
  } finally {
    opDepth--;
  }
  if (anomalyMode && !kernels().allFinite(out)) {
    throw new AnomalyError(`detectAnomaly: ${op.name} forward produced NaN or Inf (output shape [${out.shape.join(',')}])`, op.name);
  }
  if (!needsInputGrad.some(Boolean)) {
    reportOp(op.name, inputs, attrs, out);
    return out;
  }
  // The output must be a fresh tensor to carry a creator; an op that returned an input (or an
  // already-recorded tensor) gets a new tensor over the same storage.
  if (out.requiresGrad || inputs.includes(out)) out = out.alias();
  out.requiresGrad = true;
  out.creator = new RecordedNode(op, inputs, attrs, ctx, ctx.saved.map((t) => t.version));
  reportOp(op.name, inputs, attrs, out);
  return out;
}

/**
 * The node `apply` records. A class rather than an object literal with closures: every op of a
 * recorded graph makes one, and the literal's two closures were a measurable part of a small
 * op's cost (benchmarks/dispatch.bench.ts).
 */
class RecordedNode<Inputs extends readonly Tensor[], Attrs> implements Node {
  readonly name: string;
  readonly inputs: Inputs;
  readonly attrs: Attrs;
  released = false;
  readonly #op: OpDef<Inputs, Attrs>;
  readonly #ctx: Context;
  /** The saved tensors' versions when forward saved them. */
  readonly #versions: readonly number[];

  constructor(op: OpDef<Inputs, Attrs>, inputs: Inputs, attrs: Attrs, ctx: Context, versions: readonly number[]) {
    this.name = op.name;
    this.inputs = inputs;
    this.attrs = attrs;
    this.#op = op;
    this.#ctx = ctx;
    this.#versions = versions;
  }

  backward(dOut: Tensor): readonly (Tensor | null)[] {
    checkSaved(this.name, this.#ctx.saved, this.#versions);
    return this.#op.backward(this.#ctx, dOut, this.attrs) as readonly (Tensor | null)[];
  }

  release(): void {
    this.#ctx.saved = [];
    this.#ctx.handle = null;
    this.released = true;
  }
}

/**
 * Wraps an op definition into a plain function, PyTorch's `Function.apply` in one line.
 *
 * @example
 * // cube(x) = x³ with a hand-written backward dX = 3x² · dOut
 * const cube = defineOp<[Tensor]>({
 *   name: 'Cube',
 *   forward(ctx, [x]) { ctx.save(x); return x.mul(x).mul(x); },
 *   backward(ctx, dOut) { const [x] = ctx.saved as [Tensor]; return [dOut.mul(x.mul(x)).mul(3)]; },
 * });
 * cube(tensor([2])).item()  // 8
 */
export function defineOp<Inputs extends readonly Tensor[]>(op: OpDef<Inputs, undefined>): (...inputs: Inputs) => Tensor {
  return (...inputs: Inputs) => apply(op, inputs, undefined);
}
