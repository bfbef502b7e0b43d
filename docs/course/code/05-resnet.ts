/**
 * ResNet-18 in small: a basic block's shapes, the whole network at width 8, and batch norm
 * folded into the convolutions for inference. Run: npx tsx docs/course/code/05-resnet.ts
 */
import { BasicBlock, BatchNorm2d, manualSeed, noGrad, randn, ResNet18, seededRandom } from '../../../src/index.js';

manualSeed(0);
const random = seededRandom(1);

// #region block
const block = new BasicBlock(8, 16, 2); // 8 → 16 channels, stride 2: the shortcut needs a 1×1 conv
const h = block.forward(randn([2, 8, 14, 14], { random }));
console.log(`BasicBlock(8, 16, stride 2): [2, 8, 14, 14] → [${h.shape.join(', ')}], shortcut: ${block.downsample ? 'conv 1×1 + BN' : 'identity'}`);
console.log(`its parameters: ${block.namedParameters().map(([name]) => name).join(', ')}`);
// #endregion

// #region network
const model = new ResNet18({ stem: 'cifar', inChannels: 1, numClasses: 10, width: 8 });
const bnLayers = model.modules().filter((m) => m instanceof BatchNorm2d).length;
console.log(`ResNet-18, width 8, one input channel: ${model.numParameters().toLocaleString('en-US')} parameters, ${bnLayers} BatchNorm2d layers`);
noGrad(() => {
  for (let i = 0; i < 3; i++) model.forward(randn([8, 1, 28, 28], { random })); // training mode: moves the running statistics
});
// #endregion

// #region fold
model.eval();
const images = randn([4, 1, 28, 28], { random });
const fused = model.fuseForInference();
const [a, b] = noGrad(() => [model.forward(images), fused.forward(images)]);
const scale = a!.abs().max().item();
console.log(`eval-mode logits [${a!.shape.join(', ')}] vs folded: largest difference ${(a!.sub(b!).abs().max().item() / scale).toExponential(1)} of their scale`);
console.log(`BatchNorm2d layers left after folding: ${fused.modules().filter((m) => m instanceof BatchNorm2d).length}`);
// #endregion
