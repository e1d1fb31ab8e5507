"""Rank helpers for the one loop. Outside a launched process group every call is a no-op (rank 0 of 1), so the
loop reads the same with one process or many.

Under `torchrun` / `accelerate launch` (RANK, WORLD_SIZE, LOCAL_RANK in the environment) each rank takes its
slice of every global batch, gradients are averaged across ranks once per optimizer step (all-reduce over every
parameter the optimizer holds: the model and the strategies' own modules, such as a discriminator, alike), the
logged loss terms are averaged, and a stop request is agreed on at a step boundary so every rank leaves the
loop at the same step. Every rank keeps identical weights, so EMA, teachers and L2-SP anchors need nothing more.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

STOP_CODES = {None: 0, "cancel": 1, "save": 2}


def launched() -> bool:
    """True inside a rank started by torchrun / accelerate launch with more than one process."""
    return int(os.environ.get("WORLD_SIZE", "1")) > 1 and "RANK" in os.environ


@dataclass(frozen=True)
class World:
    rank: int = 0
    size: int = 1
    local_rank: int = 0

    @classmethod
    def from_env(cls) -> "World":
        if not launched():
            return cls()
        return cls(int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"]), int(os.environ.get("LOCAL_RANK", 0)))

    @property
    def main(self) -> bool:
        return self.rank == 0

    @property
    def active(self) -> bool:
        return self.size > 1 and dist.is_available() and dist.is_initialized()

    # ---- data -------------------------------------------------------------------------------------------------
    def shard(self, rows: list) -> list:
        """This rank's slice of a global batch (every size-th row from its rank)."""
        return rows[self.rank::self.size] if self.size > 1 else rows

    def share(self, mine: int, total: int) -> float:
        """Weight of this rank's mean loss so that averaging over ranks gives the mean over the global batch."""
        return mine * self.size / total if self.size > 1 and total else 1.0

    # ---- reductions ---------------------------------------------------------------------------------------------
    def average_gradients(self, optimizer) -> None:
        """All-reduce (mean) the gradients of every parameter the optimizer steps, in one flat buffer. A rank that
        had no rows in this step (short last batch) contributes zeros."""
        if not self.active:
            return
        params = [p for g in optimizer.param_groups for p in g["params"] if p.requires_grad]
        if not params:
            return
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
        flat = torch.cat([g.detach().reshape(-1).float() for g in grads])
        dist.all_reduce(flat, op=dist.ReduceOp.SUM)
        flat /= self.size
        offset = 0
        for p in params:
            n = p.numel()
            p.grad = flat[offset:offset + n].view_as(p).to(p.dtype)
            offset += n

    def mean(self, values: dict[str, float]) -> dict[str, float]:
        """Average logged scalars (loss terms) across ranks; every rank gets the same dict back."""
        if not self.active or not values:
            return values
        keys = sorted(values)
        t = torch.tensor([float(values[k]) for k in keys], dtype=torch.float64, device=_device())
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return {k: float(v) / self.size for k, v in zip(keys, t.tolist())}

    def gather_json(self, value) -> list:
        """Every rank's JSON-able `value`, in rank order, on every rank (as UTF-8 bytes in tensors: no pickle)."""
        if not self.active:
            return [value]
        raw = torch.tensor(list(json.dumps(value).encode()), dtype=torch.uint8, device=_device())
        sizes = [torch.zeros(1, dtype=torch.int64, device=_device()) for _ in range(self.size)]
        dist.all_gather(sizes, torch.tensor([raw.numel()], dtype=torch.int64, device=_device()))
        width = max(int(s.item()) for s in sizes)
        padded = torch.zeros(width, dtype=torch.uint8, device=_device())
        padded[:raw.numel()] = raw
        parts = [torch.zeros(width, dtype=torch.uint8, device=_device()) for _ in range(self.size)]
        dist.all_gather(parts, padded)
        return [json.loads(bytes(p[:int(n.item())].tolist()).decode()) for p, n in zip(parts, sizes)]

    def sync_stop(self, stop) -> None:
        """Agree on a stop request at a step boundary: if any rank saw one, every rank stops at this step."""
        if not self.active:
            return
        poll = getattr(stop, "poll", None)
        local = poll() if poll else (stop.mode if stop.requested else None)
        t = torch.tensor([STOP_CODES.get(local, 1)], dtype=torch.int64, device=_device())
        dist.all_reduce(t, op=dist.ReduceOp.MAX)
        code = int(t.item())
        if code:
            stop.request({v: k for k, v in STOP_CODES.items()}[code])


def _device() -> torch.device:
    """Where collective tensors live: the rank's GPU under nccl, the CPU under gloo."""
    return torch.device("cuda", torch.cuda.current_device()) if dist.get_backend() == "nccl" else torch.device("cpu")


def init_process_group() -> World:
    """Join the process group the launcher set up (gloo on CPU, nccl on CUDA) and pick this rank's GPU."""
    world = World.from_env()
    if world.size > 1 and not dist.is_initialized():
        cuda = torch.cuda.is_available() and os.environ.get("WORKBENCH_DEVICE", "auto") != "cpu"
        if cuda:
            torch.cuda.set_device(world.local_rank)
        dist.init_process_group("nccl" if cuda else "gloo")
    return world
