"""Exponential moving average of the weights: evaluate and save the smoothed weights, not the last step's."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import torch

from ..dist.sharding import like
from ..errors import ConfigError
from ..options import knob
from ..strategies import STRATEGIES
from ._kd import ema_update
from .base import Strategy


def swap_in(model, values: dict[str, torch.Tensor]):
    """Context manager: the parameters named in `values` hold those values inside the block, their own after."""
    @contextlib.contextmanager
    def swapped():
        params = dict(model.named_parameters())
        saved = {n: params[n].detach().clone() for n in values if n in params}
        with torch.no_grad():
            for n in saved:
                params[n].copy_(values[n])
        try:
            yield
        finally:
            with torch.no_grad():
                for n, v in saved.items():
                    params[n].copy_(v)
    return swapped()


def install(model, values: dict[str, torch.Tensor]) -> int:
    """Copy `values` into the parameters of the same name for good; returns how many tensors were set."""
    params = dict(model.named_parameters())
    with torch.no_grad():
        for n, v in values.items():
            params[n].copy_(v)
    return len(values)


def refuse_early_stopping(cfg, where: str, what: str) -> None:
    # The loop keeps the best step's live weights, not the averaged ones evaluated at that step.
    if cfg.train.early_stopping_patience:
        raise ConfigError(where, f"{what} evaluates averaged weights, but early stopping would restore the live "
                          "weights of the best step; set train.early_stopping_patience: 0")


@STRATEGIES.register("ema")
class EMA(Strategy):
    order = 70
    summary = "Keep an exponential moving average of the weights; evaluate and save it."
    explain = ("The last step's weights are one noisy point of the optimisation path. Averaging the weights over "
               "the recent steps (each step nudges the average by 1 − β toward the current weights) gives a "
               "smoother model that usually generalises better and forgets less of what it learned earlier in "
               "training. The average is what is evaluated and saved; training itself is unchanged.")
    formula = "θ_ema ← β·θ_ema + (1 − β)·θ after each optimizer step"
    direction = "bidirectional"
    finalize_order = -10     # install the average before adapters (lora...) are merged into the weights
    zh = {
        "summary": "维护权重的指数移动平均（EMA），并用它评估和保存。",
        "explain": ("最后一步的权重只是优化路径上一个带噪声的点。对最近若干步的权重取平均（每一步把平均值向当前权"
                    "重推近 1 − β）会得到更平滑的模型，它通常泛化更好，也更少遗忘训练早期学到的东西。评估和保存的"
                    "是平均后的权重；训练过程本身不变。"),
        "formula": "每个优化步之后 θ_ema ← β·θ_ema + (1 − β)·θ",
    }

    @dataclass
    class Options:
        beta: float = knob(0.99, "Decay of the average: the average spans about 1/(1 − β) recent steps (0.99: "
                           "about 100). Keep 1/(1 − β) well below the number of steps.", label="β (decay)",
                           min=0.0, max=0.99999)

        zh = {   # the knobs' (label, help) in Chinese
            "beta": ("β（衰减）", "平均值的衰减：约覆盖最近 1/(1 − β) 步（0.99：约 100 步）。请让 1/(1 − β) 远小"
                              "于总步数。"),
        }

    def __init__(self, options):
        super().__init__(options)
        self.shadow: dict[str, torch.Tensor] | None = None    # θ_ema by parameter name (fp32, on the device)
        self._restored = False

    @classmethod
    def check(cls, options, cfg):
        if "mean_teacher" in cfg.strategy_names():
            raise ConfigError("strategy", "'ema' cannot be combined with 'mean_teacher': the mean teacher already "
                              "is an EMA of the weights; to evaluate and save it set mean_teacher.evaluate_teacher: "
                              "true and drop 'ema'")
        refuse_early_stopping(cfg, "strategy.ema", "ema")

    def loss_terms(self, batch, out, ctx):
        # θ_ema starts at θ_0: taken at the first forward, when every strategy has prepared the model (adapters
        # exist by then) and no step has been taken. A resumed run gets it from the checkpoint instead.
        if self.shadow is None:
            self.shadow = {n: p.detach().float().clone() for n, p in ctx.model.named_parameters() if p.requires_grad}
        elif self._restored:            # checkpoint tensors arrive whole, on the CPU (FSDP: sharded like θ)
            params = dict(ctx.model.named_parameters())
            self.shadow = {n: like(params[n], t) if n in params else t.to(ctx.device) for n, t in self.shadow.items()}
            self._restored = False
        return {}

    def after_step(self, model, ctx):
        ema_update(self.shadow, model, self.opts.beta)

    def eval_weights(self, model):
        return swap_in(model, self.shadow) if self.shadow else contextlib.nullcontext()

    def finalize(self, model, ctx):
        if self.shadow:
            n = install(model, self.shadow)
            ctx.log(f"ema: installed the averaged weights (β = {self.opts.beta}) in {n} tensors")
        return model

    def state_dict(self):
        return dict(self.shadow or {})

    def load_state_dict(self, state):
        if state:
            self.shadow, self._restored = {n: t.float() for n, t in state.items()}, True
