#!/usr/bin/env python3
"""Writes src/io/fixtures/: safetensors files made from PyTorch tensors, and checks Sapling both ways.

Run from the repository root (needs PyTorch, written against 1.13, and node_modules for `npx tsx`):

    /usr/bin/python3 scripts/make-safetensors-fixtures.py

Debian has no package of the `safetensors` Python library, so this script writes and reads the
format by hand, following the reference implementation (the `safetensors` Rust crate,
safetensors/src/tensor.rs): an 8-byte little-endian header length N; N bytes of compact JSON
padded with spaces to a multiple of 8; "__metadata__" first, then the tensors sorted by dtype
alignment (descending, in the crate's Dtype order) and then by name; each tensor's entry written
as {"dtype", "shape", "data_offsets"}; the data packed with no gaps. Before using the writer, the
script checks it against the byte strings the crate's own tests expect.

Outputs (all deterministic, rewritten on each run):
  torch-state.safetensors  a small PyTorch model's state_dict (Conv2d, BatchNorm2d with its int64
                           num_batches_tracked, Linear) plus one tensor of each dtype Sapling reads
                           (F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL), a 0-d and an empty
                           tensor, non-ASCII and escaped names, and metadata.
  torch-state.json         what Sapling must read from it: name -> stored dtype, shape, values
                           (exactly converted; "Infinity", "-Infinity", "NaN", "-0" as strings).
  reference.json           a fixed dict of F64/F32/I32 tensors and metadata, as plain values.
  reference.safetensors    that dict written by the reference rules; src/io/safetensors.test.ts
                           checks that Sapling's writer produces these exact bytes.

Then it runs Sapling (npx tsx) to write the reference dict, a checkpoint, and the torch model's
state re-saved after loading, reads all three back here with a strict reader, and checks them
against PyTorch: the bytes, the values, and the model's output after load_state_dict.
"""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

import torch
import torch.nn as nn

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT = os.path.join(ROOT, "src", "io", "fixtures")
SEED = 20240607

assert sys.byteorder == "little", "safetensors data is little-endian; run this on a little-endian machine"

# The crate's Dtype enum, in declaration order: its sort key for writing ("increasing alignment").
DTYPE_ORDER = ["BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
ITEM_BYTES = {"BOOL": 1, "U8": 1, "I8": 1, "I16": 2, "F16": 2, "BF16": 2, "I32": 4, "F32": 4, "F64": 8, "I64": 8}
TORCH_TO_ST = {
    torch.bool: "BOOL", torch.uint8: "U8", torch.int8: "I8", torch.int16: "I16", torch.float16: "F16",
    torch.bfloat16: "BF16", torch.int32: "I32", torch.float32: "F32", torch.float64: "F64", torch.int64: "I64",
}
ST_TO_TORCH = {v: k for k, v in TORCH_TO_ST.items()}


def raw_bytes(t):
    t = t.detach().contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16: reinterpret the same 2 bytes
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def dumps(s):
    # serde_json writes non-ASCII as UTF-8 and escapes control characters as \n, \t or \u00xx,
    # as json.dumps(ensure_ascii=False) does.
    return json.dumps(s, ensure_ascii=False)


def write(tensors, metadata=None):
    """The safetensors bytes of {name: torch tensor}, by the reference implementation's rules."""
    items = sorted(tensors.items(), key=lambda kv: (-DTYPE_ORDER.index(TORCH_TO_ST[kv[1].dtype]), kv[0].encode("utf-8")))
    parts = []
    if metadata is not None:
        keys = sorted(metadata, key=lambda k: k.encode("utf-8"))
        parts.append('"__metadata__":{' + ",".join(dumps(k) + ":" + dumps(metadata[k]) for k in keys) + "}")
    offset = 0
    data = []
    for name, t in items:
        b = raw_bytes(t)
        shape = ",".join(str(d) for d in t.shape)
        parts.append(f'{dumps(name)}:{{"dtype":"{TORCH_TO_ST[t.dtype]}","shape":[{shape}],"data_offsets":[{offset},{offset + len(b)}]}}')
        offset += len(b)
        data.append(b)
    header = ("{" + ",".join(parts) + "}").encode("utf-8")
    header += b" " * ((8 - len(header) % 8) % 8)
    return struct.pack("<Q", len(header)) + header + b"".join(data)


def read(buf):
    """A strict reader: (tensors, metadata), refusing anything the reference would refuse."""
    (n,) = struct.unpack("<Q", buf[:8])
    assert n <= 100_000_000 and 8 + n <= len(buf), "bad header length"
    text = buf[8:8 + n].decode("utf-8")
    assert text.startswith("{")

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        assert len(keys) == len(set(keys)), f"duplicate keys {keys}"
        return dict(pairs)

    header = json.loads(text, object_pairs_hook=no_duplicates)
    metadata = header.pop("__metadata__", None)
    data = buf[8 + n:]
    covered = 0
    tensors = {}
    for name, info in sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"])):
        assert set(info) == {"dtype", "shape", "data_offsets"}, info
        begin, end = info["data_offsets"]
        assert begin == covered and end >= begin, f"{name}: offsets {begin},{end} after {covered}"
        count = math.prod(info["shape"])
        assert end - begin == count * ITEM_BYTES[info["dtype"]], name
        dtype = ST_TO_TORCH[info["dtype"]]
        chunk = bytearray(data[begin:end])
        if dtype == torch.bfloat16:
            t = torch.frombuffer(chunk, dtype=torch.int16).view(torch.bfloat16) if count else torch.zeros(0, dtype=dtype)
        else:
            t = torch.frombuffer(chunk, dtype=dtype) if count else torch.zeros(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"]).clone()
        covered = end
    assert covered == len(data), "data not fully covered"
    return tensors, metadata


def check_writer_against_reference_tests():
    """The byte strings that the crate's tests (test_serialization, test_empty,
    test_serialization_forced_alignement) expect, described here rather than copied."""
    f32 = torch.arange(6, dtype=torch.float32)
    out = write({"attn.0": f32.reshape(1, 2, 3)})
    header = b'{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}'
    assert len(header) == 64 and out == struct.pack("<Q", 64) + header + raw_bytes(f32), out
    out = write({"attn0": f32.reshape(1, 1, 2, 3)})
    header = b'{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}'
    assert len(header) == 65 and out == struct.pack("<Q", 72) + header + b" " * 7 + raw_bytes(f32), out
    assert write({}) == struct.pack("<Q", 8) + b"{}" + b" " * 6
    meta = b'{"__metadata__":{"framework":"pt"}}'
    assert write({}, {"framework": "pt"}) == struct.pack("<Q", 40) + meta + b" " * 5


def encode_value(v):
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return v
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if v == 0 and math.copysign(1, v) < 0:
        return "-0"
    return v


def expected_of(t):
    """Values as Sapling must read them: floats converted exactly to float64, integers as ints."""
    flat = t.reshape(-1)
    if t.dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64):
        values = [encode_value(float(x)) for x in flat.to(torch.float64).tolist()]
    else:
        values = [encode_value(int(x)) for x in flat.tolist()]
    return {"dtype": TORCH_TO_ST[t.dtype], "shape": list(t.shape), "values": values}


def make_model():
    torch.manual_seed(SEED)
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3))
    model.train()
    with torch.no_grad():
        model(torch.randn(4, 1, 4, 4))  # one training step of BatchNorm: running stats move, num_batches_tracked = 1
    model.eval()
    return model


def torch_state():
    model = make_model()
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    g = torch.Generator().manual_seed(SEED)
    state.update({
        "dtypes.f64": torch.tensor([1 / 3, -2.5, 1e-300], dtype=torch.float64),
        "dtypes.f16": torch.tensor([1.0, -0.0, 2 ** -24, 65504.0, float("inf"), 0.1], dtype=torch.float16),
        "dtypes.bf16": torch.tensor([1.0, -3.140625, 1e38, 2 ** -130], dtype=torch.bfloat16),
        "dtypes.i64": torch.tensor([0, -1, 2 ** 31 - 1, -(2 ** 31)], dtype=torch.int64),
        "dtypes.i32": torch.randint(-1000, 1000, (2, 2), generator=g, dtype=torch.int32),
        "dtypes.i16": torch.tensor([-32768, 7, 32767], dtype=torch.int16),
        "dtypes.i8": torch.tensor([-128, 0, 127], dtype=torch.int8),
        "dtypes.u8": torch.tensor([0, 128, 255], dtype=torch.uint8),
        "dtypes.bool": torch.tensor([True, False, True]),
        "shapes.scalar": torch.tensor(2.5, dtype=torch.float32),
        "shapes.empty": torch.zeros(0, 3, dtype=torch.float32),
        "names.ünïcödé": torch.tensor([1.0]),
        'names.quote"back\\slash\ttab': torch.tensor([2.0]),
    })
    return model, state


def reference_dict():
    """Tensors chosen to exercise the writer's ordering rules: mixed dtypes, an integer-like
    name ("10"), a non-ASCII name that sorts after ASCII by its UTF-8 bytes, a 0-d and an empty
    tensor, metadata keys that JavaScript objects would reorder."""
    spec = [
        ("encoder.weight", torch.float32, [2, 3], [0.5, -1.25, 3.0, 1e-3, -7.75, 100.0]),
        ("encoder.bias", torch.float32, [2], [0.1, -0.2]),
        ("head.scale", torch.float64, [2], [1 / 3, -2.0]),
        ("step", torch.int32, [], [42]),
        ("labels", torch.int32, [4], [3, -1, 2147483647, -2147483648]),
        ("10", torch.float32, [1], [9.0]),
        ("émbed", torch.float32, [1, 2], [0.25, 0.75]),
        ("a", torch.float64, [0], []),
    ]
    tensors = {name: torch.tensor(values, dtype=dtype).reshape(shape) for name, dtype, shape, values in spec}
    metadata = {"b": "2", "a": "1", "10": "ten", "note": "written by scripts/make-safetensors-fixtures.py"}
    as_json = {
        "metadata": metadata,
        "tensors": [{"name": n, "dtype": {torch.float32: "float32", torch.float64: "float64", torch.int32: "int32"}[d], "shape": s, "values": v}
                    for n, d, s, v in spec],
    }
    return tensors, metadata, as_json


SAPLING_SCRIPT = r"""
import { readFileSync } from 'node:fs';
import { tensor } from '%(root)s/src/autograd/creation.ts';
import { loadSafetensors, saveSafetensors } from '%(root)s/src/io/safetensors.ts';
import { saveCheckpoint } from '%(root)s/src/io/checkpoint.ts';
const [referenceJson, torchFile, outReference, outCheckpoint, outModel] = process.argv.slice(2);
const ref = JSON.parse(readFileSync(referenceJson, 'utf8'));
const dict = Object.fromEntries(ref.tensors.map((t) => [t.name, tensor(t.values, t.shape, { dtype: t.dtype })]));
saveSafetensors(outReference, dict, ref.metadata);
saveCheckpoint(outCheckpoint, {
  model: dict,
  optimizer: { state: { 0: { momentum_buffer: tensor([1, 2, 3], [3], { dtype: 'float32' }) } }, param_groups: [{ lr: 0.1, momentum: 0.9, params: [0] }] },
  scheduler: { best: Infinity, last_epoch: 3 },
  epoch: 3,
});
const loaded = loadSafetensors(torchFile).tensors;
const model = Object.fromEntries(Object.entries(loaded).filter(([k]) => /^[0-9]+\./.test(k)));
saveSafetensors(outModel, model, { format: 'pt' });
"""


def run_sapling(tmp, reference_json):
    script = os.path.join(tmp, "write.ts")
    with open(script, "w") as f:
        f.write(SAPLING_SCRIPT % {"root": ROOT})
    paths = [os.path.join(tmp, name) for name in ("reference.safetensors", "checkpoint.safetensors", "model.safetensors")]
    subprocess.run(["npx", "tsx", script, reference_json, os.path.join(OUT, "torch-state.safetensors"), *paths], cwd=ROOT, check=True)
    return paths


def save(name, data):
    mode = "w" if isinstance(data, str) else "wb"
    with open(os.path.join(OUT, name), mode) as f:
        f.write(data)
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    print(f"wrote src/io/fixtures/{name} ({size} bytes)")


def main():
    check_writer_against_reference_tests()
    os.makedirs(OUT, exist_ok=True)

    model, state = torch_state()
    torch_bytes = write(state, {"format": "pt", "written_by": "scripts/make-safetensors-fixtures.py", "torch": torch.__version__})
    assert read(torch_bytes)[0].keys() == state.keys()
    save("torch-state.safetensors", torch_bytes)
    expected = {"generator": "/usr/bin/python3 scripts/make-safetensors-fixtures.py", "torch": torch.__version__,
                "tensors": {k: expected_of(v) for k, v in state.items()}}
    save("torch-state.json", json.dumps(expected, ensure_ascii=False, indent=1) + "\n")

    tensors, metadata, as_json = reference_dict()
    reference_bytes = write(tensors, metadata)
    save("reference.safetensors", reference_bytes)
    save("reference.json", json.dumps(as_json, ensure_ascii=False, indent=1) + "\n")

    # Both ways: Sapling writes, we read here.
    with tempfile.TemporaryDirectory() as tmp:
        ref_path, ckpt_path, model_path = run_sapling(tmp, os.path.join(OUT, "reference.json"))
        with open(ref_path, "rb") as f:
            sapling_bytes = f.read()
        assert sapling_bytes == reference_bytes, "Sapling's writer differs from the reference rules"
        got, got_meta = read(sapling_bytes)
        assert got_meta == metadata
        for k, v in tensors.items():
            assert got[k].dtype == v.dtype and torch.equal(got[k], v), k

        with open(ckpt_path, "rb") as f:
            ckpt, ckpt_meta = read(f.read())
        assert ckpt_meta["format"] == "sapling.checkpoint" and ckpt_meta["version"] == "1"
        ckpt_state = json.loads(ckpt_meta["state"])
        assert ckpt_state["epoch"] == 3 and ckpt_state["scheduler"]["best"] == {"$number": "Infinity"}
        assert ckpt_state["optimizer"]["state"]["0"]["momentum_buffer"] == {"$tensor": "optimizer.state.0.momentum_buffer"}
        assert torch.equal(ckpt["optimizer.state.0.momentum_buffer"], torch.tensor([1.0, 2.0, 3.0]))
        for k, v in tensors.items():
            assert torch.equal(ckpt["model." + k], v), k

        # The torch model's state, read by Sapling and written back, loads into a fresh model
        # (int64 num_batches_tracked comes back as int32; load_state_dict copies it into int64).
        with open(model_path, "rb") as f:
            back, _ = read(f.read())
        fresh = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(8, 3)).eval()
        fresh.load_state_dict(back, strict=True)
        x = torch.randn(5, 1, 4, 4, generator=torch.Generator().manual_seed(1))
        assert torch.equal(fresh(x), model(x)), "the model's output changed after the round trip"
    print("checked: Sapling's bytes equal the reference rules; its files read back in PyTorch, values and model output equal")


if __name__ == "__main__":
    main()
