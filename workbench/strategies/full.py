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

    def prepare(self, model, ctx):
        for p in model.parameters():
            p.requires_grad_(True)
        return model
