/**
 * Spam filter with a risk threshold: paste a mail (or pick one of the test mails) and see the
 * calibrated probability that it is spam; drag the threshold, or set what a lost legitimate mail
 * and a let-through spam cost, and the confusion matrix, precision, recall, F1 and the expected
 * cost per mail on that split's test mails update at once. The filter is the spam-thresholds
 * example's logistic regression, trained at build time (demo/scripts/make-assets.ts) per split:
 * random (80/20) or temporal (older mails → newer ones, where the spam rate jumps from 15% to
 * 48% and the threshold chosen on old mails is off). Everything runs in the page (SpamFilter:
 * examples/spam/filter.ts; the counts: metrics.thresholdReport).
 */
import { metrics } from 'sapling';
import { SpamFilter, type SpamFilterJson } from '../../examples/spam/filter.js';
import { h, type DemoPage } from '../lib/page.js';

interface TestSet {
  readonly split: 'random' | 'temporal';
  readonly labels: number[];
  readonly probabilities: number[];
  readonly examples: { readonly index: number; readonly label: number; readonly message: string }[];
}

const SPLITS = {
  random: 'random split: 80% of the mails train, 20% test (1,168 mails)',
  temporal: 'temporal split: the older mails train, the newer ones test (2,655 mails)',
} as const;

const pct = (v: number): string => `${(100 * v).toFixed(1)}%`;

export const page: DemoPage = {
  path: 'spam', title: 'Spam', order: 4,
  summary: 'Paste a mail and see the spam probability; drag a risk threshold or set two costs, and watch the confusion matrix and the expected cost on the test mails.',
  async mount(root) {
    const split = h('select', { id: 'spam-split' }, ...Object.entries(SPLITS).map(([value, label]) => h('option', { value }, label)));
    const example = h('select', { id: 'spam-example' });
    const mail = h('textarea', { id: 'spam-mail', rows: '12', cols: '80', spellcheck: 'false', placeholder: 'Paste a mail: a whole message with its headers, or just the text' });
    const verdict = h('p', { class: 'stats', id: 'spam-verdict' }, '');
    const slider = h('input', { type: 'range', min: '0', max: '1', step: 'any', value: '0.5', id: 'spam-threshold' });
    const costFp = h('input', { type: 'number', min: '0', step: '0.5', value: '5', id: 'spam-cost-fp', style: 'width:5em' });
    const costFn = h('input', { type: 'number', min: '0', step: '0.5', value: '1', id: 'spam-cost-fn', style: 'width:5em' });
    const fromCosts = h('button', { class: 'secondary', id: 'spam-from-costs' }, 'threshold from the costs');
    const thresholdText = h('b', { id: 'spam-threshold-value' }, '');
    const matrix = h('table', { id: 'spam-matrix', class: 'matrix' });
    const stats = h('p', { class: 'stats', id: 'spam-stats' }, '');
    const status = h('p', { class: 'muted', id: 'spam-status' }, 'Loading the filters…');
    root.append(
      h('h1', {}, 'A spam filter with a risk threshold'),
      status,
      h('p', {}, h('label', {}, 'test mails: ', split)),
      h('div', { class: 'row' },
        h('div', { class: 'card' }, h('p', {}, h('label', {}, 'pick a test mail: ', example)), mail, verdict),
        h('div', { class: 'card' },
          h('p', {}, h('label', {}, 'flag as spam when p ≥ ', slider), ' ', thresholdText),
          h('p', {}, h('label', {}, 'a good mail lost costs ', costFp), ' ', h('label', {}, 'a spam let through costs ', costFn), ' ', fromCosts),
          matrix, stats)),
    );
    const probe = { ready: false, split: 'random', threshold: 0.5, probability: NaN, spam: false, tp: 0, fp: 0, tn: 0, fn: 0, precision: 0, recall: 0, f1: 0, expectedCost: 0 };
    window.saplingDemo.spam = probe;

    const base = document.baseURI;
    const load = async (name: string): Promise<[SpamFilter, TestSet]> => {
      const [filter, test] = await Promise.all([
        fetch(new URL(`spam/${name}.filter.json`, base)).then((r) => r.json() as Promise<SpamFilterJson>),
        fetch(new URL(`spam/${name}.test.json`, base)).then((r) => r.json() as Promise<TestSet>),
      ]);
      return [SpamFilter.fromJSON(filter), test];
    };
    // Each split's filter is fetched when first chosen (the random one at once).
    const loaded = new Map<string, [SpamFilter, TestSet]>([['random', await load('random')]]);
    const current = (): [SpamFilter, TestSet] => loaded.get(split.value)!;

    const costs = (): metrics.Costs => ({ falsePositive: Math.max(0, Number(costFp.value) || 0), falseNegative: Math.max(0, Number(costFn.value) || 0) });

    const scoreMail = (): void => {
      const [filter] = current();
      const threshold = Number(slider.value);
      if (mail.value.trim() === '') {
        verdict.textContent = 'Paste or pick a mail.';
        Object.assign(probe, { probability: NaN, spam: false });
        return;
      }
      const { probability, spam } = filter.decide(mail.value, threshold);
      Object.assign(probe, { probability, spam });
      verdict.innerHTML = `p(spam) = <b id="spam-probability" data-value="${probability}">${probability.toFixed(4)}</b> → ` +
        `<b id="spam-decision" data-spam="${spam}">${spam ? 'spam folder' : 'inbox'}</b> at the threshold ${threshold.toFixed(3)}`;
    };

    const scoreTestSet = (): void => {
      const [filter, test] = current();
      const threshold = Number(slider.value);
      const c = costs();
      const r = metrics.thresholdReport(test.labels, test.probabilities, threshold, { costs: c });
      Object.assign(probe, { split: test.split, threshold, tp: r.tp, fp: r.fp, tn: r.tn, fn: r.fn, precision: r.precision, recall: r.recall, f1: r.f1, expectedCost: r.expectedCost });
      thresholdText.textContent = threshold.toFixed(3);
      matrix.replaceChildren(
        h('tr', {}, h('th', {}, ''), h('th', {}, 'to inbox'), h('th', {}, 'to spam folder')),
        h('tr', {}, h('th', {}, 'ham'), h('td', { id: 'spam-tn' }, String(r.tn)), h('td', { id: 'spam-fp', class: 'bad' }, String(r.fp))),
        h('tr', {}, h('th', {}, 'spam'), h('td', { id: 'spam-fn', class: 'bad' }, String(r.fn)), h('td', { id: 'spam-tp' }, String(r.tp))),
      );
      stats.innerHTML = `precision <b>${pct(r.precision)}</b>, recall <b>${pct(r.recall)}</b>, F1 <b>${r.f1.toFixed(4)}</b>, ` +
        `good mails lost <b>${pct(r.falsePositiveRate)}</b>; expected cost <b id="spam-cost" data-value="${r.expectedCost}">${r.expectedCost.toFixed(4)}</b> per mail ` +
        `(${r.fp} × ${c.falsePositive} + ${r.fn} × ${c.falseNegative} over ${test.labels.length} mails). ` +
        `<span class="muted">Filter: ${String(filter.recipe.vocabulary)} words, trained on ${String(filter.recipe.fit)} mails; test spam rate ${pct(test.labels.reduce((a, b) => a + b, 0) / test.labels.length)}.</span>`;
    };

    const update = (): void => {
      scoreTestSet();
      scoreMail();
    };
    const fillExamples = (): void => {
      const [, test] = current();
      example.replaceChildren(h('option', { value: '' }, '—'), ...test.examples.map((e, k) => {
        const subject = e.message.split('\n', 1)[0]!.replace(/^Subject: /, '').slice(0, 60) || '(no subject)';
        return h('option', { value: String(k) }, `${e.label === 1 ? 'spam' : 'ham'}: ${subject}`);
      }));
    };

    split.addEventListener('change', () => {
      const chosen = split.value;
      void (loaded.has(chosen) ? Promise.resolve() : load(chosen).then((l) => void loaded.set(chosen, l))).then(() => {
        if (split.value !== chosen) return;
        fillExamples();
        update();
      });
    });
    example.addEventListener('change', () => {
      const [, test] = current();
      if (example.value !== '') mail.value = test.examples[Number(example.value)]!.message;
      scoreMail();
    });
    mail.addEventListener('input', scoreMail);
    slider.addEventListener('input', update);
    for (const input of [costFp, costFn]) input.addEventListener('input', scoreTestSet);
    fromCosts.addEventListener('click', () => {
      const c = costs();
      if (c.falsePositive > 0 && c.falseNegative > 0) slider.value = String(metrics.bayesThreshold(c));
      update();
    });

    fillExamples();
    update();
    status.textContent = 'The probability is calibrated (Platt scaling on a validation slice of the training mails), so the threshold that minimises the expected cost is c_FP / (c_FP + c_FN) — when the test mails look like the training mails. On the temporal split they do not.';
    probe.ready = true;
  },
};
