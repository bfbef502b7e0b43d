#!/usr/bin/env python3
"""Writes src/autograd/fixtures/torch-ops.json: PyTorch's values for a few Sapling ops.

Run from the repository root:

    /usr/bin/python3 scripts/make-torch-fixtures.py

Every input is drawn from a seeded generator in float64 and rounded to 3 decimals (so the JSON
stays short and the numbers are exactly what both sides read); every output and gradient is
computed by PyTorch in float64 and written at full precision (Python's repr round-trips a
double exactly, and so does JavaScript's JSON.parse). The test that reads the file is
src/autograd/torch-parity.test.ts; it needs no Python.

Each case is
    {"name", "op", "attrs", "inputs": {name: tensor}, "output": tensor,
     "upstream": tensor | absent, "grads": {input name: tensor} | absent}
with tensor = {"shape": [...], "data": [flat, row-major], "dtype": "float64" | "int64"}.
When "upstream" is present, "grads" holds d<sum(output * upstream)>/d<input>, i.e. what
output.backward(upstream) leaves in each input's .grad.
"""
import json
import os
import sys
import warnings

import torch
import torch.nn.functional as F

COMMAND = "/usr/bin/python3 scripts/make-torch-fixtures.py"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "autograd", "fixtures", "torch-ops.json")
SEED = 20240601

torch.manual_seed(SEED)
torch.use_deterministic_algorithms(True)
# padding='same' with an even kernel warns that it pads a copy of the input; that is the point.
warnings.filterwarnings("ignore", message="Using padding='same'")


def draw(*shape, scale=1.0):
    """A float64 leaf of `shape`, standard normal times `scale`, rounded to 3 decimals."""
    x = torch.randn(tuple(shape), dtype=torch.float64) * scale
    return torch.round(x * 1000) / 1000


def enc(t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        return {"shape": list(t.shape), "dtype": "int64", "data": [int(v) for v in t.reshape(-1).tolist()]}
    assert t.dtype == torch.float64, t.dtype
    data = [float(v) for v in t.reshape(-1).tolist()]
    assert all(v == v and abs(v) != float("inf") for v in data), "fixtures must be finite"
    return {"shape": list(t.shape), "dtype": "float64", "data": data}


CASES = []


def case(name, op, attrs, inputs, fn, grad_of=()):
    """Runs fn(**inputs); with grad_of, also backpropagates a drawn upstream gradient."""
    leaves = {k: (v.clone().requires_grad_(k in grad_of) if v.is_floating_point() else v) for k, v in inputs.items()}
    out = fn(**leaves)
    entry = {"name": name, "op": op, "attrs": attrs, "inputs": {k: enc(v) for k, v in inputs.items()}, "output": enc(out)}
    if grad_of:
        upstream = draw(*out.shape)
        grads = torch.autograd.grad(out, [leaves[k] for k in grad_of], upstream)
        entry["upstream"] = enc(upstream)
        entry["grads"] = {k: enc(g) for k, g in zip(grad_of, grads)}
    CASES.append(entry)


# ── matmul ──
case("matmul 2-D [3,4]·[4,5]", "matmul", {}, {"a": draw(3, 4), "b": draw(4, 5)},
     lambda a, b: a @ b, grad_of=("a", "b"))
case("matmul batched broadcast [2,1,3,4]·[3,4,2]", "matmul", {}, {"a": draw(2, 1, 3, 4), "b": draw(3, 4, 2)},
     lambda a, b: a @ b, grad_of=("a", "b"))
case("matmul 1-D · batched [4]·[2,4,3]", "matmul", {}, {"a": draw(4), "b": draw(2, 4, 3)},
     lambda a, b: a @ b, grad_of=("a", "b"))

# ── conv2d ──
# Sapling's options object mirrors F.conv2d's keywords: stride, padding, dilation, groups.
case("conv2d stride 2 padding 1 + bias", "conv2d", {"stride": 2, "padding": 1},
     {"x": draw(2, 3, 7, 6), "w": draw(4, 3, 3, 3), "b": draw(4)},
     lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), grad_of=("x", "w", "b"))
case("conv2d dilation 2, groups 2, padding [2,1], bias", "conv2d", {"dilation": 2, "groups": 2, "padding": [2, 1]},
     {"x": draw(1, 4, 6, 7), "w": draw(6, 2, 3, 2), "b": draw(6)},
     lambda x, w, b: F.conv2d(x, w, b, dilation=2, groups=2, padding=(2, 1)), grad_of=("x", "w", "b"))
case("conv2d rectangular stride [2,1], no bias", "conv2d", {"stride": [2, 1], "padding": [0, 1]},
     {"x": draw(1, 2, 5, 4), "w": draw(3, 2, 2, 3)},
     lambda x, w: F.conv2d(x, w, None, stride=(2, 1), padding=(0, 1)), grad_of=("x", "w"))
case("conv2d padding 'same', even kernel 4x2", "conv2d", {"padding": "same"},
     {"x": draw(1, 2, 5, 5), "w": draw(2, 2, 4, 2)},
     lambda x, w: F.conv2d(x, w, None, padding="same"), grad_of=("x", "w"))
# Sapling's per-side padding {top, bottom, left, right} = F.pad(x, (left, right, top, bottom)) then conv.
case("conv2d asymmetric padding top1 bottom0 left2 right1, stride 2", "conv2d",
     {"stride": 2, "padding": {"top": 1, "bottom": 0, "left": 2, "right": 1}},
     {"x": draw(1, 1, 5, 6), "w": draw(2, 1, 3, 3)},
     lambda x, w: F.conv2d(F.pad(x, (2, 1, 1, 0)), w, None, stride=2), grad_of=("x", "w"))

# ── pooling ──
case("max_pool2d kernel 3 stride 2 padding 1", "maxPool2d", {"kernelSize": 3, "stride": 2, "padding": 1},
     {"x": draw(2, 2, 7, 6)},
     lambda x: F.max_pool2d(x, 3, stride=2, padding=1), grad_of=("x",))
case("max_pool2d kernel [2,3] dilation 2 stride 1", "maxPool2d", {"kernelSize": [2, 3], "stride": 1, "dilation": 2},
     {"x": draw(1, 1, 5, 7)},
     lambda x: F.max_pool2d(x, (2, 3), stride=1, dilation=2), grad_of=("x",))
for include in (True, False):
    case(f"avg_pool2d kernel 3 stride 2 padding 1 count_include_pad {include}", "avgPool2d",
         {"kernelSize": 3, "stride": 2, "padding": 1, "countIncludePad": include},
         {"x": draw(1, 2, 6, 7)},
         lambda x, include=include: F.avg_pool2d(x, 3, stride=2, padding=1, count_include_pad=include), grad_of=("x",))
case("avg_pool2d kernel [2,4] stride [1,2] padding [1,2] count_include_pad False", "avgPool2d",
     {"kernelSize": [2, 4], "stride": [1, 2], "padding": [1, 2], "countIncludePad": False},
     {"x": draw(1, 1, 4, 5)},
     lambda x: F.avg_pool2d(x, (2, 4), stride=(1, 2), padding=(1, 2), count_include_pad=False), grad_of=("x",))
case("adaptive_avg_pool2d 7x5 -> 3x2", "adaptiveAvgPool2d", {"outputSize": [3, 2]},
     {"x": draw(2, 2, 7, 5)},
     lambda x: F.adaptive_avg_pool2d(x, (3, 2)), grad_of=("x",))
case("adaptive_avg_pool2d 4x6 -> 5x4 (upsampling rows)", "adaptiveAvgPool2d", {"outputSize": [5, 4]},
     {"x": draw(1, 1, 4, 6)},
     lambda x: F.adaptive_avg_pool2d(x, (5, 4)), grad_of=("x",))

# ── softmax / log_softmax ──
logits = draw(3, 5, scale=3.0)
big = torch.tensor([[1000.0, -1000.0, 0.0, 999.5, 1000.0],
                    [-1000.0, -1000.0, -999.0, -1001.0, -1000.5],
                    [1000.0, 0.0, -1000.0, 1.0, 2.0]], dtype=torch.float64)
for fname, op, fn in (("softmax", "softmax", F.softmax), ("log_softmax", "logSoftmax", F.log_softmax)):
    case(f"{fname} last axis", op, {"axis": -1}, {"x": logits}, lambda x, fn=fn: fn(x, dim=-1), grad_of=("x",))
    case(f"{fname} axis 0 of [2,3,4]", op, {"axis": 0}, {"x": draw(2, 3, 4, scale=2.0)},
         lambda x, fn=fn: fn(x, dim=0), grad_of=("x",))
    case(f"{fname} large logits ±1000", op, {"axis": -1}, {"x": big}, lambda x, fn=fn: fn(x, dim=-1), grad_of=("x",))

# ── var ──
xv = draw(3, 4, 5, scale=2.0) + 10.0  # an offset mean, to exercise the centring
for unbiased in (True, False):
    case(f"var axis 1 unbiased {unbiased}", "var", {"axes": 1, "unbiased": unbiased}, {"x": xv},
         lambda x, unbiased=unbiased: torch.var(x, dim=1, unbiased=unbiased), grad_of=("x",))
case("var axes [0,2] unbiased True keepDim", "var", {"axes": [0, 2], "unbiased": True, "keepDim": True}, {"x": xv},
     lambda x: torch.var(x, dim=(0, 2), unbiased=True, keepdim=True), grad_of=("x",))
case("var all axes unbiased False", "var", {"unbiased": False}, {"x": draw(4, 3)},
     lambda x: torch.var(x, unbiased=False), grad_of=("x",))

# ── gather ──
case("gather axis 1, repeated indices", "gather", {"axis": 1},
     {"x": draw(3, 4), "index": torch.tensor([[0, 0, 3], [2, 1, 2], [3, 3, 3]])},
     lambda x, index: torch.gather(x, 1, index), grad_of=("x",))
case("gather axis 0 of [4,3,2], index smaller than x", "gather", {"axis": 0},
     {"x": draw(4, 3, 2), "index": torch.tensor([[[3, 0], [1, 1]], [[0, 2], [3, 3]]])},
     lambda x, index: torch.gather(x, 0, index), grad_of=("x",))

doc = {
    "generator": "scripts/make-torch-fixtures.py",
    "command": COMMAND,
    "torch": torch.__version__,
    "python": sys.version.split()[0],
    "seed": SEED,
    "note": "float64 throughout; inputs rounded to 3 decimals; grads are d<sum(output*upstream)>/d<input>",
    "cases": CASES,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
text = json.dumps(doc, separators=(",", ":"))
assert len(text) < 100_000, f"the fixture would be {len(text)} bytes; keep it under 100 KB"
with open(OUT, "w") as f:
    f.write(text + "\n")
print(f"wrote {os.path.relpath(OUT)}: {len(CASES)} cases, {len(text)} bytes")
