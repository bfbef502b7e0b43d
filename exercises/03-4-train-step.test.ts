import { describe, test } from 'vitest';
import { Dropout, F, Linear, manualSeed, noGrad, optim, randn, Relu, seededRandom, Sequential, tensor } from '../src/index.js';
import { expectClose, expectEqual } from './lib/check.js';
import { evaluate, trainStep } from './03-4-train-step.js';

function setup(): { model: Sequential; optimizer: optim.SGD } {
  manualSeed(0);
  const model = new Sequential(new Linear(4, 16), new Relu(), new Dropout(0.5), new Linear(16, 3));
  return { model, optimizer: new optim.SGD(model.parameters(), { lr: 0.1 }) };
}
const x = randn([12, 4], { random: seededRandom(1) });
const labels = tensor(Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2]), [12]);

describe('exercise 3.4 — trainStep and evaluate', () => {
  test('trainStep returns the loss before the update, and the update lowers it', () => {
    const { model, optimizer } = setup();
    model.eval(); // no dropout: the loss before and after is comparable
    const before = noGrad(() => F.crossEntropy(model.forward(x), labels).item());
    const returned = trainStep(model, optimizer, x, labels);
    expectClose(returned, before, { what: 'the number trainStep returns', hint: 'return loss.item() of the batch, computed before optimizer.step()' });
    const after = noGrad(() => F.crossEntropy(model.forward(x), labels).item());
    expectEqual(after < before, true, { what: `the loss after one step (${after}) compared with before (${before})`, hint: 'call loss.backward() and then optimizer.step(): the step moves against the gradient' });
  });

  test('gradients do not pile up from one step to the next', () => {
    const a = setup();
    a.model.eval();
    trainStep(a.model, a.optimizer, x, labels);
    trainStep(a.model, a.optimizer, x, labels);
    const b = setup();
    b.model.eval();
    trainStep(b.model, b.optimizer, x, labels);
    b.optimizer.zeroGrad();
    F.crossEntropy(b.model.forward(x), labels).backward();
    b.optimizer.step();
    expectClose(a.model.parameters()[0]!, b.model.parameters()[0]!, { what: 'the first weight after two trainSteps, against two clean steps', hint: 'call optimizer.zeroGrad() before loss.backward(): backward() adds to .grad', atol: 1e-7 });
  });

  test('evaluate: loss and accuracy in eval mode, under noGrad, mode restored', () => {
    const { model } = setup();
    model.train();
    const result = evaluate(model, x, labels);
    model.eval();
    const logits = noGrad(() => model.forward(x));
    const accuracy = logits.argmax(1).eq(labels).sum().item() / 12;
    expectClose([result.loss, result.accuracy], [F.crossEntropy(logits, labels).item(), accuracy], { what: '[loss, accuracy] from evaluate', hint: 'switch to model.eval() first (dropout off), then the mean cross-entropy and the fraction of rows whose argmax equals the label', atol: 1e-6 });
    model.train();
    evaluate(model, x, labels);
    expectEqual(model.training, true, { what: 'model.training after evaluate() of a model in training mode', hint: 'remember model.training before calling eval(), and call model.train(wasTraining) at the end' });
    expectEqual(model.parameters().every((p) => p.grad === null), true, { what: 'the parameters\' gradients after evaluate()', hint: 'evaluate must not call backward(): compute inside noGrad(() => …)' });
  });
});
