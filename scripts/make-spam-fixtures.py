#!/usr/bin/env python3
"""Writes scikit-learn's answers for Sapling's SpamAssassin loader, split and bag of words.

Run from the repository root, after `npm install` (it reads the mails from node_modules):

    /usr/bin/python3 scripts/make-spam-fixtures.py

src/data/fixtures/sklearn-spam.json
  splits        train_test_split(np.arange(n), test_size, stratify=y, random_state=seed) on small
                label vectors (ties in the approximate mode, labels -1/5, counts as test_size, no
                stratify): the full train and test index lists, in sklearn's order
  classWeight   compute_class_weight('balanced', classes=np.unique(y), y=y)
  spamAssassin  the canonical (deduplicated) set built with the protocol's definitions, written
                independently here: message count, spam count, the 207 dropped files, group
                counts, the md5 of every model input text joined by "\\0", the temporal split's
                sizes, the stratified 80/20 splits for seeds 0-4 (head and sum of the indices),
                and the bag-of-words vocabulary of two training sets (size, md5, nnz)
src/features/fixtures/sklearn-bag-of-words.json
  CountVectorizer(lowercase=True, token_pattern, min_df, max_features, binary) + normalize(norm)
  on a dozen short texts: the vocabulary and the dense matrix of fitted and unseen texts.
"""
import hashlib
import json
import os
import re

import numpy as np
import sklearn
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import normalize
from sklearn.utils.class_weight import compute_class_weight

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
DATA = os.path.join(ROOT, "node_modules", "@stdlib", "datasets-spam-assassin", "data")
OUT_DATA = os.path.join(ROOT, "src", "data", "fixtures", "sklearn-spam.json")
OUT_BOW = os.path.join(ROOT, "src", "features", "fixtures", "sklearn-bag-of-words.json")
TOKEN = r"[a-z0-9$!']{2,30}"


def ints(a):
    return [int(x) for x in a]


# ── train_test_split ──
SPLIT_CASES = [
    {"name": "plain", "y": None, "n": 10, "testSize": 0.2, "seed": 0},
    {"name": "plainCount", "y": None, "n": 23, "testSize": 5, "seed": 7},
    {"name": "stratified", "y": [0] * 14 + [1] * 6, "testSize": 0.25, "seed": 0},
    {"name": "tiedRemainders", "y": [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3], "testSize": 5, "seed": 0},
    {"name": "tiedRemainders42", "y": [2, 1, 0, 2, 1, 0, 2, 1, 0], "testSize": 4, "seed": 42},
    {"name": "threeClasses", "y": list(np.random.default_rng(3).choice([-1, 5, 2], size=97, p=[0.6, 0.3, 0.1])), "testSize": 0.3, "seed": 12345},
    {"name": "unsortedLabels", "y": [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1], "testSize": 0.4, "seed": 4294967295},
]
splits = []
for c in SPLIT_CASES:
    n = c["n"] if c["y"] is None else len(c["y"])
    y = None if c["y"] is None else np.array(c["y"])
    train, test = train_test_split(np.arange(n), test_size=c["testSize"], stratify=y, random_state=c["seed"])
    splits.append({"name": c["name"], "n": n, "y": None if y is None else ints(y), "testSize": c["testSize"], "seed": c["seed"],
                   "train": ints(train), "test": ints(test)})

weights = []
for y in ([0] * 7 + [1] * 3, [2, 2, 5, 5, 5, -1], [1, 1, 1, 1]):
    classes = np.unique(y)
    weights.append({"y": ints(y), "classes": ints(classes), "weights": [float(w) for w in compute_class_weight("balanced", classes=classes, y=np.array(y))]})

# ── the canonical SpamAssassin set, by the protocol's definitions ──
files = json.load(open(os.path.join(DATA, "file_list.json")))
raw, groups = [], []
for f in files:
    j = json.load(open(os.path.join(DATA, f[:-4] + ".json"), encoding="utf8"))
    assert f.startswith(j["group"] + "/")
    raw.append(j["text"])
    groups.append(j["group"])


def split_message(t):
    i = t.find("\n\n")
    return (t, "") if i < 0 else (t[:i], t[i + 2:])


def subject(h):
    m = re.search(r"(?:^|\n)subject:([^\n]*(?:\n[ \t][^\n]*)*)", h, re.I)
    return " ".join(m.group(1).split()) if m else ""


seen, keep, dropped = set(), [], []
for i, t in enumerate(raw):
    key = " ".join(split_message(t)[1].split())
    if key in seen:
        dropped.append(files[i])
    else:
        seen.add(key)
        keep.append(i)
texts = [subject(split_message(raw[i])[0]) + "\n" + split_message(raw[i])[1] for i in keep]
labels = np.array([1 if groups[i].startswith("spam") else 0 for i in keep])
kept_groups = [groups[i] for i in keep]
older = {"easy-ham-1", "hard-ham-1", "spam-1"}
temporal_train = [k for k, g in enumerate(kept_groups) if g in older]
temporal_test = [k for k, g in enumerate(kept_groups) if g not in older]


def md5(s):
    return hashlib.md5(s.encode("utf8")).hexdigest()


def vocabulary(docs):
    cv = CountVectorizer(lowercase=True, token_pattern=TOKEN, min_df=2, max_features=50000, binary=True)
    X = cv.fit_transform(docs)
    vocab = cv.get_feature_names_out()
    return {"size": len(vocab), "md5": md5("\n".join(vocab)), "first": list(vocab[:5]), "last": list(vocab[-5:]), "nnz": int(X.nnz)}


random_splits = []
for seed in range(5):
    train, test = train_test_split(np.arange(len(keep)), test_size=0.2, stratify=labels, random_state=seed)
    random_splits.append({"seed": seed, "trainSize": len(train), "testSize": len(test), "testHead": ints(test[:10]), "testSum": int(test.sum()),
                          "testSpam": int(labels[test].sum())})
seed0_train = train_test_split(np.arange(len(keep)), test_size=0.2, stratify=labels, random_state=0)[0]
spam = {
    "messages": len(keep), "spam": int(labels.sum()), "dropped": dropped,
    "groups": {g: kept_groups.count(g) for g in sorted(set(kept_groups))},
    "textsMd5": md5("\0".join(texts)), "firstText": texts[0][:300],
    "temporal": {"train": len(temporal_train), "test": len(temporal_test), "trainSpam": int(labels[temporal_train].sum()), "testSpam": int(labels[temporal_test].sum())},
    "randomSplits": random_splits,
    "vocabulary": {"temporalTrain": vocabulary([texts[k] for k in temporal_train]), "seed0Train": vocabulary([texts[k] for k in seed0_train])},
}

# ── CountVectorizer on short texts ──
DOCS = [
    "FREE money!!! Click here to claim your $$$ prize",
    "Meeting notes: the build is green, the release is Friday",
    "Don't miss this offer -- free free FREE",
    "Re: the build broke again; can you look at it?",
    "Your account: claim the prize now, it's free",
    "Lunch on Friday? The usual place",
    "x a b 1 2 ab12 ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 overlong tokens get cut at thirty",
    "",
    "money money money for the release party",
    "Click the link in the notes",
]
UNSEEN = ["free lunch and free money", "nothing known here zzz", "", "FRIDAY release: notes, build, prize"]
bow = []
for opts in ({"minDf": 2, "maxFeatures": 50000, "binary": True, "norm": "l2"},
             {"minDf": 1, "maxFeatures": 50000, "binary": False, "norm": "l1"},
             {"minDf": 1, "maxFeatures": 50000, "binary": False, "norm": None},
             {"minDf": 2, "maxFeatures": 2, "binary": True, "norm": "l2"},
             {"minDf": 1, "maxFeatures": 3, "binary": False, "norm": "l2"}):
    cv = CountVectorizer(lowercase=True, token_pattern=TOKEN, min_df=opts["minDf"], max_features=opts["maxFeatures"], binary=opts["binary"])
    fitted = cv.fit_transform(DOCS).astype(np.float64)
    unseen = cv.transform(UNSEEN).astype(np.float64)
    if opts["norm"]:
        fitted, unseen = normalize(fitted, norm=opts["norm"]), normalize(unseen, norm=opts["norm"])
    # maxFeatures cases must not depend on how sklearn breaks ties at the cut-off.
    if opts["maxFeatures"] < 50000:
        X = cv.transform(DOCS)
        freq = np.asarray((X > 0).sum(axis=0) if opts["binary"] else X.sum(axis=0)).ravel()
        full = CountVectorizer(lowercase=True, token_pattern=TOKEN, min_df=opts["minDf"], binary=opts["binary"]).fit(DOCS)
        F = full.transform(DOCS)
        all_freq = sorted(np.asarray((F > 0).sum(axis=0) if opts["binary"] else F.sum(axis=0)).ravel(), reverse=True)
        assert all_freq[opts["maxFeatures"] - 1] > all_freq[opts["maxFeatures"]], f"tie at the cut-off for {opts}"
    bow.append({"options": opts, "vocabulary": list(cv.get_feature_names_out()), "fitted": fitted.toarray().tolist(), "unseen": unseen.toarray().tolist()})

os.makedirs(os.path.dirname(OUT_DATA), exist_ok=True)
os.makedirs(os.path.dirname(OUT_BOW), exist_ok=True)
header = {"generator": "scripts/make-spam-fixtures.py", "command": "/usr/bin/python3 scripts/make-spam-fixtures.py", "sklearn": sklearn.__version__}
with open(OUT_DATA, "w") as f:
    json.dump({**header, "splits": splits, "classWeight": weights, "spamAssassin": spam}, f, separators=(",", ":"))
    f.write("\n")
with open(OUT_BOW, "w") as f:
    json.dump({**header, "tokenPattern": TOKEN, "docs": DOCS, "unseen": UNSEEN, "cases": bow}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {os.path.relpath(OUT_DATA)} ({os.path.getsize(OUT_DATA)} bytes) and {os.path.relpath(OUT_BOW)} ({os.path.getsize(OUT_BOW)} bytes)")
print(f"canonical set: {spam['messages']} messages, {spam['spam']} spam, {len(dropped)} dropped; temporal {spam['temporal']}; vocab {spam['vocabulary']['temporalTrain']['size']} / {spam['vocabulary']['seed0Train']['size']}")
