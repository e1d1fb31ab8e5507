"""Gradual magnitude pruning during fine-tuning (Zhu & Gupta, 2017): the share of zeroed weights grows from 0 at
`start` to `sparsity` at `end` (fractions of training), the smallest weights (or the weakest heads / neurons) are
masked, and the mask is re-applied after every optimizer step so pruned weights stay exactly zero while the rest
recover. Only the linear layers inside the transformer blocks are pruned, never the embeddings, the pooler or the
task head (small, and where zeros hurt most)."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..errors import ConfigError
from ..options import knob
from ..strategies import STRATEGIES
from ._peft import CONFLICT_REASONS, block_linears
from ._prune_layout import Block, structured_blocks
from .base import Strategy


@STRATEGIES.register("prune")
class Prune(Strategy):
    order = 80
    summary = "Gradual magnitude pruning to a target sparsity (weights, heads or neurons), mask kept while training."
    explain = ("While the model fine-tunes, more and more of its smallest weights are set to zero, on a schedule "
               "from `start` to `end`, until `sparsity` of them are zero; the rest keep training and make up for "
               "the loss. With structure 'heads' or 'neurons' whole attention heads or feed-forward neurons are "
               "removed (those can be cut out of the model for real speed-ups); 'unstructured' removes single "
               "weights (higher accuracy at the same sparsity, needs sparse kernels to be faster). Only the linear "
               "layers inside the transformer blocks are pruned: embeddings, pooler and task head are kept whole.")
    formula = ("s_t = s_f · (1 − (1 − (t − t_0)/(t_1 − t_0))³)   (cubic; linear: s_f · (t − t_0)/(t_1 − t_0)),   "
               "W ← W ⊙ M after every step")
    direction = "compression"
    conflicts = ("adapter",)
    conflict_reasons = {"adapter": CONFLICT_REASONS["prune"]}
    zh = {
        "summary": "逐步幅度剪枝到目标稀疏度（权重、注意力头或神经元），训练中保持掩码。",
        "explain": ("模型微调的同时，越来越多绝对值最小的权重被置零，按从 `start` 到 `end` 的计划进行，直到比例为 "
                    "`sparsity` 的权重为零；其余权重继续训练以弥补损失。structure 为 'heads' 或 'neurons' 时移除整"
                    "个注意力头或前馈神经元（它们可以真正从模型中裁掉，带来实际加速）；'unstructured' 移除单个权重"
                    "（同样稀疏度下准确率更高，但需要稀疏算子才能变快）。只剪枝 Transformer 块内的线性层：词嵌入、"
                    "池化层和任务头保持完整。"),
        "formula": ("s_t = s_f · (1 − (1 − (t − t_0)/(t_1 − t_0))³)   （三次；线性：s_f · (t − t_0)/(t_1 − t_0)）"
                    "，   每步之后 W ← W ⊙ M"),
    }

    @dataclass
    class Options:
        sparsity: float = knob(0.5, "Share of the pruned weights that are zero at the end (heads/neurons: share of "
                               "heads/neurons removed).", label="Target sparsity", min=0.0, max=0.99)
        schedule: str = knob("cubic", "How sparsity grows from start to end: cubic (fast at first, then gently; "
                             "Zhu & Gupta) or linear.", choices=("cubic", "linear"))
        structure: str = knob("unstructured", "What is removed: single weights, whole attention heads or whole "
                              "feed-forward neurons.", choices=("unstructured", "heads", "neurons"))
        scope: str = knob("global", "Rank weights across all blocks together (global) or prune every layer to the "
                          "same share (layer).", choices=("global", "layer"))
        start: float = knob(0.1, "When pruning begins, as a fraction of training.", min=0.0, max=1.0)
        end: float = knob(0.7, "When the target sparsity is reached, as a fraction of training; the rest of "
                          "training recovers with the final mask.", min=0.0, max=1.0)
        every: int = knob(10, "Steps between mask updates while sparsity grows.", min=1, max=100000, advanced=True)

        zh = {   # the knobs' (label, help) in Chinese
            "sparsity": ("目标稀疏度", "结束时被剪枝的权重中为零的比例（heads/neurons：被移除的注意力头/神经元的"
                                  "比例）。"),
            "schedule": ("稀疏度计划", "稀疏度从 start 增长到 end 的方式：cubic（三次，先快后缓；Zhu & Gupta）或 "
                                  "linear（线性）。"),
            "structure": ("剪枝结构", "移除的单位：单个权重、整个注意力头或整个前馈神经元。"),
            "scope": ("剪枝范围", "在所有块之间统一给权重排序（global），或让每层剪掉相同的比例（layer）。"),
            "start": ("开始时间", "剪枝开始的时间，以训练进度的比例表示。"),
            "end": ("结束时间", "达到目标稀疏度的时间，以训练进度的比例表示；之后的训练在最终掩码下恢复精度。"),
            "every": ("更新间隔", "稀疏度增长期间两次掩码更新之间的步数。"),
        }

    @classmethod
    def check(cls, options, cfg):
        if options.end < options.start:
            raise ConfigError("strategy.prune.end", f"end ({options.end}) is before start ({options.start}); "
                              "pruning must reach its target after it begins")

    def __init__(self, options):
        super().__init__(options)
        self.level = 0.0                          # sparsity of the current masks
        self.masks: dict[str, torch.Tensor] = {}  # parameter name -> bool mask (True = kept)
        self.params: dict[str, torch.nn.Parameter] = {}
        self.blocks: list[Block] = []

    # ---- which tensors ------------------------------------------------------------------------------------------
    def prepare(self, model, ctx):
        o = self.opts
        if o.structure == "unstructured":
            modules = dict(model.named_modules())
            self.params = {f"{full}.weight": modules[full].weight for full, _ in block_linears(model)}
        else:
            self.blocks = structured_blocks(model, o.structure)
            self.params = {m.name: m.param for b in self.blocks for m in b.members}
        n = sum(p.numel() for name, p in self.params.items() if p.dim() >= 2)
        ctx.log(f"prune: {o.structure} pruning of {n:,} block weights to {o.sparsity:.0%} ({o.scope} ranking, "
                f"{o.schedule} schedule from {o.start:.0%} to {o.end:.0%} of training)")
        return model

    def target(self, done: int, total: int) -> float:
        """Sparsity the schedule asks for after `done` of `total` steps."""
        o = self.opts
        t0, t1 = round(o.start * total), round(o.end * total)
        if done < t0 or (done == t0 and t1 > t0):
            return 0.0
        p = 1.0 if t1 <= t0 else min(1.0, (done - t0) / (t1 - t0))
        return o.sparsity * (p if o.schedule == "linear" else 1.0 - (1.0 - p) ** 3)

    # ---- masks ----------------------------------------------------------------------------------------------------
    @torch.no_grad()
    def compute_masks(self, level: float) -> dict[str, torch.Tensor]:
        if self.opts.structure != "unstructured":
            return self._unit_masks(level)
        weights = self.params
        if self.opts.scope == "layer":
            return {name: _keep_largest(w.detach().abs(), level) for name, w in weights.items()}
        # global: one threshold over every weight of every block
        flat = torch.cat([w.detach().abs().flatten().float().cpu() for w in weights.values()])
        k = round(level * flat.numel())
        if k == 0:
            return {name: torch.ones_like(w, dtype=torch.bool) for name, w in weights.items()}
        threshold = flat.kthvalue(k).values.item()
        return {name: w.detach().abs() > threshold for name, w in weights.items()}

    def _unit_masks(self, level: float) -> dict[str, torch.Tensor]:
        scores = [b.importance() for b in self.blocks]
        if self.opts.scope == "layer":
            keeps = [_keep_largest(s, level) for s in scores]
        else:
            flat = torch.cat([s.cpu() for s in scores])
            keep_flat = _keep_largest(flat, level)
            keeps = list(keep_flat.split([len(s) for s in scores]))
        return {m.name: m.mask_from(keep) for b, keep in zip(self.blocks, keeps) for m in b.members}

    @torch.no_grad()
    def apply(self) -> None:
        for name, mask in self.masks.items():
            p = self.params[name]
            if mask.device != p.device:
                self.masks[name] = mask = mask.to(p.device)
            p.mul_(mask)

    # ---- hooks ----------------------------------------------------------------------------------------------------
    def after_step(self, model, ctx) -> None:
        done, goal = ctx.step + 1, self.opts.sparsity
        level = self.target(done, ctx.total_steps)
        # Update every `every` steps while sparsity grows, and always when the final level is due.
        if level > self.level and (done % self.opts.every == 0 or level >= goal - 1e-12):
            self.masks = self.compute_masks(level)
            self.level = level
        self.apply()

    def finalize(self, model, ctx):
        # Weights restored from an early-stopping best (or swapped in by EMA) get the final mask too.
        self.apply()
        measured = self.measured()
        if self.opts.sparsity - measured > 0.01:
            ctx.log(f"prune: reached {measured:.1%} sparsity of the {self.opts.sparsity:.0%} target (training ended "
                    "before the schedule's end)", "warning")
        return model

    def state_dict(self) -> dict[str, torch.Tensor]:
        state = {f"mask.{name}": m.cpu() for name, m in self.masks.items()}
        state["level"] = torch.tensor(self.level, dtype=torch.float64)
        return state

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        if "level" in state:
            self.level = float(state["level"])
        self.masks = {k[len("mask."):]: v.bool() for k, v in state.items() if k.startswith("mask.")}

    # ---- figures --------------------------------------------------------------------------------------------------
    def measured(self) -> float:
        """Share of exact zeros in the pruned weight matrices (biases left out)."""
        mats = [p for p in self.params.values() if p.dim() >= 2]
        total = sum(p.numel() for p in mats)
        zeros = sum((p.detach() == 0).sum().item() for p in mats)
        return zeros / max(total, 1)

    def report(self) -> dict:
        out = {"prune_sparsity": round(self.measured(), 6), "prune_target": self.opts.sparsity}
        if self.blocks:
            removed = sum(int((b.importance() == 0).sum()) for b in self.blocks)
            out.update(prune_units_removed=removed, prune_units_total=sum(b.n for b in self.blocks))
        return out


def _keep_largest(scores: torch.Tensor, level: float) -> torch.Tensor:
    """Bool mask keeping all but the round(level · n) smallest entries (exactly that many are dropped)."""
    k = round(level * scores.numel())
    keep = torch.ones_like(scores, dtype=torch.bool)
    if k > 0:
        drop = scores.flatten().float().topk(k, largest=False).indices
        keep.view(-1)[drop] = False
    return keep
