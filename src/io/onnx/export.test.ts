/**
 * exportOnnx, op by op: each layer family the examples use is exported, run with ONNX Runtime
 * (onnxruntime-node, CPU) at the traced batch size and another one (dynamic batch), and compared
 * with Sapling's own eval-mode forward at float32 tolerance. Then the refusals: each names the
 * op or the problem.
 */
import { describe, expect, test } from 'vitest';
import { zeros } from '../../autograd/creation.js';
import { defineOp, noGrad } from '../../autograd/function.js';
import { mean } from '../../autograd/ops/reduce.js';
import { logSoftmax } from '../../autograd/ops/softmax.js';
import { manualSeed, seededRandom } from '../../autograd/random.js';
import type { Tensor } from '../../autograd/tensor.js';
import { randn } from '../../autograd/creation.js';
import { Elu, Gelu, Hardsigmoid, Hardswish, LeakyRelu, Mish, Relu, Sigmoid, Silu, Softmax, Softplus, Tanh } from '../../layers/activations.js';
import { BatchNorm1d, BatchNorm2d } from '../../layers/batch-norm.js';
import { Sequential } from '../../layers/containers.js';
import { Conv2d } from '../../layers/conv2d.js';
import { Dropout } from '../../layers/dropout.js';
import { Gru } from '../../layers/gru.js';
import { LayerNorm } from '../../layers/layer-norm.js';
import { Linear } from '../../layers/linear.js';
import { Lstm } from '../../layers/lstm.js';
import { Module } from '../../layers/module.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../../layers/pooling.js';
import { Flatten } from '../../layers/shape.js';
import { OnnxExportError } from './graph-builder.js';
import { exportOnnxBytes, toOnnxModel } from './export.js';
import { registerOnnxConverter } from './registry.js';
import { expectOnnxParity, saplingOutputs } from './test-utils.js';
import { runOnnx } from './run-onnx.js';
import { expectClose } from '../../autograd/test-utils.js';

/** Runs BN layers in training mode on random batches, so their running statistics are not the defaults. */
function warmBatchNorm(model: Module, shape: readonly number[]): void {
  model.train();
  noGrad(() => {
    for (let i = 0; i < 3; i++) model.forward(randn([...shape]));
  });
  model.eval();
}

const image = (c: number, h: number, w = h) => (n: number) => [[n, c, h, w]];

describe('exportOnnx: layers and ops against ONNX Runtime, batch 1 and 7', () => {
  test('Conv2d with stride, padding, groups and dilation; padding "same" with an even kernel; depthwise', async () => {
    manualSeed(1);
    const model = new Sequential(
      new Conv2d(4, 8, 3, { stride: 2, padding: 2, groups: 2, dilation: 2 }),
      new Conv2d(8, 8, 4, { padding: 'same', bias: false }),
      new Conv2d(8, 8, 3, { groups: 8, padding: [1, 0], stride: [1, 2] }),
    );
    await expectOnnxParity(model, { shapes: image(4, 11, 9) });
  });

  test('BatchNorm2d and BatchNorm1d in eval mode (running statistics; affine and not), Dropout in eval', async () => {
    manualSeed(2);
    const model2d = new Sequential(new Conv2d(3, 6, 3), new BatchNorm2d(6), new Relu(), new BatchNorm2d(6, { affine: false }), new Dropout(0.5));
    warmBatchNorm(model2d, [8, 3, 7, 7]);
    await expectOnnxParity(model2d, { shapes: image(3, 7) });
    const model1d = new Sequential(new Linear(5, 4), new BatchNorm1d(4), new Tanh());
    warmBatchNorm(model1d, [16, 5]);
    await expectOnnxParity(model1d, { shapes: (n) => [[n, 5]] });
  });

  test('max, average (countIncludePad false) and adaptive pooling; Flatten', async () => {
    manualSeed(3);
    const model = new Sequential(
      new MaxPool2d(3, { stride: 2, padding: 1, dilation: 2 }), // 17 → 8
      new AvgPool2d(3, { stride: 1, padding: 1, countIncludePad: false }), // 8 → 8
      new AdaptiveAvgPool2d(4), // 8 → 4 (divides: AveragePool)
      new Conv2d(2, 3, 1),
      new AdaptiveAvgPool2d(1), // GlobalAveragePool
      new Flatten(),
    );
    await expectOnnxParity(model, { shapes: image(2, 17) });
  });

  test('every activation layer, Softmax and Linear on a 3-D input (MatMul)', async () => {
    manualSeed(4);
    const model = new Sequential(
      new Linear(6, 6), new LeakyRelu(0.2), new Linear(6, 6), new Gelu(), new Linear(6, 6), new Gelu('tanh'),
      new Linear(6, 6), new Sigmoid(), new Linear(6, 6), new Elu(0.7), new Silu(), new Mish(), new Hardswish(),
      new Linear(6, 6), new Hardsigmoid(), new Linear(6, 6), new Softplus(2, 1), new Softplus(), new Softmax(-1),
    );
    await expectOnnxParity(model, { shapes: (n) => [[n, 3, 6]] });
    await expectOnnxParity(model, { shapes: (n) => [[n, 3, 6]], opset: 20, batches: [2] }); // the Gelu op
  });

  test('LayerNorm over the last one and two axes, log-softmax and a mean', async () => {
    manualSeed(5);
    class Head extends Module {
      readonly ln1 = this.child('ln1', new LayerNorm(8));
      readonly ln2 = this.child('ln2', new LayerNorm([3, 8], { elementwiseAffine: false }));
      forward(x: Tensor): Tensor {
        return mean(logSoftmax(this.ln2.forward(this.ln1.forward(x)), -1), 1); // [N, 8]
      }
    }
    const model = new Head();
    noGrad(() => {
      model.ln1.weight!.assign(randn([8]));
      model.ln1.bias!.assign(randn([8]));
    });
    await expectOnnxParity(model, { shapes: (n) => [[n, 3, 8]] });
  });

  test('LSTM as ONNX LSTM: 2 layers, bidirectional, batch first, with the sequence and both final states as outputs', async () => {
    manualSeed(6);
    class Seq extends Module<[Tensor], Tensor[]> {
      readonly lstm = this.child('lstm', new Lstm(3, 5, { numLayers: 2, bidirectional: true, batchFirst: true }));
      forward(x: Tensor): Tensor[] {
        const { output, state } = this.lstm.forward(x);
        return [output, state.h, state.c];
      }
    }
    const bytes = await expectOnnxParity(new Seq(), { shapes: (n) => [[n, 6, 3]] });
    const model = toOnnxModel(new Seq(), randn([1, 6, 3]));
    expect(model.graph.nodes.filter((n) => n.opType === 'LSTM').length).toBe(4);
    expect(bytes.byteLength).toBeGreaterThan(0);
  });

  test('GRU as ONNX GRU: 2 layers, bidirectional, batch first, with the final state; and time-major with a static batch', async () => {
    manualSeed(7);
    class Seq extends Module<[Tensor], Tensor[]> {
      readonly gru: Gru;
      constructor(batchFirst: boolean) {
        super();
        this.gru = this.child('gru', new Gru(4, 3, { numLayers: 2, bidirectional: true, batchFirst }));
      }
      forward(x: Tensor): Tensor[] {
        const { output, h } = this.gru.forward(x);
        return [output, h];
      }
    }
    await expectOnnxParity(new Seq(true), { shapes: (n) => [[n, 5, 4]] });
    // [T, N, I]: a dynamic batch is always axis 0 of the input, which here is time; export it static
    await expectOnnxParity(new Seq(false), { shapes: (n) => [[5, n, 4]], batches: [2], dynamicBatch: false });
  });

  test('float64 models export as DOUBLE', async () => {
    manualSeed(8);
    const model = new Sequential(new Linear(4, 3, { dtype: 'float64' }), new Tanh());
    const m = toOnnxModel(model, randn([1, 4], { dtype: 'float64' }));
    expect(m.graph.inputs[0]!.dtype).toBe('float64');
    expect(m.graph.initializers.every((t) => t.dtype === 'float64')).toBe(true);
    const x = randn([3, 4], { dtype: 'float64' });
    const { logits } = await runOnnx(exportOnnxBytes(model, x), x);
    expectClose(logits, saplingOutputs(model, [x])[0]!, { rtol: 1e-12, atol: 1e-12 });
  });

  test('parameters keep their state-dict names; the input and output carry the symbolic batch', () => {
    manualSeed(9);
    const model = new Sequential(new Conv2d(1, 2, 3), new BatchNorm2d(2), new Flatten(), new Linear(2 * 4 * 4, 3));
    const m = toOnnxModel(model, randn([1, 1, 6, 6]));
    expect(m.graph.initializers.map((t) => t.name)).toEqual(expect.arrayContaining(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '3.weight', '3.bias']));
    expect(m.graph.inputs).toEqual([{ name: 'input', dtype: 'float32', shape: ['batch', 1, 6, 6] }]);
    expect(m.graph.outputs).toEqual([{ name: 'output', dtype: 'float32', shape: ['batch', 3] }]);
    expect(m.graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'BatchNormalization', 'Reshape', 'Gemm', 'Identity']);
    const fixed = toOnnxModel(model, randn([2, 1, 6, 6]), { dynamicBatch: false, opset: 13 });
    expect(fixed.graph.inputs[0]!.shape).toEqual([2, 1, 6, 6]);
    expect([fixed.opset, fixed.irVersion]).toEqual([13, 7]);
  });
});

describe('exportOnnx refuses what it cannot export, naming it', () => {
  const cube = defineOp<[Tensor]>({
    name: 'CubeForExport',
    forward(ctx, [x]) {
      ctx.save(x);
      return x.mul(x).mul(x);
    },
    backward(ctx, dOut) {
      const [x] = ctx.saved as [Tensor];
      return [dOut.mul(x.mul(x)).mul(3)];
    },
  });
  class Cubed extends Module {
    readonly fc = this.child('fc', new Linear(3, 3));
    forward(x: Tensor): Tensor {
      return cube(this.fc.forward(x));
    }
  }

  test('an op without a converter, until one is registered', async () => {
    manualSeed(10);
    const model = new Cubed();
    expect(() => exportOnnxBytes(model, randn([1, 3]))).toThrow(/op 'CubeForExport' \(inputs \[1,3\] → output \[1,3\]\) has no ONNX export/);
    try {
      exportOnnxBytes(model, randn([1, 3]));
    } catch (e) {
      expect(e).toBeInstanceOf(OnnxExportError);
      expect((e as OnnxExportError).op).toBe('CubeForExport');
    }
    registerOnnxConverter('CubeForExport', (g, node) => {
      const x = g.value(node.inputs[0]!);
      g.define(node.output, g.op('Mul', [g.op('Mul', [x, x]), x]), g.batchAxis(node.inputs[0]!));
    });
    await expectOnnxParity(model, { shapes: (n) => [[n, 3]] });
  });

  test('a forward pass that branches on the batch size', () => {
    class Branchy extends Module {
      forward(x: Tensor): Tensor {
        return x.shape[0] === 1 ? x.relu() : x.tanh();
      }
    }
    expect(() => exportOnnxBytes(new Branchy(), randn([1, 3]))).toThrow(/recorded different ops for another input \(op 0: Relu vs Tanh\)/);
  });

  test('a value computed from the input under noGrad, and a constant sized by the batch', () => {
    class Centred extends Module {
      readonly fc = this.child('fc', new Linear(3, 3));
      forward(x: Tensor): Tensor {
        const m = noGrad(() => mean(x)); // cut from the graph: would be baked in
        return this.fc.forward(x).sub(m);
      }
    }
    expect(() => exportOnnxBytes(new Centred(), randn([2, 3]))).toThrow(/Sub reads a constant float32\[\] that differs for another input/);
    class Offset extends Module {
      readonly fc = this.child('fc', new Linear(3, 3));
      forward(x: Tensor): Tensor {
        return this.fc.forward(x).add(zeros([x.shape[0]!, 3]).add(1));
      }
    }
    expect(() => exportOnnxBytes(new Offset(), randn([1, 3]))).toThrow(/Add reads a constant float32\[1,3\] that differs for another input \(shape \[2,3\] there\)/);
    expect(() => exportOnnxBytes(new Offset(), randn([2, 3]))).toThrow(/a constant \[2,3\] has the traced batch size 2 on the batch axis/);
    expect(exportOnnxBytes(new Offset(), randn([2, 3]), { dynamicBatch: false }).byteLength).toBeGreaterThan(0);
  });

  test('adaptive pooling with uneven bins, LayerNorm before opset 17, BatchNorm without running statistics', () => {
    manualSeed(11);
    expect(() => exportOnnxBytes(new AdaptiveAvgPool2d(3), randn([1, 2, 8, 8]))).toThrow(/AdaptiveAvgPool2d: output 3x3 does not divide the input 8x8/);
    expect(() => exportOnnxBytes(new LayerNorm(4), randn([1, 4]), { opset: 16 })).toThrow(/LayerNorm: ONNX has LayerNormalization from opset 17/);
    expect(() => exportOnnxBytes(new BatchNorm2d(2, { trackRunningStats: false }), randn([2, 2, 3, 3]))).toThrow(/BatchNorm: normalised input \[2,2,3,3\] with its batch statistics/);
  });

  test('bad arguments and outputs that are not tensors', () => {
    expect(() => exportOnnxBytes(new Relu(), randn([1, 3]), { opset: 9 })).toThrow(/opset must be an integer from 13 to 21, got 9/);
    expect(() => exportOnnxBytes(new Relu(), randn([]))).toThrow(/input 0 \[\] has no batch axis/);
    expect(() => exportOnnxBytes(new Lstm(2, 2) as unknown as Module, randn([3, 1, 2]))).toThrow(/model.forward returned an object \(Object\); it must return a Tensor/);
    expect(() => exportOnnxBytes(new Relu(), randn([1, 3]), { outputNames: ['input'] })).toThrow(/the name 'input' is used twice/);
  });

  test('the model keeps its training flags', () => {
    const model = new Sequential(new Linear(2, 2), new Dropout(0.1));
    model.train();
    exportOnnxBytes(model, randn([1, 2], { random: seededRandom(1) }));
    expect(model.modules().every((m) => m.training)).toBe(true);
  });
});
