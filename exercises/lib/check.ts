/**
 * check — assertions whose failure message teaches: what was checked, the expected value, the
 * value your code returned, where they first differ, and a hint towards the fix. Every exercise
 * test uses these instead of bare `expect`, e.g.
 *
 *   Value.tanh: the gradient of x
 *     expected: 0.41997434161402614
 *     got:      1
 *     hint:     d tanh(x)/dx = 1 − tanh(x)²; multiply it by out.grad (the chain rule)
 */
import { gradcheck, Tensor } from '../../src/index.js';

export interface Check {
  /** What is being checked, e.g. 'sumToShape([2, 3] → [3])'. */
  readonly what: string;
  /** One sentence towards the fix. */
  readonly hint: string;
}

export interface CloseCheck extends Check {
  readonly atol?: number;
  readonly rtol?: number;
}

/** The error every failed check throws. */
export class ExerciseFailure extends Error {
  constructor(check: Check, lines: readonly string[]) {
    super([check.what, ...lines.map((l) => `  ${l}`), `  hint:     ${check.hint}`].join('\n'));
    this.name = 'ExerciseFailure';
  }
}

type Numbers = number | readonly number[] | ArrayLike<number> | Tensor;

const show = (v: unknown): string => {
  if (v instanceof Tensor) return `tensor of shape [${v.shape.join(', ')}]: ${JSON.stringify(Array.from(v.dataSync()).map(round))}`;
  if (typeof v === 'number') return String(v);
  if (v !== null && typeof v === 'object' && 'length' in v) return JSON.stringify(Array.from(v as ArrayLike<unknown>).map((x) => (typeof x === 'number' ? round(x) : x)));
  return v === undefined ? 'undefined' : JSON.stringify(v) ?? String(v);
};
const round = (x: number): number => (Number.isInteger(x) ? x : Number(x.toPrecision(8)));

function flat(v: unknown): { values: number[]; shape: readonly number[] } | null {
  if (v instanceof Tensor) return { values: Array.from(v.dataSync()), shape: v.shape };
  if (typeof v === 'number') return { values: [v], shape: [] };
  if (v !== null && typeof v === 'object' && 'length' in v) {
    const values = Array.from(v as ArrayLike<unknown>);
    return values.every((x) => typeof x === 'number') ? { values: values as number[], shape: [values.length] } : null;
  }
  return null;
}

/** Passes when `got` has `expected`'s shape and every value is within atol + rtol·|expected|. */
export function expectClose(got: unknown, expected: Numbers, check: CloseCheck): void {
  const { atol = 1e-6, rtol = 1e-5 } = check;
  const g = flat(got);
  const e = flat(expected)!;
  const lines = [`expected: ${show(expected)}`, `got:      ${show(got)}`];
  if (g === null) throw new ExerciseFailure(check, [...lines, 'note:     expected numbers (a number, an array or a Tensor)']);
  const tensors = got instanceof Tensor && expected instanceof Tensor;
  if (tensors ? g.shape.join() !== e.shape.join() : g.values.length !== e.values.length) {
    throw new ExerciseFailure(check, [...lines, `note:     the shapes differ: expected [${e.shape.join(', ')}], got [${g.shape.join(', ')}]`]);
  }
  const i = e.values.findIndex((x, k) => !(Math.abs(g.values[k]! - x) <= atol + rtol * Math.abs(x)));
  if (i >= 0) {
    const where = e.values.length > 1 ? [`note:     first difference at flat index ${i}: expected ${e.values[i]}, got ${g.values[i]}`] : [];
    throw new ExerciseFailure(check, [...lines, ...where]);
  }
}

/** Passes when `got` and `expected` are equal as JSON (shapes, index lists, strings). */
export function expectEqual(got: unknown, expected: unknown, check: Check): void {
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new ExerciseFailure(check, [`expected: ${show(expected)}`, `got:      ${show(got)}`]);
  }
}

/** An unfilled exercise's own error passes through every check untouched: its message is the clearest one. */
export function rethrowIfStub(error: unknown): void {
  if (error instanceof Error && error.message.startsWith('not implemented yet')) throw error;
}

/** Passes when `fn` throws an error whose message matches `pattern`. */
export function expectThrows(fn: () => unknown, pattern: RegExp, check: Check): void {
  let message: string | null = null;
  try {
    fn();
  } catch (error) {
    rethrowIfStub(error);
    message = error instanceof Error ? error.message : String(error);
  }
  if (message === null || !pattern.test(message)) {
    throw new ExerciseFailure(check, [`expected: an error matching ${pattern}`, `got:      ${message === null ? 'no error' : `"${message}"`}`]);
  }
}

/** Passes when Sapling's gradcheck accepts `fn`'s backward at `inputs`; otherwise reports gradcheck's finding. */
export function expectGradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], check: Check): void {
  try {
    gradcheck(fn, inputs);
  } catch (error) {
    rethrowIfStub(error);
    throw new ExerciseFailure(check, [`expected: backward to agree with finite differences`, `got:      ${error instanceof Error ? error.message : String(error)}`]);
  }
}
