import { DataLoader, DigitScenes, loadMnist } from 'sapling';

// DigitScenes itself runs anywhere; in Node, loadMnist reads the digits (a page: decodeMnist on fetched bytes).
const train = new DigitScenes({ count: 8000, split: 'train', seed: 0, digitRange: [0, 55000], mnist: loadMnist({ split: 'train' }) });
const [image, mask] = train.get(0);            // [1, 64, 64] float32 in [0, 1], [64, 64] int32 in 0…10
const { images, masks } = train.batch(0, 32);  // [32, 1, 64, 64], [32, 64, 64]
const loader = new DataLoader(train, { batchSize: 32, shuffle: true, seed: 1 }); // scenes made as read
console.log(image.shape, mask.shape, images.shape, masks.shape, loader.length);
