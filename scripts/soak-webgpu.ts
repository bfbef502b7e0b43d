/**
 * npm run soak:webgpu — a long training run on the webgpu backend must keep GPU memory flat.
 *
 * Trains an MLP ([32, 64] → 128 → 10, ReLU, cross-entropy, Adam) for 1,000 steps (`--steps N`)
 * on the device, twice: once with each step inside `scope()`, which releases the step's
 * temporaries when it ends, and once leaving them to the garbage collector (FinalizationRegistry).
 * After a warm-up and at the end we record the buffer pool's bytes: used (held by live tensors),
 * free (kept for reuse), allocated (both, plus buffers waiting for a submit: the pool's high-water
 * mark, since it keeps what it made), and how many buffers it ever created; and the reads back
 * to the host during the steps (the loss is read every 100 steps, which adds 1 per read).
 * With scope() the warm-up is the first 10% of the steps, and the run fails (exit 1) if the
 * allocated bytes grow by more than 1% after it (a few 4-byte buffers may still be made when a
 * read's timing shifts which submit frees what). Left to the collector,
 * memory rises until V8 happens to collect the step's small JavaScript objects, so we let it
 * settle for half the run and fail if the allocated bytes grow by more than 10% in the second half.
 *
 *   node --expose-gc --import tsx scripts/soak-webgpu.ts [--steps N]
 * (on a machine without a GPU: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json)
 */
import { F, Linear, manualSeed, optim, randint, randn, ReLU, scope, Sequential, setBackend, webgpuMemory, type Tensor, type WebgpuMemory } from '../src/index.js';

const args = process.argv.slice(2);
const at = args.indexOf('--steps');
const steps = at >= 0 ? Number(args[at + 1]) : 1000;
const warmupOf = (mode: 'scope' | 'gc'): number => (mode === 'scope' ? Math.max(10, Math.floor(steps / 10)) : Math.floor(steps / 2));
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

await setBackend('webgpu');

async function soak(mode: 'scope' | 'gc'): Promise<{ warm: WebgpuMemory; end: WebgpuMemory; readsDuring: number; ms: number }> {
  const warmup = warmupOf(mode);
  manualSeed(1);
  const model = new Sequential(new Linear(64, 128), new ReLU(), new Linear(128, 10));
  await model.to('webgpu');
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  const x = await randn([32, 64]).to('webgpu');
  const y = randint(0, 10, [32]);
  const forward = model.forward.bind(model) as (t: Tensor) => Tensor;
  const step = (): Tensor => {
    opt.zeroGrad();
    const loss = F.crossEntropy(forward(x), y);
    loss.backward();
    opt.step();
    return loss;
  };
  let warm: WebgpuMemory | null = null;
  let reads = 0;
  const start = performance.now();
  for (let i = 1; i <= steps; i++) {
    const loss = mode === 'scope' ? scope(step) : step();
    if (i % 100 === 0 || i === warmup) {
      const value = await loss.itemAsync(); // one read: waits for the steps so far
      if (i % 100 === 0) console.log(`  ${mode} step ${i}: loss ${value.toFixed(4)}, pool used ${webgpuMemory()!.usedBytes} B, allocated ${webgpuMemory()!.allocatedBytes} B`);
    }
    if (mode === 'scope') loss.dispose(); // the loss escapes the scope: a loop that keeps no losses frees them
    if (i === warmup) {
      collect();
      await new Promise((resolve) => setTimeout(resolve, 50));
      warm = webgpuMemory()!;
      reads = warm.reads;
    }
  }
  collect();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const end = webgpuMemory()!;
  return { warm: warm!, end, readsDuring: end.reads - reads, ms: (performance.now() - start) / steps };
}

let failed = false;
for (const mode of ['scope', 'gc'] as const) {
  console.log(`${mode === 'scope' ? 'scope() around each step' : 'garbage collector only'}: ${steps} steps`);
  const { warm, end, readsDuring, ms } = await soak(mode);
  const growth = (end.allocatedBytes - warm.allocatedBytes) / warm.allocatedBytes;
  const created = end.created - warm.created;
  console.log(`  after warm-up: used ${warm.usedBytes} B, free ${warm.freeBytes} B, allocated ${warm.allocatedBytes} B, buffers created ${warm.created}`);
  console.log(`  at the end:    used ${end.usedBytes} B, free ${end.freeBytes} B, allocated ${end.allocatedBytes} B, buffers created ${end.created}`);
  console.log(`  allocated grew ${(growth * 100).toFixed(1)}%, ${created} buffers created after warm-up (step ${warmupOf(mode)}); ${readsDuring} reads in ${steps - warmupOf(mode)} steps (the loss, every 100); ${ms.toFixed(1)} ms per step`);
  if (growth > (mode === 'scope' ? 0.01 : 0.1)) failed = true;
}
console.log(failed ? 'FAIL: GPU memory grew' : 'ok: GPU memory stayed flat');
process.exit(failed ? 1 : 0);
