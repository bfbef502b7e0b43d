/**
 * WebGPU in your browser: where the browser offers an adapter, Sapling's webgpu backend runs a
 * matmul on the GPU (checked against the cpu kernel), then trains an MLP on 4,000 MNIST digits
 * with every tensor of the step in GPU memory: forward, backward and Adam's update run on the
 * device, each step in scope(), and the losses are read ten steps at a time (one wait for ten).
 * The page counts the reads back to the host during the steps: zero. Without an adapter (a
 * browser without WebGPU, or Chromium without a GPU and without --enable-unsafe-webgpu) it says
 * so, and the pages that run models stay on wasm too. Leaving the page puts the wasm kernels back.
 */
import {
  argmax, DataLoader, F, kernels, Linear, manualSeed, matmul, optim, randn, Relu, scope, Sequential, setBackend, slice, TensorDataset,
  useKernels, webgpuMemory, type Tensor,
} from 'sapling';
import { findAdapter, wasmBackend } from '../lib/backend.js';
import { mnistSubset } from '../lib/digits.js';
import { h, type DemoPage, type WebgpuProbe } from '../lib/page.js';

const BATCH = 64;
const STEPS = 60;
const READ_EVERY = 10;
const EVAL_IMAGES = 500;

export const page: DemoPage = {
  path: 'webgpu', title: 'WebGPU', order: 4,
  summary: 'Tensors in GPU memory: a matmul checked against the cpu, and an MLP trained on the GPU with no read back during a step.',
  async mount(root) {
    const status = h('p', { id: 'webgpu-status' }, 'Looking for a WebGPU adapter…');
    const results = h('ul', { id: 'webgpu-results' });
    root.append(h('h1', {}, 'WebGPU: tensors that live on the GPU'), status, h('div', { class: 'card' }, results));
    const probe: WebgpuProbe = { state: 'probing', backend: 'wasm', adapter: null, matmulMaxError: NaN, losses: [], readsDuringSteps: 0, msPerStep: 0, accuracy: NaN, error: '' };
    window.saplingDemo.webgpu = probe;
    const line = (html: string): void => void results.append(h('li', {}, html));
    let stopped = false;

    await wasmBackend(); // the header's backend first, so that ours is the last setBackend
    const adapter = await findAdapter();
    if (adapter === null) {
      probe.state = 'no-adapter';
      status.textContent = 'This browser offers no WebGPU adapter, so Sapling runs on its wasm backend here. (Chromium needs a GPU, or --enable-unsafe-webgpu for its software adapter.)';
      return;
    }
    const wasm = kernels();
    try {
      await setBackend('webgpu');
    } catch (error) {
      probe.state = 'failed';
      probe.error = String(error);
      status.textContent = `WebGPU adapter ${adapter} found, but the webgpu backend could not start: ${String(error)}. The pages keep the wasm backend.`;
      return;
    }
    probe.adapter = adapter;
    probe.backend = 'webgpu';
    probe.state = 'running';
    status.textContent = `This page runs on the webgpu backend, adapter ${adapter}.`;
    const run = async (): Promise<void> => {
      // 1. One kernel on the device, against the cpu's on the same values.
      manualSeed(0);
      const a = randn([128, 96]);
      const b = randn([96, 64]);
      const onHost = wasm.matmul(a, b).storage;
      const onGpu = await matmul(await a.to('webgpu'), await b.to('webgpu')).data();
      probe.matmulMaxError = Array.from(onGpu).reduce((m, v, i) => Math.max(m, Math.abs(v - onHost[i]!)), 0);
      line(`matmul [128, 96] · [96, 64] on the GPU: largest difference from the cpu ${probe.matmulMaxError.toExponential(1)}`);
      if (stopped) return;

      // 2. Training on the device.
      const [train, test] = await Promise.all([mnistSubset('train'), mnistSubset('test')]);
      if (stopped) return;
      const model = new Sequential(new Linear(784, 64), new Relu(), new Linear(64, 10));
      await model.to('webgpu');
      if (stopped) return;
      const optimizer = new optim.Adam(model.parameters(), { lr: 3e-3 });
      const loader = new DataLoader(new TensorDataset(train.images.reshape([-1, 784]), train.labels), { batchSize: BATCH, shuffle: true, seed: 0 });
      const batches = (function* () {
        for (;;) yield* loader;
      })();
      const started = performance.now();
      while (probe.losses.length < STEPS && !stopped) {
        const before = webgpuMemory()!.reads;
        const losses: Tensor[] = [];
        for (let i = 0; i < READ_EVERY; i++) {
          const [x, y] = batches.next().value as [Tensor, Tensor];
          losses.push(scope(() => {
            optimizer.zeroGrad();
            const loss = F.crossEntropy(model.forward(x), y);
            loss.backward();
            optimizer.step();
            return loss;
          }));
        }
        probe.readsDuringSteps += webgpuMemory()!.reads - before;
        probe.losses.push(...(await Promise.all(losses.map((l) => l.itemAsync()))));
        for (const l of losses) l.dispose();
        if (stopped) return;
        probe.msPerStep = (performance.now() - started) / probe.losses.length;
        document.getElementById('webgpu-training')?.remove();
        results.append(h('li', { id: 'webgpu-training' }, `training: step ${probe.losses.length} of ${STEPS}, loss ${probe.losses.at(-1)!.toFixed(3)}, ${probe.msPerStep.toFixed(0)} ms a step, ${probe.readsDuringSteps} reads during the steps`));
      }
      const images = slice(test.images, [{ start: 0, stop: EVAL_IMAGES }]).reshape([-1, 784]);
      const labels = slice(test.labels, [{ start: 0, stop: EVAL_IMAGES }]).toArray() as number[];
      const predicted = (await scope(() => argmax(model.forward(images), 1)).toArrayAsync()) as number[];
      probe.accuracy = predicted.filter((p, i) => p === labels[i]).length / EVAL_IMAGES;
      line(`after ${STEPS} steps: ${(100 * probe.accuracy).toFixed(1)}% right on ${EVAL_IMAGES} test images (loss ${probe.losses[0]!.toFixed(3)} → ${probe.losses.at(-1)!.toFixed(3)})`);
      probe.state = 'done';
    };
    run().catch((error: unknown) => {
      if (stopped) return;
      probe.state = 'failed';
      probe.error = String(error);
      status.textContent = `The webgpu backend failed: ${String(error)}`;
    });
    return () => {
      stopped = true;
      useKernels(wasm); // a page that does not choose its backend runs on wasm
    };
  },
};
