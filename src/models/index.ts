/** The models package: readable compositions of layers (no new maths). */
export {
  BasicBlock, FoldedConvBn, FusedBasicBlock, FusedResNet18, ResNet18, type ResNet18Options, type ResNetStem,
} from './resnet18.js';
export { DoubleConv, UNet, type UNetOptions, type UNetUpsampling } from './unet.js';
export { DIGIT_SCENE_PALETTE, colorizeMask, overlayMask, segment, type Palette, type SegmentResult } from './segment.js';
