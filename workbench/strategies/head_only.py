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
    conflicts = ("lora", "dora", "qlora", "prefix", "prompt", "ia3")
    tasks = ("classification", "token_classification", "qa", "multitask")

    def prepare(self, model, ctx):
        head = head_names(model, ctx.new_names)
        if not head:
            raise ModelError("head_only found no task head to train in this model")
        for name, p in model.named_parameters():
            p.requires_grad_(name in head)
        return model
