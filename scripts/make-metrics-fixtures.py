#!/usr/bin/env python3
"""Writes src/metrics/fixtures/sklearn-metrics.json: scikit-learn's values for Sapling's metrics.

Run from the repository root (needs scikit-learn; written against Debian's python3-sklearn 1.2):

    /usr/bin/python3 scripts/make-metrics-fixtures.py

Datasets are drawn from a seeded NumPy generator and written into the file, so the test that
reads it (src/metrics/sklearn-parity.test.ts) needs no Python:

  binaryImbalanced  200 samples, about 12% positives; scores rounded to 2 decimals (many ties);
                    predictions are score >= 0.5
  binarySigned      labels -1 / 1 (positive class 1), a few samples
  multiclassTies    120 samples, 4 classes with priors 50/25/15/10%; each row of scores is a
                    multiple of 1/20 summing to 1 (ties within rows and across samples);
                    predictions are the argmax (first on ties)
  zeroDivision      class 2 is never predicted and class 3 never occurs: ill-defined ratios
  degenerate        every prediction is the same class
  regression1d      50 targets, two of them 0 (MAPE's epsilon), noisy predictions
  regression2d      30 samples x 4 outputs; output 2 has a constant target predicted with noise
                    (R^2 forced to 0), output 3 a constant target predicted exactly (R^2 = 1)

Each case names a Sapling metric, a dataset, Sapling's options and sklearn's value.
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.preprocessing import label_binarize

COMMAND = "/usr/bin/python3 scripts/make-metrics-fixtures.py"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "metrics", "fixtures", "sklearn-metrics.json")
rng = np.random.default_rng(20240608)
# Ill-defined precision/recall and missing positives are part of what we check.
warnings.filterwarnings("ignore", category=UndefinedMetricWarning)
warnings.filterwarnings("ignore", message="No positive class found in y_true")
warnings.filterwarnings("ignore", message="y_pred contains classes not in y_true")

# ── datasets ──
n = 200
yb = (rng.random(n) < 0.12).astype(int)
sb = np.clip(np.where(yb == 1, rng.normal(0.62, 0.2, n), rng.normal(0.38, 0.2, n)), 0, 1).round(2)
binary = {"yTrue": yb, "yPred": (sb >= 0.5).astype(int), "yScore": sb}

signed = {"yTrue": np.array([-1, -1, 1, 1, -1, 1, -1, -1]), "yPred": np.array([-1, 1, 1, -1, -1, 1, -1, 1]),
          "yScore": np.array([0.1, 0.6, 0.7, 0.4, 0.2, 0.9, 0.4, 0.6])}

n, C = 120, 4
ym = rng.choice(C, size=n, p=[0.5, 0.25, 0.15, 0.1])
logits = 1.2 * np.eye(C)[ym] + rng.normal(0, 1, (n, C))
probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
sm = np.array([rng.multinomial(20, p) for p in probs]) / 20.0
multiclass = {"yTrue": ym, "yPred": sm.argmax(axis=1), "yScore": sm}

zero_div = {"yTrue": np.array([0, 0, 1, 1, 2, 2, 0, 1, 1]), "yPred": np.array([0, 0, 0, 1, 3, 3, 0, 0, 1])}
degenerate = {"yTrue": np.array([1, 1, 0, 0, 1]), "yPred": np.array([1, 1, 1, 1, 1])}

yr = rng.normal(2, 3, 50).round(3)
yr[[7, 31]] = 0.0
regression1d = {"yTrue": yr, "yPred": (yr + rng.normal(0, 0.8, 50)).round(3)}
yt2 = rng.normal(0, 2, (30, 4)).round(3)
yt2[:, 2] = 5.0
yt2[:, 3] = -1.5
yp2 = (yt2 + rng.normal(0, 0.5, (30, 4))).round(3)
yp2[:, 3] = -1.5
regression2d = {"yTrue": yt2, "yPred": yp2}

DATASETS = {"binaryImbalanced": binary, "binarySigned": signed, "multiclassTies": multiclass, "zeroDivision": zero_div,
            "degenerate": degenerate, "regression1d": regression1d, "regression2d": regression2d}
# Sanity: the multiclass scores are exact multiples of 1/20 and tie often.
assert np.allclose(sm.sum(axis=1), 1)
assert sum(len(set(row)) < C for row in sm) > 20


def plain(v):
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, np.ndarray):
        return [plain(x) for x in v.tolist()] if v.ndim > 0 else plain(v.item())
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return None if f != f else f  # NaN -> null
    return v


CASES = []


def case(metric, dataset, options, expected, note=""):
    CASES.append({"metric": metric, "dataset": dataset, "options": options, "expected": plain(expected), "note": note})


AVERAGES = {"binary": "binary", "micro": "micro", "macro": "macro", "weighted": "weighted", "none": None}


def prf_cases(name, d, averages, extra=None, sk_extra=None):
    extra = extra or {}
    sk_extra = sk_extra or {}
    for avg in averages:
        p, r, f, s = M.precision_recall_fscore_support(d["yTrue"], d["yPred"], average=AVERAGES[avg], **sk_extra)
        case("precisionRecallFscoreSupport", name, {"average": avg, **extra},
             {"precision": p, "recall": r, "fScore": f, "support": s})
    for beta in (0.5, 2.0):
        avg = averages[0]
        case("fbetaScore", name, {"beta": beta, "average": avg, **extra},
             M.fbeta_score(d["yTrue"], d["yPred"], beta=beta, average=AVERAGES[avg], **sk_extra))


def label_cases(name, d, averages):
    t, p = d["yTrue"], d["yPred"]
    case("accuracy", name, {}, M.accuracy_score(t, p))
    case("confusionMatrix", name, {}, M.confusion_matrix(t, p))
    case("balancedAccuracy", name, {}, M.balanced_accuracy_score(t, p))
    case("balancedAccuracy", name, {"adjusted": True}, M.balanced_accuracy_score(t, p, adjusted=True))
    case("matthewsCorrcoef", name, {}, M.matthews_corrcoef(t, p))
    for avg in averages:
        kw = {"average": AVERAGES[avg]}
        case("precision", name, {"average": avg}, M.precision_score(t, p, **kw))
        case("recall", name, {"average": avg}, M.recall_score(t, p, **kw))
        case("f1Score", name, {"average": avg}, M.f1_score(t, p, **kw))
    prf_cases(name, d, averages)


# binary, imbalanced
label_cases("binaryImbalanced", binary, ["binary", "macro", "micro", "weighted", "none"])
case("precision", "binaryImbalanced", {"average": "binary", "posLabel": 0}, M.precision_score(yb, binary["yPred"], pos_label=0))
case("rocAuc", "binaryImbalanced", {}, M.roc_auc_score(yb, sb))
case("averagePrecision", "binaryImbalanced", {}, M.average_precision_score(yb, sb))
fpr, tpr, thr = M.roc_curve(yb, sb, drop_intermediate=False)
case("rocCurve", "binaryImbalanced", {}, {"fpr": fpr, "tpr": tpr, "thresholds": thr[1:]}, "thresholds without sklearn 1.2's first (max + 1)")
pr, rc, thr = M.precision_recall_curve(yb, sb)
case("precisionRecallCurve", "binaryImbalanced", {}, {"precision": pr, "recall": rc, "thresholds": thr})
case("rocAuc", "binaryImbalanced", {"posLabel": 0}, M.roc_auc_score(1 - yb, sb), "posLabel 0: class 0 is positive")

# binary with labels -1 / 1
label_cases("binarySigned", signed, ["binary", "macro"])
case("rocAuc", "binarySigned", {}, M.roc_auc_score(signed["yTrue"], signed["yScore"]))
case("averagePrecision", "binarySigned", {}, M.average_precision_score(signed["yTrue"], signed["yScore"]))

# multiclass with ties
label_cases("multiclassTies", multiclass, ["macro", "micro", "weighted", "none"])
for normalize in ("true", "pred", "all"):
    case("confusionMatrix", "multiclassTies", {"normalize": normalize}, M.confusion_matrix(ym, multiclass["yPred"], normalize=normalize))
case("confusionMatrix", "multiclassTies", {"labels": [3, 1, 0]}, M.confusion_matrix(ym, multiclass["yPred"], labels=[3, 1, 0]), "a subset, reordered")
prf_cases("multiclassTies", multiclass, ["macro", "micro", "none"], extra={"labels": [0, 2, 3]}, sk_extra={"labels": [0, 2, 3]})
for k in (1, 2, 3):
    case("topKAccuracy", "multiclassTies", {"k": k}, M.top_k_accuracy_score(ym, sm, k=k, labels=list(range(C))))
for avg in ("macro", "weighted", "micro", "none"):
    case("rocAuc", "multiclassTies", {"average": avg}, M.roc_auc_score(ym, sm, multi_class="ovr", average=AVERAGES[avg]))
    case("averagePrecision", "multiclassTies", {"average": avg},
         M.average_precision_score(label_binarize(ym, classes=list(range(C))), sm, average=AVERAGES[avg]), "one-vs-rest via label_binarize")

# ill-defined ratios
label_cases("zeroDivision", zero_div, ["macro", "micro", "weighted", "none"])
for zd in (0, 1):
    for avg in ("macro", "weighted", "none"):
        p, r, f, s = M.precision_recall_fscore_support(zero_div["yTrue"], zero_div["yPred"], average=AVERAGES[avg], zero_division=zd)
        case("precisionRecallFscoreSupport", "zeroDivision", {"average": avg, "zeroDivision": zd},
             {"precision": p, "recall": r, "fScore": f, "support": s})
p, r, f, s = M.precision_recall_fscore_support(zero_div["yTrue"], zero_div["yPred"], average="weighted", labels=[3], zero_division=1)
case("precisionRecallFscoreSupport", "zeroDivision", {"average": "weighted", "labels": [3], "zeroDivision": 1},
     {"precision": p, "recall": r, "fScore": f, "support": s}, "weighted with no true samples of the listed class")
label_cases("degenerate", degenerate, ["binary", "macro", "none"])

# regression
for name, d in (("regression1d", regression1d), ("regression2d", regression2d)):
    t, p = d["yTrue"], d["yPred"]
    outputs = ["uniformAverage", "rawValues"] if t.ndim == 2 else ["uniformAverage"]
    for mo in outputs:
        sk = "uniform_average" if mo == "uniformAverage" else "raw_values"
        options = {"multioutput": mo} if t.ndim == 2 else {}
        case("mse", name, options, M.mean_squared_error(t, p, multioutput=sk))
        case("rmse", name, options, M.mean_squared_error(t, p, multioutput=sk, squared=False))
        case("mae", name, options, M.mean_absolute_error(t, p, multioutput=sk))
        case("mape", name, options, M.mean_absolute_percentage_error(t, p, multioutput=sk))
        case("r2", name, options, M.r2_score(t, p, multioutput=sk))

out = {
    "generator": "scripts/make-metrics-fixtures.py",
    "command": COMMAND,
    "sklearn": sklearn.__version__,
    "datasets": {name: {k: plain(v) for k, v in d.items()} for name, d in DATASETS.items()},
    "cases": CASES,
}
text = json.dumps(out, indent=None, separators=(",", ":"))
assert len(text) < 200_000, f"fixture too large: {len(text)} bytes"
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    f.write(text + "\n")
print(f"wrote {os.path.relpath(OUT)} ({len(text)} bytes): {len(CASES)} cases over {len(DATASETS)} datasets")
