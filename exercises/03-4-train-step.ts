/**
 * Exercise 3.4 — one training step, and an evaluation (docs/course/03-training.md, §4).
 *
 * trainStep: forward the batch, compute F.crossEntropy against the labels, clear the old
 * gradients (optimizer.zeroGrad()), backward, optimizer.step(); return the loss as a number.
 * evaluate: the loss and the accuracy on a set, in eval mode and under noGrad (no graph is
 * recorded and no gradient is touched); the model must be back in the mode it was in.
 *
 * Check your work: npm run exercise -- 3
 */
import { F, noGrad, type Module, type optim, type Tensor } from '../src/index.js'; // what you will need

/** One step of gradient descent on the batch (x, labels); returns the batch's loss before the step. */
export function trainStep(model: Module, optimizer: optim.Optimizer<optim.BaseOptions, object>, x: Tensor, labels: Tensor): number {
  throw new Error('not implemented yet: trainStep — loss = F.crossEntropy(model.forward(x), labels); optimizer.zeroGrad(); loss.backward(); optimizer.step(); return loss.item()');
}

/** Mean cross-entropy and fraction of correct argmax predictions on (x, labels). */
export function evaluate(model: Module, x: Tensor, labels: Tensor): { loss: number; accuracy: number } {
  throw new Error('not implemented yet: evaluate — remember model.training, switch to model.eval(), compute loss and accuracy inside noGrad, then restore the mode with model.train(wasTraining)');
}
