/** The data package: datasets, the DataLoader, and loaders for the datasets Sapling ships with. */
export { checkIndex, randomPermutation, randomSplit, Subset, TensorDataset, type Dataset, type RandomSplit, type RandomSplitOptions } from './dataset.js';
export { DataLoader, defaultCollate, type Collated, type DataLoaderOptions, type DataLoaderState } from './data-loader.js';
export { loadMnist, MNIST_MEAN, MNIST_STD, type ImageSet, type MnistOptions } from './mnist.js';
export {
  FASHION_MNIST_CLASSES, FASHION_MNIST_MEAN, FASHION_MNIST_SPLIT_SEED, FASHION_MNIST_STD, loadFashionMnist, loadFashionMnistSplits,
  type FashionMnistOptions,
} from './fashion-mnist.js';
export { cleanImdbText, IMDB_SPLIT_SEED, splitImdb, type ImdbSplit, type ImdbSplitOptions, type ImdbSplits, type RawImdbReview } from './imdb-split.js';
export { loadImdb, readImdbReviews, type ImdbOptions } from './imdb.js';
export { Mt19937 } from './mt19937.js';
export { trainTestSplit, type TrainTestIndices, type TrainTestSplitOptions } from './train-test-split.js';
export { computeClassWeight } from './class-weight.js';
export {
  loadSpamAssassin, normalizeWhitespace, splitMessage, subjectOf, temporalSplit, SPAM_ASSASSIN_GROUPS, SPAM_ASSASSIN_OLDER, SPAM_ASSASSIN_PACKAGE,
  type SpamAssassin, type SpamAssassinGroup, type SpamAssassinOptions,
} from './spam-assassin.js';
export { dayOfYear, loadSeattleWeather, parseSeattleWeather, type SeattleWeather } from './seattle-weather.js';
