/**
 * mlm-masking — the inputs and targets of BERT's masked language model (Devlin et al. 2019, §3.1
 * "Task #1: Masked LM", and Appendix A.1): each real token is chosen as a target with
 * probability 15% (never [CLS], [SEP] or padding); a chosen token is replaced by [MASK] 80% of
 * the time, by a random token 10%, and kept 10% (so the model cannot learn that only [MASK]
 * positions matter); the model must predict the original token at every chosen position.
 *
 * As Hugging Face's DataCollatorForLanguageModeling (independent draws per token, labels −100
 * off the targets), with two differences: the random replacements are ordinary tokens (HF's may
 * be special ones), and a batch in which no token was drawn gets one target (a loss over no
 * token is 0/0). Besides the labels we return the targets' flat positions n·T + t, so that the
 * model can score only those rows (BertForMaskedLM's maskedPositions): 15% of the work.
 */
import { defaultRandom, type Random } from '../autograd/random.js';
import { Tensor } from '../autograd/tensor.js';
import { fmt } from '../autograd/shape.js';

/** Options of `maskTokens`: the [MASK] id, the ids random replacements come from, the special ids never chosen, the shares (15%, 80/10/10) and the generator. */
export interface MlmMaskingOptions {
  /** The id of [MASK]. */
  readonly maskId: number;
  /** Random replacements are drawn from [firstRegularId, vocabSize). */
  readonly vocabSize: number;
  /** The first id that is not a special token (5 in Sapling's vocabularies). */
  readonly firstRegularId: number;
  /** Ids never chosen as targets ([CLS], [SEP], [PAD], …). */
  readonly specialIds: readonly number[];
  /** Share of the real tokens chosen (default 0.15). */
  readonly probability?: number;
  /** Of the chosen: share replaced by [MASK] (default 0.8) and by a random token (default 0.1). */
  readonly maskShare?: number;
  readonly randomShare?: number;
  /** The generator of the draws (default: the global one). */
  readonly random?: Random;
}

/** What `maskTokens` returns: the corrupted ids, the labels (−100 where not scored), and the targets' flat positions and original ids. */
export interface MlmBatch {
  /** [N, T] int32: the ids with the chosen tokens replaced. */
  readonly inputIds: Tensor;
  /** [N, T] int32: the original id at each target, −100 elsewhere (HF's ignore index). */
  readonly labels: Tensor;
  /** [M] int32: the targets' flat positions n·T + t, in order. */
  readonly positions: Tensor;
  /** [M] int32: the original ids at those positions. */
  readonly targets: Tensor;
}

/**
 * Chooses and corrupts MLM targets in a batch of ids [N, T] (see the file header).
 * @example maskTokens(batch.inputIds, batch.attentionMask, { maskId: 4, vocabSize: 8000, firstRegularId: 5, specialIds: [0, 2, 3] })
 */
export function maskTokens(inputIds: Tensor, attentionMask: Tensor | null, options: MlmMaskingOptions): MlmBatch {
  const { maskId, vocabSize, firstRegularId, specialIds, probability = 0.15, maskShare = 0.8, randomShare = 0.1 } = options;
  const random = options.random ?? defaultRandom();
  if (inputIds.dtype !== 'int32' || inputIds.ndim !== 2) throw new RangeError(`maskTokens: expected int32 ids [N, T], got ${inputIds.dtype} ${fmt(inputIds.shape)}`);
  if (attentionMask && fmt(attentionMask.shape) !== fmt(inputIds.shape)) throw new RangeError(`maskTokens: attentionMask ${fmt(attentionMask.shape)} must have the ids' shape ${fmt(inputIds.shape)}`);
  for (const [name, p] of [['probability', probability], ['maskShare', maskShare], ['randomShare', randomShare], ['maskShare + randomShare', maskShare + randomShare]] as const) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`maskTokens: ${name} must be in [0, 1], got ${p}`);
  }
  if (!(Number.isInteger(firstRegularId) && firstRegularId >= 0 && firstRegularId < vocabSize)) {
    throw new RangeError(`maskTokens: firstRegularId ${firstRegularId} must be an id below vocabSize ${vocabSize}`);
  }
  const ids = inputIds.storage as Int32Array;
  const keep = attentionMask ? attentionMask.to('int32').storage : null;
  const special = new Set(specialIds);
  const eligible = (i: number): boolean => (keep === null || keep[i] !== 0) && !special.has(ids[i]!);
  const out = Int32Array.from(ids);
  const labels = new Int32Array(ids.length).fill(-100);
  const positions: number[] = [];
  for (let i = 0; i < ids.length; i++) if (eligible(i) && random() < probability) positions.push(i);
  if (positions.length === 0) {
    const candidates = Array.from(ids.keys()).filter(eligible);
    if (candidates.length > 0) positions.push(candidates[Math.floor(random() * candidates.length)]!);
  }
  for (const i of positions) {
    labels[i] = ids[i]!;
    const u = random();
    if (u < maskShare) out[i] = maskId;
    else if (u < maskShare + randomShare) out[i] = firstRegularId + Math.floor(random() * (vocabSize - firstRegularId));
  }
  const M = positions.length;
  return {
    inputIds: new Tensor(out, inputIds.shape),
    labels: new Tensor(labels, inputIds.shape),
    positions: new Tensor(Int32Array.from(positions), [M]),
    targets: new Tensor(Int32Array.from(positions, (i) => ids[i]!), [M]),
  };
}
