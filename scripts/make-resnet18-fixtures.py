#!/usr/bin/env python3
"""Writes src/models/fixtures/: ResNet-18 weights, a fixed batch and PyTorch's results on it.

Run from the repository root (needs PyTorch and torchvision, written against 1.13 / 0.14):

    /usr/bin/python3 scripts/make-resnet18-fixtures.py            # the small committed fixtures
    /usr/bin/python3 scripts/make-resnet18-fixtures.py --full DIR  # torchvision's resnet18 itself

torchvision's ResNet cannot change its width (64 is hard-coded), so the small fixtures use a
ResNet built from torchvision's own `BasicBlock` (resnet_torch.py) with the layout of `torchvision.models.
ResNet`; the script first checks that this builder, at width 64, gives exactly the state-dict
keys and shapes of `torchvision.models.resnet18()`. Each case writes two safetensors files:

  <name>.safetensors     the model's state_dict, after a few training-mode forwards (so the
                         running statistics are not the defaults) and with random BN γ and β
  <name>-io.safetensors  input, target; then for mode in (eval, train): <mode>.logits,
                         <mode>.loss, <mode>.grad.<parameter> for a few named parameters;
                         and train.after.<buffer> (running statistics after the train forward);
                         for the full case also f64.<mode>.*: the same in float64, from the
                         same float32 weights and batch (the reference for float32 gradients)

Cases: `w8` (ImageNet stem, width 8, 3 channels, 10 classes, batch 3 × 48 × 48) and
`cifar-w4` (CIFAR stem, width 4, 1 channel, 10 classes, batch 4 × 16 × 16), together < 1 MB.
With --full DIR: `full` (torchvision.models.resnet18(), 1000 classes, batch 2 × 224 × 224),
46 MB, not committed. src/models/resnet18-parity.test.ts reads them (the full one when
RESNET18_PARITY_DIR is set). safetensors is written by hand, as in make-safetensors-fixtures.py
(Debian has no python3-safetensors), with the same ordering rules.
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn
import torchvision
from resnet_torch import ResNet

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "src", "models", "fixtures")
SEED = 20151210  # the ResNet paper's arXiv date
GRADS = ["conv1.weight", "bn1.weight", "layer1.0.conv1.weight", "layer2.0.downsample.0.weight",
         "layer3.0.conv1.weight", "layer3.1.bn2.bias", "layer4.1.bn2.weight", "fc.weight", "fc.bias"]
AFTER = ["bn1.running_mean", "bn1.running_var", "layer4.1.bn2.running_var", "layer4.1.bn2.num_batches_tracked"]

DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
TORCH_TO_ST = {torch.float32: "F32", torch.float64: "F64", torch.int32: "I32", torch.int64: "I64"}


def write_safetensors(path, tensors, metadata):
    items = sorted(tensors.items(), key=lambda kv: (-DTYPE_ORDER.index(TORCH_TO_ST[kv[1].dtype]), kv[0].encode("utf-8")))
    parts = ['"__metadata__":{' + ",".join(json.dumps(k) + ":" + json.dumps(metadata[k]) for k in sorted(metadata)) + "}"]
    offset, data = 0, []
    for name, t in items:
        b = t.detach().contiguous().numpy().tobytes()
        shape = ",".join(str(d) for d in t.shape)
        parts.append(f'{json.dumps(name)}:{{"dtype":"{TORCH_TO_ST[t.dtype]}","shape":[{shape}],"data_offsets":[{offset},{offset + len(b)}]}}')
        offset += len(b)
        data.append(b)
    header = ("{" + ",".join(parts) + "}").encode("utf-8")
    header += b" " * ((8 - len(header) % 8) % 8)
    with open(path + ".tmp", "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + b"".join(data))
    os.replace(path + ".tmp", path)
    return 8 + len(header) + offset


def check_builder():
    ours = {k: tuple(v.shape) for k, v in ResNet().state_dict().items()}
    theirs = {k: tuple(v.shape) for k, v in torchvision.models.resnet18().state_dict().items()}
    assert list(ours) == list(theirs) and ours == theirs, "the builder differs from torchvision.models.resnet18"
    n = sum(p.numel() for p in torchvision.models.resnet18().parameters())
    assert n == 11_689_512, n


def make_case(name, model, batch, num_classes, out_dir, float64=False):
    g = torch.Generator().manual_seed(SEED + 1)
    with torch.no_grad():  # non-default BN affine parameters, so a γ/β mix-up cannot pass
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(1 + 0.2 * torch.randn(m.weight.shape, generator=g))
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
    model.train()
    with torch.no_grad():  # running statistics away from 0 / 1
        for _ in range(3):
            model(torch.randn(batch, generator=g) * 1.5 + 0.3)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    x = torch.randn(batch, generator=g)
    y = torch.randint(0, num_classes, (batch[0],), generator=g)
    io = {"input": x, "target": y}
    for mode in ("eval", "train"):
        model.load_state_dict(state)
        model.train(mode == "train")
        model.zero_grad()
        logits = model(x)
        loss = nn.functional.cross_entropy(logits, y)
        loss.backward()
        named = dict(model.named_parameters())
        io[f"{mode}.logits"] = logits.detach()
        io[f"{mode}.loss"] = loss.detach().reshape([])
        for p in GRADS:
            io[f"{mode}.grad.{p}"] = named[p].grad.detach().clone()
        if mode == "train":
            after = model.state_dict()
            for b in AFTER:
                io[f"train.after.{b}"] = after[b].clone()
    if float64:
        # The same weights and batch in float64: the reference for judging float32 gradients. In
        # the full-width network, early-layer gradients at initialisation cancel heavily, and
        # PyTorch's own float32 values differ from these by up to ~1e-2 of their scale.
        model64 = model.double()
        for mode in ("eval", "train"):
            model64.load_state_dict({k: v.double() if v.is_floating_point() else v for k, v in state.items()})
            model64.train(mode == "train")
            model64.zero_grad()
            logits = model64(x.double())
            loss = nn.functional.cross_entropy(logits, y)
            loss.backward()
            named = dict(model64.named_parameters())
            io[f"f64.{mode}.logits"] = logits.detach()
            io[f"f64.{mode}.loss"] = loss.detach().reshape([])
            for p in GRADS:
                io[f"f64.{mode}.grad.{p}"] = named[p].grad.detach().clone()
    meta = {"source": f"scripts/make-resnet18-fixtures.py, torch {torch.__version__}, torchvision {torchvision.__version__}, seed {SEED}",
            "case": name, "input": json.dumps(list(batch)), "classes": str(num_classes)}
    size = write_safetensors(os.path.join(out_dir, f"{name}.safetensors"), state, meta)
    size += write_safetensors(os.path.join(out_dir, f"{name}-io.safetensors"), io, meta)
    print(f"{name}: {sum(p.numel() for p in model.parameters()):,} parameters, loss eval {io['eval.loss'].item():.6f} "
          f"train {io['train.loss'].item():.6f}; {size / 1e6:.2f} MB in {out_dir}")


def main():
    torch.set_num_threads(1)
    check_builder()
    if "--full" in sys.argv:
        out_dir = sys.argv[sys.argv.index("--full") + 1]
        os.makedirs(out_dir, exist_ok=True)
        torch.manual_seed(SEED)
        make_case("full", torchvision.models.resnet18(), (2, 3, 224, 224), 1000, out_dir, float64=True)
        return
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(SEED)
    make_case("w8", ResNet(width=8, num_classes=10), (3, 3, 48, 48), 10, OUT)
    torch.manual_seed(SEED + 2)
    make_case("cifar-w4", ResNet(width=4, num_classes=10, in_channels=1, stem="cifar"), (4, 1, 16, 16), 10, OUT)


if __name__ == "__main__":
    main()
