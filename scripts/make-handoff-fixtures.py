#!/usr/bin/env python3
"""Writes src/io/fixtures/pytorch-handoff.json: PyTorch's losses resuming Sapling checkpoints.

Run from the repository root (needs node_modules and torch 1.13 / torchvision 0.14):

    /usr/bin/python3 scripts/make-handoff-fixtures.py

For each case of src/io/handoff-cases.ts (the MNIST CNN with Adam, ResNet-18 width 8 with SGD):
  1. Sapling trains 3 steps on a fixed batch and saves a checkpoint (scripts/handoff-sapling.ts);
  2. continue-in-pytorch.py resumes it for 5 steps: PyTorch's losses go into the fixture, and
     src/io/pytorch-handoff.test.ts replays Sapling's side and compares, so CI needs no Python;
  3. the way back: PyTorch's state after those 5 steps is saved as a Sapling checkpoint, then both
     Sapling and PyTorch resume *that* file for 3 more steps; the script checks they agree (float32
     tolerance) and records both (this part is checked here only: the file is not committed).
The checkpoints live in a temporary folder; only the JSON (a few KB) is committed.
"""
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

import torch

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "src", "io", "fixtures", "pytorch-handoff.json")
CASES = ["mnist-cnn", "resnet18-w8"]
STEPS, BACK_STEPS = 5, 3
RTOL, ATOL = 1e-4, 1e-6

spec = importlib.util.spec_from_file_location("continue_in_pytorch", os.path.join(ROOT, "scripts", "continue-in-pytorch.py"))
cip = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cip)


def sapling(*args):
    out = subprocess.run(["npx", "tsx", "scripts/handoff-sapling.ts", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out) if out.strip() else None


def torch_losses(path, steps, save=None):
    losses_path = path + f".{steps}.json"
    cip.main([path, "--steps", str(steps), "--losses-json", losses_path] + (["--save-checkpoint", save] if save else []))
    with open(losses_path) as f:
        return json.load(f)["losses"]


def close(a, b):
    return all(abs(x - y) <= ATOL + RTOL * abs(y) for x, y in zip(a, b)) and len(a) == len(b)


def main():
    cases = {}
    with tempfile.TemporaryDirectory() as tmp:
        sapling("write", tmp)
        for name in CASES:
            ckpt = os.path.join(tmp, f"{name}.safetensors")
            back = os.path.join(tmp, f"{name}-back.safetensors")
            with open(ckpt, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
            torch_after = torch_losses(ckpt, STEPS, save=back)
            sapling_after = sapling("resume", name, ckpt, str(STEPS))
            torch_back = torch_losses(back, BACK_STEPS)
            sapling_back = sapling("resume", name, back, str(BACK_STEPS))
            for what, a, b in [("resumed", sapling_after, torch_after), ("round trip", sapling_back, torch_back)]:
                if not close(a, b):
                    sys.exit(f"{name} {what}: Sapling {a} and PyTorch {b} disagree beyond rtol {RTOL}")
            cases[name] = {
                "checkpointSha256": digest,
                "torchLosses": torch_after,
                "saplingLossesAtGeneration": sapling_after,
                "roundTrip": {"torch": torch_back, "sapling": sapling_back},
            }
    data = {
        "generatedBy": "/usr/bin/python3 scripts/make-handoff-fixtures.py",
        "torch": torch.__version__,
        "stepsBefore": 3, "steps": STEPS, "backSteps": BACK_STEPS,
        "cases": cases,
    }
    text = json.dumps(data, indent=1) + "\n"
    with open(OUT + ".tmp", "w") as f:
        f.write(text)
    os.replace(OUT + ".tmp", OUT)
    print(f"wrote {OUT} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
