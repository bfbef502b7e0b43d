#!/usr/bin/env python3
"""Writes src/optim/fixtures/torch-optim.json: what PyTorch's optimizers, gradient clipping and
learning-rate schedulers do on a small fixed problem.

Run from the repository root:

    /usr/bin/python3 scripts/make-optim-fixtures.py

The problem. Four parameters, drawn from a seeded generator and rounded to 3 decimals (so both
sides read exactly the same numbers): w [3, 4], b [4], v [2, 2] and u [2]. The loss is

    L = mean((tanh(X @ w + b) - Y)^2) + 0.05 * sum(w^4) + sum(k * (v - t)^2)

with fixed X [5, 3], Y [5, 4], k [2, 2], t [2, 2]. u is never used, so it never gets a gradient
and every optimizer must skip it. Each optimizer case runs K = 6 steps (or its own "steps") of
zero_grad (to None) -> loss.backward() -> step() [-> scheduler.step()], in float64 (every
step's parameters are recorded) and in float32 (the final parameters). The test that reads the
file is src/optim/torch-parity.test.ts; it needs no Python.

Two PyTorch 1.13 details shape the NAdam and RAdam cases. Neither has a `maximize` flag in 1.13
(PyTorch 2 added it: g <- -g), so Sapling's maximize cases are made by minimising -L, whose
gradient is exactly -g. And 1.13's default (single-tensor) NAdam multiplies mu_t into the
product for mu_{t+1} twice, against its own documented formula; PyTorch 2 fixed that
(pytorch/pytorch#92699), and 1.13's foreach path already had it right, so NAdam runs with
foreach=True. NAdam also keeps its product of mu in a 0-d tensor of the *default* dtype, so its
float64 runs use torch.set_default_dtype(torch.float64) (the float32 runs are PyTorch as is).

Scheduler cases drive SGD on a dummy parameter and record get_last_lr() after construction and
after each step (and the momentum, or Adam's beta1, for OneCycleLR). The newer cases are written
once, as Sapling's spec ({kind, options}, camelCase, nested for SequentialLR and
ChainedScheduler), and translated here into PyTorch's classes; LambdaLR's functions are named
in LAMBDAS and the test defines the same ones.
"""
import contextlib
import json
import math
import os
import warnings

import torch
from torch.optim import SGD, Adadelta, Adagrad, Adam, AdamW, NAdam, RAdam, RMSprop
from torch.optim import lr_scheduler as S

COMMAND = "/usr/bin/python3 scripts/make-optim-fixtures.py"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "optim", "fixtures", "torch-optim.json")
SEED = 20240607
K = 6

torch.manual_seed(SEED)
# SequentialLR steps its second scheduler with an explicit epoch at the milestone; that is the point.
warnings.filterwarnings("ignore", message="The epoch parameter")


def draw(*shape, scale=1.0):
    x = torch.randn(tuple(shape), dtype=torch.float64) * scale
    return torch.round(x * 1000) / 1000


DATA = {"X": draw(5, 3), "Y": draw(5, 4, scale=0.5), "k": draw(2, 2).abs() + 0.1, "t": draw(2, 2)}
INIT = {"w": draw(3, 4, scale=0.5), "b": draw(4, scale=0.1), "v": draw(2, 2), "u": draw(2)}
NAMES = ["w", "b", "v", "u"]


def flat(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


def enc(t):
    return {"shape": list(t.shape), "data": flat(t)}


def make_params(dtype):
    return {n: INIT[n].clone().to(dtype).requires_grad_(True) for n in NAMES}


def loss_fn(p, dtype):
    X, Y, k, t = (DATA[n].to(dtype) for n in ("X", "Y", "k", "t"))
    fit = ((torch.tanh(X @ p["w"] + p["b"]) - Y) ** 2).mean()
    return fit + 0.05 * (p["w"] ** 4).sum() + (k * (p["v"] - t) ** 2).sum()


OPTIMIZERS = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW, "RMSprop": RMSprop,
              "Adagrad": Adagrad, "Adadelta": Adadelta, "NAdam": NAdam, "RAdam": RAdam}
# NAdam: the foreach path is the one that follows the documented formula in 1.13 (see the header).
FOREACH = {"NAdam": True}
# Sapling's option names for PyTorch's.
RENAME = {"weight_decay": "weightDecay", "lr_decay": "lrDecay",
          "initial_accumulator_value": "initialAccumulatorValue", "momentum_decay": "momentumDecay"}


def sapling_options(options):
    return {RENAME.get(k, k): (list(v) if isinstance(v, tuple) else v) for k, v in options.items()}


def build_groups(p, groups):
    """groups: None (one group of all parameters) or a list of (names, options) pairs."""
    if groups is None:
        return [p[n] for n in NAMES]
    return [dict(params=[p[n] for n in names], **options) for names, options in groups]


def build_schedule(opt, schedule):
    if schedule is None:
        return None
    kind, options, _ = schedule
    return getattr(S, kind)(opt, **options)


@contextlib.contextmanager
def default_dtype(dtype):
    before = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        yield
    finally:
        torch.set_default_dtype(before)


def run(optimizer, options, groups, schedule, dtype, steps, sign):
    p = make_params(dtype)
    opt = OPTIMIZERS[optimizer](build_groups(p, groups), **options, foreach=FOREACH.get(optimizer, False))
    sched = build_schedule(opt, schedule)
    record = []
    for _ in range(steps):
        opt.zero_grad(set_to_none=True)
        (sign * loss_fn(p, dtype)).backward()
        opt.step()
        if sched is not None:
            sched.step()
        record.append({n: flat(p[n]) for n in NAMES})
    return record


OPTIM_CASES = []


def optim_case(name, optimizer, options, groups=None, schedule=None, steps=K, maximize_by_negating=False):
    """maximize_by_negating: PyTorch 1.13 minimises -L; Sapling's case maximises L (see the header)."""
    sign = -1.0 if maximize_by_negating else 1.0
    with default_dtype(torch.float64 if optimizer == "NAdam" else torch.float32):
        f64 = run(optimizer, options, groups, schedule, torch.float64, steps, sign)
    f32 = run(optimizer, options, groups, schedule, torch.float32, steps, sign)
    case = {
        "name": name,
        "optimizer": optimizer,
        "options": {**sapling_options(options), **({"maximize": True} if maximize_by_negating else {})},
        "groups": None if groups is None else [{"params": names, "options": sapling_options(o)} for names, o in groups],
        "schedule": None if schedule is None else {"kind": schedule[0], "options": schedule[2]},
        "float64": f64,
        "float32Final": f32[-1],
    }
    if steps != K:
        case["steps"] = steps
    OPTIM_CASES.append(case)


optim_case("sgd plain", "SGD", {"lr": 0.1})
optim_case("sgd momentum", "SGD", {"lr": 0.05, "momentum": 0.9})
optim_case("sgd momentum dampening weight decay", "SGD", {"lr": 0.05, "momentum": 0.8, "dampening": 0.3, "weight_decay": 0.01})
optim_case("sgd nesterov weight decay", "SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True, "weight_decay": 1e-3})
optim_case("sgd maximize", "SGD", {"lr": 0.01, "momentum": 0.5, "maximize": True})
optim_case("sgd two groups", "SGD", {"lr": 0.1, "momentum": 0.9},
           groups=[(["w", "b"], {}), (["v", "u"], {"lr": 0.01, "momentum": 0.0})])
optim_case("adam default", "Adam", {"lr": 0.01})
optim_case("adam weight decay amsgrad", "Adam", {"lr": 0.02, "weight_decay": 0.1, "amsgrad": True})
optim_case("adam betas eps maximize", "Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-3, "maximize": True})
optim_case("adam two groups", "Adam", {"lr": 0.01},
           groups=[(["w"], {"amsgrad": True}), (["b", "v", "u"], {"lr": 0.05, "betas": (0.5, 0.9)})])
optim_case("adamw default", "AdamW", {"lr": 0.01})
optim_case("adamw weight decay amsgrad", "AdamW", {"lr": 0.01, "weight_decay": 0.5, "amsgrad": True})
optim_case("rmsprop default", "RMSprop", {"lr": 0.01})
optim_case("rmsprop centered momentum weight decay", "RMSprop",
           {"lr": 0.01, "alpha": 0.9, "momentum": 0.9, "centered": True, "weight_decay": 0.01})
optim_case("rmsprop momentum eps", "RMSprop", {"lr": 0.005, "momentum": 0.5, "eps": 1e-4})
optim_case("rmsprop centered maximize", "RMSprop", {"lr": 0.001, "centered": True, "maximize": True})
# Schedules inside the loop: the lr (and OneCycleLR's momentum / beta1) changes between steps.
optim_case("sgd momentum with StepLR", "SGD", {"lr": 0.1, "momentum": 0.9},
           schedule=("StepLR", {"step_size": 2, "gamma": 0.5}, {"stepSize": 2, "gamma": 0.5}))
optim_case("sgd with OneCycleLR (cycles momentum)", "SGD", {"lr": 0.1, "momentum": 0.9},
           schedule=("OneCycleLR", {"max_lr": 0.2, "total_steps": K}, {"maxLr": 0.2, "totalSteps": K}))
optim_case("adam with OneCycleLR (cycles beta1)", "Adam", {"lr": 0.01},
           schedule=("OneCycleLR", {"max_lr": 0.05, "total_steps": K, "pct_start": 0.5}, {"maxLr": 0.05, "totalSteps": K, "pctStart": 0.5}))
optim_case("adagrad default", "Adagrad", {"lr": 0.1})
optim_case("adagrad lr decay weight decay accumulator eps", "Adagrad",
           {"lr": 0.2, "lr_decay": 0.1, "weight_decay": 0.05, "initial_accumulator_value": 0.5, "eps": 1e-3})
optim_case("adagrad maximize", "Adagrad", {"lr": 0.05, "maximize": True})
# PyTorch fills every sum from the constructor's initial_accumulator_value and ignores a group's
# own (Sapling uses the group's), so this case sets it for all groups.
optim_case("adagrad two groups", "Adagrad", {"lr": 0.1, "initial_accumulator_value": 1.0},
           groups=[(["w", "b"], {"lr_decay": 0.5}), (["v", "u"], {"lr": 0.3, "weight_decay": 0.1})])
optim_case("adadelta default (lr 1)", "Adadelta", {})
optim_case("adadelta rho eps weight decay", "Adadelta", {"lr": 0.5, "rho": 0.5, "eps": 1e-3, "weight_decay": 0.1})
optim_case("adadelta maximize", "Adadelta", {"lr": 2.0, "maximize": True})
optim_case("adadelta with StepLR (pytorch/examples MNIST)", "Adadelta", {"lr": 1.0},
           schedule=("StepLR", {"step_size": 1, "gamma": 0.7}, {"stepSize": 1, "gamma": 0.7}))
optim_case("nadam default lr 1e-2", "NAdam", {"lr": 0.01})
optim_case("nadam betas momentum decay weight decay eps", "NAdam",
           {"lr": 0.02, "betas": (0.8, 0.9), "momentum_decay": 0.1, "weight_decay": 0.05, "eps": 1e-4})
optim_case("nadam maximize", "NAdam", {"lr": 0.01}, maximize_by_negating=True)
optim_case("nadam two groups", "NAdam", {"lr": 0.01},
           groups=[(["w"], {"momentum_decay": 0.5}), (["b", "v", "u"], {"lr": 0.05, "betas": (0.5, 0.9)})])
# RAdam's rectified branch starts once rho_t > 5: at step 6 for beta2 = 0.999, step 7 for 0.9.
optim_case("radam default, 10 steps (rectified from step 6)", "RAdam", {"lr": 0.01}, steps=10)
optim_case("radam betas weight decay eps", "RAdam",
           {"lr": 0.05, "betas": (0.8, 0.9), "weight_decay": 0.1, "eps": 1e-4}, steps=10)
optim_case("radam maximize", "RAdam", {"lr": 0.01}, steps=8, maximize_by_negating=True)
optim_case("radam two groups", "RAdam", {"lr": 0.01},
           groups=[(["w", "b"], {}), (["v", "u"], {"lr": 0.1, "betas": (0.5, 0.99)})], steps=8)


# ── gradient clipping: gradients of the loss at the initial parameters ──
def clip_case(name, fn, args):
    p = make_params(torch.float64)
    loss_fn(p, torch.float64).backward()
    before = {n: flat(p[n].grad) for n in NAMES if p[n].grad is not None}
    params = [p[n] for n in NAMES]
    result = fn(params, *args)
    return {
        "name": name,
        "fn": fn.__name__.rstrip("_"),
        "args": [a if a != math.inf else "Infinity" for a in args],
        "gradsBefore": before,
        "gradsAfter": {n: flat(p[n].grad) for n in NAMES if p[n].grad is not None},
        "totalNorm": None if result is None else float(result),
    }


from torch.nn.utils import clip_grad_norm_, clip_grad_value_  # noqa: E402

CLIP_CASES = [
    clip_case("2-norm, clipped", clip_grad_norm_, [0.5, 2.0]),
    clip_case("1-norm, clipped", clip_grad_norm_, [0.5, 1.0]),
    clip_case("inf-norm, clipped", clip_grad_norm_, [0.1, math.inf]),
    clip_case("3-norm, clipped", clip_grad_norm_, [0.3, 3.0]),
    clip_case("2-norm, under the limit", clip_grad_norm_, [100.0, 2.0]),
    clip_case("value", clip_grad_value_, [0.05]),
]


# ── schedulers: lr (and momentum) sequences ──
def schedule_case(name, sapling, make, steps, lrs=(0.1,), optimizer="SGD", metrics=None, epochs=None):
    params = [torch.zeros(1, requires_grad=True) for _ in lrs]
    groups = [{"params": [q], "lr": lr} for q, lr in zip(params, lrs)]
    opt = SGD(groups, lr=lrs[0], momentum=0.9) if optimizer == "SGD" else Adam(groups, lr=lrs[0])
    sched = make(opt)

    def momentum():
        return [g["betas"][0] if optimizer == "Adam" else g["momentum"] for g in opt.param_groups]

    def lr_now():
        return [g["lr"] for g in opt.param_groups]

    record_lr, record_m = [lr_now()], [momentum()]
    for i in range(steps):
        opt.step()
        if metrics is not None:
            sched.step(metrics[i])
        elif epochs is not None and epochs[i] is not None:
            sched.step(epochs[i])
        else:
            sched.step()
        record_lr.append(lr_now())
        record_m.append(momentum())
    case = {"name": name, "optimizer": optimizer, "lrs": list(lrs), "schedule": sapling, "lr": record_lr}
    if sapling["kind"] == "OneCycleLR":
        case["momentum"] = record_m
    if metrics is not None:
        case["metrics"] = metrics
    if epochs is not None:
        case["epochs"] = epochs
    return case


# LambdaLR's functions, by name (torch-parity.test.ts defines the same ones).
LAMBDAS = {
    "0.95^t": lambda t: 0.95 ** t,
    "1/(t//3+1)": lambda t: 1 / (t // 3 + 1),
    "noam(4)": lambda t: min((t + 1) / 4, (4 / (t + 1)) ** 0.5),
}
# Sapling's schedule option names for PyTorch's.
TORCH_NAMES = {"stepSize": "step_size", "tMax": "T_max", "etaMin": "eta_min", "startFactor": "start_factor",
               "endFactor": "end_factor", "totalIters": "total_iters", "t0": "T_0", "tMult": "T_mult",
               "lrLambda": "lr_lambda"}


def torch_schedule(opt, spec):
    """PyTorch's scheduler for a Sapling spec {kind, options}; sub-schedulers are made first, in order."""
    kind, options = spec["kind"], dict(spec["options"])
    if kind == "ChainedScheduler":
        return S.ChainedScheduler([torch_schedule(opt, s) for s in options["schedulers"]])
    if kind == "SequentialLR":
        return S.SequentialLR(opt, [torch_schedule(opt, s) for s in options["schedulers"]], milestones=options["milestones"])
    if "lrLambda" in options:
        names = options["lrLambda"]
        options["lrLambda"] = [LAMBDAS[n] for n in names] if isinstance(names, list) else LAMBDAS[names]
    return getattr(S, kind)(opt, **{TORCH_NAMES.get(k, k): v for k, v in options.items()})


def spec_case(name, spec, steps, **kw):
    return schedule_case(name, spec, lambda o: torch_schedule(o, spec), steps, **kw)


def spec(kind, **options):
    return {"kind": kind, "options": options}


SCHEDULE_CASES = [
    schedule_case("StepLR two groups", {"kind": "StepLR", "options": {"stepSize": 3, "gamma": 0.5}},
                  lambda o: S.StepLR(o, step_size=3, gamma=0.5), 10, lrs=(0.1, 0.02)),
    schedule_case("CosineAnnealingLR past tMax", {"kind": "CosineAnnealingLR", "options": {"tMax": 10, "etaMin": 0.001}},
                  lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 25),
    schedule_case("CosineAnnealingLR with warm-up (SequentialLR of LinearLR and CosineAnnealingLR)",
                  {"kind": "CosineAnnealingLR", "options": {"tMax": 12, "etaMin": 1e-4, "warmupSteps": 4, "warmupStartFactor": 0.1}},
                  lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=4),
                                               S.CosineAnnealingLR(o, T_max=8, eta_min=1e-4)], milestones=[4]), 12),
    schedule_case("OneCycleLR defaults", {"kind": "OneCycleLR", "options": {"maxLr": 0.1, "totalSteps": 20}},
                  lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=20), 20),
    schedule_case("OneCycleLR fractional phase ends", {"kind": "OneCycleLR", "options": {"maxLr": 1.0, "totalSteps": 13, "pctStart": 0.25, "divFactor": 10, "finalDivFactor": 100}},
                  lambda o: S.OneCycleLR(o, max_lr=1.0, total_steps=13, pct_start=0.25, div_factor=10.0, final_div_factor=100.0), 13),
    schedule_case("OneCycleLR three phases, linear, two groups, Adam",
                  {"kind": "OneCycleLR", "options": {"maxLr": [0.1, 0.3], "epochs": 3, "stepsPerEpoch": 5, "threePhase": True, "annealStrategy": "linear", "baseMomentum": 0.8, "maxMomentum": 0.9}},
                  lambda o: S.OneCycleLR(o, max_lr=[0.1, 0.3], epochs=3, steps_per_epoch=5, three_phase=True, anneal_strategy="linear", base_momentum=0.8, max_momentum=0.9),
                  15, lrs=(0.01, 0.02), optimizer="Adam"),
    schedule_case("ReduceLROnPlateau min rel, patience 2, cooldown 1, minLr",
                  {"kind": "ReduceLROnPlateau", "options": {"factor": 0.5, "patience": 2, "cooldown": 1, "minLr": 0.01}},
                  lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1, min_lr=0.01),
                  16, metrics=[1.0, 0.9, 0.9, 0.89999, 0.95, 0.8, 0.81, 0.82, 0.83, 0.84, 0.85, 0.86, 0.87, 0.88, 0.7, 0.71]),
    schedule_case("ReduceLROnPlateau max abs, two groups",
                  {"kind": "ReduceLROnPlateau", "options": {"mode": "max", "thresholdMode": "abs", "threshold": 0.1, "patience": 1, "factor": 0.2, "minLr": [0.0, 0.05]}},
                  lambda o: S.ReduceLROnPlateau(o, mode="max", threshold_mode="abs", threshold=0.1, patience=1, factor=0.2, min_lr=[0.0, 0.05]),
                  10, lrs=(0.5, 0.3), metrics=[0.5, 0.55, 0.58, 0.7, 0.75, 0.9, 0.95, 0.96, 1.2, 1.1]),
    spec_case("LambdaLR, one function per group", spec("LambdaLR", lrLambda=["0.95^t", "noam(4)"]), 12, lrs=(0.1, 0.02)),
    spec_case("LambdaLR, one function for both groups", spec("LambdaLR", lrLambda="1/(t//3+1)"), 10, lrs=(0.1, 0.5)),
    spec_case("MultiStepLR with a repeated milestone", spec("MultiStepLR", milestones=[2, 5, 5, 9], gamma=0.5), 12),
    spec_case("ExponentialLR two groups", spec("ExponentialLR", gamma=0.8), 10, lrs=(0.1, 0.03)),
    spec_case("LinearLR warm-up, defaults", spec("LinearLR"), 8),
    spec_case("LinearLR decay to zero", spec("LinearLR", startFactor=1.0, endFactor=0.0, totalIters=4), 7),
    spec_case("CosineAnnealingWarmRestarts tMult 2", spec("CosineAnnealingWarmRestarts", t0=3, tMult=2, etaMin=0.01), 25),
    spec_case("CosineAnnealingWarmRestarts tMult 1, two groups", spec("CosineAnnealingWarmRestarts", t0=4), 10, lrs=(0.1, 1.0)),
    spec_case("CosineAnnealingWarmRestarts at fractional epochs, then counting on",
              spec("CosineAnnealingWarmRestarts", t0=2, tMult=2, etaMin=0.001), 13,
              epochs=[0.25, 0.5, 0.75, 1.0, 1.5, None, None, 6.0, 6.5, None, 14.2, 2.0, None]),
    spec_case("SequentialLR: LinearLR then ExponentialLR",
              spec("SequentialLR", schedulers=[spec("LinearLR", startFactor=0.1, totalIters=3), spec("ExponentialLR", gamma=0.9)], milestones=[3]), 10),
    spec_case("SequentialLR: LambdaLR, StepLR, then CosineAnnealingLR past its end",
              spec("SequentialLR", schedulers=[spec("LambdaLR", lrLambda="noam(4)"), spec("StepLR", stepSize=2, gamma=0.5),
                                               spec("CosineAnnealingLR", tMax=5, etaMin=0.001)], milestones=[3, 7]), 18, lrs=(0.1, 0.2)),
    spec_case("ChainedScheduler: ExponentialLR and MultiStepLR",
              spec("ChainedScheduler", schedulers=[spec("ExponentialLR", gamma=0.9), spec("MultiStepLR", milestones=[3, 6], gamma=0.5)]), 10),
    spec_case("ChainedScheduler: LinearLR and CosineAnnealingLR (the cosine's chainable form)",
              spec("ChainedScheduler", schedulers=[spec("LinearLR", startFactor=0.5, totalIters=4), spec("CosineAnnealingLR", tMax=8, etaMin=0.01)]), 20),
    spec_case("ChainedScheduler: CosineAnnealingWarmRestarts overwrites, ExponentialLR multiplies",
              spec("ChainedScheduler", schedulers=[spec("CosineAnnealingWarmRestarts", t0=3), spec("ExponentialLR", gamma=0.9)]), 9),
    spec_case("ChainedScheduler: LambdaLR overwrites what StepLR did before it",
              spec("ChainedScheduler", schedulers=[spec("StepLR", stepSize=2, gamma=0.5), spec("LambdaLR", lrLambda="0.95^t")]), 6),
    spec_case("ChainedScheduler holding a SequentialLR",
              spec("ChainedScheduler", schedulers=[spec("SequentialLR", schedulers=[spec("LinearLR", startFactor=0.2, totalIters=2), spec("StepLR", stepSize=3)], milestones=[2]),
                                                   spec("ExponentialLR", gamma=0.95)]), 10, lrs=(0.1, 0.4)),
]

out = {
    "generator": "scripts/make-optim-fixtures.py",
    "command": COMMAND,
    "torch": torch.__version__,
    "steps": K,
    "data": {n: enc(DATA[n]) for n in DATA},
    "init": {n: enc(INIT[n]) for n in NAMES},
    "optimizers": OPTIM_CASES,
    "clipping": CLIP_CASES,
    "schedules": SCHEDULE_CASES,
}
text = json.dumps(out, indent=None, separators=(",", ":"))
assert len(text) < 300_000, f"fixture too large: {len(text)} bytes"
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    f.write(text + "\n")
print(f"wrote {os.path.relpath(OUT)} ({len(text)} bytes): {len(OPTIM_CASES)} optimizer, {len(CLIP_CASES)} clipping, {len(SCHEDULE_CASES)} schedule cases")
