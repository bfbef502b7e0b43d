/**
 * Exercise 5.4 — a residual block as a Module (docs/course/05-normalisation-and-residuals.md, §4).
 *
 *   y = relu(x + fc2(relu(fc1(x))))       x, y [N, features]; fc1: features → hidden; fc2: hidden → features
 * Register the two Linear layers as children named 'fc1' and 'fc2' (this.child(name, layer)),
 * so that parameters() and stateDict() find them under PyTorch's names 'fc1.weight', …
 *
 * Check your work: npm run exercise -- 5
 */
import { Linear, Module, type Tensor } from '../src/index.js';

export class ResidualBlock extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor(features: number, hidden: number) {
    super();
    throw new Error('not implemented yet: ResidualBlock constructor — this.fc1 = this.child("fc1", new Linear(features, hidden)); the same for fc2 (hidden → features)');
  }

  forward(x: Tensor): Tensor {
    throw new Error('not implemented yet: ResidualBlock.forward — relu(x + fc2(relu(fc1(x))))');
  }
}
