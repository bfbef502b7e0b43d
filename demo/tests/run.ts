/**
 * npm run test:browser — the demo site in a real browser: Debian's Chromium, driven by
 * playwright-core (Playwright's own browser download is not reachable here, and not needed).
 *
 * Builds the site (demo/scripts/make-assets.ts, then Vite), serves the build on 127.0.0.1 with
 * the cross-origin isolation headers, and checks, in one browser:
 *   - every page loads without a console error or an uncaught exception, and no request leaves
 *     the page's origin; the page is cross-origin isolated and tfjs-wasm's threaded build loads;
 *     with 4 logical cores (emulated: tfjs uses at most half of them) the kernels run on Web
 *     Workers; served without COOP/COEP the page runs on one thread and says why
 *   - in-page training: the mean loss of steps 51–60 is under half that of steps 1–10; pause stops
 *     the steps and resume restarts them
 *   - Draw, first visit (no storage): the build-time model reads a painted digit; the time from
 *     navigation to the model being ready and to the first prediction is reported
 *   - Draw with the model the Train check trained: the first 10 MNIST test digits, painted onto
 *     the canvas (each pixel a 10 × 10 square), are read right at least 9 times
 *   - SVD: the page's PSNR at ranks 5, 20 and 80 equals Node's, computed by the same code on the
 *     same pixels (to 1e-9 dB)
 *   - WebGPU: without an adapter the page says so and stays on wasm; in a second Chromium started
 *     with --enable-unsafe-webgpu (SwiftShader's adapter, on the CPU) a matmul on the GPU matches
 *     the cpu's and an MLP trains 60 steps on the device with no read during a step; there the
 *     Draw page picks webgpu, says so and reads digits right (with ?backend=wasm it keeps wasm),
 *     and the Segment page's mask on webgpu equals Node's
 *     (the other checks run in the Chromium without an adapter, so their pages run on wasm)
 *   - Spam, on both splits: a picked test mail's probability equals Node's (the same SpamFilter on
 *     the same file) and the test set's; the confusion matrix and expected cost at thresholds
 *     0.2, 0.5, 0.9 and at the costs' Bayes threshold equal Node's thresholdReport; a typed mail's
 *     probability equals Node's
 *   - Segment: a digit dragged onto the scene lands where it was dropped, a pen stroke is drawn,
 *     each change is segmented live (mask, legend, latency); the page's mask equals Node's for the
 *     same scene and weights; a random scene equals Node's DigitScenes scene, scored the same
 * `--only=NAME` runs the checks whose name starts with NAME (or contains it) (e.g. --only=Spam), and the last one.
 * Screenshots go to runs/browser/ (with --readme-shots, half-size copies to docs/images/).
 * Chromium: /usr/bin/chromium, or $CHROMIUM.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { DigitScenes, loadCheckpoint, loadMnist, metrics, segment, UNet, type UNetOptions } from '../../src/node.js';
import { SpamFilter, type SpamFilterJson } from '../../examples/spam/filter.js';
import { emptyScene, pasteDigit } from '../lib/scene-canvas.js';
import { compressionRatio, decompose, psnr, reconstruct, type Photo } from '../lib/svd-compress.js';
import type { DemoProbe } from '../lib/page.js';
import { assert, runChecks, type Check } from './harness.js';

const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`test:browser: no Chromium at ${executablePath}. Install Debian's: apt-get install -y chromium (or set CHROMIUM to a Chromium or Chrome binary).`);
  process.exit(1);
}

const demo = fileURLToPath(new URL('..', import.meta.url));
const configFile = `${demo}vite.config.ts`;
const shots = fileURLToPath(new URL('../../runs/browser/', import.meta.url));
mkdirSync(shots, { recursive: true });

console.log('building the demo site…');
await import('../scripts/make-assets.js');
await build({ configFile, logLevel: 'warn' });
const server = await preview({ configFile, preview: { port: 0, strictPort: false }, logLevel: 'warn' });
const origin = new URL(server.resolvedUrls!.local[0]!).origin;
console.log(`serving ${origin}; Chromium ${executablePath}`);

// The flags that let Chromium run headless as root on a machine without network (see
// /work/.library/env/machines/node.md): no sandbox, no GPU, no background connections.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
const problems: string[] = [];
const foreign: string[] = [];
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith(origin) || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
  foreign.push(url);
  return route.abort();
});
const wasmFetched: string[] = [];
function watch(p: Page): void {
  const problem = (text: string): void => {
    problems.push(text);
    console.log(`    ! ${text}`); // at once: a check waiting on a page that failed would otherwise only time out
  };
  p.on('console', (m) => { if (m.type() === 'error') problem(`console error: ${m.text()}`); });
  p.on('pageerror', (e) => problem(`uncaught: ${e.message}`));
  p.on('request', (r) => { if (r.url().endsWith('.wasm')) wasmFetched.push(r.url().split('/').at(-1)!); });
}
const page = await context.newPage();
watch(page);

/** The header's line on the wasm backend, once it has loaded. */
async function threadingOf(p: Page): Promise<string> {
  await p.waitForFunction(() => /^wasm backend/.test(document.getElementById('threading')!.textContent!), undefined, { timeout: 120_000 });
  return p.evaluate(() => document.getElementById('threading')!.textContent!);
}

/** Paints a 28 × 28 digit (values in [0, 1]) onto the Draw page's canvas, each pixel a 10 × 10 square; resolves to the page's top-1 class. */
async function paintDigit(p: Page, digit: readonly (readonly number[])[], timeout = 30_000): Promise<number> {
  // No named functions inside evaluate(): tsx's transform would wrap them in a helper the page lacks.
  await p.evaluate((pixels) => {
    const pad = document.getElementById('draw-pad') as HTMLCanvasElement;
    delete document.getElementById('draw-bars')!.dataset.top1;
    const context = pad.getContext('2d')!;
    const image = context.createImageData(280, 280);
    for (let y = 0; y < 280; y++) for (let x = 0; x < 280; x++) {
      const v = Math.round(255 * pixels[Math.floor(y / 10)]![Math.floor(x / 10)]!);
      image.data.set([v, v, v, 255], 4 * (280 * y + x));
    }
    context.putImageData(image, 0, 0);
    pad.dispatchEvent(new Event('input'));
  }, digit);
  await p.waitForFunction(() => document.getElementById('draw-bars')!.dataset.top1 !== undefined, undefined, { timeout, polling: 'raf' });
  return p.evaluate(() => Number(document.getElementById('draw-bars')!.dataset.top1));
}

const probe = (p: Page): Promise<DemoProbe> => p.evaluate(() => JSON.parse(JSON.stringify(window.saplingDemo)) as DemoProbe);
async function open(path: string, ready: () => boolean, timeout = 120_000): Promise<void> {
  await page.goto(`${origin}/#/${path}`);
  await page.reload(); // a fresh page per route: its own time origin and no state carried over
  await page.waitForFunction(ready, undefined, { timeout, polling: 250 });
}
const shot = (name: string): Promise<Buffer> => page.screenshot({ path: `${shots}${name}.png` });

const report: Record<string, unknown> = {};

/** docs/images/demo-*.png: the screenshots at half size (box filter), small enough to commit. */
async function readmeShots(): Promise<void> {
  const { PNG } = await import('pngjs');
  const out = fileURLToPath(new URL('../../docs/images/', import.meta.url));
  mkdirSync(out, { recursive: true });
  for (const name of ['home', 'train', 'draw', 'svd']) {
    const full = PNG.sync.read(readFileSync(`${shots}${name}.png`));
    const half = new PNG({ width: full.width >> 1, height: full.height >> 1 });
    for (let y = 0; y < half.height; y++) for (let x = 0; x < half.width; x++) for (let c = 0; c < 4; c++) {
      const at = (dy: number, dx: number): number => full.data[4 * ((2 * y + dy) * full.width + 2 * x + dx) + c]!;
      half.data[4 * (y * half.width + x) + c] = Math.round((at(0, 0) + at(0, 1) + at(1, 0) + at(1, 1)) / 4);
    }
    writeFileSync(`${out}demo-${name}.png`, PNG.sync.write(half, { colorType: 2 }));
  }
  console.log(`README screenshots: ${out}demo-{home,train,draw,svd}.png`);
}
// `--only=NAME` (or `--only NAME`) runs the checks whose name starts with or contains NAME, and the last (console errors, foreign requests).
const onlyFlag = process.argv.indexOf('--only');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? (onlyFlag >= 0 ? process.argv[onlyFlag + 1] : undefined);
const checks: Check[] = [
  {
    name: 'home page loads; the page is cross-origin isolated, tfjs-wasm\'s threaded build loads and the header says how many threads',
    async run() {
      await page.goto(`${origin}/`);
      const header = await threadingOf(page);
      await shot('home');
      const [isolated, logical] = await page.evaluate(() => [crossOriginIsolated, navigator.hardwareConcurrency] as const);
      assert(isolated, 'the page is not cross-origin isolated: the server did not send COOP/COEP');
      assert(wasmFetched.some((u) => u.includes('threaded-simd')), `tfjs fetched ${wasmFetched.join(', ')}, not its threaded build`);
      // tfjs-wasm uses at most half the logical cores: Web Workers from 4 on (the next check emulates 4).
      assert(logical >= 4 ? header.includes('Web Worker') : header.includes('at most half'), `${logical} logical cores, and the header says: ${header}`);
      report.threading = header;
      return `${logical} logical cores: ${header}`;
    },
  },
  {
    name: 'with 4 logical cores (navigator.hardwareConcurrency emulated), the kernels run on Web Workers and still read digits right',
    async run() {
      const emulated = await context.newPage();
      watch(emulated);
      const cdp = await context.newCDPSession(emulated); // Chromium's own emulation, as DevTools offers it
      await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: 4 });
      await emulated.goto(`${origin}/#/draw`);
      const header = await threadingOf(emulated);
      assert(header.includes('2 threads') && header.includes('Web Worker'), `the header says: ${header}`);
      await emulated.waitForFunction(() => window.saplingDemo.draw?.ready === true, undefined, { timeout: 120_000 });
      const { images, labels } = loadMnist({ split: 'test', limit: 3 });
      const read = [];
      for (let i = 0; i < 3; i++) read.push(await paintDigit(emulated, (images.toArray() as number[][][][])[i]![0]!));
      await emulated.close();
      const truth = labels.toArray() as number[];
      assert(read.filter((d, i) => d === truth[i]).length >= 2, `read ${read.join(' ')} for ${truth.join(' ')}`);
      return header;
    },
  },
  {
    name: 'served without COOP/COEP, the page runs on one thread and says why',
    async run() {
      const plain = await context.newPage();
      watch(plain);
      await plain.route(`${origin}/`, async (route) => {
        const response = await route.fetch();
        const headers = { ...response.headers() };
        delete headers['cross-origin-opener-policy'];
        delete headers['cross-origin-embedder-policy'];
        await route.fulfill({ response, headers });
      });
      await plain.goto(`${origin}/`);
      const header = await threadingOf(plain);
      const isolated = await plain.evaluate(() => crossOriginIsolated);
      await plain.close();
      assert(!isolated && header.includes('not cross-origin isolated'), `isolated ${String(isolated)}, the header says: ${header}`);
      return header;
    },
  },
  {
    name: 'Train: the loss falls (steps 51–60 under half of steps 1–10); pause stops it, resume restarts it',
    async run() {
      await open('train', () => (window.saplingDemo.train?.steps ?? 0) >= 60, 600_000);
      const { losses, stepsPerSecond } = (await probe(page)).train!;
      const mean = (a: readonly number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
      const first = mean(losses.slice(0, 10));
      const later = mean(losses.slice(50, 60));
      assert(later < first / 2, `loss of steps 1–10 ${first.toFixed(3)}, of steps 51–60 ${later.toFixed(3)}: not halved`);
      await page.click('#train-toggle');
      await page.waitForFunction(() => !window.saplingDemo.train!.running, undefined, { timeout: 30_000 });
      const pausedAt = (await probe(page)).train!.steps;
      await page.waitForTimeout(1500);
      assert((await probe(page)).train!.steps === pausedAt, 'steps went on while paused');
      await page.click('#train-toggle');
      await page.waitForFunction((n) => window.saplingDemo.train!.steps > n + 5, pausedAt, { timeout: 120_000 });
      await page.waitForFunction(() => (window.saplingDemo.train?.accuracy.length ?? 0) >= 2, undefined, { timeout: 300_000 });
      await page.click('#train-toggle');
      await shot('train');
      const accuracy = (await probe(page)).train!.accuracy;
      report.training = { first: first, later, stepsPerSecond, accuracy };
      return `mean loss ${first.toFixed(3)} → ${later.toFixed(3)}; ${stepsPerSecond.toFixed(1)} steps/s (batch 32); test accuracy ${accuracy.map((a) => (100 * a).toFixed(1) + '%').join(', ')}`;
    },
  },
  {
    name: 'Draw, first visit: the build-time model is ready and reads a digit; time to first prediction',
    async run() {
      const fresh = await browser.newContext({ viewport: { width: 1100, height: 760 } }); // no storage: a first-time visitor
      const first = await fresh.newPage();
      watch(first);
      await first.goto(`${origin}/#/draw`);
      await first.waitForFunction(() => window.saplingDemo.draw?.ready === true, undefined, { timeout: 120_000 });
      const { images, labels } = loadMnist({ split: 'test', limit: 1 });
      const truth = (labels.toArray() as number[])[0]!;
      const top1 = await paintDigit(first, (images.toArray() as number[][][][])[0]![0]!);
      const { firstPredictionMs, readyMs, model, backend } = (await probe(first)).draw!;
      await fresh.close();
      assert(model.includes('build time'), `the first visit used ${model}`);
      assert(backend === 'wasm', `without an adapter the Draw page runs on ${backend}`);
      assert(top1 === truth, `read ${top1} for ${truth}`);
      report.firstVisit = { readyMs, firstPredictionMs };
      return `model ready ${readyMs.toFixed(0)} ms and first prediction ${firstPredictionMs!.toFixed(0)} ms after navigation (a digit painted as soon as the page was ready)`;
    },
  },
  {
    name: 'Draw with the model trained on the Train page: 10 MNIST test digits painted onto the canvas, at least 9 read right',
    async run() {
      await open('draw', () => window.saplingDemo.draw?.ready === true);
      const { images, labels } = loadMnist({ split: 'test', limit: 10 });
      const pixels = images.toArray() as number[][][][];
      const truth = labels.toArray() as number[];
      const read: number[] = [];
      for (let i = 0; i < 10; i++) {
        read.push(await paintDigit(page, pixels[i]![0]!));
        if (i === 0) await shot('draw');
      }
      const right = read.filter((d, i) => d === truth[i]).length;
      const { model } = (await probe(page)).draw!;
      report.draw = { read, truth, right, model };
      assert(model.includes('Train page'), `the Draw page used ${model}`);
      assert(right >= 9, `read ${read.join(' ')} for ${truth.join(' ')}: ${right} of 10 right`);
      return `${right}/10 right (${read.join(' ')}) with ${model}`;
    },
  },
  {
    name: 'SVD: the page\'s PSNR and compression ratio equal Node\'s at ranks 5, 20 and 80',
    async run() {
      await open('svd', () => window.saplingDemo.svd?.ready === true);
      const meta = JSON.parse(readFileSync(`${demo}.generated/photo/allium.json`, 'utf8')) as { width: number; height: number };
      const photo: Photo = { ...meta, rgb: new Uint8Array(readFileSync(`${demo}.generated/photo/allium.rgb`)) };
      const svds = decompose(photo);
      const rows: string[] = [];
      for (const k of [5, 20, 80]) {
        await page.evaluate((rank) => {
          const slider = document.getElementById('svd-rank') as HTMLInputElement;
          slider.value = String(rank);
          slider.dispatchEvent(new Event('input'));
        }, k);
        const inPage = (await probe(page)).svd!;
        const expected = psnr(photo, reconstruct(photo, svds, k));
        assert(inPage.rank === k, `the page is at rank ${inPage.rank}, not ${k}`);
        assert(Math.abs(inPage.psnr - expected) < 1e-9, `rank ${k}: the page's PSNR ${inPage.psnr} dB, Node's ${expected} dB`);
        assert(Math.abs(inPage.ratio - compressionRatio(photo, k)) < 1e-12, `rank ${k}: compression ratio ${inPage.ratio}`);
        rows.push(`k=${k}: ${expected.toFixed(3)} dB, ${inPage.ratio.toFixed(1)}×`);
        if (k === 20) await shot('svd');
      }
      report.svd = rows;
      return rows.join('; ');
    },
  },
  {
    name: 'WebGPU page without an adapter (Chromium without --enable-unsafe-webgpu): it says so and the pages stay on wasm',
    async run() {
      await open('webgpu', () => window.saplingDemo.webgpu?.state !== undefined && window.saplingDemo.webgpu.state !== 'probing');
      const { state, backend } = (await probe(page)).webgpu!;
      const text = await page.evaluate(() => document.getElementById('webgpu-status')!.textContent!);
      assert(state === 'no-adapter' && backend === 'wasm', `state ${state}, backend ${backend}: ${text}`);
      assert(text.includes('wasm backend'), `the page says: ${text}`);
      return text;
    },
  },
  {
    name: 'WebGPU page on headless Chromium\'s software adapter (--enable-unsafe-webgpu): a matmul as on the cpu, an MLP trained on the GPU with no read during a step',
    async run() {
      // A browser of its own: the flag gives every page an adapter (SwiftShader, on the CPU).
      const gpuBrowser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] });
      try {
        const gpuPage = await (await gpuBrowser.newContext()).newPage();
        watch(gpuPage);
        await gpuPage.goto(`${origin}/#/webgpu`);
        await gpuPage.waitForFunction(() => ['done', 'failed', 'no-adapter'].includes(window.saplingDemo.webgpu?.state ?? ''), undefined, { timeout: 600_000, polling: 500 });
        const r = (await probe(gpuPage)).webgpu!;
        await gpuPage.screenshot({ path: `${shots}webgpu.png` });
        assert(r.state === 'done', `state ${r.state}${r.error ? `: ${r.error}` : ''}`);
        assert(r.backend === 'webgpu' && r.adapter !== null, `backend ${r.backend}, adapter ${String(r.adapter)}`);
        assert(r.matmulMaxError < 1e-3, `matmul on the GPU differs from the cpu by ${r.matmulMaxError}`);
        assert(r.readsDuringSteps === 0, `${r.readsDuringSteps} reads back to the host during the training steps`);
        const mean = (a: readonly number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
        const [first, later] = [mean(r.losses.slice(0, 10)), mean(r.losses.slice(-10))];
        assert(r.losses.length === 60 && later < first / 2, `${r.losses.length} losses; steps 1–10 ${first.toFixed(3)}, the last 10 ${later.toFixed(3)}: not halved`);
        assert(r.accuracy > 0.7, `test accuracy ${r.accuracy}`);
        report.webgpu = r;
        return `adapter ${r.adapter}; matmul max |GPU − cpu| ${r.matmulMaxError.toExponential(1)}; loss ${first.toFixed(3)} → ${later.toFixed(3)} in 60 steps, ${r.msPerStep.toFixed(0)} ms a step, 0 reads during the steps; ${(100 * r.accuracy).toFixed(1)}% on 500 test images`;
      } finally {
        await gpuBrowser.close();
      }
    },
  },
  {
    name: 'Draw and Segment on headless Chromium\'s software adapter: the pages pick webgpu and say so; Draw reads digits right, Segment\'s mask equals Node\'s; ?backend=wasm keeps wasm',
    async run() {
      const gpuBrowser = await chromium.launch({ executablePath, headless: true, args: [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] });
      try {
        const gpuPage = await (await gpuBrowser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
        watch(gpuPage);
        await gpuPage.goto(`${origin}/#/draw`);
        await gpuPage.waitForFunction(() => window.saplingDemo.draw?.ready === true, undefined, { timeout: 120_000, polling: 250 });
        const says = await gpuPage.evaluate(() => document.getElementById('draw-backend')!.textContent!);
        const { backend } = (await probe(gpuPage)).draw!;
        assert(backend === 'webgpu' && says.includes('webgpu backend'), `backend ${backend}; the page says: ${says}`);
        const { images, labels } = loadMnist({ split: 'test', limit: 2 });
        const truth = labels.toArray() as number[];
        const read: number[] = [];
        for (let i = 0; i < 2; i++) read.push(await paintDigit(gpuPage, (images.toArray() as number[][][][])[i]![0]!, 300_000));
        const latency = await gpuPage.evaluate(() => document.getElementById('draw-latency')!.textContent!);
        assert(read.every((d, i) => d === truth[i]), `read ${read.join(' ')} for ${truth.join(' ')}`);
        assert(latency.includes('webgpu backend'), `the latency line says: ${latency}`);
        await gpuPage.goto(`${origin}/?backend=wasm#/draw`);
        await gpuPage.waitForFunction(() => window.saplingDemo.draw?.ready === true, undefined, { timeout: 120_000, polling: 250 });
        const forced = (await probe(gpuPage)).draw!.backend;
        const forcedSays = await gpuPage.evaluate(() => document.getElementById('draw-backend')!.textContent!);
        assert(forced === 'wasm' && forcedSays.includes('?backend=wasm'), `with ?backend=wasm: backend ${forced}; the page says: ${forcedSays}`);
        // Segment on the GPU too: a random scene's mask equals Node's (the same weights on the cpu).
        await gpuPage.goto(`${origin}/#/segment`);
        await gpuPage.waitForFunction(() => window.saplingDemo.segment?.ready === true && window.saplingDemo.segment.runs >= 1, undefined, { timeout: 300_000, polling: 250 });
        await gpuPage.click('#seg-random');
        await gpuPage.waitForFunction(() => window.saplingDemo.segment!.truthMeanIou !== null, undefined, { timeout: 300_000, polling: 250 });
        const seg = (await probe(gpuPage)).segment!;
        const checkpoint = loadCheckpoint(`${demo}.generated/segmentation/unet.safetensors`);
        const unet = new UNet((checkpoint.extra as { unet: UNetOptions }).unet);
        unet.loadStateDict(checkpoint.model);
        const node = segment(unet, seg.scene, 64, 64).mask;
        const same = seg.mask.filter((c, i) => c === node[i]).length / seg.mask.length;
        const segSays = await gpuPage.evaluate(() => document.getElementById('seg-backend')!.textContent!);
        assert(seg.backend === 'webgpu' && segSays.includes('webgpu backend'), `Segment: backend ${seg.backend}; the page says: ${segSays}`);
        assert(same >= 0.999, `Segment on webgpu: the page's mask agrees with Node's on ${(100 * same).toFixed(2)}% of the pixels`);
        return `${says} read ${read.join(' ')} for ${truth.join(' ')}; ${latency}; with ?backend=wasm: ${forcedSays}; Segment on webgpu: a random scene's mask equals Node's on ${(100 * same).toFixed(2)}% of the pixels (${seg.milliseconds.toFixed(0)} ms a pass)`;
      } finally {
        await gpuBrowser.close();
      }
    },
  },
  {
    name: 'Spam: a picked mail\'s probability and the test set\'s confusion matrix and expected cost, at four thresholds on both splits, equal Node\'s',
    async run() {
      await open('spam', () => window.saplingDemo.spam?.ready === true);
      const rows: string[] = [];
      for (const split of ['random', 'temporal'] as const) {
        await page.selectOption('#spam-split', split);
        await page.waitForFunction((s) => window.saplingDemo.spam!.split === s, split, { timeout: 60_000 });
        const filter = SpamFilter.fromJSON(JSON.parse(readFileSync(`${demo}.generated/spam/${split}.filter.json`, 'utf8')) as SpamFilterJson);
        const test = JSON.parse(readFileSync(`${demo}.generated/spam/${split}.test.json`, 'utf8')) as { labels: number[]; probabilities: number[]; examples: { index: number; message: string }[] };
        await page.selectOption('#spam-example', '0');
        const picked = (await probe(page)).spam!;
        const expected = filter.decide(test.examples[0]!.message, picked.threshold).probability;
        assert(picked.probability === expected && expected === test.probabilities[test.examples[0]!.index], `${split}: the page's p ${picked.probability}, Node's ${expected}, the test set's ${test.probabilities[test.examples[0]!.index]}`);
        const costs = { falsePositive: 5, falseNegative: 1 };
        for (const t of [0.2, 0.5, 0.9, 'costs'] as const) {
          if (t === 'costs') {
            await page.fill('#spam-cost-fp', '5');
            await page.fill('#spam-cost-fn', '1');
            await page.click('#spam-from-costs');
          } else {
            await page.evaluate((value) => {
              const slider = document.getElementById('spam-threshold') as HTMLInputElement;
              slider.value = String(value);
              slider.dispatchEvent(new Event('input'));
            }, t);
          }
          const inPage = (await probe(page)).spam!;
          const threshold = t === 'costs' ? metrics.bayesThreshold(costs) : t;
          assert(Math.abs(inPage.threshold - threshold) < 1e-12, `${split}: the page's threshold ${inPage.threshold}, expected ${threshold}`);
          const r = metrics.thresholdReport(test.labels, test.probabilities, inPage.threshold, { costs });
          const same = inPage.tp === r.tp && inPage.fp === r.fp && inPage.tn === r.tn && inPage.fn === r.fn && Math.abs(inPage.expectedCost - r.expectedCost) < 1e-12;
          assert(same, `${split} at ${threshold}: the page's TP/FP/TN/FN ${inPage.tp}/${inPage.fp}/${inPage.tn}/${inPage.fn}, Node's ${r.tp}/${r.fp}/${r.tn}/${r.fn}`);
          assert(inPage.spam === inPage.probability >= inPage.threshold, `${split} at ${threshold}: the decision ${String(inPage.spam)} for p ${inPage.probability}`);
          rows.push(`${split} t=${threshold.toFixed(3)}: F1 ${r.f1.toFixed(4)}, cost ${r.expectedCost.toFixed(4)}/mail`);
        }
        if (split === 'random') await shot('spam');
      }
      const typed = 'Subject: Your account\n\nDear friend, claim your FREE prize now! Click here to unsubscribe.';
      await page.fill('#spam-mail', typed);
      const filter = SpamFilter.fromJSON(JSON.parse(readFileSync(`${demo}.generated/spam/temporal.filter.json`, 'utf8')) as SpamFilterJson);
      const p = (await probe(page)).spam!.probability;
      assert(p === filter.decide(typed, 0.5).probability, `a typed mail: the page's p ${p}, Node's ${filter.decide(typed, 0.5).probability}`);
      report.spam = rows;
      return `${rows.join('; ')}; a typed prize mail p = ${p.toFixed(4)}`;
    },
  },
  {
    name: 'Segment: a dropped digit and a pen stroke are segmented live; the page\'s mask equals Node\'s; a random scene equals Node\'s DigitScenes',
    async run() {
      await open('segment', () => (window.saplingDemo.segment?.runs ?? 0) >= 1);
      const checkpoint = loadCheckpoint(`${demo}.generated/segmentation/unet.safetensors`);
      const model = new UNet((checkpoint.extra as { unet: UNetOptions }).unet);
      model.loadStateDict(checkpoint.model);
      const test1000 = loadMnist({ split: 'test', limit: 1000 });
      const agreement = (scene: readonly number[], mask: readonly number[]): number => {
        const node = segment(model, scene, 64, 64).mask;
        return mask.filter((c, i) => c === node[i]).length / mask.length;
      };
      const runs = async (): Promise<number> => (await probe(page)).segment!.runs;
      // Drag the tray's 3 onto the scene: its centre lands under the pointer (each scene pixel is 6 × 6 CSS px).
      let before = await runs();
      const index = Number(await page.getAttribute('#seg-digit-3', 'data-index'));
      await page.dragAndDrop('#seg-digit-3', '#seg-canvas', { targetPosition: { x: 30 * 6 + 1, y: 20 * 6 + 1 } });
      await page.waitForFunction((n) => window.saplingDemo.segment!.runs > n, before, { timeout: 30_000 });
      let state = (await probe(page)).segment!;
      const expected = emptyScene(64);
      pasteDigit(expected, (test1000.images.dataSync() as Float32Array).subarray(index * 784, (index + 1) * 784), 20 - 14, 30 - 14);
      const off = state.scene.reduce((m, v, i) => Math.max(m, Math.abs(v - expected.pixels[i]!)), 0);
      assert(off < 1e-6, `the dropped digit is not where it was dropped (largest pixel difference ${off})`);
      const dropped = agreement(state.scene, state.mask);
      const foreground = state.mask.filter((c) => c !== 0).length;
      assert(foreground > 50, `after the drop only ${foreground} pixels are labelled a digit: the model sees no digit`);
      await shot('segment');
      // A pen stroke with the mouse, top left, away from the digit.
      before = state.runs;
      const box = (await page.locator('#seg-canvas').boundingBox())!;
      await page.mouse.move(box.x + 40, box.y + 40);
      await page.mouse.down();
      await page.mouse.move(box.x + 40, box.y + 150, { steps: 8 });
      await page.mouse.up();
      await page.waitForFunction((n) => window.saplingDemo.segment!.runs > n, before, { timeout: 30_000 });
      state = (await probe(page)).segment!;
      const inked = state.scene.filter((v, i) => v > 0.5 && expected.pixels[i]! === 0).length;
      assert(inked > 20, `the pen stroke inked ${inked} pixels`);
      const drawn = agreement(state.scene, state.mask);
      const legend = await page.locator('#seg-legend .swatch').count();
      const latency = (await page.textContent('#seg-latency'))!;
      assert(legend === 11 && /[0-9.]+ ms/.test(latency), `legend of ${legend} classes, latency '${latency}'`);
      // A random scene: the page's DigitScenes on the demo's 1,000 test digits is Node's, scene for scene.
      await page.click('#seg-random');
      await page.waitForFunction(() => window.saplingDemo.segment!.truthMeanIou !== null, undefined, { timeout: 30_000 });
      state = (await probe(page)).segment!;
      const made = new DigitScenes({ count: 1, split: 'test', seed: 0, mnist: test1000 }).scene(0);
      assert(state.scene.every((v, i) => v === made.image[i]), 'the random scene differs from Node\'s DigitScenes scene 0 (test split, seed 0)');
      const node = segment(model, made.image, 64, 64).mask;
      const nodeMiou = new metrics.SegmentationMetrics(11).update(made.mask, node).compute().meanIou;
      const random = agreement(state.scene, state.mask);
      for (const [what, share] of [['dropped digit', dropped], ['pen stroke', drawn], ['random scene', random]] as const) {
        assert(share >= 0.999, `${what}: the page's mask agrees with Node's on ${(100 * share).toFixed(2)}% of the pixels`);
      }
      assert(Math.abs(state.truthMeanIou! - nodeMiou) < 0.01, `random scene: mean IoU ${state.truthMeanIou} in the page, ${nodeMiou} in Node`);
      report.segment = { foregroundAfterDrop: foreground, latencyMs: state.milliseconds, agreement: { dropped, drawn, random }, randomSceneMeanIou: state.truthMeanIou, model: state.model };
      return `${foreground} px labelled a digit after the drop; ${latency}; masks equal to Node's on ${(100 * Math.min(dropped, drawn, random)).toFixed(2)}%+ of pixels; random scene mean IoU ${state.truthMeanIou!.toFixed(3)} (Node ${nodeMiou.toFixed(3)})`;
    },
  },
  {
    name: 'no console error or uncaught exception on any page, and no request outside the page\'s origin',
    async run() {
      assert(problems.length === 0, problems.join(' | '));
      assert(foreign.length === 0, `requests outside ${origin}: ${foreign.join(', ')}`);
    },
  },
];
const ok = await runChecks(only === undefined ? checks : checks.filter((c, i) => c.name.startsWith(only) || c.name.includes(only) || i === checks.length - 1));

writeFileSync(`${shots}report.json`, JSON.stringify(report, null, 2));
console.log(`screenshots and report.json: ${shots}`);
if (process.argv.includes('--readme-shots')) await readmeShots();
await browser.close();
await new Promise<void>((resolve, reject) => server.httpServer.close((e) => (e ? reject(e) : resolve())));
process.exit(ok ? 0 : 1);
