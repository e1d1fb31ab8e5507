"""Prefix tuning: learned key/value vectors for n virtual positions in every attention layer; the model is frozen
(Li & Liang, 2021). Nothing to merge: the run saves the prefix with a reference to its base model."""

import inspect
from dataclasses import dataclass

from ..errors import ModelError
from ..options import knob
from ..strategies import STRATEGIES
from ._peft import PromptLearning, head_modules, task_type


@STRATEGIES.register("prefix")
class Prefix(PromptLearning):
    order = 64
    summary = "Prefix tuning: learned keys/values before the input in every attention layer (decoder LMs)."
    explain = ("The whole model stays frozen; every attention layer gets n extra learned key/value pairs that each "
               "token can attend to, which steers the model towards the task. Deeper than prompt tuning (it acts "
               "in every layer), still tiny; it needs a high learning rate (about 1e-3 to 1e-2). It works for "
               "causal language modelling with decoders (GPT-2, Llama...). Not for classification: peft hands the "
               "prefix to classifiers through an argument current transformers no longer has, and encoders "
               "(BERT/MiniLM) take no cached keys/values at all; use prompt, lora or ia3 there. The prefix cannot "
               "be merged into the weights: the saved model is the prefix plus a reference to the base model.")
    formula = "attention over [P_k; K] and [P_v; V] in every layer,   θ frozen, P_k, P_v ∈ R^{n×d} trained"
    tasks = ("causal_lm",)

    @dataclass
    class Options:
        num_virtual_tokens: int = knob(20, "Number n of learned key/value positions per attention layer.",
                                       label="Virtual tokens", min=1, max=512)
        projection: bool = knob(False, "Produce the prefix through a small two-layer network during training "
                                "(the original paper's reparametrisation; steadier, more to train).")

    def peft_config(self, model, ctx):
        from peft import PrefixTuningConfig   # lazy: peft, only for adapters
        params = inspect.signature(model.forward).parameters
        takes_cache = any(p in params for p in ("past_key_values", "cache")) or any(
            p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        if not takes_cache:
            raise ModelError(f"prefix tuning needs a model that takes cached keys/values, and {type(model).__name__} "
                             "does not; use prompt, lora or ia3 with this model")
        o = self.opts
        self.check_positions(model, ctx)
        hidden = getattr(model.config, "hidden_size", None) or getattr(model.config, "n_embd", None)
        return PrefixTuningConfig(task_type=task_type(ctx.cfg.task.name), num_virtual_tokens=o.num_virtual_tokens,
                                  prefix_projection=o.projection, encoder_hidden_size=hidden,
                                  modules_to_save=head_modules(model, ctx.new_names))
