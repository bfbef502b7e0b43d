// Modules: defining a network, its parameters and its state dict, as in torch.nn.
// #region import
import { Linear, Module, ReLU, Sequential, manualSeed, tensor, type Parameter, type Tensor } from 'sapling';
// #endregion

manualSeed(0);

// #region define
class Net extends Module {
  readonly fc1: Linear;
  readonly fc2: Linear;
  readonly scale: Parameter;

  constructor() {
    super();
    this.fc1 = this.child('fc1', new Linear(4, 8));        // self.fc1 = nn.Linear(4, 8)
    this.fc2 = this.child('fc2', new Linear(8, 2));
    this.scale = this.param('scale', tensor([1]));         // nn.Parameter(torch.ones(1))
  }

  forward(x: Tensor): Tensor {                             // def forward(self, x)
    return this.fc2.forward(this.fc1.forward(x).relu()).mul(this.scale);
  }
}
const net = new Net();
const out = net.forward(tensor([[1, 2, 3, 4]]));           // net(x)
// #endregion

// #region sequential
const seq = new Sequential(new Linear(4, 8), new ReLU(), new Linear(8, 2));
const logits = seq.forward(tensor([[1, 2, 3, 4]]));
// #endregion

// #region state
console.log(net.parameters().length, net.numParameters());   // 5 59
console.log(Object.keys(net.stateDict()));                    // [ 'scale', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias' ]
net.eval();                                                   // net.eval()
net.train();                                                  // net.train()
net.zeroGrad();                                               // net.zero_grad()
// #endregion

console.log(out.shape, logits.shape);
