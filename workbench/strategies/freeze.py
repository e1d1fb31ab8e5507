"""Freeze the embeddings and the bottom k transformer blocks; the rest (upper blocks, head) trains."""

from dataclasses import dataclass

from ..model.anatomy import block_prefix, layer_of, num_layers, param_depths
from ..errors import ConfigError
from ..options import knob
from ..strategies import STRATEGIES
from .base import Strategy


@STRATEGIES.register("freeze")
class Freeze(Strategy):
    order = 10
    summary = "Freeze embeddings + the bottom k layers (k<0: all but the top -k)."
    explain = ("The lower layers keep their pre-trained weights exactly; only the upper layers and the head "
               "adapt. Cheaper and safer for small data, but the frozen part cannot adapt at all: knowledge flows "
               "one way, from the pre-trained model into the task.")
    direction = "one-directional"
    group = "trainable-set"
    zh = {
        "summary": "冻结词嵌入层和底部 k 层（k<0：只训练顶部 -k 层）。",
        "explain": ("底部各层完全保留预训练权重，只有上层和任务头参与适配。数据少时更省算力也更稳妥，但被冻结的部"
                    "分完全无法适配：知识单向流动，只从预训练模型流向任务。"),
    }

    @dataclass
    class Options:
        k: int = knob(-2, "Blocks to freeze from the bottom; negative: freeze all but the top -k blocks.",
                      min=-1000, max=1000)

        zh = {   # the knobs' (label, help) in Chinese
            "k": ("冻结层数 k", "从底部起冻结的块数；负数：冻结除顶部 -k 个块之外的所有块。"),
        }

    @classmethod
    def check(cls, options, cfg):
        if options.k == 0:
            raise ConfigError("strategy.freeze.k", "k=0 freezes only the embeddings; use a positive k (bottom "
                              "blocks) or a negative k (all but the top -k)")

    def frozen_blocks(self, model) -> int:
        n = num_layers(model)
        k = self.opts.k if self.opts.k > 0 else n + self.opts.k
        if not 0 <= k <= n:
            raise ConfigError("strategy.freeze.k", f"the model has {n} blocks; k must be between -{n} and {n}")
        return k

    def prepare(self, model, ctx):
        k, prefix, depths = self.frozen_blocks(model), block_prefix(model), param_depths(model)
        n = num_layers(model)
        for name, p in model.named_parameters():
            i = layer_of(name, prefix)
            below = depths[name] == n + 1          # embeddings and anything under the first block
            p.requires_grad_(not (below or (i is not None and i < k)))
        ctx.log(f"freeze: embeddings and blocks 0..{k - 1} of {n} are frozen")
        return model
