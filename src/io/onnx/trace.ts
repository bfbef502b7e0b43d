/**
 * trace — runs a model's forward pass once in eval mode and records its ops, inputs first.
 *
 * `observeOps` (autograd/function.ts) reports every outermost op the forward pass applies — with
 * or without a gradient, so integer ops on token ids and masks and the comparisons count too —
 * with its name, input tensors, attrs and output. Some ops take a tensor in their attrs (the
 * embedding's indices, the attention's keep mask): those count as inputs here ("reads"). A tensor
 * *depends on the input* if a chain of recorded ops leads to it from an example input; the ops
 * with such an output that the outputs need are the graph, in the order they ran (each after the
 * ops that made what it reads). Everything else the graph reads — parameters, buffers, lifted
 * scalars, results of parameter-only ops — is a constant with its current value. The forward pass
 * runs under noGrad (no autograd graph is kept); the training flags are restored afterwards.
 */
import { noGrad, observeOps } from '../../autograd/function.js';
import { Tensor } from '../../autograd/tensor.js';
import type { AnyModule } from '../../layers/module.js';
import { OnnxExportError, type TracedNode } from './graph-builder.js';

export interface Trace {
  /** The tensors the forward pass was run on, one per example input. */
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  /** The recorded ops that depend on an input and lead to an output, in the order they ran. */
  readonly steps: readonly TracedNode[];
  readonly dependsOnInput: (t: Tensor) => boolean;
  /** For each tensor, the steps that read it. */
  readonly consumers: ReadonlyMap<Tensor, readonly TracedNode[]>;
  /** The recorded op that made each tensor (constant ones too, such as Linear's transposed weight). */
  readonly producers: ReadonlyMap<Tensor, TracedNode>;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array with non-Tensor items';
  return typeof value === 'object' ? `an object (${(value as object).constructor?.name ?? 'Object'})` : typeof value;
}

/** The outputs of forward as a list: a Tensor, or an array of Tensors. */
function outputsOf(result: unknown): Tensor[] {
  if (result instanceof Tensor) return [result];
  if (Array.isArray(result) && result.length > 0 && result.every((t) => t instanceof Tensor)) return result as Tensor[];
  throw new OnnxExportError(`exportOnnx: model.forward returned ${describe(result)}; it must return a Tensor or an array of Tensors (wrap the model in a Module whose forward picks them)`, 'forward');
}

/** The tensors inside an op's attrs (a tensor, or fields and array items one level down), in a fixed order. */
export function attrTensors(attrs: unknown): Tensor[] {
  if (attrs instanceof Tensor) return [attrs];
  if (attrs === null || typeof attrs !== 'object') return [];
  const values = Array.isArray(attrs) ? attrs : Object.values(attrs);
  return values.filter((v): v is Tensor => v instanceof Tensor);
}

/** Runs `model.forward(...inputs)` in eval mode with every op observed, and keeps those between the inputs and the outputs. */
export function traceModel(model: AnyModule, exampleInputs: readonly Tensor[]): Trace {
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  const inputs = exampleInputs.map((x) => x.detach());
  const recorded: TracedNode[] = [];
  const producers = new Map<Tensor, TracedNode>();
  let outputs: Tensor[];
  try {
    const forward = model.forward.bind(model) as unknown as (...args: readonly Tensor[]) => unknown;
    const record = (name: string, opInputs: readonly Tensor[], attrs: unknown, output: Tensor): void => {
      const reads = [...opInputs, ...attrTensors(attrs)];
      if (reads.includes(output) || producers.has(output)) return; // an op that handed back a tensor it was given
      const step: TracedNode = { name, inputs: opInputs, attrs, output, reads };
      recorded.push(step);
      producers.set(output, step);
    };
    outputs = outputsOf(noGrad(() => observeOps(record, () => forward(...inputs))));
  } finally {
    for (const [m, training] of modes) m.training = training;
  }

  const depends = new Set<Tensor>(inputs);
  for (const step of recorded) if (step.reads.some((t) => depends.has(t))) depends.add(step.output);
  outputs.forEach((out, i) => {
    if (!depends.has(out)) {
      throw new OnnxExportError(`exportOnnx: output ${i} [${out.shape}] does not depend on the input: no recorded op leads to it from an input (was it computed from .item() or .toArray() values?)`, 'forward');
    }
  });
  // Keep the dependent steps the outputs need: walk back from the outputs.
  const needed = new Set<Tensor>();
  const stack = [...outputs];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (needed.has(t) || !depends.has(t)) continue;
    needed.add(t);
    const step = producers.get(t);
    if (step) stack.push(...step.reads);
  }
  const steps = recorded.filter((s) => needed.has(s.output));
  const consumers = new Map<Tensor, TracedNode[]>();
  for (const step of steps) {
    for (const t of new Set(step.reads)) {
      const list = consumers.get(t);
      if (list) list.push(step);
      else consumers.set(t, [step]);
    }
  }
  return { inputs, outputs, steps, dependsOnInput: (t) => depends.has(t), consumers, producers };
}
