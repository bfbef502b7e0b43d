/**
 * The data package, isomorphic part: datasets, the DataLoader, splits, and each bundled dataset's
 * constants and byte-level decoding. The loaders that read the installed packages' files
 * (loadMnist, loadFashionMnist, loadImdb, loadSpamAssassin, …) are Node only: node.ts.
 */
export { checkIndex, randomPermutation, randomSplit, Subset, TensorDataset, type Dataset, type RandomSplit, type RandomSplitOptions } from './dataset.js';
export { DataLoader, defaultCollate, type Collated, type DataLoaderOptions, type DataLoaderState } from './data-loader.js';
export { decodeMnist, MNIST_MEAN, MNIST_STD, type DecodeMnistOptions, type ImageSet } from './mnist-format.js';
export { FASHION_MNIST_CLASSES, FASHION_MNIST_MEAN, FASHION_MNIST_SPLIT_SEED, FASHION_MNIST_STD } from './fashion-mnist-classes.js';
export { cleanImdbText, IMDB_SPLIT_SEED, splitImdb, type ImdbSplit, type ImdbSplitOptions, type ImdbSplits, type RawImdbReview } from './imdb-split.js';
export { Mt19937 } from './mt19937.js';
export { trainTestSplit, type TrainTestIndices, type TrainTestSplitOptions } from './train-test-split.js';
export { computeClassWeight } from './class-weight.js';
export {
  normalizeWhitespace, splitMessage, subjectOf, temporalSplit, SPAM_ASSASSIN_GROUPS, SPAM_ASSASSIN_OLDER, type SpamAssassinGroup,
} from './spam-messages.js';
export { dayOfYear, parseSeattleWeather, type SeattleWeather } from './seattle-weather.js';
