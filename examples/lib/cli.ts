/**
 * cli — the one command-line helper every example uses: each flag is declared once, with its
 * help text, its default and its check, so `--help` lists every option with its default and exits
 * 0, and a bad value stops the program with a message that names the flag. Built on node:util's
 * parseArgs; flags are camelCase in code and kebab-case on the command line (batchSize ↔
 * --batch-size). `trainingFlags` is the set the training examples share.
 *
 *   const { values } = parseCli({ summary: 'PCA of MNIST.', usage: 'npx tsx examples/pca-mnist.ts [options]',
 *     flags: { limit: intFlag('training digits to fit on', 10_000), out: stringFlag('output folder', 'runs/pca-mnist', 'DIR') } });
 */
import { parseArgs } from 'node:util';
import type { AvailableBackend } from '../../src/index.js';

/** One flag: how it reads, how it prints in --help, and how its value is checked. */
export interface Flag<T> {
  readonly help: string;
  /** Takes no value (--quiet). */
  readonly isSwitch: boolean;
  /** The value's placeholder in --help (N, X, DIR, …). */
  readonly metavar: string;
  /** The default as --help prints it, or undefined when there is none. */
  readonly shown: string | undefined;
  /** The value from the raw text (undefined when the flag was not given); throws a RangeError naming `--name`. */
  parse(name: string, raw: string | boolean | undefined): T;
}

type FlagValues<S> = { readonly [K in keyof S]: S[K] extends Flag<infer T> ? T : never };

/** What a program accepts. */
export interface CliSpec<S extends Record<string, Flag<unknown>>> {
  /** One or two sentences: what the program does. */
  readonly summary: string;
  /** The command line, e.g. 'npx tsx examples/mnist-cnn.ts [options]'. */
  readonly usage: string;
  readonly flags: S;
  /** Accept positional arguments (named in `usage`). */
  readonly positionals?: boolean;
  /** Printed after the options (notes, examples). */
  readonly epilog?: string;
}

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const text = (name: string, raw: string | boolean): string => {
  if (typeof raw !== 'string') throw new RangeError(`--${kebab(name)} needs a value`);
  return raw;
};

function numeric(help: string, fallback: number | undefined, integer: boolean, min: number, metavar: string): Flag<number | undefined> {
  return {
    help, isSwitch: false, metavar, shown: fallback === undefined ? undefined : String(fallback),
    parse(name, raw) {
      if (raw === undefined) return fallback;
      const value = text(name, raw);
      const n = Number(value);
      const what = integer ? 'an integer' : 'a number';
      if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min) {
        throw new RangeError(`--${kebab(name)} must be ${what}${min > -Infinity ? ` ≥ ${min}` : ''}, got '${value}'`);
      }
      return n;
    },
  };
}

/** An integer flag with a default (`min`: the smallest value accepted, default 1). */
export function intFlag(help: string, fallback: number, min = 1): Flag<number> {
  return numeric(help, fallback, true, min, 'N') as Flag<number>;
}

/** An integer flag without a default: undefined unless given. */
export function optionalIntFlag(help: string, min = 1): Flag<number | undefined> {
  return numeric(help, undefined, true, min, 'N');
}

/** A number flag with a default (`min`: the smallest value accepted, default −∞). */
export function numberFlag(help: string, fallback: number, min = -Infinity): Flag<number> {
  return numeric(help, fallback, false, min, 'X') as Flag<number>;
}

/** A text flag with a default. */
export function stringFlag(help: string, fallback: string, metavar = 'TEXT'): Flag<string> {
  return { help, isSwitch: false, metavar, shown: fallback, parse: (name, raw) => (raw === undefined ? fallback : text(name, raw)) };
}

/** A text flag without a default: undefined unless given. */
export function optionalStringFlag(help: string, metavar = 'TEXT'): Flag<string | undefined> {
  return { help, isSwitch: false, metavar, shown: undefined, parse: (name, raw) => (raw === undefined ? undefined : text(name, raw)) };
}

/** One of a fixed set of words. */
export function choiceFlag<const C extends string>(help: string, choices: readonly C[], fallback: C): Flag<C> {
  return {
    help: `${help}: ${choices.join(', ')}`, isSwitch: false, metavar: 'NAME', shown: fallback,
    parse(name, raw) {
      if (raw === undefined) return fallback;
      const value = text(name, raw);
      if (!(choices as readonly string[]).includes(value)) throw new RangeError(`--${kebab(name)} must be ${choices.join(', ')}; got '${value}'`);
      return value as C;
    },
  };
}

/** A comma-separated list without a default: undefined unless given (e.g. --seeds 0,1,2). */
export function optionalListFlag(help: string): Flag<string[] | undefined> {
  return {
    help, isSwitch: false, metavar: 'A,B,…', shown: undefined,
    parse(name, raw) {
      if (raw === undefined) return undefined;
      const items = text(name, raw).split(',').map((s) => s.trim()).filter(Boolean);
      if (items.length === 0) throw new RangeError(`--${kebab(name)} needs at least one item`);
      return items;
    },
  };
}

/** A comma-separated list with a default (e.g. --ranks 5,20,50). */
export function listFlag(help: string, fallback: readonly string[]): Flag<string[]> {
  const optional = optionalListFlag(help);
  return { ...optional, shown: fallback.join(','), parse: (name, raw) => optional.parse(name, raw) ?? [...fallback] };
}

/** A switch: true when given. */
export function booleanFlag(help: string): Flag<boolean> {
  return { help, isSwitch: true, metavar: '', shown: undefined, parse: (_name, raw) => raw === true };
}

/** The --help text: summary, usage, every option with its default, the epilog. */
export function helpText<S extends Record<string, Flag<unknown>>>(spec: CliSpec<S>): string {
  const rows = Object.entries(spec.flags).map(([name, flag]) => [`--${kebab(name)}${flag.isSwitch ? '' : ` ${flag.metavar}`}`, `${flag.help}${flag.shown === undefined ? '' : ` (default ${flag.shown})`}`] as const);
  rows.push(['--help', 'print this help and exit']);
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  const options = rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`).join('\n');
  return `${spec.summary}\n\n  ${spec.usage}\n\nOptions:\n${options}${spec.epilog ? `\n\n${spec.epilog}` : ''}`;
}

/**
 * Parses `argv` (default: this process's arguments) against `spec`. Prints the help and exits 0
 * on --help; prints the error and the usage line and exits 2 on an unknown flag or a bad value.
 */
export function parseCli<S extends Record<string, Flag<unknown>>>(spec: CliSpec<S>, argv: readonly string[] = process.argv.slice(2)): { values: FlagValues<S>; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const [name, flag] of Object.entries(spec.flags)) options[kebab(name)] = { type: flag.isSwitch ? 'boolean' : 'string' };
  try {
    const { values: raw, positionals } = parseArgs({ args: [...argv], options, allowPositionals: spec.positionals ?? false });
    if (raw.help === true) {
      console.log(helpText(spec));
      process.exit(0);
    }
    const values: Record<string, unknown> = {};
    for (const [name, flag] of Object.entries(spec.flags)) values[name] = flag.parse(name, raw[kebab(name)]);
    return { values: values as FlagValues<S>, positionals };
  } catch (e) {
    if (!(e instanceof RangeError || (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')))) throw e;
    console.error(`error: ${e.message}\n\n  ${spec.usage}\n\n(--help lists the options)`);
    process.exit(2);
  }
}

/** The flags every training example shares. */
export interface TrainingFlags {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly backend: AvailableBackend;
  readonly seed: number;
  readonly limit: number | undefined;
  readonly evalLimit: number | undefined;
  readonly out: string;
}

/** A training example's defaults for the shared flags. */
export interface FlagDefaults {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly backend: AvailableBackend;
  readonly out: string;
}

/** The shared training flags with an example's defaults, to spread into a `parseCli` spec beside the example's own. */
export function trainingFlagSpecs(defaults: FlagDefaults) {
  return {
    epochs: intFlag('passes over the training images', defaults.epochs),
    batchSize: intFlag('images per step', defaults.batchSize),
    lr: numberFlag('peak learning rate', defaults.lr, Number.MIN_VALUE),
    backend: choiceFlag('where the kernels run', ['cpu', 'wasm', 'webgpu'] as const, defaults.backend),
    seed: intFlag('seed for initialisation and shuffling', 0, -Infinity),
    limit: optionalIntFlag('train on the first N images only (quick trials)'),
    evalLimit: optionalIntFlag('score on the first N validation and test images only (quick trials)'),
    out: stringFlag('where the checkpoint and the plots go', defaults.out, 'DIR'),
  };
}

/** Parses the shared training flags (see `parseCli`): prints the help and exits 0 on --help. */
export function trainingFlags(summary: string, usage: string, defaults: FlagDefaults, argv: readonly string[] = process.argv.slice(2)): TrainingFlags {
  return parseCli({ summary, usage, flags: trainingFlagSpecs(defaults) }, argv).values;
}
