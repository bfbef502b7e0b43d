/**
 * trainSpamFilter — the SpamFilter of one split: the example's logistic regression (BCE, the
 * study's settings and seed) trained on the fit mails with early stopping on the validation
 * slice, then Platt scaling fitted on the validation slice's logits. Returns the filter and its
 * calibrated probabilities on the test mails (what the demo's live confusion matrix is computed
 * from). demo/scripts/make-assets.ts calls it at build time. Asynchronous because the training is
 * (it runs on any backend, webgpu included); the weights come back to the host once, at the end.
 */
import { fitPlatt } from '../../src/metrics/calibrators.js';
import { LOGREG_SETTINGS, trainBagOfWords } from './models.js';
import { SpamFilter } from './filter.js';
import { splitMails, type SpamData, type SplitKind } from './study.js';

/** A trained filter and its test mails. */
export interface TrainedFilter {
  readonly filter: SpamFilter;
  /** The test mails (prepared texts), their labels and the filter's calibrated probabilities. */
  readonly test: { readonly texts: readonly string[]; readonly labels: Int32Array; readonly probabilities: Float64Array };
}

/** The filter of one split and seed (see the file header); `maxEpochs` caps the training (tests). */
export async function trainSpamFilter(data: SpamData, split: SplitKind, options: { seed?: number; maxEpochs?: number; log?: (line: string) => void } = {}): Promise<TrainedFilter> {
  const { seed = 0, log = () => undefined } = options;
  const { fit, validation, test } = splitMails(data, split, seed);
  const { bow, net, bestEpoch, seconds } = await trainBagOfWords({ fit, validation, cache: new Map() }, LOGREG_SETTINGS, { loss: 'bce', seed, log, ...(options.maxEpochs === undefined ? {} : { maxEpochs: options.maxEpochs }) });
  const [weight, biasValues] = await Promise.all([net.input.weight.data(), net.input.bias.data()]); // [V, 1], [1]
  const bias = biasValues[0]!;
  const raw = new SpamFilter(bow, weight, bias, { a: 1, b: 0 });
  const platt = fitPlatt(raw.logits(validation.texts), validation.labels);
  const recipe = {
    model: 'logistic regression on the binary L2-normalised bag of words (examples/spam/models.ts), BCE, Platt-scaled on the validation slice',
    split, seed, fit: fit.texts.length, validation: validation.texts.length, test: test.texts.length, vocabulary: bow.vocabulary.length,
    bestEpoch, seconds: Number(seconds.toFixed(1)), made: 'examples/spam/filter-train.ts',
  };
  const filter = new SpamFilter(bow, weight, bias, { a: platt.a, b: platt.b }, recipe);
  return { filter, test: { texts: test.texts, labels: test.labels, probabilities: filter.probabilities(test.texts) } };
}
