/**
 * The batch-1 ResNet-18 forward at 224 px on the wasm backend (`fuseForInference`, random
 * weights): after 3 warm-up passes, N passes timed by wall clock (median and fastest), by process
 * CPU (process.cpuUsage) and by each thread's CPU from /proc/self/task (Linux; 10 ms ticks, so
 * take 20+ passes), which another process's load inflates less than wall time; and the RSS.
 * With `--convs`, instead: each of ResNet-18's four 3×3 stride-1 shapes alone on one thread, as
 * Winograd F(2×2, 3×3) and F(4×4, 3×3) alternated (the fastest of N calls in CPU time each), with
 * the max |error| / max |y| of each against the cpu backend's direct conv. docs/performance.md §11.
 *
 *   npx tsx scripts/measure-resnet224-forward.ts [--threads 2] [--passes 20]
 *   npx tsx scripts/measure-resnet224-forward.ts --convs [--passes 25]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { noGrad, randn, ResNet18, seededRandom, setBackend } from '../src/node.js';
import { backendKernels, setNumThreads } from '../src/autograd/backends/index.js';
import { cpuKernels } from '../src/autograd/backends/cpu/index.js';
import { attrsOf } from '../src/autograd/backends/parity.js';
import { forceWinogradTile } from '../src/autograd/backends/wasm/plan.js';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '1' }, passes: { type: 'string', default: '20' }, convs: { type: 'boolean', default: false } } });
const threads = Number(values.threads);
const passes = Number(values.passes);
if (!Number.isInteger(threads) || threads < 1 || !Number.isInteger(passes) || passes < 3) throw new RangeError(`measure-resnet224-forward: --threads ≥ 1 and --passes ≥ 3, got ${values.threads} and ${values.passes}`);
const cpuMs = (since: NodeJS.CpuUsage): number => { const c = process.cpuUsage(since); return (c.user + c.system) / 1000; };

/** CPU ticks (1/100 s) of each thread of this process, by thread id. */
function threadTicks(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    out.set(tid, Number(fields[11]) + Number(fields[12])); // utime, stime
  }
  return out;
}

if (values.convs) {
  const wasm = await backendKernels('wasm');
  setNumThreads(1);
  for (const [C, S] of [[64, 56], [128, 28], [256, 14], [512, 7]] as const) {
    const random = seededRandom(C);
    const c = { name: '', x: [1, C, S, S], w: [C, C, 3, 3], pad: [1, 1, 1, 1] } as const;
    const x = randn(c.x, { random });
    const w = randn(c.w, { random }).mutate((v) => { for (let i = 0; i < v.length; i++) v[i]! /= Math.sqrt(9 * C); });
    const bias = randn([C], { random });
    const want = cpuKernels.fusedConv2d(x, w, attrsOf(c), { bias });
    let scale = 0;
    for (const v of want.storage) scale = Math.max(scale, Math.abs(v));
    const cells: string[] = [];
    for (const m of [2, 4, 2, 4] as const) {
      forceWinogradTile(m);
      let best = Infinity;
      let err = 0;
      for (let i = 0; i < passes; i++) {
        const since = process.cpuUsage();
        const got = wasm.fusedConv2d(x, w, attrsOf(c), { bias });
        if (i >= 2) best = Math.min(best, cpuMs(since)); // calls 0 and 1: the filter seen, then transformed
        if (i === passes - 1) for (let j = 0; j < want.storage.length; j++) err = Math.max(err, Math.abs(got.storage[j]! - want.storage[j]!));
      }
      cells.push(`F(${m}x${m}) ${best.toFixed(2)} ms (error ${(err / scale).toExponential(1)})`);
    }
    forceWinogradTile(null);
    console.log(`${C} -> ${C}, ${S} x ${S}: ${cells.join(' | ')}`);
  }
} else {
  await setBackend('wasm', { threads });
  const model = new ResNet18({ width: 64, inChannels: 3, numClasses: 1000, stem: 'imagenet', random: seededRandom(1) }).eval().fuseForInference();
  const x = randn([1, 3, 224, 224], { random: seededRandom(2) });
  noGrad(() => { for (let i = 0; i < 3; i++) model.forward(x); });
  const walls: number[] = [];
  const ticks = threadTicks();
  const since = process.cpuUsage();
  for (let i = 0; i < passes; i++) {
    const t = performance.now();
    noGrad(() => model.forward(x));
    walls.push(performance.now() - t);
  }
  const cpu = cpuMs(since) / passes;
  const perThread = [...threadTicks()].map(([tid, t]) => [tid === String(process.pid) ? 'calling thread' : `thread ${tid}`, ((t - (ticks.get(tid) ?? 0)) * 10) / passes] as const)
    .filter(([, ms]) => ms >= 1).sort((a, b) => b[1] - a[1]);
  walls.sort((a, b) => a - b);
  console.log(`${threads} thread(s), ${passes} passes (load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}): wall median ${walls[passes >> 1]!.toFixed(1)} ms, fastest ${walls[0]!.toFixed(1)} ms; process CPU ${cpu.toFixed(1)} ms a forward; `
    + `${perThread.map(([name, ms]) => `${name} ${ms.toFixed(1)}`).join(', ')} ms; RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
}
