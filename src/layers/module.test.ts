import { inspect } from 'node:util';
import { describe, expect, test, vi } from 'vitest';
import { ones, randn, tensor, zeros } from '../autograd/creation.js';
import { seededRandom } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';
import { Relu } from './activations.js';
import { BatchNorm2d } from './batch-norm.js';
import { ModuleList, Sequential } from './containers.js';
import { Conv2d } from './conv2d.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { Linear } from './linear.js';
import { Module, Parameter, StateDictError } from './module.js';
import { AdaptiveAvgPool2d, MaxPool2d } from './pooling.js';
import { Flatten } from './shape.js';

const random = seededRandom(0);

/** conv → bn → relu, plus a shortcut: enough nesting to exercise dotted names. */
class Block extends Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;
  constructor(c: number) {
    super();
    this.conv = this.child('conv', new Conv2d(c, c, 3, { padding: 1, bias: false, random }));
    this.bn = this.child('bn', new BatchNorm2d(c));
  }
  forward(x: Tensor): Tensor {
    return this.bn.forward(this.conv.forward(x)).relu().add(x);
  }
}

class Net extends Module {
  readonly stem: Sequential;
  readonly blocks: ModuleList<Block>;
  readonly head: Linear;
  readonly scale: Parameter;
  constructor() {
    super();
    this.scale = this.param('scale', ones([1]));
    this.stem = this.child('stem', new Sequential(new Conv2d(1, 4, 3, { random }), new Relu()));
    this.blocks = this.child('blocks', new ModuleList([new Block(4), new Block(4)]));
    this.head = this.child('head', new Linear(4, 3, { random }));
  }
  forward(x: Tensor): Tensor {
    let y = this.stem.forward(x); //                 [N, 4, H-2, W-2]
    for (const block of this.blocks) y = block.forward(y);
    return this.head.forward(y.mean([2, 3])).mul(this.scale);
  }
}

describe('Parameter', () => {
  test('is a Tensor leaf that requires grad and shares storage with what it wraps', () => {
    const t = zeros([2, 3]);
    const p = new Parameter(t);
    expect(p).toBeInstanceOf(Tensor);
    expect(p.requiresGrad).toBe(true);
    expect(p.isLeaf).toBe(true);
    expect(p.storage).toBe(t.storage);
    expect(new Parameter(t, false).requiresGrad).toBe(false);
    expect(() => new Parameter(zeros([2], { dtype: 'int32' }))).toThrow(/only float32\/float64/);
  });
});

describe('Module: registration and names', () => {
  test('dotted names in PyTorch order (own state, then children in registration order)', () => {
    const net = new Net();
    expect(net.namedParameters().map(([n]) => n)).toEqual([
      'scale', 'stem.0.weight', 'stem.0.bias',
      'blocks.0.conv.weight', 'blocks.0.bn.weight', 'blocks.0.bn.bias',
      'blocks.1.conv.weight', 'blocks.1.bn.weight', 'blocks.1.bn.bias',
      'head.weight', 'head.bias',
    ]);
    expect(net.namedBuffers().map(([n]) => n)).toEqual([
      'blocks.0.bn.running_mean', 'blocks.0.bn.running_var', 'blocks.0.bn.num_batches_tracked',
      'blocks.1.bn.running_mean', 'blocks.1.bn.running_var', 'blocks.1.bn.num_batches_tracked',
    ]);
    // The state dict interleaves each module's parameters and buffers, as torch's state_dict.
    expect(Object.keys(net.stateDict()).slice(3, 9)).toEqual([
      'blocks.0.conv.weight', 'blocks.0.bn.weight', 'blocks.0.bn.bias',
      'blocks.0.bn.running_mean', 'blocks.0.bn.running_var', 'blocks.0.bn.num_batches_tracked',
    ]);
    expect(net.namedChildren().map(([n]) => n)).toEqual(['stem', 'blocks', 'head']);
    expect(net.children()[2]).toBe(net.head);
    expect(net.namedModules().map(([n, m]) => `${n}:${m.constructor.name}`)).toEqual([
      ':Net', 'stem:Sequential', 'stem.0:Conv2d', 'stem.1:Relu', 'blocks:ModuleList',
      'blocks.0:Block', 'blocks.0.conv:Conv2d', 'blocks.0.bn:BatchNorm2d',
      'blocks.1:Block', 'blocks.1.conv:Conv2d', 'blocks.1.bn:BatchNorm2d', 'head:Linear',
    ]);
    expect(net.modules()).toHaveLength(12);
    expect(net.parameters()[0]).toBe(net.scale);
    expect(net.buffers()[0]).toBe(net.blocks.at(0).bn.runningMean);
  });

  test('parameter counts (worked out by hand)', () => {
    const net = new Net();
    // scale 1; stem conv 4·1·3·3 + 4 = 40; each block conv 4·4·9 = 144 + bn 8; head 4·3 + 3 = 15.
    expect(net.numParameters()).toBe(1 + 40 + 2 * (144 + 8) + 15);
    net.scale.requiresGrad_(false);
    expect(net.numParameters({ trainableOnly: true })).toBe(40 + 2 * 152 + 15);
    expect(new Linear(784, 256).numParameters()).toBe(200_960);
    expect(new Embedding(10, 4).numParameters()).toBe(40);
  });

  test('registration returns what it registers and refuses bad or repeated names', () => {
    class M extends Module {
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new M();
    const w = zeros([2]);
    const p = m.param('w', w);
    expect(p).toBeInstanceOf(Parameter);
    expect(m.param('p2', p.mul(1).detach())).not.toBe(p);
    const b = zeros([1]);
    expect(m.buffer('b', b)).toBe(b);
    const child = new Relu();
    expect(m.child('act', child)).toBe(child);
    expect(() => m.param('w', zeros([1]))).toThrow(/M\.param: 'w' is already registered/);
    expect(() => m.buffer('act', zeros([1]))).toThrow(/'act' is already registered/);
    expect(() => m.child('a.b', new Relu())).toThrow(/without '\.'/);
    expect(() => m.param('', zeros([1]))).toThrow(/non-empty/);
    expect(() => m.child('x', zeros([1]) as unknown as Module)).toThrow(/must be a Module/);
    // A tied parameter (the same object registered twice) is listed and counted once.
    const tied = new Sequential(new Linear(3, 3), new Linear(3, 3));
    const second = new M();
    second.param('shared', tied.parameters()[0]!);
    second.child('net', tied);
    expect(second.namedParameters().map(([n]) => n)).toEqual(['shared', 'net.0.bias', 'net.1.weight', 'net.1.bias']);
    expect(second.numParameters()).toBe(24);
    expect(Object.keys(second.stateDict())).toEqual(['shared', 'net.0.weight', 'net.0.bias', 'net.1.weight', 'net.1.bias']);
  });

  test('non-persistent buffers are listed but not saved', () => {
    class M extends Module {
      constructor() {
        super();
        this.buffer('kept', zeros([1]));
        this.buffer('scratch', zeros([1]), { persistent: false });
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new M();
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['kept', 'scratch']);
    expect(Object.keys(m.stateDict())).toEqual(['kept']);
  });

  test('toString prints a PyTorch-style tree', () => {
    const s = new Sequential(new Linear(4, 2, { random }), new Relu(), new Dropout(0.25));
    expect(String(s)).toBe(
      'Sequential(\n  (0): Linear(inFeatures=4, outFeatures=2, bias=true)\n  (1): Relu()\n  (2): Dropout(p=0.25)\n)',
    );
  });
});

describe('Module: modes and gradients', () => {
  test('train() / eval() reach every descendant and return the module', () => {
    const net = new Net();
    expect(net.modules().every((m) => m.training)).toBe(true);
    expect(net.eval()).toBe(net);
    expect(net.modules().some((m) => m.training)).toBe(false);
    net.train();
    expect(net.blocks.at(1).bn.training).toBe(true);
    net.train(false);
    expect(net.head.training).toBe(false);
  });

  test('zeroGrad clears every gradient; apply visits every module', () => {
    const net = new Net();
    net.forward(randn([2, 1, 6, 6], { random })).sum().backward();
    expect(net.parameters().every((p) => p.grad !== null)).toBe(true);
    net.zeroGrad();
    expect(net.parameters().every((p) => p.grad === null)).toBe(true);
    const seen: string[] = [];
    net.apply((m) => seen.push(m.constructor.name));
    expect(seen).toHaveLength(12);
  });
});

describe('Module: stateDict and loadStateDict', () => {
  test('stateDict is a snapshot: detached copies', () => {
    const lin = new Linear(2, 2, { random });
    const dict = lin.stateDict();
    expect(dict.weight!.requiresGrad).toBe(false);
    expect(dict.weight!.storage).not.toBe(lin.weight.storage);
    const before = [...dict.weight!.dataSync()];
    lin.weight.assign(zeros([2, 2]));
    expect([...dict.weight!.dataSync()]).toEqual(before);
  });

  test('a round trip restores every value and keeps the tensors (identity) the model holds', () => {
    const a = new Net();
    a.forward(randn([2, 1, 5, 5], { random })); // moves the running statistics
    const b = new Net();
    const weight = b.head.weight;
    const result = b.loadStateDict(a.stateDict());
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    expect(b.head.weight).toBe(weight);
    for (const [key, value] of Object.entries(a.stateDict())) {
      expect([...b.stateDict()[key]!.dataSync()], key).toEqual([...value.dataSync()]);
    }
    expect(b.blocks.at(0).bn.numBatchesTracked!.item()).toBe(1);
    // A Map works too.
    expect(() => b.loadStateDict(new Map(Object.entries(a.stateDict())))).not.toThrow();
  });

  test('strict loading refuses missing, unexpected and mismatched keys, listing all, and loads NOTHING', () => {
    const target = new Sequential(new Linear(2, 3, { random }), new BatchNorm2d(3));
    const before = target.stateDict();
    const dict = new Sequential(new Linear(2, 3, { random }), new BatchNorm2d(3)).stateDict();
    // Perturb: one valid key that would load, one missing, one unexpected, one wrong shape, one wrong dtype.
    delete dict['1.running_var'];
    dict['2.weight'] = zeros([1]);
    dict['1.bias'] = zeros([4]);
    dict['1.weight'] = zeros([3], { dtype: 'float64' });
    let error: unknown;
    try {
      target.loadStateDict(dict);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    const e = error as StateDictError;
    expect(e.missingKeys).toEqual(['1.running_var']);
    expect(e.unexpectedKeys).toEqual(['2.weight']);
    expect(e.mismatches).toEqual([
      '1.weight: the checkpoint has float64 [3], the model has float32 [3]',
      '1.bias: the checkpoint has float32 [4], the model has float32 [3]',
    ]);
    expect(e.message).toMatch(/nothing was loaded.*missing keys: 1\.running_var.*unexpected keys: 2\.weight.*1\.bias: the checkpoint has float32 \[4\], the model has float32 \[3\]/);
    // The valid key 0.weight was not loaded either.
    for (const [key, value] of Object.entries(target.stateDict())) {
      expect([...value.dataSync()], key).toEqual([...before[key]!.dataSync()]);
    }
  });

  test('non-strict loading skips missing and unexpected keys but still refuses mismatches', () => {
    const target = new Linear(2, 3, { random });
    const source = new Linear(2, 3, { random });
    const result = target.loadStateDict({ weight: source.weight.detach(), extra: zeros([1]) }, { strict: false });
    expect(result).toEqual({ missingKeys: ['bias'], unexpectedKeys: ['extra'] });
    expect([...target.weight.dataSync()]).toEqual([...source.weight.dataSync()]);
    expect(() => target.loadStateDict({ weight: zeros([3, 3]) }, { strict: false })).toThrow(/weight: the checkpoint has float32 \[3,3\], the model has float32 \[3,2\]/);
    expect(() => target.loadStateDict({ weight: [1, 2] as unknown as Tensor, bias: zeros([3]) })).toThrow(/weight: expected a Tensor, got an array/);
  });
});

describe('Module: summary', () => {
  test('prints a torchinfo-like table from a forward on zeros, without changing any state', () => {
    const model = new Sequential(
      new Conv2d(1, 8, 3, { padding: 1, random }), new BatchNorm2d(8), new Relu(), new MaxPool2d(2),
      new AdaptiveAvgPool2d(1), new Flatten(), new Dropout(0.5), new Linear(8, 10, { random }),
    );
    const bn = model.at(1) as BatchNorm2d;
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const text = model.summary([2, 1, 28, 28]);
    expect(log).toHaveBeenCalledWith(text);
    log.mockRestore();
    const lines = text.split('\n');
    const rows = lines.slice(3, 12).map((l) => l.trim().split(/\s{2,}/));
    expect(rows).toEqual([
      ['Sequential', '[2, 10]', '--'],
      ['├─Conv2d (0)', '[2, 8, 28, 28]', '80'],
      ['├─BatchNorm2d (1)', '[2, 8, 28, 28]', '16'],
      ['├─Relu (2)', '[2, 8, 28, 28]', '--'],
      ['├─MaxPool2d (3)', '[2, 8, 14, 14]', '--'],
      ['├─AdaptiveAvgPool2d (4)', '[2, 8, 1, 1]', '--'],
      ['├─Flatten (5)', '[2, 8]', '--'],
      ['├─Dropout (6)', '[2, 8]', '--'],
      ['├─Linear (7)', '[2, 10]', '90'],
    ]);
    expect(text).toContain('Input shape: [2, 1, 28, 28]');
    expect(text).toContain('Total params: 186');
    expect(text).toContain('Trainable params: 186');
    expect(text).toContain('Non-trainable params: 0');
    expect(text).toContain('Params size (MB): 0.00');
    // Eval mode under noGrad: the running statistics did not move, the modes are restored,
    // and the hooks are gone (forward is the prototype's again).
    expect(bn.numBatchesTracked!.item()).toBe(0);
    expect([...bn.runningMean!.dataSync()]).toEqual(new Array(8).fill(0));
    expect(model.modules().every((m) => m.training)).toBe(true);
    expect(Object.hasOwn(model.at(0), 'forward')).toBe(false);
  });

  test('nests children by depth, counts own parameters per row, and takes several inputs', () => {
    class Pair extends Module<[Tensor, Tensor]> {
      readonly a = this.child('a', new Sequential(new Linear(3, 4, { random }), new Relu()));
      readonly b = this.child('b', new Linear(2, 4, { random }));
      forward(x: Tensor, y: Tensor): Tensor {
        return this.a.forward(x).add(this.b.forward(y));
      }
    }
    const text = new Pair().summary([[5, 3], [5, 2]], { print: false });
    const rows = text.split('\n').slice(3, 8).map((l) => l.trimEnd().split(/\s{2,}/));
    expect(rows).toEqual([
      ['Pair', '[5, 4]', '--'],
      ['├─Sequential (a)', '[5, 4]', '--'],
      ['│ ├─Linear (0)', '[5, 4]', '16'],
      ['│ ├─Relu (1)', '[5, 4]', '--'],
      ['├─Linear (b)', '[5, 4]', '12'],
    ]);
    expect(text).toContain('Input shape: [5, 3], [5, 2]');
    expect(text).toContain('Total params: 28');
  });

  test('an int32 input for embedding models', () => {
    const text = new Sequential(new Embedding(100, 16, { random }), new Flatten()).summary([4, 7], { dtype: 'int32', print: false });
    expect(text).toMatch(/Embedding \(0\)\s+\[4, 7, 16\]\s+1,600/);
    expect(text).toContain('Total params: 1,600');
  });
});

describe('Sequential and ModuleList', () => {
  test('Sequential chains layers, names them 0, 1, … or by the names given', () => {
    const s = new Sequential(new Linear(3, 5, { random }), new Relu(), new Linear(5, 2, { random }));
    expect(s.length).toBe(3);
    expect(s.forward(zeros([4, 3])).shape).toEqual([4, 2]);
    expect(s.at(-1)).toBeInstanceOf(Linear);
    expect([...s].map((m) => m.constructor.name)).toEqual(['Linear', 'Relu', 'Linear']);
    expect(() => s.at(3)).toThrow(/index 3 is out of range for 3 layers/);
    const named = new Sequential({ fc: new Linear(3, 2, { random }), act: new Relu() });
    expect(Object.keys(named.stateDict())).toEqual(['fc.weight', 'fc.bias']);
    expect(named.append(new Relu()).namedChildren().map(([n]) => n)).toEqual(['fc', 'act', '2']);
  });

  test('ModuleList registers its items and has no forward', () => {
    const list = new ModuleList([new Linear(2, 2, { random })]).append(new Linear(2, 1, { random }));
    expect(list.length).toBe(2);
    expect(Object.keys(list.stateDict())).toEqual(['0.weight', '0.bias', '1.weight', '1.bias']);
    expect(() => list.forward()).toThrow(/ModuleList: it has no forward/);
    expect(list.at(1).outFeatures).toBe(1);
  });

  test('the same module under two names is one set of parameters', () => {
    const shared = new Linear(2, 2, { random });
    const s = new Sequential(shared, shared);
    expect(s.parameters()).toHaveLength(2);
    expect(s.modules()).toHaveLength(2);
    const y = s.forward(tensor([[1, 2]]));
    expect(y.shape).toEqual([1, 2]);
  });
});

describe('printing a Parameter', () => {
  test("console.log shows 'Parameter containing:' above the values, as PyTorch", () => {
    expect(inspect(new Parameter(tensor([0.5])))).toBe('Parameter containing:\ntensor([0.5000], requiresGrad=true)');
    expect(String(new Parameter(tensor([0.5])))).toBe('tensor([0.5000], requiresGrad=true)');
  });
});
