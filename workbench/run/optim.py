"""AdamW with weight-decay groups and per-parameter lr factors; linear/cosine/constant schedules with warm-up."""

from __future__ import annotations

import math

import torch

from ..errors import WorkbenchError


def make_optimizer(model, strategies, extra_modules, ctx, train_cfg) -> torch.optim.AdamW:
    """AdamW with one group per (lr factor, weight decay): no decay on biases and norms (1-d tensors);
    layer-wise factors come from the strategies' lr_multipliers hooks (multiplied when several give one)."""
    factors: dict[str, float] = {}
    for s in strategies:
        for name, f in s.lr_multipliers(model, ctx).items():
            factors[name] = factors.get(name, 1.0) * f
    groups: dict[tuple[float, float], list] = {}
    named = list(model.named_parameters()) + [(f"extra{j}.{n}", p) for j, m in enumerate(extra_modules)
                                              for n, p in m.named_parameters()]
    for name, p in named:
        if not p.requires_grad:
            continue
        wd = 0.0 if p.ndim < 2 else train_cfg.weight_decay
        groups.setdefault((factors.get(name, 1.0), wd), []).append(p)
    if not groups:
        raise WorkbenchError("no parameter is trainable with these strategies; check the strategy list")
    param_groups = [{"params": ps, "lr": train_cfg.lr * f, "weight_decay": wd, "lr_factor": f}
                    for (f, wd), ps in sorted(groups.items(), key=lambda kv: kv[0])]
    fused = ctx.device.type in ("cpu", "cuda")
    try:
        return torch.optim.AdamW(param_groups, lr=train_cfg.lr, fused=fused)
    except (RuntimeError, TypeError):
        return torch.optim.AdamW(param_groups, lr=train_cfg.lr)


def make_scheduler(optimizer, total_steps: int, train_cfg):
    warmup = int(math.ceil(train_cfg.warmup_ratio * total_steps))

    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / (warmup + 1)
        if train_cfg.scheduler == "constant":
            return 1.0
        progress = (step - warmup) / max(1, total_steps - warmup)
        if train_cfg.scheduler == "cosine":
            return 0.5 * (1.0 + math.cos(math.pi * progress))
        return max(0.0, 1.0 - progress)

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)
