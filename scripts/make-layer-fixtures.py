#!/usr/bin/env python3
"""Writes src/layers/fixtures/torch-layers.json: PyTorch's values for Sapling's layers and losses.

Run from the repository root:

    /usr/bin/python3 scripts/make-layer-fixtures.py

Inputs and weights are drawn from a seeded generator in float64 and rounded to 3 decimals (so
the JSON stays short and both sides read exactly the same numbers); outputs, gradients and
running statistics are computed by PyTorch in float64 and written at full precision. The test
that reads the file is src/layers/torch-parity.test.ts; it needs no Python.

Layers. Each case names the Sapling class and its constructor arguments (Sapling's option
names), the PyTorch state_dict to load (so the keys are checked too), and a list of steps:
    {"training", "input", "upstream", "output", "grads": {"input" | parameter name: tensor},
     "state": state_dict after the step}
where grads are what output.backward(upstream) leaves, gradients cleared before each step.

Losses. Each case names the Sapling function and its options (tensor options such as weight
and posWeight under "tensors"), the input and target, the output, and the gradients of
sum(output * upstream) (upstream = 1 for a reduced loss) with respect to the input (and the
target, where it is a float).

tensor = {"shape": [...], "data": [flat, row-major], "dtype": "float64" | "int64"}.
"""
import json
import os
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

COMMAND = "/usr/bin/python3 scripts/make-layer-fixtures.py"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "layers", "fixtures", "torch-layers.json")
SEED = 20240607
LIMIT = 300_000

torch.manual_seed(SEED)
torch.use_deterministic_algorithms(True)
torch.set_default_dtype(torch.float64)
warnings.filterwarnings("ignore", message="Using padding='same'")


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


# ── layers ──

LAYERS = []


def layer_case(name, layer, args, options, module, steps, perturb=None):
    """steps: list of (training, input tensor). perturb(module) randomises the initial state."""
    module = module.double()
    if perturb:
        perturb(module)
    rounded_state(module)
    case = {"name": name, "layer": layer, "args": args, "options": options,
            "state": {k: enc(v) for k, v in module.state_dict().items()}, "steps": []}
    for training, x in steps:
        module.train(training)
        module.zero_grad(set_to_none=True)
        x = x.clone()
        if x.is_floating_point():
            x.requires_grad_(True)
        y = module(x)
        upstream = draw(*y.shape)
        y.backward(upstream)
        grads = {}
        if x.is_floating_point():
            grads["input"] = enc(x.grad)
        for pname, p in module.named_parameters():
            if p.grad is not None:
                grads[pname] = enc(p.grad)
        case["steps"].append({"training": training, "input": enc(x), "upstream": enc(upstream), "output": enc(y),
                              "grads": grads, "state": {k: enc(v) for k, v in module.state_dict().items()}})
    LAYERS.append(case)


def randomise_bn(m):
    with torch.no_grad():
        if m.weight is not None:
            m.weight.copy_(draw(m.num_features, scale=0.5, shift=1.0))
            m.bias.copy_(draw(m.num_features, scale=0.5))
        if m.running_mean is not None:
            m.running_mean.copy_(draw(m.num_features, scale=0.3))
            m.running_var.copy_(torch.rand(m.num_features) + 0.5)
            m.num_batches_tracked.fill_(3)


def randomise_ln(m):
    with torch.no_grad():
        if m.weight is not None:
            m.weight.copy_(draw(*m.weight.shape, scale=0.5, shift=1.0))
            m.bias.copy_(draw(*m.bias.shape, scale=0.5))


layer_case("Linear 5→3", "Linear", [5, 3], {}, nn.Linear(5, 3), [(True, draw(4, 5))])
layer_case("Linear 4→2 without bias, leading axes [2, 3]", "Linear", [4, 2], {"bias": False}, nn.Linear(4, 2, bias=False), [(True, draw(2, 3, 4))])

layer_case("Conv2d 3→4 k3 stride 2 padding 1", "Conv2d", [3, 4, 3], {"stride": 2, "padding": 1},
           nn.Conv2d(3, 4, 3, stride=2, padding=1), [(True, draw(2, 3, 7, 7))])
layer_case("Conv2d 4→4 k3 padding same dilation 2 groups 2", "Conv2d", [4, 4, 3], {"padding": "same", "dilation": 2, "groups": 2},
           nn.Conv2d(4, 4, 3, padding="same", dilation=2, groups=2), [(True, draw(1, 4, 6, 6))])
layer_case("Conv2d 2→3 k[2,3] no bias", "Conv2d", [2, 3, [2, 3]], {"bias": False},
           nn.Conv2d(2, 3, (2, 3), bias=False), [(True, draw(2, 2, 5, 6))])

layer_case("BatchNorm2d(3): two training steps, then eval", "BatchNorm2d", [3], {},
           nn.BatchNorm2d(3), [(True, draw(4, 3, 3, 3, scale=2, shift=1)), (True, draw(4, 3, 3, 3, scale=0.5, shift=-1)),
                               (False, draw(2, 3, 3, 3))], perturb=randomise_bn)
layer_case("BatchNorm2d(2, momentum null, eps 1e-3): cumulative average", "BatchNorm2d", [2], {"momentum": None, "eps": 1e-3},
           nn.BatchNorm2d(2, momentum=None, eps=1e-3), [(True, draw(3, 2, 2, 2, scale=3)), (True, draw(2, 2, 3, 3, shift=2)),
                                                         (False, draw(1, 2, 2, 2))], perturb=randomise_bn)
layer_case("BatchNorm2d(3, affine false, momentum 0.3)", "BatchNorm2d", [3], {"affine": False, "momentum": 0.3},
           nn.BatchNorm2d(3, affine=False, momentum=0.3), [(True, draw(2, 3, 2, 3)), (False, draw(2, 3, 2, 3))], perturb=randomise_bn)
layer_case("BatchNorm2d(2, trackRunningStats false): batch statistics in eval too", "BatchNorm2d", [2], {"trackRunningStats": False},
           nn.BatchNorm2d(2, track_running_stats=False), [(True, draw(3, 2, 2, 2)), (False, draw(3, 2, 2, 2))], perturb=randomise_bn)
layer_case("BatchNorm1d(4) on [N, C]", "BatchNorm1d", [4], {}, nn.BatchNorm1d(4),
           [(True, draw(6, 4, scale=2)), (False, draw(3, 4))], perturb=randomise_bn)
layer_case("BatchNorm1d(3) on [N, C, L]", "BatchNorm1d", [3], {}, nn.BatchNorm1d(3),
           [(True, draw(4, 3, 5)), (False, draw(2, 3, 5))], perturb=randomise_bn)

layer_case("LayerNorm([4])", "LayerNorm", [[4]], {}, nn.LayerNorm([4]), [(True, draw(3, 4, scale=2, shift=1))], perturb=randomise_ln)
layer_case("LayerNorm([3, 4]) eps 1e-3", "LayerNorm", [[3, 4]], {"eps": 1e-3}, nn.LayerNorm([3, 4], eps=1e-3), [(True, draw(2, 3, 4))], perturb=randomise_ln)
layer_case("LayerNorm(5) without affine", "LayerNorm", [5], {"elementwiseAffine": False}, nn.LayerNorm(5, elementwise_affine=False),
           [(True, draw(2, 2, 5))])

layer_case("Embedding(7, 3, paddingIdx 2)", "Embedding", [7, 3], {"paddingIdx": 2}, nn.Embedding(7, 3, padding_idx=2),
           [(True, torch.tensor([[2, 4, 4], [0, 2, 6]]))])
layer_case("Embedding(5, 2, paddingIdx -1), repeated indices", "Embedding", [5, 2], {"paddingIdx": -1}, nn.Embedding(5, 2, padding_idx=-1),
           [(True, torch.tensor([3, 1, 3, 4, 0]))])
layer_case("Embedding(4, 2)", "Embedding", [4, 2], {}, nn.Embedding(4, 2), [(True, torch.tensor([[1], [3], [1]]))])

# ── losses ──

LOSSES = []


def loss_case(name, loss, fn, x, target, options=None, tensors=None):
    options = options or {}
    tensors = tensors or {}
    x = x.clone().requires_grad_(True)
    target = target.clone()
    if target.is_floating_point():
        target.requires_grad_(True)
    y = fn(x, target)
    upstream = draw(*y.shape) if y.dim() > 0 else torch.tensor(1.0)
    (y * upstream).sum().backward()
    grads = {"input": enc(x.grad)}
    if target.is_floating_point():
        grads["target"] = enc(target.grad)
    LOSSES.append({"name": name, "loss": loss, "options": options, "tensors": {k: enc(v) for k, v in tensors.items()},
                   "input": enc(x), "target": enc(target), "output": enc(y), "upstream": enc(upstream), "grads": grads})


logits = draw(5, 4, scale=2)
labels = torch.tensor([1, 0, 3, 3, 2])
labels_ignored = torch.tensor([1, -100, 3, -100, 2])
w4 = torch.tensor([0.5, 2.0, 1.0, 1.5])
probs = torch.softmax(draw(5, 4), dim=1)
probs = torch.round(probs * 1000) / 1000
CE = "crossEntropy"

loss_case("mean", CE, lambda x, t: F.cross_entropy(x, t), logits, labels)
loss_case("sum", CE, lambda x, t: F.cross_entropy(x, t, reduction="sum"), logits, labels, {"reduction": "sum"})
loss_case("none", CE, lambda x, t: F.cross_entropy(x, t, reduction="none"), logits, labels, {"reduction": "none"})
loss_case("class weight, mean divides by the weights", CE, lambda x, t: F.cross_entropy(x, t, weight=w4), logits, labels, {}, {"weight": w4})
loss_case("ignoreIndex -100 (default)", CE, lambda x, t: F.cross_entropy(x, t), logits, labels_ignored)
loss_case("ignoreIndex 3 with weight", CE, lambda x, t: F.cross_entropy(x, t, weight=w4, ignore_index=3), logits, labels,
          {"ignoreIndex": 3}, {"weight": w4})
loss_case("labelSmoothing 0.1", CE, lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1), logits, labels, {"labelSmoothing": 0.1})
loss_case("weight + labelSmoothing 0.2 + ignored, mean", CE,
          lambda x, t: F.cross_entropy(x, t, weight=w4, label_smoothing=0.2), logits, labels_ignored, {"labelSmoothing": 0.2}, {"weight": w4})
loss_case("weight + labelSmoothing 0.2 + ignored, sum", CE,
          lambda x, t: F.cross_entropy(x, t, weight=w4, label_smoothing=0.2, reduction="sum"), logits, labels_ignored,
          {"labelSmoothing": 0.2, "reduction": "sum"}, {"weight": w4})
loss_case("weight + labelSmoothing 0.2 + ignored, none", CE,
          lambda x, t: F.cross_entropy(x, t, weight=w4, label_smoothing=0.2, reduction="none"), logits, labels_ignored,
          {"labelSmoothing": 0.2, "reduction": "none"}, {"weight": w4})
w3 = torch.tensor([1.0, 0.3, 2.0])
spatial_labels = torch.tensor([[[0, 2], [1, -100]], [[2, 2], [0, 1]]])
loss_case("[N, C, d1, d2] with weight, smoothing and ignored", CE,
          lambda x, t: F.cross_entropy(x, t, weight=w3, label_smoothing=0.05), draw(2, 3, 2, 2), spatial_labels,
          {"labelSmoothing": 0.05}, {"weight": w3})
loss_case("probability targets", CE, lambda x, t: F.cross_entropy(x, t), logits, probs)
loss_case("probability targets + weight + smoothing 0.1", CE, lambda x, t: F.cross_entropy(x, t, weight=w4, label_smoothing=0.1),
          logits, probs, {"labelSmoothing": 0.1}, {"weight": w4})
loss_case("unbatched [C] logits, 0-d label", CE, lambda x, t: F.cross_entropy(x, t), draw(4), torch.tensor(2))
loss_case("logits of ±1e4", CE, lambda x, t: F.cross_entropy(x, t, label_smoothing=0.1),
          torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [0.0, 0.0, -1e4]]), torch.tensor([0, 0, 2]), {"labelSmoothing": 0.1})

log_probs = torch.log_softmax(logits, dim=1).detach()
loss_case("mean", "nllLoss", lambda x, t: F.nll_loss(x, t), log_probs, labels)
loss_case("weight + ignored, mean", "nllLoss", lambda x, t: F.nll_loss(x, t, weight=w4), log_probs, labels_ignored, {}, {"weight": w4})
loss_case("weight, none", "nllLoss", lambda x, t: F.nll_loss(x, t, weight=w4, reduction="none"), log_probs, labels,
          {"reduction": "none"}, {"weight": w4})
loss_case("[N, C, d], sum, ignoreIndex 0", "nllLoss", lambda x, t: F.nll_loss(x, t, reduction="sum", ignore_index=0),
          draw(2, 3, 4), torch.tensor([[0, 1, 2, 1], [2, 2, 0, 1]]), {"reduction": "sum", "ignoreIndex": 0})

a, b = draw(3, 4), draw(3, 4)
for reduction in ["mean", "sum", "none"]:
    loss_case(reduction, "mseLoss", lambda x, t, r=reduction: F.mse_loss(x, t, reduction=r), a, b, {"reduction": reduction})
    loss_case(reduction, "l1Loss", lambda x, t, r=reduction: F.l1_loss(x, t, reduction=r), a, b, {"reduction": reduction})
for beta, reduction in [(1.0, "mean"), (0.5, "none"), (0.0, "mean"), (2.0, "sum")]:
    loss_case(f"beta {beta}, {reduction}", "smoothL1Loss", lambda x, t, bt=beta, r=reduction: F.smooth_l1_loss(x, t, beta=bt, reduction=r),
              a, b, {"beta": beta, "reduction": reduction})
for delta, reduction in [(1.0, "mean"), (0.5, "none"), (2.0, "sum")]:
    loss_case(f"delta {delta}, {reduction}", "huberLoss", lambda x, t, d=delta, r=reduction: F.huber_loss(x, t, delta=d, reduction=r),
              a, b, {"delta": delta, "reduction": reduction})

BCE = "binaryCrossEntropyWithLogits"
bx = draw(4, 3, scale=2)
by = torch.round(torch.rand(4, 3) * 1000) / 1000
bw = torch.round(torch.rand(4, 3) * 1000) / 1000 + 0.5
pw = torch.tensor([2.0, 0.5, 1.0])
loss_case("mean", BCE, lambda x, t: F.binary_cross_entropy_with_logits(x, t), bx, by)
loss_case("weight", BCE, lambda x, t: F.binary_cross_entropy_with_logits(x, t, weight=bw), bx, by, {}, {"weight": bw})
loss_case("posWeight per class", BCE, lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw), bx, by, {}, {"posWeight": pw})
loss_case("weight [3] + posWeight, sum", BCE, lambda x, t: F.binary_cross_entropy_with_logits(x, t, weight=pw.flip(0), pos_weight=pw, reduction="sum"),
          bx, by, {"reduction": "sum"}, {"weight": pw.flip(0), "posWeight": pw})
loss_case("none", BCE, lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="none"), bx, by, {"reduction": "none"})
loss_case("logits of ±1e4 with posWeight", BCE, lambda x, t: F.binary_cross_entropy_with_logits(x, t, pos_weight=torch.tensor([3.0]), reduction="none"),
          torch.tensor([1e4, -1e4, 1e4, -1e4, 0.0]), torch.tensor([1.0, 0.0, 0.0, 1.0, 0.5]), {"reduction": "none"}, {"posWeight": torch.tensor([3.0])})

fixture = {"generator": "scripts/make-layer-fixtures.py", "command": COMMAND, "torch": torch.__version__, "seed": SEED,
           "layers": LAYERS, "losses": LOSSES}
text = json.dumps(fixture, separators=(",", ":"), allow_nan=False) + "\n"
if len(text) > LIMIT:
    sys.exit(f"make-layer-fixtures: the fixture would be {len(text)} bytes, over the {LIMIT} limit; shrink the cases")
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    f.write(text)
print(f"wrote {os.path.relpath(OUT)}: {len(LAYERS)} layer cases, {len(LOSSES)} loss cases, {len(text)} bytes (torch {torch.__version__})")
