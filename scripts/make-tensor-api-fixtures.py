#!/usr/bin/env python3
"""Writes src/autograd/fixtures/torch-tensor-api.json: PyTorch's results for the PyTorch-shaped
ops Sapling added with issue 20 (sort, topk, max along a dim, cumsum, cumprod, flip, roll, tile,
norms, einsum, scatter, unique, nonzero, bincount, meshgrid, logspace, isclose).

Run from the repository root:

    /usr/bin/python3 scripts/make-tensor-api-fixtures.py

Inputs are drawn from a seeded generator in float64 and rounded to 3 decimals (some are written
out, to hold ties and zeros); outputs and gradients are PyTorch's, in float64 at full precision.
The test that reads the file is src/autograd/tensor-api-parity.test.ts; it needs no Python.

Each case is
    {"name", "op", "attrs", "inputs": {name: tensor}, "outputs": {name: tensor},
     "upstream": tensor | absent, "grads": {input name: tensor} | absent}
with tensor = {"shape": [...], "data": [flat, row-major], "dtype": "float64" | "int64"}.
"upstream" belongs to the first output; "grads" holds d<sum(outputs[0] * upstream)>/d<input>.
The attrs are written with Sapling's argument names.
"""
import json
import os
import sys

import torch

COMMAND = "/usr/bin/python3 scripts/make-tensor-api-fixtures.py"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "autograd", "fixtures", "torch-tensor-api.json")
SEED = 20261207

torch.manual_seed(SEED)


def draw(*shape, scale=1.0):
    """A float64 tensor of `shape`, standard normal times `scale`, rounded to 3 decimals."""
    x = torch.randn(tuple(shape), dtype=torch.float64) * scale
    return torch.round(x * 1000) / 1000


def f64(values):
    return torch.tensor(values, dtype=torch.float64)


def i64(values):
    return torch.tensor(values, dtype=torch.int64)


def enc(t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32, torch.bool):
        return {"shape": list(t.shape), "dtype": "int64", "data": [int(v) for v in t.reshape(-1).tolist()]}
    assert t.dtype == torch.float64, t.dtype
    data = [float(v) for v in t.reshape(-1).tolist()]
    assert all(v == v and abs(v) != float("inf") for v in data), "fixtures must be finite"
    return {"shape": list(t.shape), "dtype": "float64", "data": data}


CASES = []


def case(name, op, attrs, inputs, fn, grad_of=()):
    """fn(**inputs) returns a dict of outputs; with grad_of, backpropagates a drawn upstream through the first."""
    leaves = {k: (v.clone().requires_grad_(k in grad_of) if v.is_floating_point() else v) for k, v in inputs.items()}
    outputs = fn(**leaves)
    entry = {"name": name, "op": op, "attrs": attrs, "inputs": {k: enc(v) for k, v in inputs.items()},
             "outputs": {k: enc(v) for k, v in outputs.items()}}
    if grad_of:
        first = next(iter(outputs.values()))
        upstream = draw(*first.shape)
        grads = torch.autograd.grad(first, [leaves[k] for k in grad_of], upstream)
        entry["upstream"] = enc(upstream)
        entry["grads"] = {k: enc(g) for k, g in zip(grad_of, grads)}
    CASES.append(entry)


# ── sort, topk, max / min along a dim (ties: stable sort keeps their order) ──
ties = f64([[3.0, 1.0, 3.0, 2.0, 1.0], [0.5, -1.0, 0.5, 0.5, 2.0]])
for dim, descending in ((-1, False), (-1, True), (0, False)):
    case(f"sort dim {dim} descending {descending}, ties", "sort", {"dim": dim, "descending": descending}, {"x": ties},
         lambda x, dim=dim, descending=descending: dict(zip(("values", "indices"), torch.sort(x, dim=dim, descending=descending, stable=True))),
         grad_of=("x",))
case("argsort dim 1 of [3,4]", "argsort", {"dim": 1, "descending": False}, {"x": draw(3, 4)},
     lambda x: {"indices": torch.argsort(x, dim=1)})
for k, dim, largest in ((2, -1, True), (3, 0, False)):
    case(f"topk k {k} dim {dim} largest {largest}", "topk", {"k": k, "dim": dim, "largest": largest}, {"x": draw(4, 5)},
         lambda x, k=k, dim=dim, largest=largest: dict(zip(("values", "indices"), torch.topk(x, k, dim=dim, largest=largest))),
         grad_of=("x",))
for op in ("max", "min"):
    case(f"{op} dim 1 keepDim, ties go to the first", op, {"dim": 1, "keepDim": True}, {"x": ties},
         lambda x, op=op: dict(zip(("values", "indices"), getattr(torch, op)(x, dim=1, keepdim=True))), grad_of=("x",))

# ── cumsum, cumprod (with zeros: the exact backward) ──
case("cumsum dim 1", "cumsum", {"dim": 1}, {"x": draw(3, 5)}, lambda x: {"y": torch.cumsum(x, 1)}, grad_of=("x",))
case("cumprod dim 0, no zeros", "cumprod", {"dim": 0}, {"x": draw(4, 3)}, lambda x: {"y": torch.cumprod(x, 0)}, grad_of=("x",))
case("cumprod dim 1, one and two zeros", "cumprod", {"dim": 1},
     {"x": f64([[1.5, 0.0, 2.0, -0.5], [0.0, 3.0, 0.0, 2.0], [0.7, -1.2, 0.4, 2.5]])},
     lambda x: {"y": torch.cumprod(x, 1)}, grad_of=("x",))

# ── flip, roll, tile ──
case("flip dims [0, 2]", "flip", {"dims": [0, 2]}, {"x": draw(2, 3, 4)}, lambda x: {"y": torch.flip(x, (0, 2))}, grad_of=("x",))
case("roll shifts [2, -1] dims [1, 0]", "roll", {"shifts": [2, -1], "dims": [1, 0]}, {"x": draw(3, 4)},
     lambda x: {"y": torch.roll(x, (2, -1), (1, 0))}, grad_of=("x",))
case("roll flattened by 5", "roll", {"shifts": 5}, {"x": draw(2, 3)}, lambda x: {"y": torch.roll(x, 5)}, grad_of=("x",))
case("tile [2] on [2,3]", "tile", {"reps": [2]}, {"x": draw(2, 3)}, lambda x: {"y": torch.tile(x, (2,))}, grad_of=("x",))
case("tile [2,1,2] on [2,3]", "tile", {"reps": [2, 1, 2]}, {"x": draw(2, 3)}, lambda x: {"y": torch.tile(x, (2, 1, 2))}, grad_of=("x",))

# ── norms ──
xn = draw(3, 4, scale=2.0)
for ord_ in (2, 1, 3, float("inf"), 0.5):
    label = "inf" if ord_ == float("inf") else ord_
    case(f"vectorNorm ord {label} dim 1", "vectorNorm", {"ord": label, "dim": 1}, {"x": xn},
         lambda x, ord_=ord_: {"y": torch.linalg.vector_norm(x, ord_, dim=1)}, grad_of=("x",))
case("vectorNorm ord 2 all axes keepDim", "vectorNorm", {"ord": 2, "keepDim": True}, {"x": draw(2, 3, 2)},
     lambda x: {"y": torch.linalg.vector_norm(x, 2, keepdim=True)}, grad_of=("x",))
xm = draw(2, 3, 4, scale=2.0)
for ord_ in ("fro", 1, -1, float("inf"), float("-inf")):
    label = {float("inf"): "inf", float("-inf"): "-inf"}.get(ord_, ord_)
    case(f"matrixNorm ord {label}", "matrixNorm", {"ord": label}, {"x": xm},
         lambda x, ord_=ord_: {"y": torch.linalg.matrix_norm(x, ord_)}, grad_of=("x",))

# ── einsum ──
case("einsum bij,bjk->bik", "einsum", {"equation": "bij,bjk->bik"}, {"a": draw(2, 3, 4), "b": draw(2, 4, 2)},
     lambda a, b: {"y": torch.einsum("bij,bjk->bik", a, b)}, grad_of=("a", "b"))
case("einsum ij,jk,k->ji", "einsum", {"equation": "ij,jk,k->ji"}, {"a": draw(2, 3), "b": draw(3, 4), "c": draw(4)},
     lambda a, b, c: {"y": torch.einsum("ij,jk,k->ji", a, b, c)}, grad_of=("a", "b", "c"))
case("einsum ijk->ki", "einsum", {"equation": "ijk->ki"}, {"a": draw(2, 3, 2)},
     lambda a: {"y": torch.einsum("ijk->ki", a)}, grad_of=("a",))

# ── scatter ──
case("scatterAdd dim 1, repeated indices", "scatterAdd", {"dim": 1},
     {"x": draw(3, 4), "index": i64([[0, 3], [1, 1], [2, 0]]), "src": draw(3, 2)},
     lambda x, index, src: {"y": torch.scatter_add(x, 1, index, src)}, grad_of=("x", "src"))
# src larger than index: forward only (PyTorch 1.13's backward returns a gradient of index's shape there, and fails)
case("scatterAdd dim 1, src larger than index", "scatterAdd", {"dim": 1},
     {"x": draw(3, 4), "index": i64([[0, 3], [1, 1], [2, 0]]), "src": draw(3, 3)},
     lambda x, index, src: {"y": torch.scatter_add(x, 1, index, src)})
case("scatter dim 0", "scatter", {"dim": 0},
     {"x": draw(3, 2), "index": i64([[2, 0], [0, 1]]), "src": draw(2, 2)},
     lambda x, index, src: {"y": torch.scatter(x, 0, index, src)}, grad_of=("x", "src"))

# ── unique, nonzero, bincount (integer results) ──
case("unique with inverse and counts", "unique", {},
     {"x": f64([[2.0, -1.0, 2.0], [0.5, -1.0, 2.0]])},
     lambda x: dict(zip(("values", "inverse", "counts"), torch.unique(x, return_inverse=True, return_counts=True))))
case("nonzero of [2,3,2]", "nonzero", {}, {"x": f64([[[0, 1], [0, 0], [2, 0]], [[0, 0], [3, 4], [0, 0]]])},
     lambda x: {"indices": torch.nonzero(x)})
case("bincount with weights and minlength", "bincount", {"minlength": 6},
     {"x": i64([1, 3, 3, 0, 1, 3]), "weights": f64([0.5, 1.0, 2.0, -1.0, 0.25, 1.0])},
     lambda x, weights: {"y": torch.bincount(x, weights, minlength=6)})

# ── meshgrid, logspace, isclose ──
for indexing in ("ij", "xy"):
    case(f"meshgrid {indexing}", "meshgrid", {"indexing": indexing}, {"a": draw(2), "b": draw(3)},
         lambda a, b, indexing=indexing: dict(zip(("a", "b"), torch.meshgrid(a, b, indexing=indexing))), grad_of=("a",))
case("logspace -1..2, 7 steps, base 3", "logspace", {"start": -1, "end": 2, "steps": 7, "base": 3}, {},
     lambda: {"y": torch.logspace(-1, 2, 7, base=3, dtype=torch.float64)})
case("isclose rtol 1e-3 atol 1e-2", "isclose", {"rtol": 1e-3, "atol": 1e-2},
     {"a": f64([1.0, 100.0, 0.0, -5.0, 2.0]), "b": f64([1.009, 100.05, 0.011, -5.0, 2.5])},
     lambda a, b: {"close": torch.isclose(a, b, rtol=1e-3, atol=1e-2)})

doc = {
    "generator": "scripts/make-tensor-api-fixtures.py",
    "command": COMMAND,
    "torch": torch.__version__,
    "python": sys.version.split()[0],
    "seed": SEED,
    "note": "float64 throughout; inputs rounded to 3 decimals; grads are d<sum(outputs[0]*upstream)>/d<input>",
    "cases": CASES,
}
os.makedirs(os.path.dirname(OUT), exist_ok=True)
text = json.dumps(doc, separators=(",", ":"))
assert len(text) < 100_000, f"the fixture would be {len(text)} bytes; keep it under 100 KB"
with open(OUT, "w") as f:
    f.write(text + "\n")
print(f"wrote {os.path.relpath(OUT)}: {len(CASES)} cases, {len(text)} bytes")
