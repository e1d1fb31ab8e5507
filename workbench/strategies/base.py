"""What a strategy is: a dataclass of knobs plus a handful of optional hooks the loop calls.

    load_kwargs(cfg, task)       extra from_pretrained kwargs for the base model (qlora's 4-bit quantization)
    prepare(model, ctx)          freeze, wrap with peft, build a teacher or a discriminator, snapshot θ_pre;
                                 may return a replacement model (peft wraps it)
    lr_multipliers(model, ctx)   {parameter name: factor} on the base lr (DESIGN's param_groups: layer-wise lrs)
    modules()                    extra trainable modules (a discriminator, a projection): optimised, moved to the
                                 device and checkpointed with the model
    loss_terms(batch, out, ctx)  {"l2sp": tensor, ...}: each term is added to the loss and plotted on its own
    task_weight()                factor on the task loss (distillation's 1 - α)
    after_step(model, ctx)       after each optimizer step (EMA update, pruning masks)
    eval_weights(model)          context manager: weights to evaluate with (EMA)
    finalize(model, ctx)         at the end: swap in EMA weights, merge adapters; returns the model to save
    state_dict / load_state_dict what a checkpoint must hold beyond the model's trainable weights

The loop knows none of the strategies; composition is just calling every strategy's hook in list order.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import ClassVar

import torch


class Strategy:
    name: ClassVar[str]
    order: ClassVar[int] = 100
    summary: ClassVar[str] = ""         # one line for listings
    explain: ClassVar[str] = ""         # a few plain sentences for the UI
    formula: ClassVar[str | None] = None
    zh: ClassVar[dict[str, str | None]] = {}   # summary/explain/formula in Chinese (formula None: symbols only)
    direction: ClassVar[str] = ""       # "one-directional" | "bidirectional" | "peft" | "compression"
    group: ClassVar[str | None] = None  # at most one strategy per group in a run ("adapter", "trainable-set")
    conflicts: ClassVar[tuple[str, ...]] = ()        # strategy names or groups ("adapter") it cannot run with
    conflict_reasons: ClassVar[dict[str, str]] = {}  # conflict (name or group) -> why, added to the refusal
    needs_hidden_states: ClassVar[bool] = False       # ask the model for hidden states in forward
    finalize_order: ClassVar[int] = 0   # finalize hooks run lowest first (EMA installs before adapters merge)

    @dataclass
    class Options:
        pass

    def __init__(self, options):
        self.opts = options

    @classmethod
    def applies_to(cls, task_cls) -> bool:
        """Whether the strategy applies to a task (its class): ask the task's capabilities, not its name."""
        return True

    @classmethod
    def check(cls, options, cfg) -> None:
        """Config-time checks beyond ranges (raise ConfigError naming the field)."""

    def load_kwargs(self, cfg, task) -> dict:
        """Extra from_pretrained kwargs for loading the base model (e.g. a 4-bit quantization_config); merged
        by models.load. Called before the model exists."""
        return {}

    def prepare(self, model, ctx):
        return model

    def lr_multipliers(self, model, ctx) -> dict[str, float]:
        return {}

    def modules(self) -> list[torch.nn.Module]:
        return []

    def loss_terms(self, batch: dict, out, ctx) -> dict[str, torch.Tensor]:
        return {}

    def task_weight(self) -> float:
        return 1.0

    def after_step(self, model, ctx) -> None:
        pass

    def eval_weights(self, model):
        return contextlib.nullcontext()

    def finalize(self, model, ctx):
        return model

    def state_dict(self) -> dict[str, torch.Tensor]:
        return {}

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        pass

    def report(self) -> dict:
        """Figures for the run summary (e.g. final sparsity)."""
        return {}
