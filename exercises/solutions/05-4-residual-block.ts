/** Reference solution of exercise 5.4 (exercises/05-4-residual-block.ts). */
import { Linear, Module, type Tensor } from '../../src/index.js';

export class ResidualBlock extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor(features: number, hidden: number) {
    super();
    this.fc1 = this.child('fc1', new Linear(features, hidden));
    this.fc2 = this.child('fc2', new Linear(hidden, features));
  }

  forward(x: Tensor): Tensor {
    const branch = this.fc2.forward(this.fc1.forward(x).relu()); // F(x)
    return x.add(branch).relu(); //                                 relu(x + F(x))
  }
}
