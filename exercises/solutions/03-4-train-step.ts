/** Reference solution of exercise 3.4 (exercises/03-4-train-step.ts). */
import { F, noGrad, type Module, type optim, type Tensor } from '../../src/index.js';

export function trainStep(model: Module, optimizer: optim.Optimizer<optim.BaseOptions, object>, x: Tensor, labels: Tensor): number {
  const loss = F.crossEntropy(model.forward(x), labels);
  optimizer.zeroGrad(); // backward() adds into .grad: clear last step's first
  loss.backward();
  optimizer.step();
  return loss.item();
}

export function evaluate(model: Module, x: Tensor, labels: Tensor): { loss: number; accuracy: number } {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const logits = model.forward(x);
      const correct = logits.argmax(1).eq(labels).sum().item();
      return { loss: F.crossEntropy(logits, labels).item(), accuracy: correct / labels.shape[0]! };
    });
  } finally {
    model.train(wasTraining);
  }
}
