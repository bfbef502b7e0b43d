import { DataLoader, loadMnist, randomSplit, TensorDataset } from 'sapling';

const { images, labels } = loadMnist({ split: 'train', normalize: true }); // [60000,1,28,28] float32, [60000] int32
const [train, val] = randomSplit(new TensorDataset(images, labels), [55000, 5000], { seed: 0 });
const loader = new DataLoader(train, { batchSize: 64, shuffle: true, seed: 1 });
for (let epoch = 0; epoch < 3; epoch++) {
  let seen = 0;
  for (const [x, y] of loader) seen += y.numel(); // x [64,1,28,28], y [64]
  console.log(`epoch ${epoch}: ${seen} training images in ${loader.length} batches; ${val.length} held out`);
}
