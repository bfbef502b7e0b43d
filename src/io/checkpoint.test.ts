import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, expectTypeOf, test } from 'vitest';
import {
  add, gather, logSoftmax, matmul, mean, mul, neg, noGrad, rand, randn, seededRandom, sub, tensor, type Tensor,
} from '../autograd/index.js';
import { DataLoader } from '../data/data-loader.js';
import { TensorDataset } from '../data/dataset.js';
import { StatefulRandom } from '../autograd/random.js';
import { SGD, type OptimizerStateDict } from '../optim/index.js';
import { StepLR, type ScheduleStateDict } from '../optim/schedules.js';
import { CheckpointError, deserializeCheckpoint, type Checkpoint } from './checkpoint.js';
import { loadCheckpoint, saveCheckpoint, serializeCheckpoint } from './checkpoint-file.js';
import { deserialize } from './safetensors.js';
import { serialize } from './safetensors-file.js';

const tmp = mkdtempSync(join(tmpdir(), 'sapling-checkpoint-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an exception');
}
const same = (a: Tensor, b: Tensor) => {
  expect([a.dtype, a.shape]).toEqual([b.dtype, b.shape]);
  expect([...a.storage]).toEqual([...b.storage]);
};

/** A checkpoint with every part, shaped like what PyTorch's SGD / ReduceLROnPlateau return. */
function sample(): Checkpoint {
  return {
    model: { 'fc.weight': tensor([[1, 2], [3, 4]]), 'fc.bias': tensor([0.5, -0.5]), 'bn.num_batches_tracked': tensor(7, [], { dtype: 'int32' }) },
    optimizer: {
      state: { 0: { momentum_buffer: tensor([[0.1, 0.2], [0.3, 0.4]]) }, 1: { momentum_buffer: tensor([1e-3, -1e-3], [2], { dtype: 'float64' }) } },
      param_groups: [{ lr: 0.1, momentum: 0.9, nesterov: false, params: [0, 1], name: null }],
    },
    scheduler: { best: Infinity, worst: -Infinity, last: Number.NaN, zero: -0, num_bad_epochs: 2 },
    epoch: 4,
    rng: { dropout: StatefulRandom.seeded(1).getState() },
    extra: { note: 'ünïcode ✓', history: [[1, 0.5], [2, 0.25]] },
  };
}

describe('checkpoint: round trip', () => {
  test('every part comes back, tensors bit for bit, special numbers exact', () => {
    const path = join(tmp, 'all.safetensors');
    const ckpt = sample();
    saveCheckpoint(path, ckpt);
    const back = loadCheckpoint(path);
    expect(back.epoch).toBe(4);
    expect(Object.keys(back.model)).toEqual(['fc.weight', 'fc.bias', 'bn.num_batches_tracked']); // state-dict order kept
    for (const [k, t] of Object.entries(ckpt.model)) same(back.model[k]!, t);
    const opt = back.optimizer as unknown as { state: Record<string, { momentum_buffer: Tensor }>; param_groups: unknown };
    same(opt.state['0']!.momentum_buffer, tensor([[0.1, 0.2], [0.3, 0.4]]));
    same(opt.state['1']!.momentum_buffer, tensor([1e-3, -1e-3], [2], { dtype: 'float64' }));
    expect(opt.param_groups).toEqual([{ lr: 0.1, momentum: 0.9, nesterov: false, params: [0, 1], name: null }]);
    const sched = back.scheduler as Record<string, number>;
    expect([sched.best, sched.worst, sched.num_bad_epochs]).toEqual([Infinity, -Infinity, 2]);
    expect(Number.isNaN(sched.last)).toBe(true);
    expect(Object.is(sched.zero, -0)).toBe(true);
    expect(back.rng).toEqual(ckpt.rng);
    expect(back.extra).toEqual(ckpt.extra);
  });

  test('the file is plain safetensors: namespaced tensors, the rest as JSON in __metadata__', () => {
    const file = deserialize(serializeCheckpoint(sample()));
    expect(Object.keys(file.tensors).sort()).toEqual([
      'model.bn.num_batches_tracked', 'model.fc.bias', 'model.fc.weight', 'optimizer.state.0.momentum_buffer', 'optimizer.state.1.momentum_buffer',
    ]);
    expect(file.metadata!.format).toBe('sapling.checkpoint');
    expect(file.metadata!.version).toBe('1');
    const state = JSON.parse(file.metadata!.state!) as Record<string, unknown>;
    expect(state.scheduler).toMatchObject({ best: { $number: 'Infinity' }, zero: { $number: '-0' } });
    expect(state.optimizer).toMatchObject({ state: { 0: { momentum_buffer: { $tensor: 'optimizer.state.0.momentum_buffer' } } } });
  });

  test("an optimizer's and a schedule's state come back typed, ready for their loadStateDict", () => {
    const w = tensor([1, 2]).requiresGrad_();
    const optimizer = new SGD([w], { lr: 0.1, momentum: 0.9 });
    const schedule = new StepLR(optimizer, { stepSize: 1, gamma: 0.5 });
    w.sum().backward();
    optimizer.step();
    schedule.step();
    const path = join(tmp, 'typed.safetensors');
    saveCheckpoint(path, { model: { w }, optimizer: optimizer.stateDict(), scheduler: schedule.stateDict(), epoch: 1 });
    const back = loadCheckpoint(path);
    expectTypeOf(back.optimizer).toEqualTypeOf<OptimizerStateDict | undefined>();
    expectTypeOf(back.scheduler).toEqualTypeOf<ScheduleStateDict | undefined>();
    const again = new SGD([tensor([1, 2]).requiresGrad_()], { lr: 0.1, momentum: 0.9 });
    const againSchedule = new StepLR(again, { stepSize: 1, gamma: 0.5 }); // made before loading, as in PyTorch
    again.loadStateDict(back.optimizer!); // no cast needed
    againSchedule.loadStateDict(back.scheduler!);
    expect(again.paramGroups[0]!.lr).toBeCloseTo(0.05, 12);
    expect(again.stateDict()).toEqual(optimizer.stateDict());
  });

  test('optional parts may be left out', () => {
    const back = deserializeCheckpoint(serializeCheckpoint({ model: {}, epoch: 0 }));
    expect(back).toEqual({ model: {}, epoch: 0 });
  });
});

describe('checkpoint: what cannot be saved is refused, and nothing is written', () => {
  test('bad epochs, non-JSON values, reserved keys, cycles, name clashes, unknown fields', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const message = thrown(() =>
      serializeCheckpoint({
        model: { w: tensor([1]), v: 3 as unknown as Tensor },
        epoch: -1,
        optimizer: { map: new Map(), f32: new Float32Array(2), fn: () => 1, list: [1, undefined], $tensor: 'x' },
        scheduler: cyclic,
        extra: { 'a.b': tensor([1]), a: { b: tensor([2]) } },
        step: 3,
      } as unknown as Checkpoint),
    );
    expect(message).toBe(
      'serializeCheckpoint: 10 problems:\n' +
        '  - epoch must be a non-negative integer, got -1\n' +
        '  - model "v" is not a Tensor\n' +
        '  - optimizer.map is a Map, not a plain object; convert it to one\n' +
        '  - optimizer.f32 is a Float32Array; wrap it in a Tensor to store it\n' +
        '  - optimizer.fn is a function, which a checkpoint cannot store\n' +
        '  - optimizer.list.1 is undefined, which JSON cannot hold in an array\n' +
        '  - optimizer has the key "$tensor", which checkpoints reserve\n' +
        '  - scheduler.self refers back to an object that contains it (a cycle)\n' +
        '  - two tensors would be stored under the name "extra.a.b"; rename a key\n' +
        '  - unknown field "step" (use extra for anything else)',
    );
    const path = join(tmp, 'refused.safetensors');
    writeFileSync(path, 'old');
    expect(() => saveCheckpoint(path, { model: {}, epoch: 1.5 })).toThrow(CheckpointError);
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(tmp).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('checkpoint: loading refuses anything wrong, listing every problem', () => {
  const good = serializeCheckpoint(sample());
  const parts = deserialize(good);

  test('a missing or an extra tensor', () => {
    const { 'optimizer.state.1.momentum_buffer': _dropped, 'model.fc.bias': _bias, ...rest } = parts.tensors;
    const missing = serialize({ ...rest, 'model.stray': tensor([1]) }, parts.metadata!);
    expect(thrown(() => deserializeCheckpoint(missing))).toBe(
      'loadCheckpoint(buffer): 3 problems:\n' +
        '  - model tensor "fc.bias" is missing from the file\n' +
        '  - optimizer.state.1.momentum_buffer refers to tensor "optimizer.state.1.momentum_buffer", which is missing from the file\n' +
        '  - unexpected tensor "model.stray" in the file (the checkpoint\'s state does not refer to it)',
    );
  });

  test("a model that does not match the expected state dict: missing, unexpected keys and shapes", () => {
    const expected = { 'fc.weight': tensor([[1, 2, 3]]), 'fc.bias': tensor([0, 0]), 'head.weight': tensor([1]) };
    expect(thrown(() => deserializeCheckpoint(good, { model: expected }))).toBe(
      'loadCheckpoint(buffer): 3 problems:\n' +
        '  - model: missing key "head.weight" (expected [1])\n' +
        '  - model: unexpected key "bn.num_batches_tracked" (not in the expected state dict)\n' +
        '  - model: shape mismatch for "fc.weight": expected [1,3], found [2,2]',
    );
    const ok = deserializeCheckpoint(good, { model: sample().model });
    expect(ok.epoch).toBe(4);
  });

  test('truncated or corrupted files, and files that are not checkpoints', () => {
    expect(() => deserializeCheckpoint(good.subarray(0, good.length - 3))).toThrow(/safetensors: cannot load buffer: .*the file is truncated/);
    const corrupted = Buffer.from(good);
    corrupted[9] = 0x2c; // '{"__metadata__"…' becomes '{,__metadata__"…'
    expect(() => deserializeCheckpoint(corrupted)).toThrow(/the header is not valid JSON/);
    corrupted[9] = 0x22;
    corrupted[12] = 0x5d; // a damaged name: '"__metadata__"' becomes '"__]etadata__"', an entry that is no tensor
    expect(() => deserializeCheckpoint(corrupted)).toThrow(/"__\]etadata__" has unknown fields "format", "state", "version"/);
    expect(thrown(() => deserializeCheckpoint(serialize({ w: tensor([1]) })))).toBe(
      'loadCheckpoint(buffer): not a Sapling checkpoint: its metadata format is null, expected "sapling.checkpoint" (for a plain state dict use loadSafetensors)',
    );
    expect(thrown(() => deserializeCheckpoint(serialize(parts.tensors, { ...parts.metadata!, version: '2' })))).toMatch(/checkpoint version "2" is not supported/);
    expect(thrown(() => deserializeCheckpoint(serialize(parts.tensors, { ...parts.metadata!, state: '{"epoch": 1,' })))).toMatch(/state metadata is not valid JSON/);
    const badState = JSON.stringify({ epoch: 'one', model: ['fc.weight'], optimizer: { x: { $tensor: 3 } }, surprise: 1 });
    expect(thrown(() => deserializeCheckpoint(serialize({ 'model.fc.weight': tensor([1]) }, { ...parts.metadata!, state: badState })))).toBe(
      'loadCheckpoint(buffer): 3 problems:\n' +
        '  - epoch must be a non-negative integer, got "one"\n' +
        '  - optimizer.x is a malformed tensor reference {"$tensor":3}\n' +
        '  - unknown field "surprise" in the checkpoint\'s state',
    );
    expect(() => loadCheckpoint(join(tmp, 'absent.safetensors'))).toThrow(/loadCheckpoint: cannot read/);
  });
});

describe('checkpoint: resuming training is bit-identical to not stopping', () => {
  /**
   * A tiny classifier trained with SGD + momentum and a seeded dropout-like mask, written with raw
   * autograd so that this test depends only on src/autograd, src/data and src/io. Everything
   * that evolves — weights, momentum buffers, the DataLoader's order, the mask generator — goes
   * through the checkpoint.
   */
  const X = randn([40, 4], { random: seededRandom(10) });
  const Y = tensor(Int32Array.from({ length: 40 }, (_, i) => i % 3), [40]);
  const lr = 0.1;
  const momentum = 0.9;

  interface Run {
    params: Tensor[];
    buffers: Tensor[];
    loader: DataLoader<[Tensor, Tensor]>;
    masks: StatefulRandom;
  }

  function fresh(seed: number): Run {
    const random = seededRandom(seed);
    return {
      params: [randn([4, 3], { random }).requiresGrad_(), randn([3], { random }).requiresGrad_()],
      buffers: [tensor(new Float32Array(12), [4, 3]), tensor(new Float32Array(3), [3])],
      loader: new DataLoader(new TensorDataset(X, Y), { batchSize: 6, shuffle: true, seed }),
      masks: StatefulRandom.seeded(seed + 1),
    };
  }

  /** One SGD step; returns the loss. */
  function step(run: Run, x: Tensor, y: Tensor): number {
    const [w, b] = run.params as [Tensor, Tensor];
    const keep = noGrad(() => rand([x.shape[0]!, 3], { random: run.masks.random }).gt(0.2));
    const logits = mul(add(matmul(x, w), b), keep);
    const loss = neg(mean(gather(logSoftmax(logits, 1), 1, y.reshape([-1, 1]))));
    for (const p of run.params) p.grad = null;
    loss.backward();
    noGrad(() => {
      run.params.forEach((p, i) => {
        const buf = add(mul(run.buffers[i]!, momentum), p.grad!);
        run.buffers[i] = buf;
        p.assign(sub(p, mul(buf, lr)));
      });
    });
    return loss.item();
  }

  function checkpointOf(run: Run, epoch: number): Checkpoint {
    return {
      model: { weight: run.params[0]!, bias: run.params[1]! },
      optimizer: { state: { 0: { momentum_buffer: run.buffers[0]! }, 1: { momentum_buffer: run.buffers[1]! } }, param_groups: [{ lr, momentum }] },
      epoch,
      rng: { loader: run.loader.stateDict(), masks: run.masks.getState() },
    };
  }

  test('stop after 1 epoch and 3 batches, save, restore into fresh objects, finish: same losses', () => {
    const epochs = 3;
    const straight = fresh(1);
    const expected: number[] = [];
    for (let e = 0; e < epochs; e++) for (const [x, y] of straight.loader) expected.push(step(straight, x, y));

    const first = fresh(1);
    const losses: number[] = [];
    const path = join(tmp, 'resume.safetensors');
    outer: for (let e = 0; e < epochs; e++) {
      for (const [x, y] of first.loader) {
        losses.push(step(first, x, y));
        if (losses.length === first.loader.length + 3) {
          saveCheckpoint(path, checkpointOf(first, e));
          break outer;
        }
      }
    }

    // A new process would start from other random weights; the checkpoint overrides all of it.
    const second = fresh(99);
    const ckpt = loadCheckpoint(path, { model: { weight: second.params[0]!, bias: second.params[1]! } });
    second.params[0]!.assign(ckpt.model.weight!);
    second.params[1]!.assign(ckpt.model.bias!);
    const opt = ckpt.optimizer as unknown as { state: Record<string, { momentum_buffer: Tensor }> };
    second.buffers = [opt.state['0']!.momentum_buffer, opt.state['1']!.momentum_buffer];
    const rng = ckpt.rng as { loader: ReturnType<DataLoader<unknown>['stateDict']>; masks: ReturnType<StatefulRandom['getState']> };
    second.loader.loadStateDict(rng.loader);
    second.masks.setState(rng.masks);
    for (let e = ckpt.epoch; e < epochs; e++) for (const [x, y] of second.loader) losses.push(step(second, x, y));

    expect(losses).toHaveLength(expected.length);
    expect(losses).toEqual(expected); // exact: every loss bit-identical
    same(second.params[0]!, straight.params[0]!);
  });
});
