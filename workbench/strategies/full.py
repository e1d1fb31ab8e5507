"""Full fine-tuning: every parameter trains. The baseline the other strategies are measured against."""

from ..strategies import STRATEGIES
from .base import Strategy


@STRATEGIES.register("full")
class Full(Strategy):
    order = 0
    summary = "All parameters train (the baseline)."
    explain = ("Every weight of the pre-trained model and the new head is updated. Learns the task fastest, but "
               "nothing holds the model near what pre-training taught it, so general knowledge can be forgotten "
               "(catastrophic forgetting).")
    direction = "one-directional"
    group = "trainable-set"
    zh = {
        "summary": "全部参数参与训练（基线）。",
        "explain": ("预训练模型的每个权重和新加的任务头都会更新。学习任务最快，但没有任何约束让模型保持在预训练学"
                    "到的状态附近，通用知识可能被遗忘（灾难性遗忘）。"),
    }

    def prepare(self, model, ctx):
        for p in model.parameters():
            p.requires_grad_(True)
        return model
