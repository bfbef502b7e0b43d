/**
 * digits — the MNIST data and the digit classifier the pages share. The data is the subset that
 * demo/scripts/make-assets.ts wrote at build time, decoded with Sapling's `decodeMnist` (the same
 * code `loadMnist` uses in Node). The classifier is the CNN of `npm start`: the one trained on the
 * Train page if there is one (kept in localStorage as safetensors bytes), else the one trained at
 * build time.
 */
import { decodeMnist, deserialize, mnistCnn, serialize, toHost, type ImageSet, type Module, type Tensor } from 'sapling';

/** The URL of a build-time asset (demo/.generated/), relative to the page. */
export const asset = (path: string): string => new URL(path, document.baseURI).href;

/** The bytes of a build-time asset, or an error that says how to make it. */
export async function bytes(path: string): Promise<Uint8Array> {
  const response = await fetch(asset(path));
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} (run npm run demo:build, or npx tsx demo/scripts/make-assets.ts)`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The 4,000 training or 1,000 test images of the demo, standardised as in training (or, with `normalize` false, in [0, 1]). */
export async function mnistSubset(split: 'train' | 'test', normalize = true): Promise<ImageSet> {
  const [images, labels] = await Promise.all([bytes(`mnist/${split}-images.idx3`), bytes(`mnist/${split}-labels.idx1`)]);
  return decodeMnist(images, labels, { normalize, names: { who: 'mnistSubset', images: `${split}-images.idx3`, labels: `${split}-labels.idx1` } });
}

export interface Classifier {
  readonly model: Module<[Tensor], Tensor>;
  /** Where it came from, for the page to say. */
  readonly source: string;
}

const STORE = 'sapling-demo:mnist-cnn';
let trained: Classifier | null = null;

/** The Train page hands its model over (and keeps its weights for the next visit: host copies where they are on the GPU). */
export async function shareTrainedModel(model: Module<[Tensor], Tensor>, note: string): Promise<void> {
  trained = { model, source: `the model you trained on the Train page (${note})` };
  const weights = await toHost(model.stateDict());
  try {
    const b = serialize(weights, { note });
    let text = '';
    for (let i = 0; i < b.length; i += 0x8000) text += String.fromCharCode(...b.subarray(i, i + 0x8000));
    localStorage.setItem(STORE, btoa(text));
  } catch {
    // storage full or disabled: the model is still shared for this visit
  }
}

/** The trained model if there is one, else the build-time one. */
export async function classifier(): Promise<Classifier> {
  if (trained !== null) return trained;
  const stored = localStorage.getItem(STORE);
  if (stored !== null) {
    try {
      const file = deserialize(Uint8Array.from(atob(stored), (c) => c.charCodeAt(0)));
      const model = mnistCnn();
      model.loadStateDict(file.tensors);
      model.eval();
      return (trained = { model, source: `the model you trained on the Train page (${file.metadata?.note ?? 'earlier'})` });
    } catch {
      localStorage.removeItem(STORE);
    }
  }
  const [weights, info] = await Promise.all([bytes('mnist/pretrained.safetensors'), fetch(asset('mnist/pretrained.json')).then((r) => r.json() as Promise<{ testAccuracy: number; images: number; epochs: number }>)]);
  const model = mnistCnn();
  model.loadStateDict(deserialize(weights).tensors);
  model.eval();
  return { model, source: `a model trained at build time (${info.images.toLocaleString('en')} images, ${info.epochs} epochs, ${(100 * info.testAccuracy).toFixed(2)}% on the 10,000 test images)` };
}
