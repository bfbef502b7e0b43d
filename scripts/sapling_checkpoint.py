"""
Sapling checkpoints in PyTorch: read one into a torch model and optimizer, write one back.

A Sapling checkpoint (src/io/checkpoint.ts) is a safetensors file: tensors `model.<name>` (the
state dict, torchvision's names), `optimizer.<path>` and `extra.<path>`; and in `__metadata__`,
`format` = "sapling.checkpoint", `version` = "1", `state` = JSON {epoch, model: [names],
optimizer, scheduler, rng, extra} with every tensor replaced by {"$tensor": name} and NaN / ±Inf
/ -0 by {"$number": "NaN"} etc. Debian has no python3-safetensors, so the format is read and
written here by hand (it is 8 bytes of header length, the JSON header, then the raw data).

Conventions converted between the two (the rest is the same by construction):
  optimizer state   Sapling: {state: {i: {momentumBuffer | expAvg, expAvgSq, step (an integer)}},
                              paramGroups: [{lr, weightDecay, ..., params: [i, ...]}]}
                    PyTorch: {state: {i: {momentum_buffer | exp_avg, exp_avg_sq, step (a float
                              tensor in 1.13)}}, param_groups: [{lr, weight_decay, ..., params}]}
                    Parameter numbers follow model.parameters() order on both sides.
  buffers           num_batches_tracked is int32 in Sapling, int64 in PyTorch.
Used by continue-in-pytorch.py and ddp-from-sapling.py; written against torch 1.13.
"""
import json
import os
import struct
import sys

import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resnet_torch import ResNet  # noqa: E402  (torchvision's layout with a free width)

FORMAT, VERSION = "sapling.checkpoint", "1"
ST_TO_TORCH = {"F32": torch.float32, "F64": torch.float64, "I32": torch.int32, "I64": torch.int64}
TORCH_TO_ST = {v: k for k, v in ST_TO_TORCH.items()}
DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]

# Sapling's optimizer option and state names, and PyTorch's.
OPTION_NAMES = {"lr": "lr", "momentum": "momentum", "dampening": "dampening", "weightDecay": "weight_decay",
                "nesterov": "nesterov", "maximize": "maximize", "betas": "betas", "eps": "eps", "amsgrad": "amsgrad"}
STATE_NAMES = {"momentumBuffer": "momentum_buffer", "expAvg": "exp_avg", "expAvgSq": "exp_avg_sq",
               "maxExpAvgSq": "max_exp_avg_sq", "step": "step"}
SAPLING_OPTIONS = {"SGD": ["lr", "momentum", "dampening", "weightDecay", "nesterov", "maximize"],
                   "Adam": ["lr", "betas", "eps", "weightDecay", "amsgrad", "maximize"],
                   "AdamW": ["lr", "betas", "eps", "weightDecay", "amsgrad", "maximize"]}


# ── safetensors ──

def read_safetensors(path):
    """(tensors by name, metadata) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        dtype = ST_TO_TORCH[info["dtype"]]
        raw = bytearray(data[base + begin:base + end])
        t = torch.frombuffer(raw, dtype=dtype) if raw else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"]).clone()
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """Writes a safetensors file the way the reference (and Sapling) does, atomically."""
    items = sorted(tensors.items(), key=lambda kv: (-DTYPE_ORDER.index(TORCH_TO_ST[kv[1].dtype]), kv[0].encode("utf-8")))
    parts = ['"__metadata__":{' + ",".join(json.dumps(k) + ":" + json.dumps(metadata[k]) for k in sorted(metadata)) + "}"]
    offset, chunks = 0, []
    for name, t in items:
        b = t.detach().contiguous().cpu().numpy().tobytes()
        shape = ",".join(str(d) for d in t.shape)
        parts.append(f'{json.dumps(name)}:{{"dtype":"{TORCH_TO_ST[t.dtype]}","shape":[{shape}],"data_offsets":[{offset},{offset + len(b)}]}}')
        offset += len(b)
        chunks.append(b)
    header = ("{" + ",".join(parts) + "}").encode("utf-8")
    header += b" " * ((8 - len(header) % 8) % 8)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + b"".join(chunks))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


# ── the checkpoint's JSON state ──

SPECIAL = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf"), "-0": -0.0}


def _decode(value, tensors):
    if isinstance(value, list):
        return [_decode(v, tensors) for v in value]
    if isinstance(value, dict):
        if set(value) == {"$tensor"}:
            return tensors[value["$tensor"]]
        if set(value) == {"$number"}:
            return SPECIAL[value["$number"]]
        return {k: _decode(v, tensors) for k, v in value.items()}
    return value


def _encode(value, path, tensors):
    if isinstance(value, torch.Tensor):
        name = ".".join(path)
        tensors[name] = value
        return {"$tensor": name}
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return {"$number": "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")}
    if isinstance(value, dict):
        return {str(k): _encode(v, path + [str(k)], tensors) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v, path + [str(i)], tensors) for i, v in enumerate(value)]
    return value


def load_checkpoint(path):
    """{'model': {name: tensor}, 'epoch', 'optimizer', 'extra', ...} from a Sapling checkpoint."""
    tensors, meta = read_safetensors(path)
    if meta.get("format") != FORMAT or meta.get("version") != VERSION:
        raise ValueError(f"{path}: not a Sapling checkpoint version {VERSION} (metadata {meta.get('format')!r} {meta.get('version')!r})")
    state = json.loads(meta["state"])
    out = {"epoch": state["epoch"], "model": {name: tensors[f"model.{name}"] for name in state["model"]}}
    for part in ("optimizer", "scheduler", "rng", "extra"):
        if part in state:
            out[part] = _decode(state[part], tensors)
    return out


def save_checkpoint(path, model_state, epoch, optimizer=None, extra=None):
    """Writes a Sapling checkpoint: the state dict (int64 buffers as int32), optimizer and extra parts."""
    tensors = {}
    names = []
    for name, t in model_state.items():
        tensors[f"model.{name}"] = t.to(torch.int32) if t.dtype == torch.int64 else t
        names.append(name)
    state = {"epoch": epoch, "model": names}
    if optimizer is not None:
        state["optimizer"] = _encode(optimizer, ["optimizer"], tensors)
    if extra is not None:
        state["extra"] = _encode(extra, ["extra"], tensors)
    write_safetensors(path, tensors, {"format": FORMAT, "version": VERSION, "state": json.dumps(state, separators=(",", ":"))})


# ── models ──

def build_model(arch):
    """The PyTorch model Sapling's checkpoint was written from (same names, same layouts)."""
    if arch["name"] == "mnist-cnn":  # src/models/mnist-cnn.ts
        return nn.Sequential(
            nn.Conv2d(1, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 5), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 4 * 4, 64), nn.ReLU(), nn.Linear(64, 10))
    if arch["name"] == "resnet18":  # src/models/resnet18.ts; torchvision.models.resnet18 at width 64
        width, stem = arch.get("width", 64), arch.get("stem", "imagenet")
        classes, channels = arch.get("numClasses", 1000), arch.get("inChannels", 3)
        if width == 64 and stem == "imagenet" and channels == 3:
            import torchvision
            return torchvision.models.resnet18(num_classes=classes)
        return ResNet(width=width, num_classes=classes, in_channels=channels, stem=stem)
    raise ValueError(f"unknown architecture {arch!r} (known: mnist-cnn, resnet18)")


def load_model_state(model, state):
    """Loads Sapling's state dict strictly, converting int32 buffers to PyTorch's int64."""
    ours = model.state_dict()
    converted = {k: v.to(ours[k].dtype) if k in ours else v for k, v in state.items()}
    model.load_state_dict(converted, strict=True)


# ── optimizers ──

def build_optimizer(kind, params, sapling_state):
    """A torch optimizer of class `kind` over `params`, holding Sapling's optimizer state."""
    groups = sapling_state["paramGroups"]
    if len(groups) != 1:
        raise ValueError("only one parameter group is converted here")
    group = groups[0]
    options = {OPTION_NAMES[k]: (tuple(v) if isinstance(v, list) else v) for k, v in group.items() if k != "params"}
    cls = {"SGD": torch.optim.SGD, "Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW}[kind]
    optimizer = cls(params, **options)
    state = {}
    for index, entry in sapling_state["state"].items():
        converted = {}
        for key, value in entry.items():
            if key == "step":
                converted["step"] = torch.tensor(float(value))  # torch 1.13 keeps Adam's step as a tensor
            else:
                converted[STATE_NAMES[key]] = value.clone()
        state[int(index)] = converted
    torch_group = dict(optimizer.state_dict()["param_groups"][0])
    torch_group["params"] = list(group["params"])
    optimizer.load_state_dict({"state": state, "param_groups": [torch_group]})
    return optimizer


def optimizer_to_sapling(kind, optimizer):
    """The torch optimizer's state as Sapling's `optimizer.stateDict()` shape."""
    sd = optimizer.state_dict()
    back = {v: k for k, v in STATE_NAMES.items()}
    state = {}
    for index, entry in sd["state"].items():
        state[str(index)] = {back[k]: (int(round(float(v))) if k == "step" else v.detach().clone()) for k, v in entry.items()}
    groups = []
    for g in sd["param_groups"]:
        options = {k: (list(g[OPTION_NAMES[k]]) if k == "betas" else g[OPTION_NAMES[k]]) for k in SAPLING_OPTIONS[kind]}
        options["params"] = list(g["params"])
        groups.append(options)
    return {"state": state, "paramGroups": groups}


LOSSES = {"cross_entropy": lambda logits, target: nn.functional.cross_entropy(logits, target.long())}
