/**
 * serve — an HTTP inference server for the classifiers the examples train (Fastify; the routes,
 * error table and batching are in examples/serve/).
 *
 *   npm run serve                        both default checkpoints: MNIST (`npm start`) and
 *                                        Fashion-MNIST ResNet-18 (examples/resnet18-fashion-mnist.ts)
 *   npx tsx examples/serve.ts --model digits=runs/mnist-cnn/best.safetensors --port 8080
 *   curl -s --data-binary @digit.png -H 'Content-Type: image/png' 'http://127.0.0.1:8080/v1/classify?model=digits'
 *
 * Options: --model NAME=FILE (repeatable; the first is the default model), --host (127.0.0.1),
 * --port (8080; 0 picks a free one), --max-batch (16), --max-wait-ms (0: a request that finds the model
 * idle runs at once, and what arrives meanwhile forms the next batch), --max-queue (256),
 * --no-batching (= --max-batch 1), --runtime sapling|onnx (ONNX Runtime runs the exported model),
 * --threads N (the wasm backend's threads), --body-limit BYTES (8 MiB).
 * The first line printed is `listening on http://HOST:PORT`; then one JSON line per request.
 * SIGINT or SIGTERM stops accepting connections, answers the requests in flight, and exits 0.
 */
import { parseArgs } from 'node:util';
import { getThreading, setBackend } from '../src/node.js';
import { buildServer } from './serve/app.js';
import { DEFAULT_MODELS, loadServedModel, type Runtime, type ServedModel } from './serve/models.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', multiple: true }, host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '8080' },
    'max-batch': { type: 'string', default: '16' }, 'max-wait-ms': { type: 'string', default: '0' }, 'max-queue': { type: 'string', default: '256' },
    'no-batching': { type: 'boolean', default: false }, runtime: { type: 'string', default: 'sapling' }, threads: { type: 'string' },
    'body-limit': { type: 'string', default: String(8 * 1024 * 1024) }, help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log('npx tsx examples/serve.ts [--model NAME=FILE ...] [--host H] [--port P] [--max-batch N] [--max-wait-ms MS] [--max-queue N] [--no-batching] [--runtime sapling|onnx] [--threads N] [--body-limit BYTES]');
  process.exit(0);
}

function integer(name: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be an integer ≥ ${min}, got '${text}'`);
  return n;
}

async function main(): Promise<void> {
  const runtime = values.runtime as Runtime;
  if (runtime !== 'sapling' && runtime !== 'onnx') throw new RangeError(`--runtime must be sapling or onnx, got '${String(values.runtime)}'`);
  await setBackend('wasm', values.threads === undefined ? {} : { threads: integer('threads', values.threads, 1) });
  const specs = values.model?.map((spec) => {
    const at = spec.indexOf('=');
    if (at <= 0) throw new RangeError(`--model must be NAME=FILE, got '${spec}'`);
    return { name: spec.slice(0, at), path: spec.slice(at + 1), makeWith: 'the example that trains it' };
  }) ?? Object.entries(DEFAULT_MODELS).map(([name, d]) => ({ name, path: d.checkpoint, makeWith: d.command }));
  const models: ServedModel[] = [];
  for (const s of specs) models.push(await loadServedModel(s.name, s.path, { runtime, makeWith: s.makeWith }));
  const maxBatch = values['no-batching'] ? 1 : integer('max-batch', values['max-batch'], 1);
  const served = buildServer({
    models, bodyLimit: integer('body-limit', values['body-limit'], 1),
    batch: { maxBatch, maxWaitMs: Number(values['max-wait-ms']), maxQueue: integer('max-queue', values['max-queue'], 1) },
  });
  const address = await served.app.listen({ host: values.host, port: integer('port', values.port, 0) });
  console.log(`listening on ${address}`);
  console.error(`models: ${models.map((m) => `${m.name} = ${m.description} (${m.checkpoint})`).join('; ')}`);
  console.error(`batching: ${maxBatch === 1 ? 'off' : `up to ${maxBatch} per batch, ${values['max-wait-ms']} ms wait`}; runtime ${runtime}; wasm backend, ${getThreading().detail}`);
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`${signal}: no new connections; answering the requests in flight, then exiting`);
    served.close().then(() => process.exit(0), (e: unknown) => {
      console.error(`shutdown failed: ${String(e)}`);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(`serve: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
