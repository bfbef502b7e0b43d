/**
 * fashion-mnist-classes — Fashion-MNIST's class names, the seed of Sapling's split and the pixel
 * statistics, apart from the loader (fashion-mnist.ts, Node only) so that a browser page or a
 * server can name and standardise images without loading the data.
 */

/** Class names, by label. */
export const FASHION_MNIST_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

/** The seed of Sapling's train/test split (the dataset's release date, 2017-08-25). Never change it. */
export const FASHION_MNIST_SPLIT_SEED = 20170825;

/** Mean and standard deviation of pixel / 255 over all 70,000 images (computed once from the data). */
export const FASHION_MNIST_MEAN = 0.286;
/**
 * The standard deviation of Fashion-MNIST's pixel values (scaled to [0, 1]), used with FASHION_MNIST_MEAN by `normalize`.
 */
export const FASHION_MNIST_STD = 0.353;
