/**
 * cli — the flags every training example shares (epochs, batch size, learning rate, backend,
 * seed, …), parsed with node:util's parseArgs, validated, with a --help text.
 */
import { parseArgs } from 'node:util';
import type { AvailableBackend } from '../../src/index.js';

export interface TrainingFlags {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly backend: AvailableBackend;
  readonly seed: number;
  readonly limit: number | undefined;
  readonly out: string;
}

export interface FlagDefaults {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly backend: AvailableBackend;
  readonly out: string;
}

/** Parses process.argv; prints `usage` and exits on --help; throws a clear error on a bad value. */
export function trainingFlags(usage: string, defaults: FlagDefaults, argv: readonly string[] = process.argv.slice(2)): TrainingFlags {
  const help = `${usage}

  --epochs N        passes over the training images (default ${defaults.epochs})
  --batch-size N    images per step (default ${defaults.batchSize})
  --lr X            learning rate (default ${defaults.lr})
  --backend NAME    cpu, wasm or webgpu (default ${defaults.backend})
  --seed N          seed for initialisation and shuffling (default 0)
  --limit N         train on the first N images only (quick trials)
  --out DIR         where the checkpoint and the plot go (default ${defaults.out})
  --help            this text`;
  const { values } = parseArgs({
    args: [...argv],
    options: {
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      backend: { type: 'string' },
      seed: { type: 'string' },
      limit: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(help);
    process.exit(0);
  }
  const positiveInt = (name: string, value: string | undefined, fallback: number): number => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`--${name} must be a positive integer, got '${value}'`);
    return n;
  };
  const lr = values.lr === undefined ? defaults.lr : Number(values.lr);
  if (!(lr > 0) || !Number.isFinite(lr)) throw new RangeError(`--lr must be a positive number, got '${values.lr}'`);
  const seed = values.seed === undefined ? 0 : Number(values.seed);
  if (!Number.isInteger(seed)) throw new RangeError(`--seed must be an integer, got '${values.seed}'`);
  const backend = values.backend ?? defaults.backend;
  if (backend !== 'cpu' && backend !== 'wasm' && backend !== 'webgpu') throw new RangeError(`--backend must be cpu, wasm or webgpu, got '${backend}'`);
  return {
    epochs: positiveInt('epochs', values.epochs, defaults.epochs),
    batchSize: positiveInt('batch-size', values['batch-size'], defaults.batchSize),
    lr,
    backend,
    seed,
    limit: values.limit === undefined ? undefined : positiveInt('limit', values.limit, 1),
    out: values.out ?? defaults.out,
  };
}
