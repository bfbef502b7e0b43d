/** The models package: readable compositions of layers (no new maths). */
export {
  BasicBlock, FoldedConvBn, FusedBasicBlock, FusedResNet18, ResNet18, type ResNet18Options, type ResNetStem,
} from './resnet18.js';
export { TransformerForecaster, type TransformerForecasterOptions } from './transformer-forecaster.js';
