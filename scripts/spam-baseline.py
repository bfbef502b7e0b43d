#!/usr/bin/env python3
"""The scikit-learn bag-of-words logistic regression on Sapling's spam protocol, for comparison
with examples/spam-thresholds.ts (prints a table; writes nothing).

    /usr/bin/python3 scripts/spam-baseline.py

Same canonical set, texts and splits as src/data/spam-assassin.ts (built here independently, as
in make-spam-fixtures.py). CountVectorizer(token_pattern="[a-z0-9$!']{2,30}", min_df=2,
max_features=50000, binary=True), rows L2-normalised, LogisticRegression(C=10,
solver='liblinear'), decision threshold 0, for two training sets:
  all   the whole training side (the baseline protocol: F1 0.9840 at seed 0, 0.9255 temporal)
  fit   the example's fit part only: the training side minus its stratified 20% validation
        slice (train_test_split(test_size=0.2, stratify, random_state=seed)), as Sapling trains
"""
import json
import os
import re

import numpy as np
from sklearn import metrics as M
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import normalize

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "node_modules", "@stdlib", "datasets-spam-assassin", "data")
files = json.load(open(os.path.join(DATA, "file_list.json")))
raw = [json.load(open(os.path.join(DATA, f[:-4] + ".json"), encoding="utf8")) for f in files]


def split_message(t):
    i = t.find("\n\n")
    return (t, "") if i < 0 else (t[:i], t[i + 2:])


def subject(h):
    m = re.search(r"(?:^|\n)subject:([^\n]*(?:\n[ \t][^\n]*)*)", h, re.I)
    return " ".join(m.group(1).split()) if m else ""


seen, texts, labels, groups = set(), [], [], []
for j in raw:
    headers, body = split_message(j["text"])
    key = " ".join(body.split())
    if key in seen:
        continue
    seen.add(key)
    texts.append(subject(headers) + "\n" + body)
    labels.append(1 if j["group"].startswith("spam") else 0)
    groups.append(j["group"])
y = np.array(labels)
older = {"easy-ham-1", "hard-ham-1", "spam-1"}


def evaluate(train, test):
    cv = CountVectorizer(lowercase=True, token_pattern=r"[a-z0-9$!']{2,30}", min_df=2, max_features=50000, binary=True)
    X = normalize(cv.fit_transform([texts[i] for i in train]))
    clf = LogisticRegression(C=10, solver="liblinear").fit(X, y[train])
    s = clf.decision_function(normalize(cv.transform([texts[i] for i in test])))
    pred = (s > 0).astype(int)
    return M.f1_score(y[test], pred), M.balanced_accuracy_score(y[test], pred), M.average_precision_score(y[test], s)


print(f"{len(texts)} mails, {y.sum()} spam")
print(f"{'split':9} {'seed':>4} {'train on':8} {'F1':>7} {'bal.acc':>7} {'PR-AUC':>7}")
rows = {}
for split in ("random", "temporal"):
    for seed in range(5):
        if split == "random":
            train, test = train_test_split(np.arange(len(texts)), test_size=0.2, stratify=y, random_state=seed)
        else:
            train = np.array([i for i, g in enumerate(groups) if g in older])
            test = np.array([i for i, g in enumerate(groups) if g not in older])
        fit_pos, _ = train_test_split(np.arange(len(train)), test_size=0.2, stratify=y[train], random_state=seed)
        for part, ids in (("all", train), ("fit", train[fit_pos])):
            if split == "temporal" and part == "all" and seed > 0:
                continue  # the same training set every seed
            r = evaluate(ids, test)
            rows.setdefault((split, part), []).append(r)
            print(f"{split:9} {seed:>4} {part:8} {r[0]:7.4f} {r[1]:7.4f} {r[2]:7.4f}")
print("mean ± sd over seeds")
for (split, part), rs in rows.items():
    a = np.array(rs)
    sd = a.std(axis=0, ddof=1) if len(rs) > 1 else np.zeros(3)
    print(f"{split:9} {part:8} F1 {a[:, 0].mean():.4f} ± {sd[0]:.4f}  bal.acc {a[:, 1].mean():.4f} ± {sd[1]:.4f}  PR-AUC {a[:, 2].mean():.4f} ± {sd[2]:.4f}")
