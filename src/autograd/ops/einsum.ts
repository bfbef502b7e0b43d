/**
 * einsum — Einstein summation with an explicit output (torch.einsum's "ij,jk->ik" form): every
 * index letter of the output is kept, every other letter is summed over.
 *   "ij,jk->ik"  matmul       "bij,bjk->bik"  batched matmul     "i,i->"  dot product
 *   "i,j->ij"    outer        "ij->ji"        transpose          "ij->j"  column sums
 *
 * The subset (what torch.einsum accepts beyond it is refused with a message): the output is
 * written after "->"; letters are a–z and A–Z; no "..." (ellipsis); a letter appears at most once
 * in each term (no diagonals such as "ii->i"); a letter's sizes agree across operands, or are 1
 * (broadcast).
 *
 * How we compute it: operands are contracted left to right, two at a time, as one batched
 * matmul. For the running result A and the next operand B, a letter is a batch letter (in both,
 * needed later: by the output or a later operand), a contracted letter (in both, needed by no one
 * after), or belongs to one side only. A letter in one operand only and needed by no one after is
 * summed away first. Then A is permuted to [batch, left, contracted] and read as [Bt, L, C], B to
 * [batch, contracted, right] as [Bt, C, R], and A·B [Bt, L, R] is read back with the letters
 * batch + left + right. At the end the remaining letters are summed or permuted into the output's
 * order. Each step is a differentiable op (permute, reshape, expand, sum, matmul), so the
 * backward is theirs composed: no formula of its own to derive.
 */
import { fmt, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkTensor } from './helpers.js';
import { matmul } from './matmul.js';
import { sum } from './reduce.js';
import { broadcastTo, permute, reshape } from './shape.js';

/** A tensor with a letter for each axis. */
interface Labelled {
  readonly t: Tensor;
  readonly letters: string;
}

/** Parses "ij,jk->ik" into its input terms and output, checking the subset (see the header). */
function parse(equation: string, count: number): { inputs: string[]; output: string } {
  if (typeof equation !== 'string') throw new TypeError(`einsum: the equation must be a string, got ${typeof equation}`);
  const text = equation.replace(/\s+/g, '');
  if (text.includes('...')) throw new RangeError(`einsum: "${equation}" uses an ellipsis ("..."), which this einsum does not offer; write every axis's letter`);
  const parts = text.split('->');
  if (parts.length !== 2) throw new RangeError(`einsum: "${equation}" needs an explicit output after "->" (e.g. "ij,jk->ik"); the implicit form is not offered`);
  const [lhs, output] = parts as [string, string];
  const inputs = lhs.split(',');
  for (const term of [...inputs, output]) {
    if (!/^[a-zA-Z]*$/.test(term)) throw new RangeError(`einsum: "${equation}": terms are letters a–z and A–Z, got "${term}"`);
    if (new Set(term).size !== term.length) {
      throw new RangeError(`einsum: "${equation}": the letter repeated in "${term}" (a diagonal or trace) is not offered; take the diagonal first`);
    }
  }
  if (inputs.length !== count) throw new RangeError(`einsum: "${equation}" has ${inputs.length} input terms but ${count} operands were given`);
  for (const c of output) {
    if (!inputs.some((term) => term.includes(c))) throw new RangeError(`einsum: "${equation}": the output letter '${c}' appears in no input`);
  }
  return { inputs, output };
}

/** A's letters not in `keep`, summed away. */
function sumAway(a: Labelled, keep: (c: string) => boolean): Labelled {
  const axes = [...a.letters].flatMap((c, i) => (keep(c) ? [] : [i]));
  if (axes.length === 0) return a;
  return { t: sum(a.t, axes), letters: [...a.letters].filter((c) => keep(c)).join('') };
}

/** A permuted to the letters `order` (a permutation of its own), each axis broadcast to its full size. */
function arrange(a: Labelled, order: string, size: ReadonlyMap<string, number>): Tensor {
  const moved = permute(a.t, [...order].map((c) => a.letters.indexOf(c)));
  const full = [...order].map((c) => size.get(c)!);
  return moved.shape.every((d, i) => d === full[i]) ? moved : broadcastTo(moved, full);
}

/** A · B as one batched matmul over their shared letters (see the header); `later` are the letters needed after. */
function contract(a: Labelled, b: Labelled, later: ReadonlySet<string>, size: ReadonlyMap<string, number>): Labelled {
  const inA = (c: string) => a.letters.includes(c);
  const inB = (c: string) => b.letters.includes(c);
  const left = sumAway(a, (c) => inB(c) || later.has(c));
  const right = sumAway(b, (c) => inA(c) || later.has(c));
  const batch = [...left.letters].filter((c) => inB(c) && later.has(c)).join('');
  const shared = [...left.letters].filter((c) => inB(c) && !later.has(c)).join('');
  const leftOnly = [...left.letters].filter((c) => !inB(c)).join('');
  const rightOnly = [...right.letters].filter((c) => !inA(c)).join('');
  const n = (letters: string) => sizeOf([...letters].map((c) => size.get(c)!));
  const aMat = reshape(arrange(left, batch + leftOnly + shared, size), [n(batch), n(leftOnly), n(shared)]);
  const bMat = reshape(arrange(right, batch + shared + rightOnly, size), [n(batch), n(shared), n(rightOnly)]);
  const letters = batch + leftOnly + rightOnly;
  return { t: reshape(matmul(aMat, bMat), [...letters].map((c) => size.get(c)!)), letters };
}

/**
 * Einstein summation with an explicit output, torch.einsum's "ij,jk->ik" form: output letters
 * are kept, the others summed over (no "...", no repeated letter within a term; see the file
 * header). Differentiable in every operand.
 * @example einsum('ij,jk->ik', tensor([[1, 2]]), tensor([[3], [4]])).toArray()  // [[11]]
 * @example einsum('i,j->ij', tensor([1, 2]), tensor([3, 4])).toArray()  // [[3, 4], [6, 8]]
 */
export function einsum(equation: string, ...operands: Tensor[]): Tensor {
  operands.forEach((t, i) => checkTensor(t, 'einsum', `operand ${i}`));
  if (operands.length === 0) throw new RangeError('einsum: needs at least one operand');
  const { inputs, output } = parse(equation, operands.length);
  const size = new Map<string, number>();
  operands.forEach((t, i) => {
    const term = inputs[i]!;
    if (t.ndim !== term.length) throw new RangeError(`einsum: "${equation}": operand ${i} ${fmt(t.shape)} has ${t.ndim} axes but its term "${term}" has ${term.length} letters`);
    [...term].forEach((c, axis) => {
      const d = t.shape[axis]!;
      const known = size.get(c);
      if (known !== undefined && known !== d && known !== 1 && d !== 1) {
        throw new RangeError(`einsum: "${equation}": letter '${c}' has size ${known} in one operand and ${d} in operand ${i} ${fmt(t.shape)}`);
      }
      size.set(c, known === undefined || known === 1 ? d : known);
    });
  });
  let acc: Labelled = { t: operands[0]!, letters: inputs[0]! };
  for (let i = 1; i < operands.length; i++) {
    const later = new Set([...output, ...inputs.slice(i + 1).join('')]);
    acc = contract(acc, { t: operands[i]!, letters: inputs[i]! }, later, size);
  }
  const kept = sumAway(acc, (c) => output.includes(c));
  return arrange(kept, output, size);
}
