/**
 * Draw a digit: a canvas the classifier reads as you draw. Each change of the drawing (at most
 * once per animation frame) becomes an MNIST-style 28 × 28 image (lib/digit-input.ts), is
 * standardised as the training images were, and goes through the CNN in eval mode; the page shows
 * the top 3 classes with their probabilities and the latency of that forward pass. The model runs
 * on the webgpu backend where the browser offers an adapter (else wasm; `?backend=wasm` forces
 * wasm), and the page says which.
 */
import { MNIST_MEAN, MNIST_STD, noGrad, softmax, Tensor } from 'sapling';
import { pageBackend, restoreWasm } from '../lib/backend.js';
import { mnistFromInk } from '../lib/digit-input.js';
import { classifier } from '../lib/digits.js';
import { h, type DemoPage } from '../lib/page.js';

const SIZE = 280;
const STROKE = 22;

export const page: DemoPage = {
  path: 'draw', title: 'Draw', order: 2,
  summary: 'Draw a digit with the mouse or a finger: the trained CNN reads it as you draw, with its top 3 guesses and the latency.',
  async mount(root) {
    const pad = h('canvas', { width: String(SIZE), height: String(SIZE), class: 'pad', id: 'draw-pad' });
    const preview = h('canvas', { width: '28', height: '28', id: 'draw-preview', style: 'width:84px;height:84px;image-rendering:pixelated;border:1px solid #999' });
    const bars = h('div', { class: 'bars', id: 'draw-bars' });
    const latency = h('p', { class: 'stats', id: 'draw-latency' }, '');
    const source = h('p', { class: 'muted', id: 'draw-source' }, 'Loading the model…');
    const runsOn = h('p', { class: 'muted', id: 'draw-backend' }, 'Choosing a backend…');
    const clear = h('button', { class: 'secondary', id: 'draw-clear' }, 'Clear');
    root.append(
      h('h1', {}, 'Draw a digit'),
      h('div', { class: 'row' },
        h('div', { class: 'card' }, pad, h('p', {}, clear)),
        h('div', { class: 'card' }, h('p', {}, 'What the model sees (28 × 28):'), preview, h('p', {}, 'Top 3:'), bars, latency)),
      source, runsOn,
    );
    const probe = { ready: false, readyMs: 0, firstPredictionMs: null as number | null, model: '', backend: '' };
    window.saplingDemo.draw = probe;
    const context = pad.getContext('2d', { willReadFrequently: true })!;
    const blank = (): void => {
      context.fillStyle = '#000';
      context.fillRect(0, 0, SIZE, SIZE);
      bars.replaceChildren();
      latency.textContent = '';
      delete bars.dataset.top1;
    };
    blank();

    const [backend, { model, source: from }] = await Promise.all([pageBackend(), classifier()]);
    if (backend.name === 'webgpu') await model.to('webgpu'); // in place: the weights move to GPU memory
    source.textContent = `Model: ${from}.`;
    runsOn.textContent = `Runs on the ${backend.detail}.`;
    probe.model = from;
    probe.backend = backend.name;
    let stopped = false;

    let queued = false;
    let latest = 0; // a read from the GPU resolves later: only the newest drawing's answer is shown
    const classify = async (): Promise<void> => {
      queued = false;
      const rgba = context.getImageData(0, 0, SIZE, SIZE).data;
      const ink = new Float32Array(SIZE * SIZE);
      for (let i = 0; i < ink.length; i++) ink[i] = rgba[4 * i]! / 255;
      const digit = mnistFromInk(ink, SIZE, SIZE);
      if (digit === null) return;
      showPreview(preview, digit);
      const input = new Tensor(digit.map((v) => (v - MNIST_MEAN) / MNIST_STD), [1, 1, 28, 28]);
      const started = performance.now();
      const mine = ++latest;
      const probabilities = (await noGrad(() => softmax(model.forward(input), 1)).toArrayAsync()) as number[][];
      const ms = performance.now() - started;
      if (mine !== latest || stopped) return;
      const top = probabilities[0]!.map((p, d) => ({ p, d })).sort((a, b) => b.p - a.p).slice(0, 3);
      bars.replaceChildren(...top.flatMap(({ p, d }) => [
        h('b', {}, String(d)), h('div', { class: 'bar', style: `width:${Math.max(2, 200 * p).toFixed(0)}px` }), h('span', {}, `${(100 * p).toFixed(1)}%`),
      ]));
      bars.dataset.top1 = String(top[0]!.d);
      latency.textContent = `forward pass: ${ms.toFixed(1)} ms (batch 1, eval mode, ${backend.name} backend)`;
      probe.firstPredictionMs ??= performance.now(); // since the page began to load (the time origin)
    };
    const schedule = (): void => {
      if (queued) return;
      queued = true;
      requestAnimationFrame(() => void classify().catch((error: unknown) => (latency.textContent = `the forward pass failed: ${String(error)}`)));
    };

    let drawing = false;
    let last: [number, number] | null = null;
    const at = (e: PointerEvent): [number, number] => {
      const r = pad.getBoundingClientRect();
      return [((e.clientX - r.left) * SIZE) / r.width, ((e.clientY - r.top) * SIZE) / r.height];
    };
    pad.addEventListener('pointerdown', (e) => {
      drawing = true;
      pad.setPointerCapture(e.pointerId);
      last = at(e);
      stroke(last, last);
    });
    pad.addEventListener('pointermove', (e) => {
      if (!drawing || last === null) return;
      const next = at(e);
      stroke(last, next);
      last = next;
    });
    const end = (): void => {
      drawing = false;
      last = null;
      schedule();
    };
    pad.addEventListener('pointerup', end);
    pad.addEventListener('pointercancel', end);
    // A drawing painted by a program (the browser tests paint MNIST digits) announces itself so.
    pad.addEventListener('input', schedule);
    clear.addEventListener('click', blank);

    function stroke(from: [number, number], to: [number, number]): void {
      context.strokeStyle = '#fff';
      context.lineWidth = STROKE;
      context.lineCap = 'round';
      context.beginPath();
      context.moveTo(...from);
      context.lineTo(...to);
      context.stroke();
      schedule();
    }
    probe.readyMs = performance.now();
    probe.ready = true;
    return () => {
      stopped = true;
      if (backend.name === 'webgpu') void restoreWasm();
    };
  },
};

function showPreview(canvas: HTMLCanvasElement, digit: Float32Array): void {
  const context = canvas.getContext('2d')!;
  const data = context.createImageData(28, 28);
  digit.forEach((v, i) => {
    const grey = Math.round(255 * v);
    data.data.set([grey, grey, grey, 255], 4 * i);
  });
  context.putImageData(data, 0, 0);
}
