/**
 * trace — runs a model's forward pass once in eval mode and reads the recorded autograd graph
 * back as a list of ops, inputs first.
 *
 * Every op that `apply()` runs while some input needs a gradient leaves a Node on its output
 * (function.ts) with the op's name, its input tensors and its attrs. We give the example inputs
 * fresh tensors that require a gradient (float inputs; an int32 input, such as token ids, is
 * reached through the op that reads it with a parameter), run forward under `enableGrad`, then
 * walk back from the outputs. A tensor *depends on the input* if a path of recorded ops leads to
 * it from an example input; the ops with such an output are the graph (in post-order, so each op
 * comes after the ops that made its inputs). Everything else the graph reads — parameters,
 * buffers, lifted scalars, results of parameter-only ops — is a constant with its current value.
 * The model's training flags are restored afterwards; eval mode changes no state.
 */
import { enableGrad } from '../../autograd/function.js';
import { isFloat } from '../../autograd/dtype.js';
import { Tensor } from '../../autograd/tensor.js';
import type { AnyModule } from '../../layers/module.js';
import { OnnxExportError, type TracedNode } from './graph-builder.js';

export interface Trace {
  /** The fresh tensors the forward pass was run on, one per example input. */
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  /** The recorded ops that depend on an input, each after those that made its inputs. */
  readonly steps: readonly TracedNode[];
  readonly dependsOnInput: (t: Tensor) => boolean;
  /** For each tensor, the steps that read it. */
  readonly consumers: ReadonlyMap<Tensor, readonly TracedNode[]>;
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

/** Runs `model.forward(...inputs)` in eval mode with the graph recorded, and reads the graph back. */
export function traceModel(model: AnyModule, exampleInputs: readonly Tensor[]): Trace {
  const modes = model.modules().map((m) => [m, m.training] as const);
  model.eval();
  let inputs: Tensor[];
  let outputs: Tensor[];
  try {
    inputs = exampleInputs.map((x) => {
      const t = x.detach();
      return isFloat(t.dtype) ? t.requiresGrad_() : t;
    });
    const forward = model.forward.bind(model) as unknown as (...args: readonly Tensor[]) => unknown;
    outputs = outputsOf(enableGrad(() => forward(...inputs)));
  } finally {
    for (const [m, training] of modes) m.training = training;
  }

  const isInput = new Set(inputs);
  const depends = new Map<Tensor, boolean>();
  const steps: TracedNode[] = [];
  for (const out of outputs) {
    const stack: [Tensor, boolean][] = [[out, false]];
    while (stack.length > 0) {
      const [t, expanded] = stack.pop()!;
      if (depends.has(t)) continue;
      const node = t.creator;
      if (isInput.has(t) || node === null) {
        depends.set(t, isInput.has(t));
      } else if (!expanded) {
        stack.push([t, true]);
        for (const input of node.inputs) if (!depends.has(input)) stack.push([input, false]);
      } else {
        const d = node.inputs.some((input) => depends.get(input) === true);
        depends.set(t, d);
        if (d) steps.push({ name: node.name, inputs: node.inputs, attrs: node.attrs, output: t });
      }
    }
  }
  outputs.forEach((out, i) => {
    if (!depends.get(out)) {
      throw new OnnxExportError(`exportOnnx: output ${i} [${out.shape}] does not depend on the input: no recorded op leads to it (was it computed under noGrad, or from .dataSync() values?)`, 'forward');
    }
  });
  const consumers = new Map<Tensor, TracedNode[]>();
  for (const step of steps) {
    for (const t of new Set(step.inputs)) {
      const list = consumers.get(t);
      if (list) list.push(step);
      else consumers.set(t, [step]);
    }
  }
  return { inputs, outputs, steps, dependsOnInput: (t) => depends.get(t) === true, consumers };
}
