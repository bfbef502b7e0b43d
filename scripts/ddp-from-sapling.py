#!/usr/bin/env python3
"""Trains a Sapling checkpoint further with PyTorch DistributedDataParallel, then writes it back.

    torchrun --standalone --nproc_per_node=N scripts/ddp-from-sapling.py CKPT [--steps 5]
             [--save-checkpoint BACK.safetensors] [--sync-bn]

Every process loads the same Sapling checkpoint (model and optimizer state, via
sapling_checkpoint.py), wraps the model in DistributedDataParallel and trains on its shard of the
data: here the batch stored in the checkpoint's `extra.batch`, split into N equal parts (use a
DistributedSampler over your dataset for real runs; docs/scaling-out.md). DDP averages the
gradients of the N processes after each backward, so with equal shards and no BatchNorm every step
equals one step on the whole batch. Rank 0 prints the loss over the whole batch and writes the
result back as a Sapling checkpoint.

The backend is NCCL when CUDA is available (one GPU per process), else gloo on the CPU.
--sync-bn converts BatchNorm to SyncBatchNorm (batch statistics over all processes; PyTorch 1.13
supports it on CUDA only). Without it each process normalises with the statistics of its own shard.
"""
import argparse
import os
import sys

import torch
import torch.distributed as dist
import torch.nn as nn
from torch.nn.parallel import DistributedDataParallel as DDP

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sapling_checkpoint as sc  # noqa: E402


def main():
    p = argparse.ArgumentParser(description="DistributedDataParallel on a Sapling checkpoint (run with torchrun).")
    p.add_argument("checkpoint")
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--save-checkpoint")
    p.add_argument("--sync-bn", action="store_true")
    args = p.parse_args()

    cuda = torch.cuda.is_available()
    dist.init_process_group("nccl" if cuda else "gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0))) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    torch.manual_seed(0)

    ckpt = sc.load_checkpoint(args.checkpoint)
    handoff = ckpt["extra"]["handoff"]
    model = sc.build_model(handoff["arch"])
    sc.load_model_state(model, ckpt["model"])
    if args.sync_bn:
        if not cuda:
            sys.exit("ddp-from-sapling: --sync-bn needs CUDA in PyTorch 1.13")
        model = nn.SyncBatchNorm.convert_sync_batchnorm(model)
    model.to(device).train()
    # The optimizer is built over the DDP module's parameters: the same tensors, in the same order.
    ddp = DDP(model, device_ids=[device.index] if cuda else None)
    optimizer = sc.build_optimizer(handoff["optimizer"], ddp.parameters(), ckpt["optimizer"])
    loss_fn = sc.LOSSES[handoff.get("loss", "cross_entropy")]

    x, y = ckpt["extra"]["batch"]["input"], ckpt["extra"]["batch"]["target"]
    if x.shape[0] % world != 0:
        sys.exit(f"ddp-from-sapling: the batch of {x.shape[0]} does not split into {world} equal shards")
    shard = x.shape[0] // world
    xs, ys = x[rank * shard:(rank + 1) * shard].to(device), y[rank * shard:(rank + 1) * shard].to(device)

    for step in range(args.steps):
        optimizer.zero_grad()
        loss = loss_fn(ddp(xs), ys)
        loss.backward()  # DDP all-reduces (averages) the gradients here
        optimizer.step()
        total = loss.detach().clone()
        dist.all_reduce(total)  # the mean over equal shards is the whole batch's mean loss
        if rank == 0:
            print(f"step {step + 1}: loss {total.item() / world:.8f} ({world} processes)", flush=True)

    if rank == 0 and args.save_checkpoint:
        state = {k: v.cpu() for k, v in model.state_dict().items()}
        extra = dict(ckpt["extra"])
        extra["handoff"] = {**handoff, "stepsDone": handoff.get("stepsDone", 0) + args.steps, "continuedIn": f"torch {torch.__version__} DDP x{world}"}
        sc.save_checkpoint(args.save_checkpoint, state, ckpt["epoch"], sc.optimizer_to_sapling(handoff["optimizer"], optimizer), extra)
        print(f"wrote {args.save_checkpoint}")
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
