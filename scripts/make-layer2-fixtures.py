#!/usr/bin/env python3
"""Writes src/layers/fixtures/torch-layers2.json: PyTorch's values for the layers of issue 20's
"missing layers" list (ConvTranspose2d, Conv1d, Upsample, GroupNorm, InstanceNorm1d/2d,
PixelShuffle/Unshuffle, Bilinear, ELU, SiLU, Mish, Hardswish, Hardsigmoid, Softplus).

Run from the repository root:

    /usr/bin/python3 scripts/make-layer2-fixtures.py

As in scripts/make-layer-fixtures.py, inputs and weights are drawn from a seeded generator in
float64 and rounded to 3 decimals; outputs, gradients and running statistics are PyTorch's in
float64 at full precision. The reader is src/layers/torch-parity2.test.ts (no Python needed).

Each case names the Sapling class, its constructor arguments (Sapling's option names), the
PyTorch state_dict to load, and a list of steps:
    {"training", "inputs": [tensor, ...], "forwardOptions": {...} (e.g. outputSize), "upstream",
     "output", "grads": {"input0" | "input1" | parameter name: tensor}, "state": state_dict after}
where grads are what output.backward(upstream) leaves, gradients cleared before each step.
tensor = {"shape": [...], "data": [flat, row-major], "dtype": "float64" | "int64"}.
"""
import json
import os
import sys

import torch
import torch.nn as nn

COMMAND = "/usr/bin/python3 scripts/make-layer2-fixtures.py"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "layers", "fixtures", "torch-layers2.json")
SEED = 20240620
LIMIT = 300_000

torch.manual_seed(SEED)
torch.use_deterministic_algorithms(True)
torch.set_default_dtype(torch.float64)


def draw(*shape, scale=1.0, shift=0.0):
    x = torch.randn(tuple(shape), dtype=torch.float64) * scale + shift
    return torch.round(x * 1000) / 1000


def enc(t):
    t = t.detach()
    if t.dtype in (torch.int64, torch.int32):
        return {"shape": list(t.shape), "dtype": "int64", "data": [int(v) for v in t.reshape(-1).tolist()]}
    assert t.dtype == torch.float64, t.dtype
    return {"shape": list(t.shape), "dtype": "float64", "data": [float(v) for v in t.reshape(-1).tolist()]}


def rounded_state(module):
    """Rounds every float parameter and buffer to 3 decimals in place (exact in both programs)."""
    with torch.no_grad():
        for t in list(module.parameters()) + list(module.buffers()):
            if t.dtype == torch.float64:
                t.copy_(torch.round(t * 1000) / 1000)


LAYERS = []


def case(name, layer, args, options, module, steps, perturb=None, forward_options=None, torch_forward=None):
    """steps: list of (training, [inputs]). torch_forward(module, *inputs) replaces module(*inputs)."""
    module = module.double()
    if perturb:
        perturb(module)
    rounded_state(module)
    entry = {"name": name, "layer": layer, "args": args, "options": options,
             "state": {k: enc(v) for k, v in module.state_dict().items()}, "steps": []}
    for training, inputs in steps:
        module.train(training)
        module.zero_grad(set_to_none=True)
        inputs = [x.clone().requires_grad_(True) for x in inputs]
        y = torch_forward(module, *inputs) if torch_forward else module(*inputs)
        upstream = draw(*y.shape)
        y.backward(upstream)
        grads = {f"input{i}": enc(x.grad) for i, x in enumerate(inputs)}
        for pname, p in module.named_parameters():
            if p.grad is not None:
                grads[pname] = enc(p.grad)
        step = {"training": training, "inputs": [enc(x) for x in inputs], "upstream": enc(upstream), "output": enc(y),
                "grads": grads, "state": {k: enc(v) for k, v in module.state_dict().items()}}
        if forward_options:
            step["forwardOptions"] = forward_options
        entry["steps"].append(step)
    LAYERS.append(entry)


def randomise_norm(m):
    with torch.no_grad():
        c = m.num_features if hasattr(m, "num_features") else m.num_channels
        if m.weight is not None:
            m.weight.copy_(draw(c, scale=0.5, shift=1.0))
            m.bias.copy_(draw(c, scale=0.5))
        if getattr(m, "running_mean", None) is not None:
            m.running_mean.copy_(draw(c, scale=0.3))
            m.running_var.copy_(torch.rand(c) + 0.5)


# ── ConvTranspose2d ──
CT = "ConvTranspose2d"
case("3→2 k2 stride 2 (U-Net up-sampling)", CT, [3, 2, 2], {"stride": 2}, nn.ConvTranspose2d(3, 2, 2, stride=2), [(True, [draw(2, 3, 3, 4)])])
case("2→4 k3 stride 2 padding 1 outputPadding 1", CT, [2, 4, 3], {"stride": 2, "padding": 1, "outputPadding": 1},
     nn.ConvTranspose2d(2, 4, 3, stride=2, padding=1, output_padding=1), [(True, [draw(1, 2, 4, 3)])])
case("4→6 k[2,3] stride [1,2] padding [0,1] dilation [2,1] groups 2, no bias", CT, [4, 6, [2, 3]],
     {"stride": [1, 2], "padding": [0, 1], "dilation": [2, 1], "groups": 2, "bias": False},
     nn.ConvTranspose2d(4, 6, (2, 3), stride=(1, 2), padding=(0, 1), dilation=(2, 1), groups=2, bias=False), [(True, [draw(2, 4, 3, 3)])])
case("1→2 k3 stride 3 padding 1 outputPadding 2 (more than the padding)", CT, [1, 2, 3], {"stride": 3, "padding": 1, "outputPadding": 2},
     nn.ConvTranspose2d(1, 2, 3, stride=3, padding=1, output_padding=2), [(True, [draw(1, 1, 2, 2)])])
case("2→2 k3 stride 2 padding 1, forward with outputSize [8, 7]", CT, [2, 2, 3], {"stride": 2, "padding": 1},
     nn.ConvTranspose2d(2, 2, 3, stride=2, padding=1), [(True, [draw(1, 2, 4, 4)])],
     forward_options={"outputSize": [8, 7]}, torch_forward=lambda m, x: m(x, output_size=[8, 7]))

# ── Conv1d ──
case("3→4 k3 stride 2 padding 1", "Conv1d", [3, 4, 3], {"stride": 2, "padding": 1}, nn.Conv1d(3, 4, 3, stride=2, padding=1), [(True, [draw(2, 3, 9)])])
case("4→4 k3 padding same dilation 2 groups 2", "Conv1d", [4, 4, 3], {"padding": "same", "dilation": 2, "groups": 2},
     nn.Conv1d(4, 4, 3, padding="same", dilation=2, groups=2), [(True, [draw(1, 4, 8)])])
case("2→3 k2 padding valid, no bias", "Conv1d", [2, 3, 2], {"padding": "valid", "bias": False},
     nn.Conv1d(2, 3, 2, padding="valid", bias=False), [(True, [draw(3, 2, 5)])])

# ── Upsample ──
UP = "Upsample"


def up(name, options, torch_kwargs, shape, layer=UP, module=None):
    case(name, layer, [options], {}, module or nn.Upsample(**torch_kwargs), [(True, [draw(*shape)])])


up("nearest ×2", {"scaleFactor": 2}, {"scale_factor": 2}, (1, 2, 3, 4))
up("nearest to size [5, 7]", {"size": [5, 7]}, {"size": (5, 7)}, (1, 2, 3, 4))
up("nearest ×1.7 (samples with 1/1.7)", {"scaleFactor": 1.7}, {"scale_factor": 1.7}, (1, 1, 5, 3))
up("nearest ×1.7, recomputeScaleFactor (samples with in/out)", {"scaleFactor": 1.7, "recomputeScaleFactor": True},
   {"scale_factor": 1.7, "recompute_scale_factor": True}, (1, 1, 5, 3))
up("nearest-exact to size [5, 2]", {"size": [5, 2], "mode": "nearest-exact"}, {"size": (5, 2), "mode": "nearest-exact"}, (2, 1, 3, 4))
up("nearest on [N, C, L] to size 8", {"size": 8}, {"size": 8}, (1, 2, 5))
up("bilinear ×2", {"scaleFactor": 2, "mode": "bilinear"}, {"scale_factor": 2, "mode": "bilinear"}, (2, 2, 3, 4))
up("bilinear ×2 alignCorners", {"scaleFactor": 2, "mode": "bilinear", "alignCorners": True},
   {"scale_factor": 2, "mode": "bilinear", "align_corners": True}, (2, 2, 3, 4))
up("bilinear to size [4, 7] (down H, up W)", {"size": [4, 7], "mode": "bilinear"}, {"size": (4, 7), "mode": "bilinear"}, (1, 2, 5, 3))
up("bilinear ×0.6 (samples with 1/0.6)", {"scaleFactor": 0.6, "mode": "bilinear"}, {"scale_factor": 0.6, "mode": "bilinear"}, (1, 1, 5, 6))
up("bilinear ×[1.5, 2.5] alignCorners", {"scaleFactor": [1.5, 2.5], "mode": "bilinear", "alignCorners": True},
   {"scale_factor": (1.5, 2.5), "mode": "bilinear", "align_corners": True}, (1, 2, 3, 2))
up("linear ×2.5 on [N, C, L]", {"scaleFactor": 2.5, "mode": "linear"}, {"scale_factor": 2.5, "mode": "linear"}, (2, 3, 4))
up("trilinear to size [3, 4, 2]", {"size": [3, 4, 2], "mode": "trilinear"}, {"size": (3, 4, 2), "mode": "trilinear"}, (1, 1, 2, 3, 4))
up("UpsamplingBilinear2d ×2 (alignCorners true)", {"scaleFactor": 2}, None, (1, 2, 3, 3), "UpsamplingBilinear2d", nn.UpsamplingBilinear2d(scale_factor=2))
up("UpsamplingNearest2d to size [3, 5]", {"size": [3, 5]}, None, (1, 1, 2, 2), "UpsamplingNearest2d", nn.UpsamplingNearest2d(size=(3, 5)))

# ── GroupNorm ──
GN = "GroupNorm"
case("2 groups of 3 channels", GN, [2, 6], {}, nn.GroupNorm(2, 6), [(True, [draw(2, 6, 3, 3, scale=2, shift=1)])], perturb=randomise_norm)
case("3 groups, affine false, on [N, C, L]", GN, [3, 6], {"affine": False}, nn.GroupNorm(3, 6, affine=False), [(True, [draw(3, 6, 4)])])
case("1 group, eps 1e-3, eval (no difference)", GN, [1, 4], {"eps": 1e-3}, nn.GroupNorm(1, 4, eps=1e-3), [(False, [draw(2, 4, 2, 2)])], perturb=randomise_norm)
case("2 groups on [N, C]", GN, [2, 4], {}, nn.GroupNorm(2, 4), [(True, [draw(3, 4)])], perturb=randomise_norm)

# ── InstanceNorm ──
IN2 = "InstanceNorm2d"
case("defaults (no affine, no running statistics), train then eval", IN2, [3], {}, nn.InstanceNorm2d(3),
     [(True, [draw(2, 3, 4, 4, scale=2, shift=1)]), (False, [draw(1, 3, 3, 2)])])
case("affine", IN2, [3], {"affine": True}, nn.InstanceNorm2d(3, affine=True), [(True, [draw(2, 3, 3, 5)])], perturb=randomise_norm)
case("trackRunningStats: two training steps, then eval with the running statistics", IN2, [3], {"trackRunningStats": True},
     nn.InstanceNorm2d(3, track_running_stats=True),
     [(True, [draw(2, 3, 3, 3, scale=2, shift=1)]), (True, [draw(3, 3, 2, 2, shift=-1)]), (False, [draw(2, 3, 3, 3)])], perturb=randomise_norm)
case("affine + trackRunningStats, momentum 0.3, eps 1e-3", IN2, [2], {"affine": True, "trackRunningStats": True, "momentum": 0.3, "eps": 1e-3},
     nn.InstanceNorm2d(2, affine=True, track_running_stats=True, momentum=0.3, eps=1e-3),
     [(True, [draw(2, 2, 3, 4)]), (False, [draw(1, 2, 2, 2)])], perturb=randomise_norm)
case("unbatched [C, H, W]", IN2, [3], {"affine": True}, nn.InstanceNorm2d(3, affine=True), [(True, [draw(3, 4, 4)])], perturb=randomise_norm)
IN1 = "InstanceNorm1d"
case("defaults on [N, C, L]", IN1, [3], {}, nn.InstanceNorm1d(3), [(True, [draw(2, 3, 6)])])
case("affine + trackRunningStats on [N, C, L], then eval", IN1, [2], {"affine": True, "trackRunningStats": True},
     nn.InstanceNorm1d(2, affine=True, track_running_stats=True), [(True, [draw(3, 2, 5)]), (False, [draw(2, 2, 4)])], perturb=randomise_norm)

# ── PixelShuffle / PixelUnshuffle ──
case("PixelShuffle(2)", "PixelShuffle", [2], {}, nn.PixelShuffle(2), [(True, [draw(2, 8, 2, 3)])])
case("PixelShuffle(3)", "PixelShuffle", [3], {}, nn.PixelShuffle(3), [(True, [draw(1, 9, 2, 2)])])
case("PixelUnshuffle(2)", "PixelUnshuffle", [2], {}, nn.PixelUnshuffle(2), [(True, [draw(1, 2, 4, 6)])])

# ── Bilinear ──
case("Bilinear(3, 4, 5)", "Bilinear", [3, 4, 5], {}, nn.Bilinear(3, 4, 5), [(True, [draw(6, 3), draw(6, 4)])])
case("Bilinear(2, 3, 2) without bias, leading axes [2, 3]", "Bilinear", [2, 3, 2], {"bias": False}, nn.Bilinear(2, 3, 2, bias=False),
     [(True, [draw(2, 3, 2), draw(2, 3, 3)])])

# ── activations: wide inputs, plus the points where PyTorch's derivative conventions matter ──
special = torch.tensor([-25.0, -3.0, 0.0, 3.0, 21.0, 25.0])


def wide():
    return torch.cat([draw(4, 6, scale=3).reshape(-1), special]).reshape(5, 6)


case("ELU", "Elu", [], {}, nn.ELU(), [(True, [wide()])])
case("ELU(alpha 0.5)", "Elu", [0.5], {}, nn.ELU(alpha=0.5), [(True, [wide()])])
case("SiLU", "Silu", [], {}, nn.SiLU(), [(True, [wide()])])
case("Mish", "Mish", [], {}, nn.Mish(), [(True, [wide()])])
case("Hardswish (derivative at ±3 exactly)", "Hardswish", [], {}, nn.Hardswish(), [(True, [wide()])])
case("Hardsigmoid (derivative at ±3 exactly)", "Hardsigmoid", [], {}, nn.Hardsigmoid(), [(True, [wide()])])
case("Softplus (x itself above the threshold 20)", "Softplus", [], {}, nn.Softplus(), [(True, [wide()])])
case("Softplus(beta 2, threshold 5)", "Softplus", [2, 5], {}, nn.Softplus(beta=2, threshold=5), [(True, [wide()])])

fixture = {"generator": "scripts/make-layer2-fixtures.py", "command": COMMAND, "torch": torch.__version__, "seed": SEED, "layers": LAYERS}
text = json.dumps(fixture, separators=(",", ":"), allow_nan=False) + "\n"
if len(text) > LIMIT:
    sys.exit(f"make-layer2-fixtures: the fixture would be {len(text)} bytes, over the {LIMIT} limit; shrink the cases")
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    f.write(text)
print(f"wrote {os.path.relpath(OUT)}: {len(LAYERS)} layer cases, {len(text)} bytes (torch {torch.__version__})")
