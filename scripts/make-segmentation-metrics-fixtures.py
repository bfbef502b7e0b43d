#!/usr/bin/env python3
"""Writes src/metrics/fixtures/sklearn-segmentation.json: scikit-learn's values for src/metrics/segmentation.ts.

Run from the repository root (needs scikit-learn; written against Debian's python3-sklearn 1.2):

    /usr/bin/python3 scripts/make-segmentation-metrics-fixtures.py

Every pixel is a sample, so a segmentation metric is a classification metric on the flattened
label maps. Datasets (seeded NumPy generator, written into the file so the test needs no Python):

  noisy      true maps [3, 12, 12] with 6 classes (blobs on a majority background), predictions
             the truth with 25% of pixels replaced by random classes
  absent     4 classes declared; class 2 occurs only in the predictions, class 3 nowhere:
             zero denominators (IoU 0 by sklearn's zero_division=0; left out of the mean IoU)
  ignored    like noisy, with 10% of the true pixels set to 255 (ignoreIndex): those pixels are
             dropped before scikit-learn sees them

Values: confusion_matrix(labels=range(C)); jaccard_score and f1_score with average=None,
labels=range(C), zero_division=0 (per-class IoU and Dice); jaccard_score(average='macro') over
the classes present in the truth or the prediction (mean IoU), f1_score likewise (mean Dice);
accuracy_score (pixel accuracy).
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn import metrics as M

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "metrics", "fixtures", "sklearn-segmentation.json")
IGNORE = 255
rng = np.random.default_rng(20150518)
warnings.filterwarnings("ignore")


def blobs(shape, classes):
    y = np.zeros(shape, dtype=int)
    for n in range(shape[0]):
        for _ in range(4):
            c = int(rng.integers(1, classes))
            r, q = rng.integers(0, shape[1] - 4, size=2)
            y[n, r:r + int(rng.integers(2, 5)), q:q + int(rng.integers(2, 5))] = c
    return y


def noisy(y, classes, fraction):
    p = y.copy()
    flip = rng.random(y.shape) < fraction
    p[flip] = rng.integers(0, classes, size=int(flip.sum()))
    return p


datasets = {}
t = blobs((3, 12, 12), 6)
datasets["noisy"] = {"numClasses": 6, "yTrue": t, "yPred": noisy(t, 6, 0.25)}
t = rng.integers(0, 2, size=(2, 5, 5))
p = t.copy()
p[0, 0, :3] = 2
datasets["absent"] = {"numClasses": 4, "yTrue": t, "yPred": p}
t = blobs((3, 12, 12), 6)
p = noisy(t, 6, 0.25)
t[rng.random(t.shape) < 0.1] = IGNORE
datasets["ignored"] = {"numClasses": 6, "yTrue": t, "yPred": p, "ignoreIndex": IGNORE}

cases = {}
for name, d in datasets.items():
    yt, yp = d["yTrue"].ravel(), d["yPred"].ravel()
    keep = yt != d.get("ignoreIndex", -1)
    yt, yp = yt[keep], yp[keep]
    labels = list(range(d["numClasses"]))
    present = sorted(set(yt.tolist()) | set(yp.tolist()))
    cases[name] = {
        "confusion": M.confusion_matrix(yt, yp, labels=labels).tolist(),
        "iou": M.jaccard_score(yt, yp, labels=labels, average=None, zero_division=0).tolist(),
        "dice": M.f1_score(yt, yp, labels=labels, average=None, zero_division=0).tolist(),
        "meanIou": M.jaccard_score(yt, yp, labels=present, average="macro", zero_division=0),
        "meanDice": M.f1_score(yt, yp, labels=present, average="macro", zero_division=0),
        "pixelAccuracy": M.accuracy_score(yt, yp),
    }

fixture = {
    "sklearn": sklearn.__version__,
    "command": "/usr/bin/python3 scripts/make-segmentation-metrics-fixtures.py",
    "datasets": {k: {**v, "shape": list(v["yTrue"].shape), "yTrue": v["yTrue"].ravel().tolist(), "yPred": v["yPred"].ravel().tolist()} for k, v in datasets.items()},
    "cases": cases,
}
with open(OUT, "w") as f:
    json.dump(fixture, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {OUT}: {len(cases)} cases, sklearn {sklearn.__version__}")
