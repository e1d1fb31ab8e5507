"""Linear probe: only the new task head trains; the whole pre-trained model stays fixed."""

from ..model.anatomy import head_names
from ..errors import ModelError
from ..strategies import STRATEGIES
from .base import Strategy


@STRATEGIES.register("head_only")
class HeadOnly(Strategy):
    order = 20
    summary = "Only the new task head trains (linear probe)."
    explain = ("The pre-trained model is a fixed feature extractor and only the new output layer learns. "
               "Nothing is forgotten, but nothing in the model adapts to the task either.")
    direction = "one-directional"
    group = "trainable-set"
    conflicts = ("adapter",)
    zh = {
        "summary": "只训练新的任务头（线性探测）。",
        "explain": ("预训练模型作为固定的特征提取器，只有新的输出层在学习。不会遗忘任何知识，但模型本身也完全不会"
                    "向任务适配。"),
    }

    @classmethod
    def applies_to(cls, task_cls) -> bool:
        return task_cls.new_head             # a pre-trained body with a new head to train

    def prepare(self, model, ctx):
        head = head_names(model, ctx.new_names)
        if not head:
            raise ModelError("head_only found no task head to train in this model")
        for name, p in model.named_parameters():
            p.requires_grad_(name in head)
        return model
