/** The data package: datasets, the DataLoader, and loaders for the datasets Sapling ships with. */
export { checkIndex, randomPermutation, randomSplit, Subset, TensorDataset, type Dataset, type RandomSplitOptions } from './dataset.js';
export { DataLoader, defaultCollate, type Collated, type DataLoaderOptions, type DataLoaderState } from './data-loader.js';
export { loadMnist, MNIST_MEAN, MNIST_STD, type ImageSet, type MnistOptions } from './mnist.js';
export {
  FASHION_MNIST_CLASSES, FASHION_MNIST_MEAN, FASHION_MNIST_SPLIT_SEED, FASHION_MNIST_STD, loadFashionMnist, loadFashionMnistSplits,
  type FashionMnistOptions,
} from './fashion-mnist.js';
export { DIGIT_SCENE_CLASSES, DigitScenes, type DigitScenesOptions, type SceneArrays } from './digit-scenes.js';
