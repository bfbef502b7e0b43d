/**
 * The inference server (examples/serve/): answers, the error table (every malformed kind gets its
 * documented status, and the next request is unaffected), micro-batching, the queue limit,
 * graceful shutdown, one log line per request, the message for a missing checkpoint, and ONNX
 * Runtime giving the same probabilities. Small models with seeded weights, saved to a temp dir;
 * requests go through Fastify's `inject` (no socket).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { manualSeed, mnistCnn, ResNet18, saveCheckpoint, saveSafetensors, setBackend } from '../src/node.js';
import { buildServer } from './serve/app.js';
import { ERRORS } from './serve/errors.js';
import { loadServedModel, type ServedModel } from './serve/models.js';

const dir = mkdtempSync(join(tmpdir(), 'sapling-serve-'));
const mnistPath = join(dir, 'mnist.safetensors');
const resnetPath = join(dir, 'resnet.safetensors');
let mnist: ServedModel;
let resnet: ServedModel;

beforeAll(async () => {
  await setBackend('cpu');
  manualSeed(1);
  saveCheckpoint(mnistPath, { model: mnistCnn().stateDict(), epoch: 0 });
  saveSafetensors(resnetPath, new ResNet18({ stem: 'cifar', width: 4, inChannels: 1, numClasses: 10 }).stateDict()); // a plain state dict
  mnist = await loadServedModel('mnist', mnistPath);
  resnet = await loadServedModel('fashion', resnetPath);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A grey PNG of `w` × `h` with a bright square in the middle (a blob the size of a digit). */
function png(w = 28, h = 28): Buffer {
  const image = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = Math.abs(x - w / 2) < w / 5 && Math.abs(y - h / 2) < h / 3 ? 255 : 0;
    image.data.set([v, v, v, 255], 4 * (y * w + x));
  }
  return PNG.sync.write(image);
}
const jpg = (): Buffer => Buffer.from(jpeg.encode({ width: 28, height: 28, data: PNG.sync.read(png()).data }, 95).data);
const pixels = (): number[][] => {
  const { data } = PNG.sync.read(png());
  return Array.from({ length: 28 }, (_, y) => Array.from({ length: 28 }, (_, x) => data[4 * (y * 28 + x)]!));
};

function server(options: { maxBatch?: number; maxWaitMs?: number; maxQueue?: number; bodyLimit?: number } = {}) {
  const lines: string[] = [];
  const served = buildServer({
    models: [mnist, resnet], log: (line) => lines.push(line), bodyLimit: options.bodyLimit ?? 64 * 1024,
    batch: { maxBatch: options.maxBatch ?? 8, maxWaitMs: options.maxWaitMs ?? 1, maxQueue: options.maxQueue ?? 64 },
  });
  return { served, lines };
}

const classify = (app: ReturnType<typeof server>['served']['app'], body: string | Buffer, contentType: string | null, query = '') =>
  app.inject({ method: 'POST', url: `/v1/classify${query}`, payload: body, headers: contentType === null ? {} : { 'content-type': contentType } });

describe('answers', () => {
  test('GET /healthz lists the models, the batching settings and the RSS', async () => {
    const { served } = server();
    const response = await served.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { status: string; models: { name: string; input: number[]; classes: number }[]; rss_bytes: number };
    expect(body.status).toBe('ok');
    expect(body.models.map((m) => [m.name, m.input, m.classes])).toEqual([['mnist', [1, 28, 28], 10], ['fashion', [1, 28, 28], 10]]);
    expect(body.rss_bytes).toBeGreaterThan(1e6);
    await served.close();
  });

  test('a PNG, the same image as JPEG and as JSON pixels: top-k sorted, probabilities summing to 1, the model\'s own forward pass', async () => {
    const { served } = server();
    const fromPng = (await classify(served.app, png(), 'image/png', '?top_k=3')).json() as { top_k: { class: number; probability: number; label: string }[]; probabilities: number[]; model_ms: number; batch_size: number };
    expect(fromPng.top_k).toHaveLength(3);
    expect(fromPng.top_k[0]!.probability).toBeGreaterThanOrEqual(fromPng.top_k[1]!.probability);
    expect(fromPng.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(fromPng.top_k[0]!.label).toBe(String(fromPng.top_k[0]!.class));
    expect(fromPng.model_ms).toBeGreaterThan(0);
    const fromJson = (await classify(served.app, JSON.stringify({ pixels: pixels() }), 'application/json')).json() as { probabilities: number[] };
    fromJson.probabilities.forEach((p, i) => expect(p).toBeCloseTo(fromPng.probabilities[i]!, 5)); // JSON pixels skip the auto-invert; this image needs none
    const fromJpeg = await classify(served.app, jpg(), 'image/jpeg', '?model=fashion');
    expect(fromJpeg.statusCode).toBe(200);
    expect((fromJpeg.json() as { top_k: { label: string }[] }).top_k[0]!.label).toMatch(/T-shirt|Trouser|Pullover|Dress|Coat|Sandal|Shirt|Sneaker|Bag|Ankle boot/);
    await served.close();
  });
});

describe('the error table: every malformed request gets its documented status, and the server goes on', () => {
  const truncatedPng = (): Buffer => png().subarray(0, 40);
  const hugePng = (): Buffer => {
    const b = Buffer.from(png());
    b.writeUInt32BE(20_000, 16); // IHDR width and height: 20,000 × 20,000
    b.writeUInt32BE(20_000, 20);
    return b;
  };
  const cases: [string, () => Promise<{ statusCode: number; json(): unknown; headers: Record<string, unknown> }>, keyof typeof ERRORS][] = [];
  let context: ReturnType<typeof server>;
  beforeAll(() => {
    context = server({ bodyLimit: 64 * 1024 });
  });
  // The app exists once beforeAll has run; the cases reach it through this proxy.
  const app = {
    inject: (...args: Parameters<ReturnType<typeof server>['served']['app']['inject']>) => context.served.app.inject(...args),
  } as ReturnType<typeof server>['served']['app'];
  cases.push(
    ['text/plain body', () => classify(app, 'hello', 'text/plain'), 'unsupported_media_type'],
    ['no Content-Type', () => classify(app, 'hello', null), 'unsupported_media_type'],
    ['image/png whose bytes are text', () => classify(app, 'not an image at all', 'image/png'), 'not_an_image'],
    ['a truncated PNG', () => classify(app, truncatedPng(), 'image/png'), 'undecodable_image'],
    ['a truncated JPEG', () => classify(app, jpg().subarray(0, 100), 'image/jpeg'), 'undecodable_image'],
    ['an empty image body', () => classify(app, Buffer.alloc(0), 'image/png'), 'empty_body'],
    ['an empty JSON body', () => classify(app, '', 'application/json'), 'empty_body'],
    ['invalid JSON', () => classify(app, '{"pixels": [1, 2', 'application/json'), 'invalid_json'],
    ['JSON without pixels', () => classify(app, '{}', 'application/json'), 'missing_pixels'],
    ['a JSON array', () => classify(app, '[1, 2]', 'application/json'), 'missing_pixels'],
    ['pixels 27 × 28', () => classify(app, JSON.stringify({ pixels: pixels().slice(1) }), 'application/json'), 'wrong_shape'],
    ['a pixel of 300', () => classify(app, JSON.stringify({ pixels: pixels().map((r, y) => (y === 3 ? r.map(() => 300) : r)) }), 'application/json'), 'invalid_pixels'],
    ['a pixel that is a string', () => classify(app, JSON.stringify({ pixels: pixels().map((r, y) => (y === 3 ? r.map(() => 'a') : r)) }), 'application/json'), 'invalid_pixels'],
    ['a 10 × 10 image for a 28 × 28 model', () => classify(app, png(10, 10), 'image/png'), 'image_too_small'],
    ['a PNG claiming 20,000 × 20,000 pixels', () => classify(app, hugePng(), 'image/png'), 'image_too_large'],
    ['a body over the limit', () => classify(app, Buffer.alloc(65 * 1024, 1), 'image/png'), 'payload_too_large'],
    ['an unknown model', () => classify(app, png(), 'image/png', '?model=nope'), 'unknown_model'],
    ['top_k 0', () => classify(app, png(), 'image/png', '?top_k=0'), 'invalid_parameter'],
    ['top_k 11 for 10 classes', () => classify(app, png(), 'image/png', '?top_k=11'), 'invalid_parameter'],
    ['GET /v1/classify', () => app.inject({ method: 'GET', url: '/v1/classify' }), 'method_not_allowed'],
    ['an unknown route', () => app.inject({ method: 'POST', url: '/v2/classify' }), 'not_found'],
  );

  test.each(cases)('%s → its status and code, then a valid request still succeeds', async (_name, request, code) => {
    const response = await request();
    expect(response.statusCode).toBe(ERRORS[code].status);
    const body = response.json() as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    if (code === 'method_not_allowed') expect(response.headers.allow).toBe('POST');
    expect((await classify(app, png(), 'image/png')).statusCode).toBe(200);
  });

  test('the table covers more than ten kinds, and each request wrote one log line with its status', () => {
    expect(new Set(cases.map((c) => c[2])).size).toBeGreaterThanOrEqual(14);
    const logged = context.lines.map((l) => JSON.parse(l) as { status: number; error?: string; method: string });
    expect(logged).toHaveLength(2 * cases.length);
    expect(logged.filter((l) => l.status === 200)).toHaveLength(cases.length);
    expect(logged.filter((l) => l.error !== undefined).map((l) => l.error)).toEqual(cases.map((c) => c[2]));
  });
  afterAll(() => context.served.close());
});

describe('batching, the queue and shutdown', () => {
  test('concurrent requests share forward passes up to max batch; max batch 1 runs each alone', async () => {
    const on = server({ maxBatch: 4, maxWaitMs: 50 });
    const answers = await Promise.all(Array.from({ length: 8 }, () => classify(on.served.app, png(), 'image/png')));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    expect(answers.map((a) => (a.json() as { batch_size: number }).batch_size)).toEqual(Array(8).fill(4));
    expect([...on.served.batchers.get('mnist')!.batchSizes]).toEqual([[4, 2]]);
    const single = (answers[0]!.json() as { probabilities: number[] }).probabilities;
    const off = server({ maxBatch: 1 });
    const alone = await Promise.all(Array.from({ length: 3 }, () => classify(off.served.app, png(), 'image/png')));
    expect(alone.map((a) => (a.json() as { batch_size: number }).batch_size)).toEqual([1, 1, 1]);
    (alone[0]!.json() as { probabilities: number[] }).probabilities.forEach((p, i) => expect(p).toBeCloseTo(single[i]!, 5)); // batching changes no answer
    await Promise.all([on.served.close(), off.served.close()]);
  });

  test('a full queue refuses at once with 503 and Retry-After', async () => {
    const { served } = server({ maxBatch: 8, maxWaitMs: 100, maxQueue: 2 });
    const answers = await Promise.all(Array.from({ length: 3 }, () => classify(served.app, png(), 'image/png')));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 503]);
    const refused = answers.find((a) => a.statusCode === 503)!;
    expect((refused.json() as { error: { code: string } }).error.code).toBe('overloaded');
    expect(refused.headers['retry-after']).toBe('1');
    await served.close();
  });

  test('graceful shutdown answers the requests in flight, then refuses new ones', async () => {
    const { served } = server({ maxBatch: 8, maxWaitMs: 200 });
    const inFlight = classify(served.app, png(), 'image/png'); // waits 200 ms in the queue
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = served.close();
    const late = await classify(served.app, png(), 'image/png');
    await closing;
    expect((await inFlight).statusCode).toBe(200);
    expect(late.statusCode).toBe(503);
    expect((late.json() as { error: { code: string } }).error.code).toBe('shutting_down');
  });
});

describe('loading', () => {
  test('a missing checkpoint fails at start with the command that makes it', async () => {
    await expect(loadServedModel('mnist', join(dir, 'absent.safetensors'), { makeWith: 'npm start' })).rejects.toThrow(/no checkpoint at .*absent\.safetensors; make it with `npm start`/);
  });

  test('ONNX Runtime serves the exported model with the same probabilities as Sapling', async () => {
    const onnx = await loadServedModel('mnist', mnistPath, { runtime: 'onnx' });
    const a = server();
    const b = buildServer({ models: [onnx], log: null, batch: { maxBatch: 4, maxWaitMs: 1, maxQueue: 8 } });
    const [sapling, ort] = await Promise.all([classify(a.served.app, png(), 'image/png'), classify(b.app, png(), 'image/png')]);
    const p = (sapling.json() as { probabilities: number[] }).probabilities;
    (ort.json() as { probabilities: number[] }).probabilities.forEach((q, i) => expect(q).toBeCloseTo(p[i]!, 4));
    await Promise.all([a.served.close(), b.close()]);
  });
});
