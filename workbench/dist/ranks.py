"""Rank helpers for the one loop. Outside a launched process group every call is a no-op (rank 0 of 1), so the
loop reads the same with one process or many.

Under `torchrun` / `accelerate launch` (RANK, WORLD_SIZE, LOCAL_RANK in the environment) each rank takes its
slice of every global batch, gradients are averaged across ranks once per optimizer step (torch DDP around the
model where the run's forward allows it, so the all-reduce overlaps backward; else one all-reduce after backward
over every parameter the optimizer holds; a strategy's own modules, such as a discriminator, that way too), the
logged loss terms are averaged, and a stop request is agreed on at a step boundary so every rank leaves the
loop at the same step. Every rank keeps identical weights, so EMA, teachers and L2-SP anchors need nothing more.
(With train.sharding: fsdp each rank holds a shard instead: workbench/dist/fsdp.py.)
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from .sharding import is_sharded

STOP_CODES = {None: 0, "cancel": 1, "save": 2}
# Strategies whose training forward is the model's own (one call) and whose loss terms read only its outputs: the
# model can be torch DDP there. Others (L2-SP's term on the weights, adversarial and rehearsal forwards of the
# model on other text, ...) keep the all-reduce after backward.
DDP_STRATEGIES = frozenset({"full", "freeze", "head_only", "llrd", "bitfit", "ema", "mean_teacher", "distill",
                            "lora", "dora"})


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
    def wrap(self, model, task, strategies, packer, tc, log, probe=None):
        """torch DistributedDataParallel around the model, so that its gradients are all-reduced in buckets while
        backward runs, when this run's training forward is one plain call of the model; else None, and
        `average_gradients` all-reduces everything after backward (the same mean, without the overlap).
        `probe()` runs the training forward once on a few rows and returns its output: DDP is told to look for
        unused parameters (a graph traversal every step) only when a trainable parameter is out of that output's
        graph."""
        if not self.active:
            return None
        from ..tasks.base import Task   # lazy: the rank helpers are imported before any task is needed
        odd = sorted({s.name for s in strategies} - DDP_STRATEGIES)
        why = (f"strategy {', '.join(odd)} runs the model outside the training forward or adds terms on its weights"
               if odd else "train.packing (its forward calls the model's parts)" if packer is not None
               else f"task {task.name} runs the model more than once a step" if type(task).forward is not Task.forward
               else "train.gradient_checkpointing / train.compile" if tc.gradient_checkpointing or tc.compile
               else None)
        if why:
            log(f"gradients: all-reduced after backward, not torch DDP: {why}")
            return None
        from torch.nn.parallel import DistributedDataParallel   # lazy: only for several ranks
        cuda = dist.get_backend() == "nccl"
        unused = unused_parameters(model, probe) if probe is not None else ["(not probed)"]
        ddp = DistributedDataParallel(model, device_ids=[_device().index] if cuda else None,
                                      find_unused_parameters=bool(unused), broadcast_buffers=False)
        log("gradients: torch DDP (all-reduce overlapped with backward; once per optimizer step; "
            + (f"find_unused_parameters: {len(unused)} trainable tensors get no gradient, e.g. {unused[0]})"
               if unused else "every trainable tensor gets a gradient)"))
        return ddp

    @staticmethod
    def grad_sync(ddp, on: bool) -> None:
        """DDP's no_sync for gradient accumulation: all-reduce only in the last micro-batch's backward (read at
        forward time, so this is set before the forward). An FSDP model: its reduce-scatter likewise."""
        if hasattr(ddp, "set_requires_gradient_sync"):
            ddp.set_requires_gradient_sync(on)
        elif ddp is not None:
            ddp.require_backward_grad_sync = on

    def average_gradients(self, optimizer, ddp=None) -> None:
        """All-reduce (mean) the gradients of every parameter the optimizer steps, in one flat buffer, except those
        DDP already averaged (a strategy's own modules: discriminator, projection). A rank that had no rows in this
        step (short last batch) contributes zeros."""
        if not self.active:
            return
        done = {id(p) for p in ddp.module.parameters()} if ddp is not None else set()
        params = [p for g in optimizer.param_groups for p in g["params"]
                  if p.requires_grad and id(p) not in done and not is_sharded(p)]   # FSDP averaged those
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


def unused_parameters(model, probe) -> list[str]:
    """Names of the trainable parameters that the output of `probe()` (one training forward) does not depend on,
    found by walking its autograd graph once (what DDP's find_unused_parameters does every step). The probe runs
    with the RNG forked, so the run's dropout masks and sampling are those of a run without it."""
    with torch.random.fork_rng(devices=[torch.cuda.current_device()] if torch.cuda.is_available() else []):
        out = probe()
    roots, todo, visited = [], [out], set()
    while todo:   # every tensor of the output (a ModelOutput, a dict, tuples of hidden states...)
        v = todo.pop()
        if id(v) in visited or isinstance(v, torch.nn.Module):
            continue
        visited.add(id(v))
        if torch.is_tensor(v):
            roots += [v] if v.grad_fn is not None else []
        elif isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, (tuple, list)):
            todo.extend(v)
        elif hasattr(v, "__dict__"):
            todo.extend(vars(v).values())
    reached, stack, seen = set(), [r.grad_fn for r in roots], set()
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        var = getattr(fn, "variable", None)
        if var is not None:
            reached.add(id(var))
        stack.extend(nxt for nxt, _ in fn.next_functions)
    return [n for n, p in model.named_parameters() if p.requires_grad and id(p) not in reached]


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
