#!/usr/bin/env python3
"""examples/segmentation.ts in PyTorch: the same U-Net, loss, optimiser and schedule on the same scenes.

Run from the repository root (needs PyTorch; written against 1.13):

    npx tsx examples/segmentation.ts --preset quick --export-scenes runs/segmentation-scenes
    /usr/bin/python3 scripts/segmentation-torch.py runs/segmentation-scenes --threads 2

The example writes every scene it would train on (each epoch's fresh scenes, in order), its
validation and test scenes, and the recipe (scenes.json: width, depth, up-sampling, loss, batch,
lr, epochs, class weights); this script reads them, so both see identical pixels and labels. The
recipe: UNet from unet_torch.py (Sapling's module and names, PyTorch's default initialisation),
Adam with OneCycleLR (max_lr = lr, beta1 cycled as Sapling's OneCycleLR does), loss
cross_entropy(weight = class weights) + soft Dice (or either alone), validation mIoU after each
epoch, the best epoch's weights scored on the 1,000 test scenes. What differs: the initial
weights and the shuffling order (each framework's own seeded generators). Writes
runs/segmentation-torch/result.json (per-class IoU, mIoU, timings).
"""
import argparse
import copy
import json
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from unet_torch import UNet, dice_loss


def load(directory, name, count, size):
    images = np.fromfile(os.path.join(directory, f"{name}-images.u8"), dtype=np.uint8)
    masks = np.fromfile(os.path.join(directory, f"{name}-masks.u8"), dtype=np.uint8)
    assert images.size == count * size * size and masks.size == images.size, f"{name}: expected {count} scenes of {size}x{size}"
    x = torch.from_numpy(images.astype(np.float32) / 255).reshape(count, 1, size, size)
    return x, torch.from_numpy(masks.astype(np.int64)).reshape(count, size, size)


def scores(model, x, y, classes, batch=100):
    model.eval()
    confusion = np.zeros((classes, classes), dtype=np.int64)
    with torch.no_grad():
        for start in range(0, len(x), batch):
            predicted = model(x[start:start + batch]).argmax(1)
            confusion += np.bincount((y[start:start + batch] * classes + predicted).reshape(-1).numpy(), minlength=classes * classes).reshape(classes, classes)
    model.train()
    tp = np.diag(confusion).astype(np.float64)
    union = confusion.sum(0) + confusion.sum(1) - tp
    iou = np.where(union > 0, tp / np.maximum(union, 1), 0.0)
    return {"iou": iou.tolist(), "meanIou": float(iou[union > 0].mean()), "pixelAccuracy": float(tp.sum() / confusion.sum()), "confusion": confusion.tolist()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenes", help="folder written by examples/segmentation.ts --export-scenes")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="runs/segmentation-torch")
    # Optional departures from the exported recipe, for trying variants on the same scenes.
    for name, kind in (("width", int), ("depth", int), ("batch-size", int), ("lr", float), ("loss", str), ("epochs", int), ("scenes-per-epoch", int)):
        parser.add_argument(f"--{name}", type=kind, help=f"override scenes.json's {name} (default: the example's)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    with open(os.path.join(args.scenes, "scenes.json")) as f:
        spec = json.load(f)
    exported = spec["scenesPerEpoch"] * spec["epochs"]
    for key, value in (("width", args.width), ("depth", args.depth), ("batchSize", args.batch_size), ("lr", args.lr), ("loss", args.loss),
                       ("epochs", args.epochs), ("scenesPerEpoch", args.scenes_per_epoch)):
        if value is not None:
            spec[key] = value
    size, classes, per_epoch, epochs, batch = spec["size"], len(spec["classes"]), spec["scenesPerEpoch"], spec["epochs"], spec["batchSize"]
    if per_epoch * epochs > exported:
        raise SystemExit(f"{epochs} epochs of {per_epoch} scenes need {per_epoch * epochs} scenes; {args.scenes} holds {exported}")
    train_x, train_y = load(args.scenes, "train", exported, size)
    val_x, val_y = load(args.scenes, "validation", spec["validation"], size)
    test_x, test_y = load(args.scenes, "test", spec["test"], size)
    weight = torch.tensor(spec["classWeights"], dtype=torch.float32)

    model = UNet(1, classes, spec["depth"], spec["width"], spec["upsampling"], True)
    steps_per_epoch = -(-per_epoch // batch)
    optimizer = torch.optim.Adam(model.parameters(), lr=spec["lr"])
    scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=spec["lr"], total_steps=epochs * steps_per_epoch)
    print(f"PyTorch {torch.__version__}, {args.threads} threads: U-Net depth {spec['depth']}, width {spec['width']}, "
          f"{sum(p.numel() for p in model.parameters()):,} parameters; {epochs} x {per_epoch} scenes, loss {spec['loss']}")

    def loss_of(logits, y):
        if spec["loss"] == "ce":
            return F.cross_entropy(logits, y, weight=weight)
        if spec["loss"] == "dice":
            return dice_loss(logits, y)
        return F.cross_entropy(logits, y, weight=weight) + dice_loss(logits, y)

    best, best_state, curve = -1.0, None, []
    started, cpu_started = time.time(), time.process_time()  # process_time: every thread's CPU time
    model.train()
    for epoch in range(epochs):
        x, y = train_x[epoch * per_epoch:(epoch + 1) * per_epoch], train_y[epoch * per_epoch:(epoch + 1) * per_epoch]
        order = torch.randperm(per_epoch)
        total = 0.0
        for step, start in enumerate(range(0, per_epoch, batch)):
            index = order[start:start + batch]
            loss = loss_of(model(x[index]), y[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            total += loss.item()
        val = scores(model, val_x, val_y, classes)
        curve.append(val["meanIou"])
        if val["meanIou"] > best:
            best, best_state = val["meanIou"], copy.deepcopy(model.state_dict())
        print(f"epoch {epoch + 1}: mean loss {total / (step + 1):.4f}, validation mIoU {val['meanIou']:.4f}, {(time.time() - started) / 60:.1f} min "
              f"(CPU {(time.process_time() - cpu_started) / 60:.1f} min)", flush=True)
    minutes, cpu_minutes = (time.time() - started) / 60, (time.process_time() - cpu_started) / 60
    model.load_state_dict(best_state)
    test = scores(model, test_x, test_y, classes)
    print(f"best checkpoint on {spec['test']} test scenes: mIoU {test['meanIou']:.4f}, pixel accuracy {100 * test['pixelAccuracy']:.2f}% "
          f"(training {minutes:.1f} min, CPU {cpu_minutes:.1f} min)")
    print("IoU per class: " + " ".join(f"{v:.3f}" for v in test["iou"]))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "result.json"), "w") as f:
        json.dump({"framework": f"PyTorch {torch.__version__}", "threads": args.threads, **{k: spec[k] for k in ("preset", "width", "depth", "upsampling", "loss", "scenesPerEpoch", "epochs", "batchSize", "lr")},
                   "trainingMinutes": minutes, "trainingCpuMinutes": cpu_minutes, "validationMiou": curve, **test}, f, indent=2)


if __name__ == "__main__":
    main()
