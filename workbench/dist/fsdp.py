"""FSDP (train.sharding: fsdp, or accelerate's FSDP config): torch FSDP2 `fully_shard`, full shard, around the model
the one loop trains, for models whose weights, gradients and optimizer state do not fit one device.

    each transformer block (the model's `_no_split_modules` classes, as accelerate's TRANSFORMER_BASED_WRAP; else
    the blocks of its layer stack) is one FSDP unit, then the root (embeddings, head, the rest)

Every parameter becomes a DTensor sharded on its first dimension across the ranks and keeps its name, so the
optimizer's groups (weight decay, layer-wise learning rates), clipping (`clip_grad_norm_` takes DTensors), the
schedule and the strategies' by-name hooks read the same. Gradients are reduce-scattered (averaged over ranks)
in backward, like DDP's all-reduce. Checkpoints and the saved model hold whole tensors, gathered from every rank
and written by rank 0 (`gathered_state`), so they are the same files as a 1-process run's, and resume reads them
into whatever layout the run has (`workbench.dist.sharding.like`).
"""

from __future__ import annotations

import torch
import torch.distributed as dist

from .sharding import full, is_sharded


def blocks(model) -> list[torch.nn.Module]:
    """The modules wrapped one by one: instances of the classes in `_no_split_modules`, else the transformer
    blocks; a module holding a weight tied to one outside it (input and output embeddings) is left to the root."""
    names = set(getattr(model, "_no_split_modules", None) or ())
    found = [m for m in model.modules() if type(m).__name__ in names and m is not model]
    if not found:
        from ..model.anatomy import block_prefix   # lazy: only when the model names no blocks
        try:
            found = list(model.get_submodule(block_prefix(model)))
        except (ValueError, AttributeError):
            found = []
    tied = _tied(model)
    return [m for m in found if not any(id(p) in tied for p in m.parameters())]


def _tied(model) -> set[int]:
    seen, tied = set(), set()
    for _, p in model.named_parameters(remove_duplicate=False):
        (tied if id(p) in seen else seen).add(id(p))
    return tied


def shard(model, device: torch.device, log):
    """fully_shard each block, then the root, on a 1-D mesh of every rank; the shards land on `device`."""
    from torch.distributed.device_mesh import init_device_mesh   # lazy: only sharded runs
    from torch.distributed.fsdp import fully_shard   # lazy: only sharded runs
    mesh = init_device_mesh(device.type, (dist.get_world_size(),))
    units, kinds = blocks(model), {}
    for m in units:
        kinds[type(m).__name__] = kinds.get(type(m).__name__, 0) + 1
        fully_shard(m, mesh=mesh, reshard_after_forward=True)
    fully_shard(model, mesh=mesh, reshard_after_forward=True)
    model.to(device)
    local = sum(p.to_local().numel() for p in model.parameters() if is_sharded(p))
    total = sum(p.numel() for p in model.parameters())
    wrapped = ", ".join(f"{n} x {k}" for k, n in kinds.items())
    log(f"FSDP: full shard over {dist.get_world_size()} ranks, units: {wrapped or 'none'} + the root; this rank "
        f"holds {local:,} of {total:,} weights")
    return model


def grad_sync(model, on: bool) -> None:
    """FSDP's no_sync for gradient accumulation: reduce-scatter only in the last micro-batch's backward."""
    model.set_requires_gradient_sync(on)


def gathered_state(named, keep: bool) -> dict[str, torch.Tensor]:
    """{name: whole tensor on the CPU} from (name, tensor) pairs: sharded ones gathered (every rank takes part, one
    tensor at a time), kept only where `keep` (rank 0, which writes); plain ones as they are."""
    out = {}
    for name, t in named:
        whole = full(t.detach())
        if keep:
            out[name] = whole.cpu() if is_sharded(t) else whole
    return out
