/**
 * Semantic segmentation: a U-Net labels every pixel of scenes of real MNIST digits.
 *
 * What you will see: 64×64 scenes of 1–3 MNIST digits (src/data/digit-scenes.ts; training scenes
 * from the official training digits 0–54,999, validation scenes from digits 55,000–59,999, test
 * scenes from the official test digits), fresh scenes every epoch; a U-Net (src/models/unet.ts)
 * trained with Adam, a one-cycle learning rate and cross-entropy with class weights plus soft
 * Dice; a progress bar; validation mIoU after each epoch and the best model as a checkpoint;
 * curves in an SVG; then the best checkpoint on 1,000 test scenes: per-class IoU and Dice, mIoU,
 * pixel accuracy and the confusion matrix in result.json, and a PNG grid of scenes, true masks
 * and predicted masks coloured by class.
 *
 *   x [B, 1, 64, 64] → UNet(depth, width) → logits [B, 11, 64, 64] → argmax → mask [B, 64, 64]
 *
 * Presets (`--preset`; every other flag overrides a preset's value):
 *   smoke  width 4, 2 × 96 scenes: checks the whole pipeline in under a minute; its scores mean nothing
 *   quick  width 16, depth 3 (482,619 parameters), 4 epochs × 8,000 fresh scenes, batch 8, Adam with
 *          a one-cycle lr peaking at 2e-3, loss: class-weighted cross-entropy + soft Dice
 *   full   the same for 16 epochs (128,000 scenes), validated on 1,000 scenes
 * Measured results (mIoU, wall and CPU minutes, the PyTorch twin) are in docs/segmentation.md.
 * `--export-scenes DIR` writes the exact scenes of a preset (every epoch's, validation and test)
 * and its recipe for scripts/segmentation-torch.py, and exits. After every epoch the whole run's
 * state goes to <out>/last.safetensors: `--stop-after N` ends a run after epoch N and `--resume`
 * carries it on, to the same weights an unbroken run would reach (scenes and shuffles are seeded).
 * Run: `npx tsx examples/segmentation.ts --preset quick`; `--help` for the options.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import {
  DIGIT_SCENE_CLASSES, DIGIT_SCENE_PALETTE, DataLoader, DigitScenes, F, TensorDataset, UNet, argmax, colorizeMask, getBackend, loadCheckpoint,
  loadMnist, manualSeed, metrics, noGrad, optim, saveCheckpoint, setBackend, toHost, slice, tensor, type Tensor,
} from '../src/node.js';
import { ProgressBar, chartRow } from '../src/utils/index.js';
import { booleanFlag, choiceFlag, intFlag, optionalIntFlag, optionalStringFlag, parseCli } from './lib/cli.js';

type LossName = 'ce' | 'dice' | 'ce+dice';
interface Preset {
  readonly width: number;
  readonly depth: number;
  readonly scenes: number; //       fresh training scenes per epoch
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly loss: LossName;
  readonly validation: number; //   validation scenes
}
const PRESETS: Readonly<Record<'smoke' | 'quick' | 'full', Preset>> = {
  smoke: { width: 4, depth: 3, scenes: 96, epochs: 2, batchSize: 8, lr: 2e-3, loss: 'ce+dice', validation: 32 },
  quick: { width: 16, depth: 3, scenes: 8000, epochs: 4, batchSize: 8, lr: 2e-3, loss: 'ce+dice', validation: 300 },
  full: { width: 16, depth: 3, scenes: 8000, epochs: 16, batchSize: 8, lr: 2e-3, loss: 'ce+dice', validation: 1000 },
};
const NUM_CLASSES = DIGIT_SCENE_CLASSES.length; // 11
const TRAIN_DIGITS: readonly [number, number] = [0, 55_000];
const VALIDATION_DIGITS: readonly [number, number] = [55_000, 60_000];
const EVAL_BATCH = 100;

const { values } = parseCli({
  summary: 'Train a U-Net on scenes of MNIST digits (semantic segmentation, 11 classes). A flag given overrides the preset\'s value.',
  usage: 'npx tsx examples/segmentation.ts [--preset smoke|quick|full] [options]',
  flags: {
    preset: choiceFlag('smoke (seconds), quick or full', ['smoke', 'quick', 'full'] as const, 'quick'),
    width: optionalIntFlag('U-Net channels at full resolution (preset: 16; smoke 4)'),
    depth: optionalIntFlag('number of 2× down-samplings (preset: 3)'),
    upsampling: choiceFlag('up-sampling', ['transpose', 'bilinear'] as const, 'transpose'),
    loss: choiceFlag('cross-entropy with class weights, soft Dice, or their sum', ['ce', 'dice', 'ce+dice'] as const, 'ce+dice'),
    scenes: optionalIntFlag('fresh training scenes per epoch (preset: 8,000)'),
    epochs: optionalIntFlag('passes, each over new scenes (preset: quick 4, full 16)'),
    batchSize: optionalIntFlag('scenes per step (preset: 8)'),
    lr: optionalStringFlag('peak learning rate of the one-cycle schedule, Adam (preset: 2e-3)', 'X'),
    clutter: intFlag('clutter strokes per scene', 0, 0),
    backend: choiceFlag('where the kernels run', ['cpu', 'wasm', 'webgpu'] as const, 'wasm'),
    validation: optionalIntFlag('validation scenes (preset: smoke 32, quick 300, full 1,000)'),
    testScenes: intFlag('test scenes the best checkpoint is scored on', 1000),
    seed: intFlag('seed for the scenes, the initial weights and the shuffling', 0, 0),
    out: optionalStringFlag('where the checkpoint, curves, result.json and grid.png go (default runs/segmentation[-preset])', 'DIR'),
    exportScenes: optionalStringFlag('write the preset\'s scenes for scripts/segmentation-torch.py and exit', 'DIR'),
    stopAfter: optionalIntFlag('end the run after this epoch (its state stays in <out>/last.safetensors for --resume)'),
    resume: booleanFlag('carry on the run saved in <out>/last.safetensors (the same flags, else it refuses)'),
  },
});
const presetName = values.preset;
const preset = PRESETS[presetName];
const width = values.width ?? preset.width;
const depth = values.depth ?? preset.depth;
const scenesPerEpoch = values.scenes ?? preset.scenes;
const epochs = values.epochs ?? preset.epochs;
const batchSize = values.batchSize ?? preset.batchSize;
const { clutter, seed, backend, upsampling } = values;
const TEST_SCENES = values.testScenes;
const validationScenes = values.validation ?? preset.validation;
const lr = values.lr === undefined ? preset.lr : Number(values.lr);
if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`--lr must be a positive number, got '${values.lr}'`);
const lossName: LossName = values.loss;
const out = values.out ?? `runs/segmentation${presetName === 'quick' ? '' : `-${presetName}`}`;

// ── data: scenes made on the fly from MNIST's official splits ──
const trainDigits = loadMnist({ split: 'train' });
const testDigits = loadMnist({ split: 'test' });
const trainStream = new DigitScenes({ count: scenesPerEpoch * epochs, split: 'train', seed, digitRange: TRAIN_DIGITS, clutter, mnist: trainDigits });
const validationSet = new DigitScenes({ count: validationScenes, split: 'train', seed: seed + 1, digitRange: VALIDATION_DIGITS, clutter, mnist: trainDigits }).batch();
const testSet = new DigitScenes({ count: TEST_SCENES, split: 'test', seed: 2015, clutter, mnist: testDigits }).batch();

/**
 * Class weights for cross-entropy: w_c = √(median frequency / frequency_c), from the first epoch's
 * pixels (median-frequency balancing, softened by the square root so the background keeps a say).
 */
function classWeights(masks: Tensor): Tensor {
  const counts = new Float64Array(NUM_CLASSES);
  for (const v of masks.storage) counts[v]! += 1;
  const freq = Array.from(counts, (c) => Math.max(c, 1) / masks.numel());
  const median = [...freq].sort((a, b) => a - b)[Math.floor(NUM_CLASSES / 2)]!;
  return tensor(freq.map((f) => Math.sqrt(median / f)));
}

const firstEpoch = trainStream.batch(0, scenesPerEpoch);
const weight = classWeights(firstEpoch.masks);
const exportDir = values.exportScenes;
if (exportDir !== undefined) {
  exportScenes(exportDir);
  process.exit(0);
}

await setBackend(backend);
manualSeed(seed);
console.log(`digit scenes: ${scenesPerEpoch} fresh training scenes per epoch × ${epochs} epochs, ${validationScenes} validation and ${TEST_SCENES} test scenes; backend ${getBackend()}; preset ${presetName}`);

const model = new UNet({ inChannels: 1, numClasses: NUM_CLASSES, depth, width, upsampling });
if (backend === 'webgpu') await model.to('webgpu'); // the weights live on the GPU; values come back with await
console.log(`model: U-Net, depth ${depth}, width ${width}, ${upsampling} up-sampling: ${model.numParameters().toLocaleString('en')} parameters`);
console.log(`class weights (background, 0…9): ${Array.from(weight.storage, (w) => w.toFixed(2)).join(' ')}`);

const lossOf = (logits: Tensor, masks: Tensor): Tensor => {
  if (lossName === 'ce') return F.crossEntropy(logits, masks, { weight });
  if (lossName === 'dice') return F.diceLoss(logits, masks);
  return F.diceCrossEntropyLoss(logits, masks, { classWeight: weight });
};

const stepsPerEpoch = Math.ceil(scenesPerEpoch / batchSize);
const optimizer = new optim.Adam(model.parameters(), { lr });
const scheduler = new optim.OneCycleLR(optimizer, { maxLr: lr, totalSteps: epochs * stepsPerEpoch });

/** What makes two runs the same run: a saved state carries on only under these settings. */
const recipe = { width, depth, upsampling, loss: lossName, scenesPerEpoch, epochs, batchSize, lr, clutter, seed, validationScenes };
interface RunState {
  readonly recipe: typeof recipe;
  readonly best: number;
  readonly validationMiou: number[];
  readonly lossCurve: { x: number[]; y: number[] };
  readonly running: number;
  readonly minutes: number;
  readonly cpuMinutes: number;
}
const lastState = join(out, 'last.safetensors');
const resumed = values.resume ? resumeRun() : null;

/** Puts the model, Adam, the schedule and the run's records back as they were after the saved epoch. */
function resumeRun(): { epoch: number; state: RunState } {
  const saved = loadCheckpoint(lastState);
  const state = saved.extra as RunState;
  const differs = Object.keys(recipe).filter((k) => JSON.stringify(state.recipe?.[k as keyof typeof recipe]) !== JSON.stringify(recipe[k as keyof typeof recipe]));
  if (differs.length > 0) {
    throw new RangeError(`--resume: ${lastState} was saved by a different run (${differs.map((k) => `${k}: saved ${JSON.stringify(state.recipe?.[k as keyof typeof recipe])}, now ${JSON.stringify(recipe[k as keyof typeof recipe])}`).join('; ')})`);
  }
  if (saved.epoch >= epochs) throw new RangeError(`--resume: ${lastState} has finished all ${epochs} epochs already`);
  model.loadStateDict(saved.model);
  optimizer.loadStateDict(saved.optimizer!);
  scheduler.loadStateDict(saved.scheduler!);
  console.log(`resumed after epoch ${saved.epoch} (${state.minutes.toFixed(1)} min, CPU ${state.cpuMinutes.toFixed(1)} min so far; best validation mIoU ${state.best.toFixed(4)})`);
  return { epoch: saved.epoch, state };
}

/** CPU minutes of training, earlier runs of a resumed one included. */
function cpuMinutes(): number {
  const { user, system } = process.cpuUsage(cpuStarted);
  return (resumed?.state.cpuMinutes ?? 0) + (user + system) / 60e6;
}
/** Wall-clock minutes of training, earlier runs of a resumed one included. */
const wallMinutes = (): number => (resumed?.state.minutes ?? 0) + (performance.now() - started) / 60_000;
/** Wall-clock and CPU minutes since training began (on a shared machine the two differ). */
const elapsed = (): string => `${wallMinutes().toFixed(1)} min (CPU ${cpuMinutes().toFixed(1)} min)`;

/** Predicted masks [n, H, W] of a set (host tensors), EVAL_BATCH scenes at a time, scored into a confusion matrix. */
async function evaluate(set: { images: Tensor; masks: Tensor }): Promise<{ scores: metrics.SegmentationScores; predictions: Tensor[] }> {
  model.eval();
  const meter = new metrics.SegmentationMetrics(NUM_CLASSES);
  const predictions: Tensor[] = [];
  const n = set.images.shape[0]!;
  for (let start = 0; start < n; start += EVAL_BATCH) {
    const stop = Math.min(n, start + EVAL_BATCH);
    const predicted = await noGrad(() => argmax(model.forward(slice(set.images, [{ start, stop }])), 1)).to('cpu'); // [b, H, W] int32
    meter.update(slice(set.masks, [{ start, stop }]), predicted);
    predictions.push(predicted);
  }
  model.train();
  return { scores: meter.compute(), predictions };
}

mkdirSync(out, { recursive: true });
const checkpoint = join(out, 'best.safetensors');
const lossCurve: { x: number[]; y: number[] } = resumed?.state.lossCurve ?? { x: [], y: [] };
const validationMiou: number[] = resumed?.state.validationMiou ?? [];
let best = resumed?.state.best ?? -1;
let running = resumed?.state.running ?? 0;
const started = performance.now();
const cpuStarted = process.cpuUsage(); // CPU time of every thread of this process (the kernels' workers too)
const lastEpoch = Math.min(epochs, values.stopAfter ?? epochs);
model.train();
for (let epoch = (resumed?.epoch ?? 0) + 1; epoch <= lastEpoch; epoch++) {
  const scenes = epoch === 1 ? firstEpoch : trainStream.batch((epoch - 1) * scenesPerEpoch, epoch * scenesPerEpoch);
  const loader = new DataLoader(new TensorDataset(scenes.images, scenes.masks), { batchSize, shuffle: true, seed: seed + epoch });
  const bar = new ProgressBar(loader.length, { label: `epoch ${epoch}/${epochs} `, samplesPerStep: batchSize });
  let step = 0;
  for (const [images, masks] of loader) {
    const loss = lossOf(model.forward(images as Tensor), masks as Tensor);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    scheduler.step();
    const value = await loss.itemAsync(); // a wait for the GPU on webgpu
    running = epoch === 1 && step === 0 ? value : 0.95 * running + 0.05 * value;
    bar.update(++step, `loss ${running.toFixed(4)}`);
    if (step % Math.max(1, Math.floor(loader.length / 20)) === 0) {
      lossCurve.x.push(epoch - 1 + step / loader.length);
      lossCurve.y.push(running);
    }
  }
  const { scores } = await evaluate(validationSet);
  validationMiou.push(scores.meanIou);
  let note = '';
  if (scores.meanIou > best) {
    best = scores.meanIou;
    saveCheckpoint(checkpoint, await toHost({ // host copies: a device tensor cannot be read synchronously
      model: model.stateDict(), optimizer: optimizer.stateDict(), scheduler: scheduler.stateDict(), epoch,
      extra: { validationMiou: scores.meanIou, unet: { inChannels: 1, numClasses: NUM_CLASSES, depth, width, upsampling } },
    }));
    note = `  (best so far, saved to ${checkpoint})`;
  }
  console.log(`epoch ${epoch}: validation mIoU ${scores.meanIou.toFixed(4)}, pixel accuracy ${(100 * scores.pixelAccuracy).toFixed(2)}%, ${elapsed()}${note}`);
  const state: RunState = { recipe, best, validationMiou, lossCurve, running, minutes: wallMinutes(), cpuMinutes: cpuMinutes() };
  saveCheckpoint(lastState, await toHost({ model: model.stateDict(), optimizer: optimizer.stateDict(), scheduler: scheduler.stateDict(), epoch, extra: state }));
}
if (lastEpoch < epochs) {
  console.log(`stopped after epoch ${lastEpoch} of ${epochs} (${elapsed()}); carry on with the same flags and --resume`);
  process.exit(0);
}
const trainingMinutes = wallMinutes();
const trainingCpuMinutes = cpuMinutes();

const plot = join(out, 'curves.svg');
writeFileSync(`${plot}.tmp`, chartRow([
  { title: 'training loss', xLabel: 'epoch', yLabel: lossName, logY: true, series: [{ name: 'running', x: lossCurve.x, y: lossCurve.y }] },
  { title: 'validation mIoU', xLabel: 'epoch', yLabel: 'mean IoU', series: [{ name: 'validation', y: validationMiou }] },
]));
renameSync(`${plot}.tmp`, plot);

model.loadStateDict(loadCheckpoint(checkpoint).model);
const { scores: test, predictions } = await evaluate(testSet);
console.log(`\nbest checkpoint on ${TEST_SCENES} test scenes (test digits only):`);
console.log(`class      ${DIGIT_SCENE_CLASSES.map((c) => c.slice(0, 4).padStart(6)).join('')}`);
console.log(`IoU        ${test.iou.map((v) => v.toFixed(3).padStart(6)).join('')}`);
console.log(`Dice       ${test.dice.map((v) => v.toFixed(3).padStart(6)).join('')}`);
console.log(`mIoU ${test.meanIou.toFixed(4)}, mean Dice ${test.meanDice.toFixed(4)}, pixel accuracy ${(100 * test.pixelAccuracy).toFixed(2)}% (training ${trainingMinutes.toFixed(1)} min, CPU ${trainingCpuMinutes.toFixed(1)} min, preset ${presetName})`);
writeFileSync(join(out, 'result.json'), `${JSON.stringify({
  preset: presetName, width, depth, upsampling, loss: lossName, scenesPerEpoch, epochs, batchSize, lr, clutter, seed, backend,
  parameters: model.numParameters(), trainingMinutes, trainingCpuMinutes, validationMiou, testScenes: TEST_SCENES,
  classes: DIGIT_SCENE_CLASSES, iou: test.iou, meanIou: test.meanIou, dice: test.dice, meanDice: test.meanDice,
  pixelAccuracy: test.pixelAccuracy, confusion: test.confusion,
}, null, 2)}\n`);
writeGrid(join(out, 'grid.png'), testSet, predictions[0]!, Math.min(8, TEST_SCENES));
console.log(`wrote ${checkpoint}, ${plot}, ${join(out, 'result.json')} and ${join(out, 'grid.png')}`);

/** Rows of `count` test scenes: the scene, its true mask and the predicted mask, each ×2 and 2 px apart. */
function writeGrid(path: string, set: { images: Tensor; masks: Tensor }, predicted: Tensor, count: number): void {
  const S = 64;
  const zoom = 2;
  const gap = 2;
  const tile = S * zoom + gap;
  const png = new PNG({ width: count * tile + gap, height: 3 * tile + gap });
  png.data.fill(255);
  const images = set.images.storage;
  for (let k = 0; k < count; k++) {
    const area = S * S;
    const grey = images.subarray(k * area, (k + 1) * area);
    const rows = [
      Uint8ClampedArray.from({ length: 4 * area }, (_, i) => (i % 4 === 3 ? 255 : 255 * grey[Math.floor(i / 4)]!)),
      colorizeMask(set.masks.storage.subarray(k * area, (k + 1) * area), DIGIT_SCENE_PALETTE),
      colorizeMask(predicted.storage.subarray(k * area, (k + 1) * area), DIGIT_SCENE_PALETTE),
    ];
    rows.forEach((rgba, r) => {
      for (let y = 0; y < S * zoom; y++) {
        for (let x = 0; x < S * zoom; x++) {
          const src = 4 * (Math.floor(y / zoom) * S + Math.floor(x / zoom));
          const dst = 4 * ((gap + r * tile + y) * png.width + gap + k * tile + x);
          for (let c = 0; c < 4; c++) png.data[dst + c] = rgba[src + c]!;
        }
      }
    });
  }
  writeFileSync(path, PNG.sync.write(png));
}

/**
 * Writes the scenes this preset trains and tests on, as raw bytes for the PyTorch twin:
 * <name>-images.u8 (pixel·255, [n, 64, 64]) and <name>-masks.u8 ([n, 64, 64]) for train (every
 * epoch's scenes, in order), validation and test, and scenes.json with the counts and the recipe.
 */
function exportScenes(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const write = (name: string, set: { images: Tensor; masks: Tensor }): void => {
    writeFileSync(join(dir, `${name}-images.u8`), Uint8Array.from(set.images.storage, (v) => Math.round(255 * v)));
    writeFileSync(join(dir, `${name}-masks.u8`), Uint8Array.from(set.masks.storage));
  };
  const chunks: Buffer[][] = [[], []];
  for (let epoch = 0; epoch < epochs; epoch++) {
    const set = trainStream.batch(epoch * scenesPerEpoch, (epoch + 1) * scenesPerEpoch);
    chunks[0]!.push(Buffer.from(Uint8Array.from(set.images.storage, (v) => Math.round(255 * v))));
    chunks[1]!.push(Buffer.from(Uint8Array.from(set.masks.storage)));
  }
  writeFileSync(join(dir, 'train-images.u8'), Buffer.concat(chunks[0]!));
  writeFileSync(join(dir, 'train-masks.u8'), Buffer.concat(chunks[1]!));
  write('validation', validationSet);
  write('test', testSet);
  writeFileSync(join(dir, 'scenes.json'), `${JSON.stringify({
    preset: presetName, size: 64, classes: DIGIT_SCENE_CLASSES, scenesPerEpoch, epochs, validation: validationScenes, test: TEST_SCENES,
    width, depth, upsampling, loss: lossName, batchSize, lr, clutter, seed, classWeights: Array.from(weight.storage),
  }, null, 2)}\n`);
  console.log(`wrote ${epochs} × ${scenesPerEpoch} training, ${validationScenes} validation and ${TEST_SCENES} test scenes to ${dir}`);
}

