/**
 * serve — an HTTP inference server for the classifiers the examples train (Fastify; the routes,
 * error table and batching are in examples/serve/).
 *
 *   npm run serve                        both default checkpoints: MNIST (`npm start`) and
 *                                        Fashion-MNIST ResNet-18 (examples/resnet18-fashion-mnist.ts)
 *   npx tsx examples/serve.ts --model digits=runs/mnist-cnn/best.safetensors --port 8080
 *   curl -s --data-binary @digit.png -H 'Content-Type: image/png' 'http://127.0.0.1:8080/v1/classify?model=digits'
 *   npx tsx examples/serve.ts --spam demo/.generated/spam/random.filter.json    # the spam filter alone
 *   curl -s -H 'Content-Type: application/json' -d '{"text": "Subject: WIN $$$\n\nClick now", "threshold": 0.8}' http://127.0.0.1:8080/v1/spam
 *
 * Options (--help lists them): --model NAME=FILE,… (the first is the default model), --spam FILE (a spam
 * filter for POST /v1/spam; given alone, no image model is loaded), --host (127.0.0.1),
 * --port (8080; 0 picks a free one), --max-batch (16), --max-wait-ms (0: a request that finds the model
 * idle runs at once, and what arrives meanwhile forms the next batch), --max-queue (256),
 * --no-batching (= --max-batch 1), --runtime sapling|onnx (ONNX Runtime runs the exported model),
 * --backend wasm|cpu|webgpu (Sapling's kernels), --threads N (the wasm backend's threads), --body-limit BYTES (8 MiB).
 * The first line printed is `listening on http://HOST:PORT`; then one JSON line per request.
 * SIGINT or SIGTERM stops accepting connections, answers the requests in flight, and exits 0.
 */
import { getThreading, setBackend } from '../src/node.js';
import { buildServer } from './serve/app.js';
import { booleanFlag, choiceFlag, intFlag, numberFlag, optionalIntFlag, optionalListFlag, optionalStringFlag, parseCli, stringFlag } from './lib/cli.js';
import { DEFAULT_MODELS, loadServedModel, type ServedModel } from './serve/models.js';
import { loadSpamFilter } from './serve/spam.js';

const { values } = parseCli({
  summary: 'An HTTP inference server for the classifiers the examples train (POST /v1/classify, POST /v1/spam, GET /healthz).',
  usage: 'npx tsx examples/serve.ts [--model NAME=FILE[,NAME=FILE…]] [--spam FILE] [options]',
  flags: {
    model: optionalListFlag('models to serve as NAME=FILE (the first is the default); both default checkpoints when absent and no --spam'),
    spam: optionalStringFlag('a spam filter (JSON) for POST /v1/spam', 'FILE'),
    host: stringFlag('address to listen on', '127.0.0.1', 'HOST'),
    port: intFlag('port (0 picks a free one)', 8080, 0),
    maxBatch: intFlag('requests per micro-batch', 16),
    maxWaitMs: numberFlag('how long a batch waits for more requests (ms)', 0, 0),
    maxQueue: intFlag('requests waiting at most (more are refused with 503)', 256),
    noBatching: booleanFlag('one request per forward pass (= --max-batch 1)'),
    runtime: choiceFlag('who runs the model: Sapling, or ONNX Runtime on the exported model', ['sapling', 'onnx'] as const, 'sapling'),
    backend: choiceFlag("where Sapling's kernels run (runtime sapling)", ['wasm', 'cpu', 'webgpu'] as const, 'wasm'),
    threads: optionalIntFlag("the wasm backend's threads"),
    bodyLimit: intFlag('largest request body (bytes)', 8 * 1024 * 1024),
  },
});

async function main(): Promise<void> {
  const runtime = values.runtime;
  await setBackend(values.backend, values.threads === undefined ? {} : { threads: values.threads });
  const specs = values.model?.map((spec) => {
    const at = spec.indexOf('=');
    if (at <= 0) throw new RangeError(`--model must be NAME=FILE, got '${spec}'`);
    return { name: spec.slice(0, at), path: spec.slice(at + 1), makeWith: 'the example that trains it' };
  }) ?? (values.spam !== undefined ? [] : Object.entries(DEFAULT_MODELS).map(([name, d]) => ({ name, path: d.checkpoint, makeWith: d.command })));
  const models: ServedModel[] = [];
  for (const s of specs) models.push(await loadServedModel(s.name, s.path, { runtime, makeWith: s.makeWith }));
  const maxBatch = values.noBatching ? 1 : values.maxBatch;
  const spam = values.spam === undefined ? null : loadSpamFilter(values.spam);
  const served = buildServer({
    models, spam, bodyLimit: values.bodyLimit,
    batch: { maxBatch, maxWaitMs: values.maxWaitMs, maxQueue: values.maxQueue },
  });
  const address = await served.app.listen({ host: values.host, port: values.port });
  console.log(`listening on ${address}`);
  console.error(`models: ${models.map((m) => `${m.name} = ${m.description} (${m.checkpoint})`).join('; ') || 'none'}${spam ? `; spam filter ${values.spam} (${String(spam.recipe.split)} split)` : ''}`);
  console.error(`batching: ${maxBatch === 1 ? 'off' : `up to ${maxBatch} per batch, ${values.maxWaitMs} ms wait`}; runtime ${runtime}; ${values.backend} backend${values.backend === 'wasm' ? `, ${getThreading().detail}` : ''}`);
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
