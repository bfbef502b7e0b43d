/**
 * graph-builder — the ONNX graph as the converters build it, one traced op at a time.
 *
 * Every Sapling tensor the ONNX graph needs gets a *value*: a name, and the axis that carries the
 * batch (or null). Graph inputs are values from the start; a converter defines the value of its
 * op's output (`define`), usually after adding ONNX nodes (`op`, `ops`). A tensor that does not
 * depend on any input — a parameter, a buffer, a lifted scalar, or a whole sub-graph of
 * parameter-only ops such as Linear's transposed weight — becomes an initializer the first time a
 * converter asks for it (`value`): its current values are the constant. Parameters and buffers keep
 * their state-dict names, so `fc.weight` in Sapling is `fc.weight` in the .onnx file.
 *
 * The batch axis is what makes a dynamic batch possible: the input's axis 0 is the symbol `batch`,
 * and each converter says where that axis went (a Permute moves it, a Reshape may merge it), so
 * shape arguments can write −1 or copy the size there instead of the traced batch size.
 */
import { fmt } from '../../autograd/shape.js';
import type { Tensor } from '../../autograd/tensor.js';
import type { OnnxAttribute, OnnxDType, OnnxNode, OnnxTensor } from './onnx-proto.js';

/** One recorded op of the traced forward pass: the graph Node's name, inputs and attrs, and its output. */
export interface TracedNode {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly attrs: unknown;
  readonly output: Tensor;
}

/** An export failure that names the op (and the shapes) that caused it. */
export class OnnxExportError extends Error {
  readonly op: string;
  constructor(message: string, op: string) {
    super(message);
    this.name = 'OnnxExportError';
    this.op = op;
  }
}

interface Value {
  readonly name: string;
  readonly batchAxis: number | null;
}

/** Attributes as the converters write them: numbers become ints or floats by the key's kind. */
export type AttributeMap = Readonly<Record<string, OnnxAttribute>>;

export const int = (value: number): OnnxAttribute => ({ kind: 'int', value });
export const float = (value: number): OnnxAttribute => ({ kind: 'float', value });
export const ints = (value: readonly number[]): OnnxAttribute => ({ kind: 'ints', value });
export const str = (value: string): OnnxAttribute => ({ kind: 'string', value });

export interface GraphBuilderSetup {
  readonly opset: number;
  readonly dynamicBatch: boolean;
  /** State-dict names of the model's parameters and buffers. */
  readonly names: ReadonlyMap<Tensor, string>;
  /** Whether a tensor depends on a graph input (false: it is a constant). */
  readonly dependsOnInput: (t: Tensor) => boolean;
  /** The traced ops that read each tensor. */
  readonly consumers: ReadonlyMap<Tensor, readonly TracedNode[]>;
  /** The model's outputs (a converter must not fold away a node whose output is one). */
  readonly outputs: readonly Tensor[];
  /** The same op in the second trace, at another batch size (null when there is none). */
  readonly twin: (node: TracedNode) => TracedNode | null;
}

/**
 * Builds an ONNX graph while an exporter walks the traced ops: names tensors, stores initialisers and emits nodes, for the converters.
 */
export class OnnxGraphBuilder {
  readonly opset: number;
  readonly dynamicBatch: boolean;
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  /** Every constant tensor turned into an initializer, in order (the export checks them against a second trace). */
  readonly constantsUsed: { readonly tensor: Tensor; readonly by: string }[] = [];
  readonly #setup: GraphBuilderSetup;
  readonly #values = new Map<Tensor, Value>();
  readonly #taken = new Set<string>();
  readonly #byName = new Map<string, Tensor>();
  readonly #absorbed = new Set<Tensor>();
  /** The op being converted, for error messages and the constants' provenance. */
  current = '';

  constructor(setup: GraphBuilderSetup) {
    this.#setup = setup;
    this.opset = setup.opset;
    this.dynamicBatch = setup.dynamicBatch;
    for (const [t, name] of setup.names) this.#byName.set(name, t);
  }

  /** A fresh value name from `hint` (the hint itself when free). */
  fresh(hint: string): string {
    const base = hint.replace(/[^A-Za-z0-9_.:/-]/g, '_') || 'v';
    let name = base;
    for (let k = 1; this.#taken.has(name); k++) name = `${base}_${k}`;
    this.#taken.add(name);
    return name;
  }

  /** Keeps `name` from being given to any value (the graph's output names). */
  reserve(name: string): void {
    if (this.#taken.has(name)) throw new RangeError(`exportOnnx: the name '${name}' is used twice`);
    this.#taken.add(name);
  }

  /** Declares a graph input. */
  defineInput(t: Tensor, name: string, batchAxis: number | null): void {
    this.reserve(name);
    this.#values.set(t, { name, batchAxis });
  }

  /** Sets the ONNX value of a traced tensor (a converter's output, or a later op's it absorbed). */
  define(t: Tensor, name: string, batchAxis: number | null): void {
    if (this.#values.has(t)) throw new OnnxExportError(`exportOnnx: ${this.current} defined a value twice`, this.current);
    this.#values.set(t, { name, batchAxis });
  }

  /** Marks an op's output as folded into a later node (MatMul into Gemm with its bias): it has no value of its own. */
  absorb(t: Tensor): void {
    this.#absorbed.add(t);
  }

  isDefined(t: Tensor): boolean {
    return this.#values.has(t) || this.#absorbed.has(t);
  }

  /** True when `t` does not depend on any graph input: its current values are what the graph uses. */
  isConstant(t: Tensor): boolean {
    return !this.#setup.dependsOnInput(t);
  }

  /** The state-dict name of a parameter or buffer, if `t` is one. */
  nameOf(t: Tensor): string | undefined {
    return this.#setup.names.get(t);
  }

  /** The parameter or buffer with this state-dict name, if the model has one. */
  named(name: string): Tensor | undefined {
    return this.#byName.get(name);
  }

  /**
   * The same op in a second trace of the model at another batch size (and other input values), or
   * null without a dynamic batch: a size in its attrs that differs from this op's follows the batch.
   */
  twin(node: TracedNode): TracedNode | null {
    return this.#setup.twin(node);
  }

  consumers(t: Tensor): readonly TracedNode[] {
    return this.#setup.consumers.get(t) ?? [];
  }

  isOutput(t: Tensor): boolean {
    return this.#setup.outputs.includes(t);
  }

  /** The ONNX name of `t`; a constant becomes an initializer on first use. */
  value(t: Tensor): string {
    const known = this.#values.get(t);
    if (known) return known.name;
    if (!this.isConstant(t) || this.#absorbed.has(t)) {
      throw new OnnxExportError(`exportOnnx: internal error: ${this.current} reads a tensor ${fmt(t.shape)} that no converter defined`, this.current);
    }
    const name = this.constant(t, this.nameOf(t) ?? `${this.current}_const`);
    this.#values.set(t, { name, batchAxis: null });
    this.constantsUsed.push({ tensor: t, by: this.current });
    return name;
  }

  /** Which axis of `t` is the batch axis (null for constants, or without a dynamic batch). */
  batchAxis(t: Tensor): number | null {
    return this.#values.get(t)?.batchAxis ?? null;
  }

  /** Adds a tensor's current values as an initializer; returns its name. */
  constant(t: Tensor, hint: string): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dtype: t.dtype, dims: [...t.shape], data: t.storage });
    return name;
  }

  /** Adds raw values as an initializer (int64 values for shape arguments). */
  literal(hint: string, dtype: OnnxDType, dims: readonly number[], data: OnnxTensor['data']): string {
    const name = this.fresh(hint);
    this.initializers.push({ name, dtype, dims, data });
    return name;
  }

  /** A 1-D int64 initializer (axes, shapes, pads, slice bounds). */
  int64s(hint: string, values: readonly number[]): string {
    return this.literal(hint, 'int64', [values.length], values);
  }

  /** A 0-d initializer of `like`'s float dtype. */
  scalar(hint: string, value: number, like: Tensor): string {
    const data = like.dtype === 'float64' ? Float64Array.of(value) : Float32Array.of(value);
    return this.literal(hint, like.dtype === 'float64' ? 'float64' : 'float32', [], data);
  }

  /** Adds one ONNX node with `outputs` results; returns their names. */
  ops(opType: string, inputs: readonly string[], attributes: AttributeMap = {}, outputs = 1, hint = opType): string[] {
    const names = Array.from({ length: outputs }, (_, i) => this.fresh(outputs === 1 ? hint : `${hint}_${i}`));
    this.nodes.push({ opType, name: this.fresh(`${hint}_node`), inputs, outputs: names, attributes });
    return names;
  }

  /** Adds one single-output ONNX node; returns its output's name. */
  op(opType: string, inputs: readonly string[], attributes: AttributeMap = {}, hint = opType): string {
    return this.ops(opType, inputs, attributes, 1, hint)[0]!;
  }

  /** An error for the op being converted. */
  fail(message: string): OnnxExportError {
    return new OnnxExportError(`exportOnnx: ${this.current}: ${message}`, this.current);
  }
}
