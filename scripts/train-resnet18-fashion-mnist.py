#!/usr/bin/env python3
"""The PyTorch twin of examples/resnet18-fashion-mnist.ts: the same split, model, recipe and presets.

Run from the repository root (needs PyTorch 1.13 and node_modules):

    /usr/bin/python3 scripts/train-resnet18-fashion-mnist.py --preset quick [--threads 2] [--epochs N] [--limit N]

The split is Sapling's (src/data/fashion-mnist.ts), not re-implemented here: the first run asks
the example to write it (`npx tsx examples/resnet18-fashion-mnist.ts --export-split DIR`:
the 70,000 images as bytes, their labels, and the train and test index lists), so both
programs train on the same first `limit` images of the training split, validate on its last
1,000 and test on the same 10,000. The recipe is the example's: ResNet-18 with the CIFAR stem
(torchvision's BasicBlock and layout, free width), SGD with Nesterov momentum 0.9 and weight
decay 5e-4, a linear warm-up over the first 5% of steps then a cosine to 0 (stepped per batch),
random crop (padding 2, filled with black) and horizontal flip, best checkpoint by validation
accuracy, then test accuracy and the confusion matrix. What differs: the random streams
(initial weights, shuffling and augmentation draws come from torch's generator).
"""
import argparse
import json
import math
import os
import subprocess
import time

import numpy as np
import torch
import torch.nn.functional as F
from resnet_torch import ResNet

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CLASSES = ["T-shirt", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Boot"]


def load_split(dir_):
    if not os.path.exists(os.path.join(dir_, "split.json")):
        subprocess.run(["npx", "tsx", "examples/resnet18-fashion-mnist.ts", "--export-split", dir_], cwd=ROOT, check=True)
    meta = json.load(open(os.path.join(dir_, "split.json")))
    pixels = np.fromfile(os.path.join(dir_, "pixels.u8"), dtype=np.uint8).reshape(-1, 1, 28, 28)
    labels = np.fromfile(os.path.join(dir_, "labels.i32"), dtype=np.int32)
    train = np.fromfile(os.path.join(dir_, "train.i32"), dtype=np.int32)
    test = np.fromfile(os.path.join(dir_, "test.i32"), dtype=np.int32)
    # Sapling's pixelTable: float32((p / 255 - mean) / std)
    table = ((np.arange(256) / 255 - meta["mean"]) / meta["std"]).astype(np.float32)
    images = lambda idx: torch.from_numpy(table[pixels[idx]])
    targets = lambda idx: torch.from_numpy(labels[idx].astype(np.int64))
    return meta, images, targets, train, test


def augment(x, padding, black, g):
    """Random crop (pad with black, take a random 28×28 window) and horizontal flip, per image."""
    n, _, h, w = x.shape
    padded = F.pad(x, (padding,) * 4, value=black)
    offsets = torch.randint(0, 2 * padding + 1, (n, 2), generator=g)
    flips = torch.rand(n, generator=g) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        dy, dx = offsets[i].tolist()
        crop = padded[i, :, dy:dy + h, dx:dx + w]
        out[i] = crop.flip(-1) if flips[i] else crop
    return out


def accuracy(model, x, y, batch=1000):
    model.eval()
    with torch.no_grad():
        pred = torch.cat([model(x[i:i + batch]).argmax(1) for i in range(0, len(x), batch)])
    model.train()
    return (pred == y).float().mean().item(), pred


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--preset", choices=["quick", "full"], default="quick")
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--width", type=int)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--split-dir", default=os.path.join(ROOT, "runs", "fashion-mnist-split"))
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    meta, images, targets, train_idx, test_idx = load_split(args.split_dir)
    p = meta["presets"][args.preset]
    width, epochs = args.width or p["width"], args.epochs or p["epochs"]
    batch, lr = p["batchSize"], p["lr"]
    limit = min(args.limit or p["limit"], 60000 - meta["validation"])
    out = args.out or os.path.join(ROOT, "runs", f"resnet18-fashion-mnist-{args.preset}-torch")
    os.makedirs(out, exist_ok=True)
    xtr, ytr = images(train_idx[:limit]), targets(train_idx[:limit])
    xva, yva = images(train_idx[60000 - meta["validation"]:]), targets(train_idx[60000 - meta["validation"]:])
    xte, yte = images(test_idx), targets(test_idx)
    black = (0 - meta["mean"]) / meta["std"]
    model = ResNet(width, num_classes=10, in_channels=1, stem="cifar")
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads; {limit} train, {len(yva)} validation, "
          f"{len(yte)} test images; width {width}: {sum(q.numel() for q in model.parameters()):,} parameters")
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9, nesterov=True, weight_decay=meta["weightDecay"])
    steps_per_epoch = math.ceil(limit / batch)
    t_max = epochs * steps_per_epoch
    warm = max(1, round(meta["warmupFraction"] * t_max))
    # Sapling's CosineAnnealingLR with warm-up (start factor 0), as a multiplier of the base lr.
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda t: t / warm if t < warm else (1 + math.cos(math.pi * (t - warm) / (t_max - warm))) / 2)
    g = torch.Generator().manual_seed(args.seed + 1)
    best, best_state, history = -1.0, None, []
    start = time.time()
    for epoch in range(1, epochs + 1):
        perm = torch.randperm(limit, generator=g)
        total = 0.0
        for s in range(steps_per_epoch):
            idx = perm[s * batch:(s + 1) * batch]
            loss = F.cross_entropy(model(augment(xtr[idx], meta["cropPadding"], black, g)), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        val, _ = accuracy(model, xva, yva)
        history.append({"epoch": epoch, "trainLoss": total / steps_per_epoch, "validationAccuracy": val})
        note = ""
        if val > best:
            best, best_state = val, {k: v.clone() for k, v in model.state_dict().items()}
            note = " (best so far)"
        print(f"epoch {epoch}: mean training loss {total / steps_per_epoch:.4f}, validation accuracy {100 * val:.2f}%{note} [{time.time() - start:.0f} s]")
    seconds = time.time() - start
    model.load_state_dict(best_state)
    test_acc, pred = accuracy(model, xte, yte)
    confusion = torch.zeros(10, 10, dtype=torch.int64)
    for t, q in zip(yte.tolist(), pred.tolist()):
        confusion[t, q] += 1
    print("\nconfusion matrix (rows: true class, columns: predicted)\n" + " " * 10 + "".join(c[:7].rjust(8) for c in CLASSES))
    for i, row in enumerate(confusion.tolist()):
        print(CLASSES[i][:7].ljust(10) + "".join(str(v).rjust(8) for v in row))
    print(f"\ntest accuracy of the best checkpoint: {100 * test_acc:.2f}% on {len(yte)} images "
          f"(training {seconds / 60:.1f} min, preset {args.preset}, width {width}, {torch.get_num_threads()} threads)")
    json.dump({"preset": args.preset, "width": width, "limit": limit, "epochs": epochs, "seed": args.seed, "threads": torch.get_num_threads(),
               "testAccuracy": test_acc, "history": history, "trainingSeconds": seconds, "confusion": confusion.tolist(),
               "torch": torch.__version__}, open(os.path.join(out, "result.json"), "w"), indent=2)


if __name__ == "__main__":
    main()
