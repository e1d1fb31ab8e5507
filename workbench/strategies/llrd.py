"""Layer-wise learning-rate decay (discriminative fine-tuning): the head learns at the full rate, each block
below at `decay` times the rate of the block above, the embeddings slowest."""

from dataclasses import dataclass

from ..model.anatomy import num_layers, param_depths
from ..errors import ConfigError
from ..options import knob
from ..strategies import STRATEGIES
from .base import Strategy


@STRATEGIES.register("llrd")
class LLRD(Strategy):
    order = 30
    summary = "Layer-wise lr decay: lr·decay^(depth from the top); lower layers move less."
    explain = ("Lower layers hold general language knowledge, upper layers more task-specific features. Giving "
               "each layer a smaller learning rate than the one above it (the head gets the full rate, the "
               "embeddings the smallest) lets the top adapt quickly while the bottom keeps what pre-training "
               "taught. Still one-directional on its own, but it softens forgetting and composes with every "
               "other strategy (e.g. l2sp + llrd).")
    formula = "lr_layer = lr · decay^d, d = 0 for the head, 1 for the top block, …, L + 1 for the embeddings"
    direction = "one-directional"
    zh = {
        "summary": "逐层学习率衰减：lr·decay^(距顶层的深度)；越靠底层更新越小。",
        "explain": ("底层保存通用的语言知识，上层保存更偏向任务的特征。让每一层的学习率都比其上一层小（任务头使用"
                    "完整学习率，词嵌入层最小），顶层就能快速适配，而底层保留预训练学到的知识。单独使用时仍是单向"
                    "迁移，但能减轻遗忘，并且可以与其他任何策略组合（例如 l2sp + llrd）。"),
        "formula": "lr_layer = lr · decay^d，任务头 d = 0，顶层块 d = 1，…，词嵌入层 d = L + 1",
    }

    @dataclass
    class Options:
        decay: float = knob(0.9, "Factor between a layer's learning rate and the one above it (1: no decay). "
                            "0.8-0.95 is typical; smaller keeps the lower layers closer to pre-training.",
                            label="Decay per layer", min=0.01, max=1.0)

        zh = {   # the knobs' (label, help) in Chinese
            "decay": ("每层衰减系数", "某层学习率与其上一层学习率之比（1：不衰减）。常用 0.8–0.95；越小，底层越接"
                                "近预训练状态。"),
        }

    @classmethod
    def check(cls, options, cfg):
        if "head_only" in cfg.strategy_names():
            raise ConfigError("strategy.llrd", "with 'head_only' only the head trains, and it keeps the full rate: "
                              "llrd would change nothing; drop one of them")

    def lr_multipliers(self, model, ctx) -> dict[str, float]:
        depths = param_depths(model)
        n = num_layers(model)
        ctx.log(f"llrd: lr factors from 1 (head) to {self.opts.decay ** (n + 1):.3g} (embeddings) over {n} blocks")
        return {name: self.opts.decay ** d for name, d in depths.items()}
