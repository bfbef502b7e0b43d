/** The models package: readable compositions of layers (no new maths). */
export { BasicBlock, ResNet18, type ResNet18Options, type ResNetStem } from './resnet18.js';
export { FoldedConvBn, FusedBasicBlock, FusedResNet18 } from './fold-bn.js';
export { mnistCnn } from './mnist-cnn.js';
export { TransformerForecaster, type TransformerForecasterOptions } from './transformer-forecaster.js';
export { DoubleConv, UNet, type UNetOptions, type UNetUpsampling } from './unet.js';
export { DIGIT_SCENE_PALETTE, colorizeMask, overlayMask, segment, type Palette, type SegmentResult } from './segment.js';
