/**
 * app — the HTTP inference server's routes, on Fastify (chosen for its maintenance — an OpenJS
 * Foundation project with regular releases and a security policy — its speed, its body-size limit
 * and content-type parsing built in, and `close()`, which stops listening and waits for in-flight
 * requests: graceful shutdown without extra code).
 *
 *   POST /v1/classify[?model=NAME&top_k=K]   body: PNG or JPEG bytes (image/png, image/jpeg,
 *        application/octet-stream), or JSON {"pixels": [[…]], "model"?, "top_k"?}
 *        → 200 {model, top_k: [{class, label, probability}], probabilities, batch_size,
 *               model_ms, queue_ms, total_ms}
 *   GET  /healthz   → 200 {status: "ok", models, rss_bytes, uptime_s}
 *
 * Every failure is JSON {"error": {"code", "message"}} with the status of errors.ts's table; one
 * JSON log line is written per request (method, url, status, ms, model, batch size, error code).
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Batcher, type BatchOptions } from './batcher.js';
import { RequestError, type ErrorCode } from './errors.js';
import { decodeImage, prepareImage, preparePixels } from './images.js';
import type { ServedModel } from './models.js';

export interface ServerOptions {
  readonly models: readonly ServedModel[];
  readonly batch: BatchOptions;
  /** The largest body accepted, in bytes (default 8 MiB). */
  readonly bodyLimit?: number;
  /** Where the per-request log lines go (default stdout); null: nowhere. */
  readonly log?: ((line: string) => void) | null;
}

interface Served {
  readonly app: FastifyInstance;
  readonly batchers: ReadonlyMap<string, Batcher>;
  /** Stops accepting requests, answers those in flight (their batches included), then resolves. */
  close(): Promise<void>;
}

interface RequestNotes {
  model?: string;
  batchSize?: number;
  errorCode?: ErrorCode;
}
const notes = new WeakMap<FastifyRequest, RequestNotes>();
const note = (request: FastifyRequest): RequestNotes => {
  let n = notes.get(request);
  if (n === undefined) notes.set(request, (n = {}));
  return n;
};

export function buildServer(options: ServerOptions): Served {
  const bodyLimit = options.bodyLimit ?? 8 * 1024 * 1024;
  const log = options.log === undefined ? (line: string) => process.stdout.write(`${line}\n`) : options.log;
  const app = Fastify({ logger: false, bodyLimit, return503OnClosing: false, forceCloseConnections: 'idle' });
  const batchers = new Map(options.models.map((m) => [m.name, new Batcher(m, options.batch)]));
  const defaultModel = options.models[0]!.name;
  let closing = false;

  // Images arrive as raw bytes; JSON keeps Fastify's own parser (its errors are mapped below);
  // text is not an input, so Fastify's text/plain parser goes (such a body gets 415).
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser(['image/png', 'image/jpeg', 'application/octet-stream'], { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.addHook('onResponse', (request, reply, done) => {
    if (log !== null) {
      const n = notes.get(request) ?? {};
      log(JSON.stringify({
        time: new Date().toISOString(), method: request.method, url: request.url, status: reply.statusCode, ms: Number(reply.elapsedTime.toFixed(2)),
        ...(n.model === undefined ? {} : { model: n.model }), ...(n.batchSize === undefined ? {} : { batch: n.batchSize }), ...(n.errorCode === undefined ? {} : { error: n.errorCode }),
      }));
    }
    done();
  });

  const fail = (request: FastifyRequest, reply: FastifyReply, error: RequestError): FastifyReply => {
    note(request).errorCode = error.code;
    if (error.code === 'overloaded') void reply.header('Retry-After', '1');
    if (error.code === 'method_not_allowed') void reply.header('Allow', 'POST');
    return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
  };

  app.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    if (error instanceof RequestError) return fail(request, reply, error);
    switch (error.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return fail(request, reply, new RequestError('payload_too_large', `the body is larger than the limit of ${bodyLimit.toLocaleString('en')} bytes`));
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return fail(request, reply, new RequestError('unsupported_media_type', `Content-Type '${request.headers['content-type'] ?? ''}' is not accepted; send image/png, image/jpeg, application/octet-stream or application/json`));
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return fail(request, reply, new RequestError('empty_body', 'the body is empty'));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return fail(request, reply, new RequestError('invalid_json', `the body is not valid JSON: ${error.message}`));
      default:
        if (error.statusCode === 400 && error instanceof SyntaxError) return fail(request, reply, new RequestError('invalid_json', `the body is not valid JSON: ${error.message}`));
        return fail(request, reply, new RequestError('internal', `${error.name}: ${error.message}`));
    }
  });
  app.setNotFoundHandler((request, reply) => fail(request, reply, new RequestError('not_found', `no route ${request.method} ${request.url.split('?')[0]}; the routes are POST /v1/classify and GET /healthz`)));

  app.get('/healthz', async () => ({
    status: closing ? 'shutting_down' : 'ok',
    models: options.models.map((m) => ({ name: m.name, description: m.description, checkpoint: m.checkpoint, runtime: m.runtime, input: [m.input.channels, m.input.size, m.input.size], classes: m.classes.length })),
    batch: options.batch,
    rss_bytes: process.memoryUsage().rss,
    uptime_s: Number(process.uptime().toFixed(1)),
  }));

  app.route({
    method: ['GET', 'PUT', 'DELETE', 'PATCH'], url: '/v1/classify',
    handler: (request, reply) => fail(request, reply, new RequestError('method_not_allowed', `${request.method} is not allowed on /v1/classify; POST an image or JSON pixels`)),
  });

  app.post('/v1/classify', async (request, reply) => {
    const started = performance.now();
    if (closing) throw new RequestError('shutting_down', 'the server is shutting down');
    const query = request.query as Record<string, unknown>;
    const body: unknown = request.body;
    const json = body !== null && typeof body === 'object' && !Buffer.isBuffer(body) ? (body as Record<string, unknown>) : null;
    const name = pick(query.model, json?.model, defaultModel);
    if (typeof name !== 'string') throw new RequestError('invalid_parameter', `model must be a string, got ${JSON.stringify(name)}`);
    const batcher = batchers.get(name);
    if (batcher === undefined) throw new RequestError('unknown_model', `no model '${name}'; loaded: ${[...batchers.keys()].join(', ')}`);
    note(request).model = name;
    const model = batcher.model;
    const k = Number(pick(query.top_k, json?.top_k, 3));
    if (!Number.isInteger(k) || k < 1 || k > model.classes.length) throw new RequestError('invalid_parameter', `top_k must be an integer in 1…${model.classes.length}, got ${JSON.stringify(pick(query.top_k, json?.top_k, 3))}`);

    let input: Float32Array;
    if (Buffer.isBuffer(body)) {
      if (body.length === 0) throw new RequestError('empty_body', 'the body is empty');
      input = prepareImage(decodeImage(body), model.input);
    } else if (json !== null && !Array.isArray(json)) {
      input = preparePixels(json.pixels, model.input);
    } else if (body === undefined || body === null || body === '') {
      throw new RequestError('empty_body', 'the body is empty');
    } else {
      throw new RequestError('missing_pixels', 'the JSON body must be an object with "pixels"');
    }
    const prediction = await batcher.predict(input);
    note(request).batchSize = prediction.batchSize;
    const probabilities = Array.from(prediction.probabilities, (p) => Number(p.toPrecision(6)));
    const ranked = probabilities.map((p, c) => ({ class: c, label: model.classes[c]!, probability: p })).sort((a, b) => b.probability - a.probability);
    return reply.send({
      model: name, top_k: ranked.slice(0, k), probabilities,
      batch_size: prediction.batchSize, model_ms: round(prediction.modelMs), queue_ms: round(prediction.queueMs), total_ms: round(performance.now() - started),
    });
  });

  return {
    app, batchers,
    async close() {
      closing = true; // requests still arriving on open connections get 503 shutting_down
      await app.close(); // stops listening; resolves once every in-flight request is answered
      await Promise.all([...batchers.values()].map((b) => b.drain()));
      await Promise.all(options.models.map((m) => m.close()));
    },
  };
}

/** The query parameter, else the JSON field, else the default. */
function pick(query: unknown, field: unknown, fallback: unknown): unknown {
  return query ?? field ?? fallback;
}

const round = (ms: number): number => Number(ms.toFixed(3));
