#!/usr/bin/env python3
"""Continues a Sapling training run in PyTorch, from a Sapling checkpoint.

    /usr/bin/python3 scripts/continue-in-pytorch.py CKPT [--steps 5] [--losses-json OUT.json]
                                                         [--save-checkpoint BACK.safetensors]
                                                         [--arch JSON] [--optimizer SGD|Adam|AdamW]

CKPT is a file written by Sapling's saveCheckpoint with the model's state dict and the optimizer's
stateDict(). The script rebuilds the matching PyTorch model (torchvision's ResNet-18 layout, or
examples/mnist-cnn.ts's network; see sapling_checkpoint.build_model), loads the weights strictly,
rebuilds the optimizer with Sapling's options and per-parameter state (momentum buffers, Adam's
moments and step counts), and trains `--steps` more steps, printing each loss. The architecture,
optimizer class and loss come from the checkpoint's `extra.handoff` ({arch, optimizer, loss}) when
Sapling wrote them, or from --arch / --optimizer. The data: the batch stored in `extra.batch`
({input, target}) is trained on repeatedly; put your own DataLoader in `batches()` for real runs.

--save-checkpoint writes the result back as a Sapling checkpoint (int64 buffers as int32, the
optimizer state in Sapling's names), which Sapling's loadCheckpoint reads with strict checks:
the way back for teaching or browser inference (docs/scaling-out.md).

Written against Debian's torch 1.13 (/usr/bin/python3); runs on the CPU, deterministic.
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sapling_checkpoint as sc  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description="Continue a Sapling training run in PyTorch.")
    p.add_argument("checkpoint")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--losses-json", help="write {losses: [...]} here")
    p.add_argument("--save-checkpoint", help="write the resumed state back as a Sapling checkpoint")
    p.add_argument("--arch", help='JSON, e.g. {"name": "resnet18", "width": 8, "numClasses": 10} (default: extra.handoff.arch)')
    p.add_argument("--optimizer", choices=["SGD", "Adam", "AdamW"], help="default: extra.handoff.optimizer")
    return p.parse_args(argv)


def resume(ckpt, arch, optimizer_kind):
    """The torch model (train mode) and optimizer holding the checkpoint's state."""
    model = sc.build_model(arch)
    sc.load_model_state(model, ckpt["model"])
    model.train()
    optimizer = sc.build_optimizer(optimizer_kind, model.parameters(), ckpt["optimizer"])
    return model, optimizer


def train(model, optimizer, loss_fn, batches, steps):
    losses = []
    for step, (x, y) in zip(range(steps), batches):
        optimizer.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        print(f"step {step + 1}: loss {loss.item():.8f}", flush=True)
    return losses


def main(argv=None):
    args = parse_args(argv)
    torch.manual_seed(0)
    ckpt = sc.load_checkpoint(args.checkpoint)
    handoff = (ckpt.get("extra") or {}).get("handoff", {})
    arch = json.loads(args.arch) if args.arch else handoff.get("arch")
    kind = args.optimizer or handoff.get("optimizer")
    if arch is None or kind is None or "optimizer" not in ckpt:
        sys.exit("continue-in-pytorch: the checkpoint names no architecture/optimizer (pass --arch and --optimizer) or has no optimizer state")
    model, optimizer = resume(ckpt, arch, kind)
    batch = ckpt["extra"]["batch"]

    def batches():  # the checkpoint's own batch, again and again; swap in a DataLoader for real data
        while True:
            yield batch["input"], batch["target"]

    loss_fn = sc.LOSSES[handoff.get("loss", "cross_entropy")]
    losses = train(model, optimizer, loss_fn, batches(), args.steps)
    if args.losses_json:
        with open(args.losses_json, "w") as f:
            json.dump({"torch": torch.__version__, "losses": losses}, f)
    if args.save_checkpoint:
        extra = dict(ckpt["extra"])
        extra["handoff"] = {**handoff, "stepsDone": handoff.get("stepsDone", 0) + args.steps, "continuedIn": f"torch {torch.__version__}"}
        sc.save_checkpoint(args.save_checkpoint, model.state_dict(), ckpt["epoch"], sc.optimizer_to_sapling(kind, optimizer), extra)
        print(f"wrote {args.save_checkpoint}")


if __name__ == "__main__":
    main()
