#!/usr/bin/env python3
"""Writes src/metrics/fixtures/sklearn-calibration.json: scikit-learn's (and SciPy's) values for
Sapling's calibration measures, calibrators and threshold reports.

Run from the repository root (Debian's python3-sklearn 1.2, python3-scipy 1.10):

    /usr/bin/python3 scripts/make-calibration-fixtures.py

Data, drawn from a seeded NumPy generator and written into the file:
  binary      400 samples, 30% positives; a score s (normal, shifted by class) and a probability
              p = sigmoid(1.7 s + 0.3) rounded to 3 decimals, with some p set to exactly 0, 0.3,
              0.5, 0.7 and 1 (bin edges) and many ties
  logits      the same scores times 2.5 (over-confident logits) for temperature scaling
  multiclass  250 samples, 4 classes: logits, and probability rows rounded to 3 decimals (so
              they do not quite sum to 1: log_loss renormalises)
Cases:
  calibration_curve (uniform and quantile, 5 / 7 / 10 bins, pos_label 0), brier_score_loss,
  log_loss; Platt scaling: sklearn.calibration._sigmoid_calibration (a BFGS fit stopped at
  gtol 1e-5) and the exact optimum of the same objective (SciPy trust-exact with the Hessian, to
  gradient 1e-12); temperature scaling: the NLL minimised over T by SciPy's bounded Brent
  (xatol 1e-12), binary and multiclass; thresholds: confusion_matrix / precision / recall / F1
  of p >= t, and the F1-best, precision-0.8 and recall-0.9 operating points read off
  precision_recall_curve.
"""
import json
import os

import numpy as np
import scipy
import sklearn
from scipy.optimize import minimize, minimize_scalar
from scipy.special import expit, log_softmax, xlogy
from sklearn import metrics as M
from sklearn.calibration import _sigmoid_calibration, calibration_curve

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "metrics", "fixtures", "sklearn-calibration.json")
rng = np.random.default_rng(20240612)

n = 400
y = (rng.random(n) < 0.3).astype(int)
s = np.round(rng.normal(0, 1, n) + np.where(y == 1, 1.2, -0.6), 4)
p = np.round(expit(1.7 * s + 0.3), 3)
p[:10] = [0.0, 0.3, 0.5, 0.7, 1.0, 0.3, 0.5, 0.1, 0.9, 0.2]
z = 2.5 * s
ym = rng.choice(4, size=250, p=[0.4, 0.3, 0.2, 0.1])
zm = np.round(rng.normal(0, 1, (250, 4)) + 2.0 * np.eye(4)[ym], 4) * 1.8
pm = np.round(np.exp(log_softmax(zm, axis=1)), 3)
pm = np.clip(pm, 0.001, None)

cases = []


def case(name, options, expected):
    cases.append({"name": name, "options": options, "expected": expected})


for strategy in ("uniform", "quantile"):
    for bins in (5, 7, 10):
        t, q = calibration_curve(y, p, n_bins=bins, strategy=strategy)
        case("calibrationCurve", {"nBins": bins, "strategy": strategy}, {"probTrue": t.tolist(), "probPred": q.tolist()})
t, q = calibration_curve(y, 1 - p, n_bins=10, pos_label=0)
case("calibrationCurve", {"nBins": 10, "strategy": "uniform", "posLabel": 0, "flip": True}, {"probTrue": t.tolist(), "probPred": q.tolist()})
case("brierScore", {}, float(M.brier_score_loss(y, p)))
case("brierScore", {"posLabel": 0, "flip": True}, float(M.brier_score_loss(y, 1 - p, pos_label=0)))
case("logLoss", {}, float(M.log_loss(y, p)))
case("logLossMulticlass", {}, float(M.log_loss(ym, pm)))

# Platt scaling: sklearn's fit and the exact optimum of the same objective.
A, B = _sigmoid_calibration(s, y)
n_pos, n_neg = y.sum(), n - y.sum()
T = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))


def platt_loss(ab):
    zz = ab[0] * s + ab[1]
    return np.sum(T * np.logaddexp(0, -zz) + (1 - T) * np.logaddexp(0, zz))


def platt_grad(ab):
    d = expit(ab[0] * s + ab[1]) - T
    return np.array([d @ s, d.sum()])


def platt_hess(ab):
    w = expit(ab[0] * s + ab[1])
    w = w * (1 - w)
    return np.array([[w @ (s * s), w @ s], [w @ s, w.sum()]])


exact = minimize(platt_loss, [0.0, 0.0], jac=platt_grad, hess=platt_hess, method="trust-exact", options={"gtol": 1e-12})
ab = exact.x
for _ in range(5):  # polish with plain Newton steps: the objective is convex and smooth
    ab = ab - np.linalg.solve(platt_hess(ab), platt_grad(ab))
exact.x = ab
assert np.linalg.norm(platt_grad(exact.x)) < 1e-9, np.linalg.norm(platt_grad(exact.x))
case("fitPlatt", {}, {"sklearn": {"a": -float(A), "b": -float(B)}, "exact": {"a": float(exact.x[0]), "b": float(exact.x[1])}})


def nll_binary(temp):
    zz = z / temp
    return np.sum(y * np.logaddexp(0, -zz) + (1 - y) * np.logaddexp(0, zz))


def nll_multi(temp):
    return -np.sum(log_softmax(zm / temp, axis=1)[np.arange(len(ym)), ym])


for name, f in (("fitTemperature", nll_binary), ("fitTemperatureMulticlass", nll_multi)):
    r = minimize_scalar(f, bounds=(0.05, 20), method="bounded", options={"xatol": 1e-12})
    case(name, {}, {"temperature": float(r.x), "nll": float(r.fun)})

for threshold in (0.2, 0.5, 0.7, 1.0, 0.0):
    pred = (p >= threshold).astype(int)
    case("thresholdReport", {"threshold": threshold}, {
        "matrix": M.confusion_matrix(y, pred, labels=[0, 1]).tolist(),
        "precision": float(M.precision_score(y, pred, zero_division=0)), "recall": float(M.recall_score(y, pred)),
        "f1": float(M.f1_score(y, pred)), "balancedAccuracy": float(M.balanced_accuracy_score(y, pred))})

precision, recall, thresholds = M.precision_recall_curve(y, p)
precision, recall = precision[:-1], recall[:-1]
f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-300), 0)
assert (f1 == f1.max()).sum() == 1, "the F1 maximum must be unique (sklearn and Sapling break ties differently)"
k = int(np.argmax(f1))
case("selectThreshold", {"kind": "f1"}, {"score": float(thresholds[k]), "f1": float(f1[k]), "precision": float(precision[k]), "recall": float(recall[k])})
ok = np.where(precision >= 0.8)[0]
k = max(ok, key=lambda i: (recall[i], precision[i]))  # the most recall, then the most precision
case("selectThreshold", {"kind": "precision", "target": 0.8}, {"score": float(thresholds[k]), "precision": float(precision[k]), "recall": float(recall[k])})
ok = np.where(recall >= 0.9)[0]
k = max(ok, key=lambda i: (precision[i], recall[i]))
case("selectThreshold", {"kind": "recall", "target": 0.9}, {"score": float(thresholds[k]), "precision": float(precision[k]), "recall": float(recall[k])})

out = {
    "generator": "scripts/make-calibration-fixtures.py", "command": "/usr/bin/python3 scripts/make-calibration-fixtures.py",
    "sklearn": sklearn.__version__, "scipy": scipy.__version__,
    "data": {"y": y.tolist(), "scores": s.tolist(), "prob": p.tolist(), "logits": z.tolist(),
             "multiclassY": ym.tolist(), "multiclassLogits": zm.tolist(), "multiclassProb": pm.tolist()},
    "cases": cases,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes): {len(cases)} cases")
