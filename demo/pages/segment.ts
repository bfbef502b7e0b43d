/**
 * Segment digits: a 64 × 64 scene you draw on or drop MNIST digits onto, and a U-Net
 * (src/models/unet.ts) giving every pixel a class — background or the digit 0–9 it belongs to —
 * overlaid live on the scene, with a class legend and the latency of each forward pass. The model
 * is the quick preset's (demo/assets/, scored at build time by demo/scripts/make-assets.ts), or any checkpoint of
 * examples/segmentation.ts dropped onto the page. "Random scene" makes a test scene the way the
 * training scenes were made (DigitScenes, on MNIST test digits) and scores the mask against it.
 * The U-Net runs on the webgpu backend where the browser offers an adapter, else on wasm
 * (`?backend=wasm` forces wasm); the page says which.
 */
import {
  argmax, DIGIT_SCENE_CLASSES, DIGIT_SCENE_PALETTE, DigitScenes, colorizeMask, deserializeCheckpoint, metrics, noGrad, overlayMask, scope, segment,
  Tensor, UNet, type SegmentResult, type UNetOptions,
} from 'sapling';
import { pageBackend, restoreWasm } from '../lib/backend.js';
import { asset, bytes, mnistSubset } from '../lib/digits.js';
import { h, type DemoPage } from '../lib/page.js';
import { emptyScene, pasteDigit, stroke } from '../lib/scene-canvas.js';

const S = 64;
const ZOOM = 6;

/** A U-Net from the bytes of a checkpoint whose `extra.unet` holds its options (as examples/segmentation.ts and make-assets.ts write them). */
function unetFromCheckpoint(file: Uint8Array, what: string): UNet {
  const checkpoint = deserializeCheckpoint(file, { source: what });
  const options = (checkpoint.extra as { unet?: UNetOptions } | undefined)?.unet;
  if (options === undefined || typeof options.width !== 'number' || typeof options.depth !== 'number') {
    throw new RangeError(`${what}: not a U-Net checkpoint of examples/segmentation.ts (no extra.unet options)`);
  }
  const model = new UNet(options);
  model.loadStateDict(checkpoint.model);
  model.eval();
  return model;
}

/** `segment` for a model on the GPU: the same forward pass and argmax, with the mask read back asynchronously. */
async function segmentOnDevice(model: UNet, pixels: Float32Array): Promise<SegmentResult> {
  const x = new Tensor(Float32Array.from(pixels), [1, 1, S, S]);
  const started = performance.now();
  const classes = scope(() => noGrad(() => argmax(model.forward(x), 1)));
  const mask = Int32Array.from(await classes.data());
  classes.dispose();
  return { mask, milliseconds: performance.now() - started };
}

export const page: DemoPage = {
  path: 'segment', title: 'Segment', order: 4,
  summary: 'Draw digits or drop MNIST digits onto a scene: a U-Net labels every pixel live, with a class legend and the latency.',
  async mount(root) {
    const view = h('canvas', { width: String(S), height: String(S), class: 'pad', id: 'seg-canvas', style: `width:${S * ZOOM}px;height:${S * ZOOM}px;image-rendering:pixelated` });
    const maskView = h('canvas', { width: String(S), height: String(S), id: 'seg-mask', style: `width:${S * 3}px;height:${S * 3}px;image-rendering:pixelated;border:1px solid #999` });
    const tray = h('div', { class: 'row', id: 'seg-tray' });
    const legend = h('div', { class: 'legend', id: 'seg-legend' });
    const latency = h('p', { class: 'stats', id: 'seg-latency' }, '');
    const truth = h('p', { class: 'stats', id: 'seg-truth' }, '');
    const source = h('p', { class: 'muted', id: 'seg-source' }, 'Loading the model…');
    const runsOn = h('p', { class: 'muted', id: 'seg-backend' }, 'Choosing a backend…');
    const clear = h('button', { class: 'secondary', id: 'seg-clear' }, 'Clear');
    const random = h('button', { class: 'secondary', id: 'seg-random' }, 'Random scene');
    const upload = h('input', { type: 'file', accept: '.safetensors', id: 'seg-checkpoint' });
    root.append(
      h('h1', {}, 'Segment digits'),
      h('p', {}, 'Draw digits on the scene, or drag the MNIST digits below onto it (a click drops one at random). The U-Net labels every pixel; its mask is overlaid as you go.'),
      h('div', { class: 'row' },
        h('div', { class: 'card' }, view, h('p', {}, clear, ' ', random), h('p', { class: 'muted' }, 'MNIST test digits — drag onto the scene:'), tray),
        h('div', { class: 'card' }, h('p', {}, 'The U-Net\'s mask:'), maskView, legend, latency, truth)),
      source, runsOn,
      h('p', { class: 'muted' }, 'Another model: a checkpoint written by examples/segmentation.ts (runs/segmentation/best.safetensors), chosen here or dropped onto the page: ', upload),
    );
    const probe = { ready: false, backend: '', model: '', runs: 0, milliseconds: 0, scene: [] as number[], mask: [] as number[], truthMeanIou: null as number | null };
    window.saplingDemo.segment = probe;

    const scene = emptyScene(S);
    let known: Int32Array | null = null; // the true mask of a random scene, until the user changes it
    const swatches = DIGIT_SCENE_CLASSES.map((name, c) => {
      const count = h('span', { class: 'muted' }, '');
      const [r, g, b] = DIGIT_SCENE_PALETTE[c]!;
      legend.append(h('span', { class: 'swatch', style: `background:rgb(${r},${g},${b})` }), h('span', {}, name), count);
      return count;
    });

    const [backend, digits, built, info] = await Promise.all([
      pageBackend(),
      mnistSubset('test', false),
      bytes('segmentation/unet.safetensors'),
      fetch(asset('segmentation/unet.json')).then((r) => r.json() as Promise<{ width: number; depth: number; scenes: number; testMeanIou: number; testScenes: number }>),
    ]);
    const onGpu = backend.name === 'webgpu';
    probe.backend = backend.name;
    runsOn.textContent = `Runs on the ${backend.detail}.`;
    let model = unetFromCheckpoint(built, 'segmentation/unet.safetensors');
    if (onGpu) await model.to('webgpu'); // in place: the weights move to GPU memory
    const describe = (m: UNet): string => `${m.numParameters().toLocaleString('en')} parameters`;
    const setModel = async (next: UNet, from: string): Promise<void> => {
      if (onGpu) await next.to('webgpu');
      model = next;
      probe.model = from;
      source.textContent = `Model: ${from}, ${describe(next)}.`;
      schedule();
    };

    const pixels = digits.images.dataSync() as Float32Array;
    const labels = digits.labels.dataSync() as Int32Array;
    const digitPixels = (i: number): Float32Array => pixels.subarray(i * 784, (i + 1) * 784);
    // One test digit of each class for the tray: the first of its class in the demo's 1,000.
    for (let d = 0; d < 10; d++) {
      const i = labels.indexOf(d);
      const thumb = h('canvas', { width: '28', height: '28', draggable: 'true', id: `seg-digit-${d}`, 'data-index': String(i), title: `an MNIST ${d}`, style: 'width:42px;height:42px;image-rendering:pixelated;cursor:grab;background:#000' });
      const context = thumb.getContext('2d')!;
      const image = context.createImageData(28, 28);
      digitPixels(i).forEach((v, k) => image.data.set([255 * v, 255 * v, 255 * v, 255], 4 * k));
      context.putImageData(image, 0, 0);
      thumb.addEventListener('dragstart', (e) => e.dataTransfer?.setData('text/plain', `digit:${i}`));
      thumb.addEventListener('click', () => drop(i, 4 + Math.floor(Math.random() * (S - 36)), 4 + Math.floor(Math.random() * (S - 36))));
      tray.append(thumb);
    }

    let queued = false;
    let latest = 0; // a read from the GPU resolves later: only the newest scene's mask is shown
    let stopped = false;
    const run = async (): Promise<void> => {
      queued = false;
      const mine = ++latest;
      const pixels = Float32Array.from(scene.pixels);
      const truthMask = known;
      const { mask, milliseconds } = onGpu ? await segmentOnDevice(model, pixels) : segment(model, pixels, S, S);
      if (mine !== latest || stopped) return;
      paint(view, overlayMask(pixels, mask));
      paint(maskView, colorizeMask(mask));
      const counts = new Array<number>(DIGIT_SCENE_CLASSES.length).fill(0);
      for (const c of mask) counts[c]!++;
      swatches.forEach((el, c) => (el.textContent = counts[c]! > 0 ? `${counts[c]} px` : ''));
      latency.textContent = `forward pass + argmax: ${milliseconds.toFixed(1)} ms (1 × 1 × ${S} × ${S}, eval mode, ${backend.name} backend)`;
      probe.truthMeanIou = truthMask === null ? null : new metrics.SegmentationMetrics(DIGIT_SCENE_CLASSES.length).update(truthMask, mask).compute().meanIou;
      truth.textContent = probe.truthMeanIou === null ? '' : `mean IoU against this scene's true mask: ${probe.truthMeanIou.toFixed(3)}`;
      probe.runs++;
      probe.milliseconds = milliseconds;
      probe.scene = Array.from(pixels);
      probe.mask = Array.from(mask);
    };
    function schedule(): void {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => void run().catch((error: unknown) => (latency.textContent = `the forward pass failed: ${String(error)}`)));
    }
    /** The user changed the scene: the true mask of a random scene no longer holds. */
    const edited = (): void => {
      known = null;
      schedule();
    };
    function drop(index: number, top: number, left: number): void {
      pasteDigit(scene, digitPixels(index), top, left);
      edited();
    }

    // Scene coordinates of a pointer: from the canvas's content box (inside its border).
    const at = (e: { clientX: number; clientY: number }): [number, number] => {
      const r = view.getBoundingClientRect();
      return [((e.clientX - r.left - view.clientLeft) * S) / view.clientWidth, ((e.clientY - r.top - view.clientTop) * S) / view.clientHeight];
    };
    let last: [number, number] | null = null;
    view.addEventListener('pointerdown', (e) => {
      view.setPointerCapture(e.pointerId);
      last = at(e);
      stroke(scene, last, last);
      edited();
    });
    view.addEventListener('pointermove', (e) => {
      if (last === null) return;
      const next = at(e);
      stroke(scene, last, next);
      last = next;
      edited();
    });
    const end = (): void => {
      last = null;
    };
    view.addEventListener('pointerup', end);
    view.addEventListener('pointercancel', end);
    view.addEventListener('dragover', (e) => e.preventDefault());
    view.addEventListener('drop', (e) => {
      e.preventDefault();
      const text = e.dataTransfer?.getData('text/plain') ?? '';
      if (!text.startsWith('digit:')) return;
      const [x, y] = at(e);
      drop(Number(text.slice(6)), Math.round(y - 14), Math.round(x - 14));
    });
    clear.addEventListener('click', () => {
      scene.pixels.fill(0);
      edited();
    });
    let randomSeed = 0;
    random.addEventListener('click', () => {
      const made = new DigitScenes({ count: 1, split: 'test', seed: randomSeed++, mnist: digits }).scene(0);
      scene.pixels.set(made.image);
      known = made.mask;
      schedule();
    });

    const loadFile = async (file: File): Promise<void> => {
      try {
        await setModel(unetFromCheckpoint(new Uint8Array(await file.arrayBuffer()), file.name), `${file.name}, your checkpoint`);
      } catch (error) {
        source.textContent = `Could not use ${file.name}: ${error instanceof Error ? error.message : String(error)}`;
      }
    };
    upload.addEventListener('change', () => {
      const file = upload.files?.[0];
      if (file) void loadFile(file);
    });
    const onDragOver = (e: DragEvent): void => e.preventDefault();
    const onDrop = (e: DragEvent): void => {
      const file = e.dataTransfer?.files[0];
      if (file === undefined) return;
      e.preventDefault();
      void loadFile(file);
    };
    document.addEventListener('dragover', onDragOver);
    document.addEventListener('drop', onDrop);

    await setModel(model, `the quick preset's U-Net (width ${info.width}, depth ${info.depth}, ${info.scenes.toLocaleString('en')} training scenes; mean IoU ${info.testMeanIou.toFixed(3)} on ${info.testScenes} test scenes)`);
    probe.ready = true;
    return () => {
      stopped = true;
      if (onGpu) void restoreWasm();
      document.removeEventListener('dragover', onDragOver);
      document.removeEventListener('drop', onDrop);
    };
  },
};

/** Draws S × S RGBA bytes into a canvas of that size. */
function paint(canvas: HTMLCanvasElement, rgba: Uint8ClampedArray): void {
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(S, S);
  image.data.set(rgba);
  context.putImageData(image, 0, 0);
}
