/** The models package: readable compositions of layers (no new maths). */
export { BasicBlock, ResNet18, type ResNet18Options, type ResNetStem } from './resnet18.js';
export { FoldedConvBn, FusedBasicBlock, FusedResNet18 } from './fold-bn.js';
export { mnistCnn } from './mnist-cnn.js';
export { TransformerForecaster, type TransformerForecasterOptions } from './transformer-forecaster.js';
export { BERT_BASE_CONFIG, BERT_SIZES, bertConfig, bertConfigFromHuggingFace, bertConfigToHuggingFace, checkBertConfig, type BertActivation, type BertConfig, type BertSize } from './bert-config.js';
export {
  BertAttention, BertEmbeddings, BertEncoder, BertIntermediate, BertLayer, BertModel, BertPooler, BertResidualOutput, BertSelfAttention,
  bertActivation, bertKeepMask, bertLinear, type BertBuildOptions, type BertForwardOptions, type BertModelOutput,
} from './bert.js';
export { BertForMaskedLM, BertForSequenceClassification, BertLMPredictionHead, BertOnlyMLMHead, BertPredictionHeadTransform, type MaskedLMForwardOptions } from './bert-heads.js';
export { loadBertWeights, normalizeHuggingFaceBert } from './bert-checkpoint.js';
