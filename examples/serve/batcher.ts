/**
 * batcher — micro-batching: requests for one model that arrive close together share one forward
 * pass. A request joins the queue; the queue runs as one batch when it holds `maxBatch` inputs,
 * or `maxWaitMs` after its first input arrived, whichever comes first (`maxBatch` 1 turns
 * batching off: each request runs alone, at once; `maxWaitMs` 0 runs a request that finds the
 * model idle at once). One batch runs at a time per model; what arrives meanwhile waits for the
 * next, so under load batches fill by themselves without any wait. The queue holds at most `maxQueue` inputs: beyond that a
 * request is refused at once (503 overloaded) rather than left to time out.
 *
 *   inputs [C, S, S] × B  →  batch [B, C, S, S]  →  forward  →  softmax rows  →  one per request
 */
import { softmax, Tensor } from '../../src/node.js';
import { RequestError } from './errors.js';
import type { ServedModel } from './models.js';

export interface BatchOptions {
  readonly maxBatch: number;
  readonly maxWaitMs: number;
  readonly maxQueue: number;
}

export interface Prediction {
  readonly probabilities: Float32Array;
  /** Milliseconds of the forward pass of the batch this input ran in. */
  readonly modelMs: number;
  /** Milliseconds between joining the queue and the start of that forward pass. */
  readonly queueMs: number;
  readonly batchSize: number;
}

interface Pending {
  readonly input: Float32Array;
  readonly enqueued: number;
  resolve(p: Prediction): void;
  reject(e: unknown): void;
}

export class Batcher {
  private readonly queue: Pending[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running: Promise<void> | null = null;
  /** How many batches of each size have run (for tests and the load report). */
  readonly batchSizes = new Map<number, number>();

  readonly model: ServedModel;
  readonly options: BatchOptions;

  constructor(model: ServedModel, options: BatchOptions) {
    this.model = model;
    this.options = options;
  }

  /** Queues one input [C, S, S]; resolves with its class probabilities once its batch has run. */
  predict(input: Float32Array): Promise<Prediction> {
    if (this.queue.length >= this.options.maxQueue) {
      return Promise.reject(new RequestError('overloaded', `${this.queue.length} requests are queued for model '${this.model.name}' (the limit is ${this.options.maxQueue}); try again shortly`));
    }
    return new Promise((resolve, reject) => {
      this.queue.push({ input, enqueued: performance.now(), resolve, reject });
      this.schedule();
    });
  }

  /** Resolves once every queued request has been answered (for graceful shutdown). */
  async drain(): Promise<void> {
    while (this.queue.length > 0 || this.running !== null) {
      if (this.running === null) this.flush();
      await this.running;
    }
  }

  private schedule(): void {
    if (this.running !== null) return; // the running batch's end schedules the next one
    if (this.queue.length >= this.options.maxBatch || this.options.maxWaitMs <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
  }

  private flush(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.queue.length === 0 || this.running !== null) return;
    const batch = this.queue.splice(0, this.options.maxBatch);
    this.running = this.run(batch).finally(() => {
      this.running = null;
      if (this.queue.length > 0) this.schedule();
    });
  }

  private async run(batch: Pending[]): Promise<void> {
    const { channels, size } = this.model.input;
    const per = channels * size * size;
    const x = new Float32Array(batch.length * per);
    batch.forEach((p, i) => x.set(p.input, i * per));
    const started = performance.now();
    try {
      const logits = await this.model.forward(new Tensor(x, [batch.length, channels, size, size]));
      const modelMs = performance.now() - started;
      const probabilities = (await softmax(logits, 1).data()) as Float32Array; // a wait for the GPU on webgpu
      const classes = this.model.classes.length;
      this.batchSizes.set(batch.length, (this.batchSizes.get(batch.length) ?? 0) + 1);
      batch.forEach((p, i) => p.resolve({
        probabilities: probabilities.slice(i * classes, (i + 1) * classes), modelMs, queueMs: started - p.enqueued, batchSize: batch.length,
      }));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
