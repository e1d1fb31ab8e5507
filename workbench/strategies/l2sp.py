"""L2-SP: pull the weights toward their pre-trained values (the starting point), not toward zero."""

from dataclasses import dataclass

import torch

from ..model.anatomy import clean_name
from ..dist.sharding import full, like
from ..errors import ConfigError
from ..options import knob
from ..strategies import STRATEGIES
from .base import Strategy


@STRATEGIES.register("l2sp")
class L2SP(Strategy):
    order = 40
    summary = "Penalty λ‖θ − θ_pre‖² keeps the pre-trained weights near where they started."
    explain = ("Plain fine-tuning lets every weight drift wherever the task pulls it, and what pre-training "
               "taught is overwritten (catastrophic forgetting). L2-SP adds a spring from each pre-trained weight "
               "back to its starting value: the model learns the task while staying close to the pre-trained "
               "solution, so knowledge is transferred in both directions instead of only into the task. The new "
               "task head has no starting point worth keeping and is left free.")
    formula = "L = L_task + λ · Σ_pre-trained ‖θ − θ_pre‖²"
    direction = "bidirectional"
    zh = {
        "summary": "惩罚项 λ‖θ − θ_pre‖² 让预训练权重停留在初始值附近。",
        "explain": ("普通微调让每个权重随任务任意漂移，预训练学到的知识会被覆盖（灾难性遗忘）。L2-SP 在每个预训练"
                    "权重与其初始值之间加上一根“弹簧”：模型学习任务的同时停留在预训练解附近，因此知识是双向迁移的"
                    "，而不只是流入任务。新的任务头没有值得保留的起点，因此不受约束。"),
        "formula": None,   # symbols only: shown as written
    }

    @dataclass
    class Options:
        weight: float = knob(0.1, "λ: strength of the pull toward the pre-trained weights (0.01-1 with AdamW; "
                             "larger keeps the model closer to pre-training).", label="λ (weight)", min=0.0,
                             max=1e6)

        zh = {   # the knobs' (label, help) in Chinese
            "weight": ("λ（权重）", "λ：把权重拉向预训练值的强度（使用 AdamW 时取 0.01–1；越大，模型越接近预训练"
                                "状态）。"),
        }

    @classmethod
    def check(cls, options, cfg):
        for name in cfg.strategy_names():
            if name == "head_only" or STRATEGIES.get(name).group == "adapter":
                raise ConfigError("strategy.l2sp", f"with {name!r} no pre-trained weight trains, so l2sp would "
                                  "hold nothing back; drop one of them (l2sp composes with full, freeze, llrd...)")

    def __init__(self, options):
        super().__init__(options)
        self.pairs: list[tuple[torch.nn.Parameter, torch.Tensor]] | None = None

    def _pairs(self, ctx):
        # Resolved at the first step, once every strategy has prepared the model: only weights that train and
        # have a pre-trained value of the same shape (not the new head, not adapters) are pulled back.
        pairs = []
        for name, p in ctx.model.named_parameters():
            ref = ctx.pre_state.get(clean_name(name))
            if p.requires_grad and ref is not None and ref.shape == p.shape and clean_name(name) not in ctx.new_names:
                pairs.append((p, like(p, ref, torch.float32)))   # FSDP: θ_pre sharded like θ
        if not pairs:
            ctx.log("l2sp: no trainable pre-trained weight to hold back (the penalty is 0)", "warning")
        else:
            ctx.log(f"l2sp: pulling {sum(p.numel() for p, _ in pairs):,} pre-trained weights toward θ_pre")
        return pairs

    def loss_terms(self, batch, out, ctx) -> dict[str, torch.Tensor]:
        if self.pairs is None:
            self.pairs = self._pairs(ctx)
        if not self.pairs:
            return {"l2sp": out.loss.new_zeros(())}
        dist = sum((p.float() - ref).pow(2).sum() for p, ref in self.pairs)
        return {"l2sp": self.opts.weight * full(dist)}   # FSDP: the shards' partial sums added across ranks
