/**
 * Fields register themselves, as in PyTorch: a Parameter or a Module assigned to a field of a
 * Module appears in parameters(), namedModules() and stateDict() under the field's name, in
 * assignment order; explicit registration keeps working; and the dict and list containers.
 */
import { describe, expect, test } from 'vitest';
import { ones, tensor, zeros } from '../autograd/creation.js';
import type { Tensor } from '../autograd/tensor.js';
import { SGD } from '../optim/sgd.js';
import { ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential } from './containers.js';
import { Linear } from './linear.js';
import { Module, Parameter } from './module.js';
import { Relu } from './activations.js';

/** pytorch/examples' MNIST Net in miniature: plain fields, as a PyTorch user writes them. */
class Net extends Module {
  fc1 = new Linear(4, 3);
  act = new Relu();
  fc2 = new Linear(3, 2);
  scale = new Parameter(ones([2]));
  plain = zeros([2]); //           a plain tensor: not registered (PyTorch: neither)
  list = [new Linear(2, 2)]; //    a plain array: not registered (use ModuleList)

  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x))).mul(this.scale);
  }
}

describe('fields register themselves', () => {
  test('modules and parameters under their field names, own parameters first, as PyTorch lists them', () => {
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual(['scale', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(net.namedModules().map(([name]) => name)).toEqual(['', 'fc1', 'act', 'fc2']);
    expect(net.namedChildren().map(([name]) => name)).toEqual(['fc1', 'act', 'fc2']);
    expect(net.parameters()).toHaveLength(5);
    expect(net.numParameters()).toBe(4 * 3 + 3 + 3 * 2 + 2 + 2);
    expect(String(net)).toContain('(fc1): Linear(inFeatures=4, outFeatures=3, bias=true)');
  });

  test('an optimizer built from parameters() trains the fields', () => {
    const net = new Net();
    const before = net.fc1.weight.dataSync();
    const optimizer = new SGD(net.parameters(), { lr: 0.1 });
    net.forward(ones([2, 4])).sum().backward();
    optimizer.step();
    expect(net.fc1.weight.dataSync()).not.toEqual(before);
  });

  test('assignment order, not declaration order: declared fields register when assigned', () => {
    class Later extends Module {
      readonly first: Linear;
      readonly second: Linear;
      constructor() {
        super();
        this.second = new Linear(1, 1);
        this.first = new Linear(1, 1);
      }
      forward(x: Tensor): Tensor {
        return this.second.forward(this.first.forward(x));
      }
    }
    expect(new Later().namedChildren().map(([name]) => name)).toEqual(['second', 'first']);
  });

  test('explicit registration keeps its name; the field holding it adds nothing', () => {
    class Explicit extends Module {
      readonly weightIh: Parameter;
      readonly fc: Linear;
      readonly head: Linear;
      constructor() {
        super();
        this.weightIh = this.param('weight_ih_l0', zeros([2]));
        this.fc = this.child('fc', new Linear(1, 1)); //           same name: registered once
        this.head = new Linear(1, 1); //                             a field first …
        this.child('classifier', this.head); //                      … then an explicit name: it moves there
      }
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    const m = new Explicit();
    expect(Object.keys(m.stateDict())).toEqual(['weight_ih_l0', 'fc.weight', 'fc.bias', 'classifier.weight', 'classifier.bias']);
  });

  test('reassigning replaces in place (weight tying), null unregisters, a plain tensor is refused', () => {
    class Tied extends Module {
      encoder = new Linear(3, 3);
      decoder = new Linear(3, 3);
      extra: Linear | null = new Linear(1, 1);
      forward(x: Tensor): Tensor {
        return this.decoder.forward(this.encoder.forward(x));
      }
    }
    const m = new Tied();
    (m.decoder as { weight: Parameter }).weight = m.encoder.weight;
    expect(m.decoder.namedParameters().map(([n]) => n)).toEqual(['weight', 'bias']); // position kept
    expect(m.decoder.namedParameters()[0]![1]).toBe(m.encoder.weight);
    expect(m.parameters()).toHaveLength(5); // the tied weight counted once
    m.extra = null;
    expect(m.namedChildren().map(([n]) => n)).toEqual(['encoder', 'decoder']);
    expect(() => ((m.decoder as unknown as { bias: unknown }).bias = tensor([1, 2, 3]))).toThrow(
      new TypeError("Linear: cannot assign a plain Tensor to 'bias', which holds a registered parameter (a Parameter or null expected: wrap a tensor as new Parameter(t))"),
    );
  });

  test('nested: namedModules walks fields of fields; containers still work as fields', () => {
    class Outer extends Module {
      block = new Net();
      seq = new Sequential(new Linear(2, 2));
      blocks = new ModuleList([new Linear(2, 2)]);
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    expect(new Outer().namedModules().map(([n]) => n)).toEqual(['', 'block', 'block.fc1', 'block.act', 'block.fc2', 'seq', 'seq.0', 'blocks', 'blocks.0']);
  });
});

describe('ModuleDict, ParameterList, ParameterDict', () => {
  test('ModuleDict: keys as names, replace in place, delete, iteration, errors', () => {
    const heads = new ModuleDict({ cls: new Linear(4, 2), box: new Linear(4, 4) });
    expect(Object.keys(heads.stateDict())).toEqual(['cls.weight', 'cls.bias', 'box.weight', 'box.bias']);
    expect(heads.get('cls').outFeatures).toBe(2);
    heads.set('cls', new Linear(4, 3));
    expect(heads.keys()).toEqual(['cls', 'box']);
    expect(heads.namedChildren().map(([k, m]) => [k, (m as Linear).outFeatures])).toEqual([['cls', 3], ['box', 4]]);
    expect(heads.delete('box')).toBe(true);
    expect(heads.delete('box')).toBe(false);
    expect([...heads].map(([k]) => k)).toEqual(['cls']);
    expect(heads.size).toBe(1);
    expect(() => heads.get('box')).toThrow(new RangeError("ModuleDict.get: no key 'box' (keys: cls)"));
    expect(() => heads.set('a.b', new Linear(1, 1))).toThrow(/ModuleDict.child: name must be a non-empty string without '.'/);
    expect(() => heads.forward()).toThrow(/ModuleDict: it has no forward/);
  });

  test('ParameterList and ParameterDict: Parameters under positions or keys', () => {
    const list = new ParameterList([zeros([2]), ones([3])]);
    expect(Object.keys(list.stateDict())).toEqual(['0', '1']);
    expect(list.at(1)).toBeInstanceOf(Parameter);
    expect(list.at(-1).shape).toEqual([3]);
    list.append(zeros([1]));
    expect([...list].map((p) => p.shape)).toEqual([[2], [3], [1]]);
    const dict = new ParameterDict({ scale: ones([1]), shift: zeros([1]) });
    expect(dict.get('scale').requiresGrad).toBe(true);
    dict.set('scale', zeros([4]));
    expect(dict.namedParameters().map(([k, p]) => [k, p.shape])).toEqual([['scale', [4]], ['shift', [1]]]);
    dict.delete('shift');
    expect(dict.keys()).toEqual(['scale']);
    class WithCollections extends Module {
      weights = new ParameterList([ones([2])]);
      named = new ParameterDict({ b: zeros([1]) });
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    expect(Object.keys(new WithCollections().stateDict())).toEqual(['weights.0', 'named.b']);
  });
});
