"""train.sharding: what FSDP supports (checked when the config is read) and the tensor helpers that let code
written for whole tensors read a sharded model's parameters (torch DTensors under FSDP2, plain tensors otherwise).

This module sits low (below the strategies and the config, see tests/test_import_graph.py): it names strategies
by name only and imports nothing of the engine but its errors. The sharding itself is workbench/dist/fsdp.py.
"""

from __future__ import annotations

import torch

from ..errors import ConfigError

# Strategies tested under FSDP (tests/test_fsdp.py): their hooks read the parameters by name, and a sharded
# parameter keeps its name. L2-SP's anchors and EMA's average are sharded like the weights they follow.
FSDP_STRATEGIES = frozenset({"full", "freeze", "head_only", "llrd", "bitfit", "l2sp", "ema"})
FSDP_REFUSED = {
    "distill": "the teacher is a second whole model on every rank, which is what FSDP is used to avoid",
    "mean_teacher": "its teacher is a whole copy of the model, built by copying the (sharded) model",
    "adversarial": "its discriminator is a module of its own outside the sharded model and it runs the model "
                   "on general text as well",
    "rehearsal": "it runs the model a second time a step on general text, which is not tested under FSDP",
    "lora": "peft adapters are not tested under FSDP (use train.sharding: none; LoRA already cuts the memory)",
    "dora": "peft adapters are not tested under FSDP (use train.sharding: none)",
    "ia3": "peft adapters are not tested under FSDP (use train.sharding: none)",
    "prefix": "peft adapters are not tested under FSDP (use train.sharding: none)",
    "prompt": "peft adapters are not tested under FSDP (use train.sharding: none)",
    "qlora": "a 4-bit quantized base model cannot be sharded by FSDP here",
    "prune": "its masks are whole tensors applied to the weights after each step",
}
# Options of the train section that FSDP does not take, and why.
FSDP_TRAIN_REFUSED = {
    "packing": "packing runs the model's parts itself (the sharded blocks are gathered only by the model's forward)",
    "compile": "torch.compile of a sharded model is not tested here",
}


def check(cfg) -> None:
    """Refuse train.sharding: fsdp with what it cannot run (a ConfigError naming train.sharding and the reason)."""
    if getattr(cfg.train, "sharding", "none") != "fsdp":
        return
    if cfg.train.processes < 2:
        raise ConfigError("train.sharding", "fsdp shards the model across processes and needs train.processes of "
                          "2 or more (one per GPU), or an accelerate launch with assets/accelerate/fsdp.yaml; set "
                          "train.processes or use train.sharding: none")
    for name in cfg.strategy_names():
        if name not in FSDP_STRATEGIES:
            why = FSDP_REFUSED.get(name, "it is not tested under FSDP")
            raise ConfigError("train.sharding", f"fsdp cannot run strategy {name!r}: {why}. Strategies that work "
                              f"with fsdp: {', '.join(sorted(FSDP_STRATEGIES))}; or use train.sharding: none")
    for option, why in FSDP_TRAIN_REFUSED.items():
        if getattr(cfg.train, option, False):
            raise ConfigError("train.sharding", f"fsdp cannot run with train.{option}: {why}; turn one of them off")


def is_sharded(t) -> bool:
    return type(t).__name__ == "DTensor" and hasattr(t, "full_tensor")


def full(t: torch.Tensor) -> torch.Tensor:
    """The whole tensor: a sharded parameter (DTensor) is gathered from every rank (a collective: every rank must
    call it, in the same order); a plain tensor is returned as it is."""
    return t.full_tensor() if is_sharded(t) else t


def like(p: torch.Tensor, whole: torch.Tensor, dtype=None) -> torch.Tensor:
    """`whole` (a whole tensor every rank holds) laid out like parameter `p`: this rank's shard as a DTensor when
    `p` is sharded (no communication), else `whole` on p's device."""
    whole = whole.to(p.device, dtype or whole.dtype)
    if not is_sharded(p):
        return whole
    from torch.distributed.tensor import distribute_tensor   # lazy: only sharded runs
    return distribute_tensor(whole, p.device_mesh, p.placements, src_data_rank=None)
