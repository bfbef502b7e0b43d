// Data loading: datasets, splits and batches, as torch.utils.data does them.
// #region import
import { DataLoader, TensorDataset, loadMnist, randn, randomSplit, tensor, type Dataset, type Tensor } from 'sapling';
// #endregion

// #region tensor-dataset
const features = randn([100, 3]);
const labels = tensor(Array.from({ length: 100 }, (_, i) => i % 2), { dtype: 'int32' });
const dataset = new TensorDataset(features, labels);
const [train, val] = randomSplit(dataset, [0.8, 0.2], { seed: 0 });     // random_split(ds, [0.8, 0.2], generator=...)
const loader = new DataLoader(train, { batchSize: 16, shuffle: true, seed: 0 });
for (const [x, y] of loader) {
  console.log(x.shape, y.shape);                     // [ 16, 3 ] [ 16 ]
  break;
}
console.log(train.length, val.length, loader.length); // 80 20 5
// #endregion

// #region custom
// class Squares(Dataset): __len__ and __getitem__ become length and get(i).
class Squares implements Dataset<[Tensor, Tensor]> {
  readonly length = 10;
  get(i: number): [Tensor, Tensor] {
    return [tensor([i]), tensor([i * i])];
  }
}
const [xs, ys] = new DataLoader(new Squares(), { batchSize: 4 })[Symbol.iterator]().next().value!;
console.log(xs.toArray(), ys.toArray());             // [ [ 0 ], [ 1 ], [ 2 ], [ 3 ] ] [ [ 0 ], [ 1 ], [ 4 ], [ 9 ] ]
// #endregion

// #region mnist
const mnist = loadMnist({ split: 'test', normalize: true });   // torchvision.datasets.MNIST(train=False), ToTensor, Normalize
console.log(mnist.images.shape, mnist.labels.dtype);            // [ 10000, 1, 28, 28 ] int32
// #endregion
