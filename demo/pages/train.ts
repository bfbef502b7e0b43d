/**
 * Train a digit classifier in your browser: the CNN of `npm start` (src/models/mnist-cnn.ts)
 * learns 4,000 MNIST images with Adam, one mini-batch of 32 per step, on Sapling's webgpu backend
 * where the browser offers an adapter, else on wasm (`?backend=wasm` forces wasm); the page says which.
 * The loop runs steps for ~50 ms at a time, then lets the page draw; Pause stops between steps.
 * Every 50 steps the model is scored on 500 test images: the chart's orange points, and the grid
 * of predictions (green right, red wrong). The trained model then serves the Draw page.
 */
import { argmax, DataLoader, F, manualSeed, mnistCnn, noGrad, optim, scope, slice, TensorDataset, type Tensor } from 'sapling';
import { pageBackend, restoreWasm } from '../lib/backend.js';
import { trainingChart } from '../lib/chart.js';
import { mnistSubset, shareTrainedModel } from '../lib/digits.js';
import { h, type DemoPage } from '../lib/page.js';

const BATCH = 32;
const EPOCHS = 3;
const EVAL_EVERY = 50;
const EVAL_IMAGES = 500;
const GRID = 32;
const SLICE_MS = 50;

export const page: DemoPage = {
  path: 'train', title: 'Train', order: 1,
  summary: 'A small CNN learns handwritten digits live in the page: loss and accuracy curves, pause and resume, test predictions.',
  async mount(root) {
    const status = h('p', { class: 'muted', id: 'train-status' }, 'Loading 4,000 training and 1,000 test images…');
    const toggle = h('button', { id: 'train-toggle', disabled: '' }, 'Pause');
    const stats = h('div', { class: 'stats', id: 'train-stats' }, '');
    const canvas = h('canvas', { width: '620', height: '320', id: 'train-chart' });
    const grid = h('div', { class: 'grid', id: 'train-grid' });
    root.append(
      h('h1', {}, 'Train a digit classifier in your browser'),
      status,
      h('div', { class: 'row' }, h('div', { class: 'card' }, canvas), h('div', { class: 'card' }, h('p', {}, toggle), stats)),
      h('h2', {}, 'Test predictions'), grid,
    );
    const chart = trainingChart(canvas);
    let stopped = false;
    let paused = false;
    const probe = { steps: 0, losses: [] as number[], accuracy: [] as number[], running: false, stepsPerSecond: 0, backend: '' };
    window.saplingDemo.train = probe;

    const [backend, train, test] = await Promise.all([pageBackend(), mnistSubset('train'), mnistSubset('test')]);
    probe.backend = backend.name;
    manualSeed(0);
    const model = mnistCnn();
    const onGpu = backend.name === 'webgpu';
    if (onGpu) await model.to('webgpu'); // in place: the parameters move to GPU memory
    const optimizer = new optim.Adam(model.parameters(), { lr: 3e-3 });
    const loader = new DataLoader(new TensorDataset(train.images, train.labels), { batchSize: BATCH, shuffle: true, seed: 0 });
    const evalImages = slice(test.images, [{ start: 0, stop: EVAL_IMAGES }]);
    const evalLabels = slice(test.labels, [{ start: 0, stop: EVAL_IMAGES }]).toArray() as number[];
    const total = EPOCHS * loader.length;
    status.textContent = `${train.labels.numel().toLocaleString('en')} training images, batch ${BATCH}, Adam (lr 0.003), ${EPOCHS} epochs = ${total} steps; runs on the ${backend.detail}.`;
    toggle.disabled = false;
    toggle.addEventListener('click', () => {
      paused = !paused;
      toggle.textContent = paused ? 'Resume' : 'Pause';
      if (!paused) void loop();
    });

    const batches = (function* () {
      for (let epoch = 0; epoch < EPOCHS; epoch++) yield* loader;
    })();
    let running = 0;
    let trainSeconds = 0;

    async function evaluate(): Promise<void> {
      model.eval();
      const predicted = (await noGrad(() => argmax(model.forward(evalImages), 1)).toArrayAsync()) as number[];
      model.train();
      const accuracy = predicted.filter((p, i) => p === evalLabels[i]).length / EVAL_IMAGES;
      probe.accuracy.push(accuracy);
      chart.addAccuracy(probe.steps, accuracy);
      drawGrid(grid, test.images, predicted, evalLabels);
      await shareTrainedModel(model, `${probe.steps} steps, ${(100 * accuracy).toFixed(1)}% on ${EVAL_IMAGES} test images`);
    }

    async function loop(): Promise<void> {
      if (probe.running) return;
      probe.running = true;
      while (!stopped && !paused && probe.steps < total) {
        const started = performance.now();
        while (performance.now() - started < SLICE_MS && probe.steps < total) {
          const next = batches.next();
          if (next.done) break;
          const [x, y] = next.value as [Tensor, Tensor];
          const step = (): Tensor => {
            const loss = F.crossEntropy(model.forward(x), y);
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            return loss;
          };
          // On the GPU, scope() frees the step's temporaries at once; the read is the step's one wait.
          const loss = onGpu ? scope(step) : step();
          const value = await loss.itemAsync();
          if (onGpu) loss.dispose();
          probe.steps++;
          probe.losses.push(value);
          running = probe.steps === 1 ? value : 0.95 * running + 0.05 * value;
          chart.addLoss(probe.steps, running);
          if (probe.steps % EVAL_EVERY === 0 || probe.steps === total) await evaluate();
        }
        trainSeconds += (performance.now() - started) / 1000;
        probe.stepsPerSecond = probe.steps / trainSeconds;
        stats.innerHTML = `step <b id="train-step">${probe.steps}</b> of ${total}<br>running loss <b>${running.toFixed(4)}</b><br>` +
          `test accuracy <b>${probe.accuracy.length ? (100 * probe.accuracy.at(-1)!).toFixed(1) + '%' : '–'}</b><br>${probe.stepsPerSecond.toFixed(1)} steps/s (${(probe.stepsPerSecond * BATCH).toFixed(0)} images/s)`;
        chart.redraw();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      probe.running = false;
      if (probe.steps >= total) {
        toggle.disabled = true;
        toggle.textContent = 'Done';
      }
    }
    void loop();
    return () => {
      stopped = true;
      chart.destroy();
      if (onGpu) void restoreWasm();
    };
  },
};

/** The first GRID test images with their predicted digit, bordered green (right) or red (wrong). */
function drawGrid(grid: HTMLElement, images: Tensor, predicted: readonly number[], labels: readonly number[]): void {
  const pixels = slice(images, [{ start: 0, stop: GRID }]).toArray() as number[][][][];
  grid.replaceChildren(...pixels.map((image, i) => {
    const canvas = h('canvas', { width: '28', height: '28' });
    const context = canvas.getContext('2d')!;
    const data = context.createImageData(28, 28);
    image[0]!.flat().forEach((v, p) => {
      const grey = Math.round(255 * Math.min(1, Math.max(0, v * 0.3081 + 0.1307)));
      data.data.set([grey, grey, grey, 255], 4 * p);
    });
    context.putImageData(data, 0, 0);
    const right = predicted[i] === labels[i];
    return h('figure', { class: right ? 'right' : 'wrong' }, canvas, h('figcaption', {}, right ? `${predicted[i]}` : `${predicted[i]} (${labels[i]})`));
  }));
}
