#!/usr/bin/env python3
"""Writes src/layers/fixtures/torch-focal-loss.json: torchvision's sigmoid_focal_loss values and
input gradients, for Sapling's sigmoidFocalLoss and SigmoidFocalLoss.

Run from the repository root (PyTorch 1.13 and torchvision 0.14 from Debian):

    /usr/bin/python3 scripts/make-focal-loss-fixtures.py

Logits are drawn in float64 from a seeded generator, scaled so some reach ±30 (where a naive
log(σ(x)) would lose everything), and rounded to 4 decimals; targets are hard 0/1 labels or
soft values in [0, 1]. For each (alpha, gamma, reduction) the file holds the output and the
gradient of sum(output · upstream) with respect to the logits (upstream = 1 when reduced).
"""
import json
import os

import torch
import torchvision
from torchvision.ops import sigmoid_focal_loss

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "layers", "fixtures", "torch-focal-loss.json")
g = torch.Generator().manual_seed(20240611)


def tensor_json(t):
    return {"shape": list(t.shape), "data": t.detach().reshape(-1).tolist()}


logits = (torch.randn(4, 6, generator=g, dtype=torch.float64) * torch.tensor([1.0, 3.0, 10.0, 1.0], dtype=torch.float64)[:, None]).round(decimals=4)
logits[2, 0], logits[2, 1] = 30.0, -30.0
hard = (torch.rand(4, 6, generator=g, dtype=torch.float64) < 0.3).double()
hard[2, 0], hard[2, 1] = 0.0, 0.0  # confidently wrong and confidently right
soft = torch.rand(4, 6, generator=g, dtype=torch.float64).round(decimals=3)
upstream = torch.randn(4, 6, generator=g, dtype=torch.float64).round(decimals=3)

cases = []
for targets_name, targets in (("hard", hard), ("soft", soft)):
    for alpha, gamma in ((0.25, 2.0), (-1.0, 2.0), (0.5, 0.0), (0.25, 0.5), (0.75, 5.0), (1.0, 1.0)):
        for reduction in ("none", "mean", "sum"):
            x = logits.clone().requires_grad_(True)
            out = sigmoid_focal_loss(x, targets, alpha=alpha, gamma=gamma, reduction=reduction)
            (out * upstream).sum().backward() if reduction == "none" else out.backward()
            cases.append({"targets": targets_name, "alpha": alpha, "gamma": gamma, "reduction": reduction,
                          "output": tensor_json(out), "gradInput": tensor_json(x.grad)})

result = {"generator": "scripts/make-focal-loss-fixtures.py", "command": "/usr/bin/python3 scripts/make-focal-loss-fixtures.py",
          "torch": torch.__version__, "torchvision": torchvision.__version__,
          "input": tensor_json(logits), "targets": {"hard": tensor_json(hard), "soft": tensor_json(soft)}, "upstream": tensor_json(upstream), "cases": cases}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(result, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {os.path.relpath(OUT)} ({os.path.getsize(OUT)} bytes): {len(cases)} cases")
