#!/usr/bin/env python3
"""Writes src/models/fixtures/unet-*.safetensors: small U-Nets, a fixed batch and PyTorch's results.

Run from the repository root (needs PyTorch; written against 1.13):

    /usr/bin/python3 scripts/make-unet-fixtures.py

The U-Net of unet_torch.py is src/models/unet.ts written in PyTorch, with the same parameter names
(encoders.i.conv1.weight, ups.i.weight or ups.i.1.weight, decoders.i.bn2.running_var, head.bias, ...).
Each case writes two files:

  unet-<name>.safetensors     the state_dict (float32), after a few training-mode forwards so the
                              running statistics are not the defaults, and with random BN gamma/beta
  unet-<name>-io.safetensors  input x, target y (int32 classes), class weights w; then for
                              mode in (eval, train) and dtype in (f32, f64): <dtype>.<mode>.logits,
                              .ce (cross-entropy with weights w on [N, C, H, W]), .dice (1 - mean soft
                              Dice of softmax(logits) against one-hot y, smoothing 1, summed over the
                              batch), .loss (ce + dice); for f64 also .grad.input, .grad.<parameter>
                              for every parameter, and f64.train.after.<buffer> (running statistics)
Cases: `transpose-bn` (depth 2, width 4, ConvTranspose2d up-sampling, BatchNorm, 1 channel,
5 classes, batch 2 x 16 x 16) and `bilinear-plain` (depth 2, width 4, bilinear + 1x1 conv, no
BatchNorm, 2 channels, 3 classes, batch 2 x 16 x 12; train mode only, the same as eval without BN). The f64 results come from the same float32
weights and batch cast to float64. src/models/unet-parity.test.ts reads them; about 340 kB in all.
"""
import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F
from unet_torch import UNet, dice_loss

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "src", "models", "fixtures")
SEED = 20150518  # the U-Net paper's arXiv date

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


def make_case(name, options, batch):
    torch.manual_seed(SEED + len(name))
    model = UNet(**options)
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.copy_(1 + 0.2 * torch.randn(m.weight.shape, generator=g))
                m.bias.copy_(0.1 * torch.randn(m.bias.shape, generator=g))
        model.train()
        for _ in range(3):
            model(torch.randn(batch, generator=g) * 1.5 + 0.3)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    classes = options["num_classes"]
    x = torch.randn(batch, generator=g)
    y = torch.randint(0, classes, (batch[0], batch[2], batch[3]), generator=g)
    w = 0.5 + torch.rand(classes, generator=g)
    io = {"input": x, "target": y.to(torch.int32), "weight": w}
    for dtype, key in ((torch.float32, "f32"), (torch.float64, "f64")):
        for mode in ("eval", "train") if options["batch_norm"] else ("train",):  # without BN they are the same
            model = model.to(dtype)
            model.load_state_dict(state)
            model.train(mode == "train")
            model.zero_grad()
            xi = x.detach().clone().to(dtype).requires_grad_()
            logits = model(xi)
            ce = F.cross_entropy(logits, y, weight=w.to(dtype))
            dice = dice_loss(logits, y)
            loss = ce + dice
            loss.backward()
            prefix = f"{key}.{mode}"
            io[f"{prefix}.logits"] = logits.detach()
            io[f"{prefix}.ce"] = ce.detach().reshape([])
            io[f"{prefix}.dice"] = dice.detach().reshape([])
            io[f"{prefix}.loss"] = loss.detach().reshape([])
            if key == "f32":
                continue  # float32 gradients are judged against the float64 ones
            io[f"{prefix}.grad.input"] = xi.grad.detach()
            for pname, p in model.named_parameters():
                io[f"{prefix}.grad.{pname}"] = p.grad.detach().clone()
            if mode == "train":
                for bname, b in model.state_dict().items():
                    if "running" in bname:
                        io[f"{prefix}.after.{bname}"] = b.clone()
    parameters = sum(p.numel() for p in model.parameters())
    meta = {"source": f"scripts/make-unet-fixtures.py, torch {torch.__version__}, seed {SEED}", "case": name,
            "options": json.dumps(options), "input": json.dumps(list(batch)), "parameters": str(parameters)}
    size = write_safetensors(os.path.join(OUT, f"unet-{name}.safetensors"), state, meta)
    size += write_safetensors(os.path.join(OUT, f"unet-{name}-io.safetensors"), io, meta)
    print(f"{name}: {parameters:,} parameters, train loss {io['f64.train.loss'].item():.6f}; {size / 1e3:.0f} kB")


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    # Parameter counts of the configurations the docs quote, checked by unet.test.ts.
    for width, depth in ((16, 3), (8, 3), (64, 4)):
        n = sum(p.numel() for p in UNet(1, 11, depth, width).parameters())
        print(f"UNet(in 1, classes 11, depth {depth}, width {width}, transpose, BN): {n:,} parameters")
    make_case("transpose-bn", dict(in_channels=1, num_classes=5, depth=2, width=4, upsampling="transpose", batch_norm=True), (2, 1, 16, 16))
    make_case("bilinear-plain", dict(in_channels=2, num_classes=3, depth=2, width=4, upsampling="bilinear", batch_norm=False), (2, 2, 16, 12))


if __name__ == "__main__":
    main()
