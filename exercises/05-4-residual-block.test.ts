import { describe, test } from 'vitest';
import { manualSeed, noGrad, randn, seededRandom, zerosLike } from '../src/index.js';
import { expectClose, expectEqual } from './lib/check.js';
import { ResidualBlock } from './05-4-residual-block.js';

describe('exercise 5.4 — a residual block', () => {
  test('parameters are registered under PyTorch\'s names', () => {
    manualSeed(0);
    const block = new ResidualBlock(6, 10);
    expectEqual(block.namedParameters().map(([name, p]) => [name, p.shape]), [['fc1.weight', [10, 6]], ['fc1.bias', [10]], ['fc2.weight', [6, 10]], ['fc2.bias', [6]]], {
      what: 'block.namedParameters() names and shapes',
      hint: 'register the layers with this.child("fc1", new Linear(features, hidden)) and this.child("fc2", new Linear(hidden, features))',
    });
  });

  test('forward computes relu(x + fc2(relu(fc1(x))))', () => {
    manualSeed(1);
    const block = new ResidualBlock(4, 8);
    const x = randn([5, 4], { random: seededRandom(2) });
    const expected = noGrad(() => x.add(block.fc2.forward(block.fc1.forward(x).relu())).relu());
    expectClose(noGrad(() => block.forward(x)), expected, { what: 'block.forward(x)', hint: 'the shortcut adds x to the branch BEFORE the last ReLU', atol: 1e-6 });
  });

  test('with the branch switched off (fc2 = 0), the block passes relu(x) and its gradient straight through', () => {
    manualSeed(2);
    const block = new ResidualBlock(4, 8);
    noGrad(() => {
      block.fc2.weight.assign(zerosLike(block.fc2.weight));
      block.fc2.bias!.assign(zerosLike(block.fc2.bias!));
    });
    const x = randn([3, 4], { random: seededRandom(3) }).abs().add(0.1).requiresGrad_(); // positive: relu is the identity
    block.forward(x).sum().backward();
    expectClose(x.grad, x.detach().mul(0).add(1), { what: 'dL/dx for L = Σ block(x) with fc2 = 0 and x > 0', hint: 'with F(x) = 0 the block is relu(x + 0): the gradient reaches x through the shortcut unchanged — is x added to the branch?' });
  });
});
